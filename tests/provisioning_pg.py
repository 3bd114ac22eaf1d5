#!/usr/bin/env python3
"""`pgstore sql` and `pgstore audit` on the throw-away cluster of tests/pg/with-cluster.sh.

Runs the generated scripts (each layout and authentication, twice), then proves what they did
by logging in as each user: the reader reads and nothing more, the writer writes and uses
sequences but cannot create or drop, the owner creates, tables the owner creates later are
covered, every search_path is the schema, SCRAM verifiers accept the password and only it, and
hostile names and passwords are created exactly as given and run nothing else. With --audit,
`pgstore audit` passes each correct setup, reports deliberately broken ones with the SQL that
fixes them, and passes again once that SQL has run.

Every database and role has this run's id in its name, so runs sharing a cluster never meet;
all of them are dropped at the end, and the lines added to pg_hba.conf are taken out again.
Reads PGSTORE_PG_*. Without them the test is skipped (exit 77), unless CI is set: then it fails.
"""
import argparse
import base64
import hashlib
import hmac
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import sys
import tempfile

failures = []


def expect(condition, what, output=None):
    if condition:
        print(f"ok: {what}")
        return
    failures.append(what)
    print(f"FAIL: {what}")
    if output is not None:
        print("---- output ----\n" + str(output) + "\n----")


def conninfo_value(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def properties_value(value):
    """A .properties value that java.util.Properties reads back as `value`."""
    out = value.replace("\\", "\\\\")
    return ("\\" + out) if out.startswith(" ") else out


class Cluster:
    def __init__(self, env):
        self.port = env["PGSTORE_PG_PORT"]
        self.socket = env["PGSTORE_PG_PRIMARY_SOCKET"]
        self.primary = env["PGSTORE_PG_PRIMARY"]
        pg_bin = env.get("PGSTORE_PG_BIN", "")
        self.psql_bin = os.path.join(pg_bin, "psql") if pg_bin and os.path.exists(
            os.path.join(pg_bin, "psql")) else shutil.which("psql") or "/usr/bin/psql"
        # Inherited PG* variables would redirect or alter psql.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    def run(self, conninfo, sql=None, script=None, password=None):
        """psql on `conninfo` with -c SQL or -f SCRIPT: (exit status, stdout, stderr)."""
        cmd = [self.psql_bin, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
        if script is not None:
            cmd += ["-f", str(script)]
        else:
            cmd += ["-c", sql]
        env = dict(self.env)
        if password is not None:
            env["PGPASSWORD"] = password
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def local(self, user, database):
        """Over the primary's unix socket, where pg_hba.conf trusts every user."""
        return (f"host={conninfo_value(self.socket)} port={self.port} "
                f"dbname={conninfo_value(database)} user={conninfo_value(user)}")

    def tcp(self, user, database):
        return (f"host={self.primary} port={self.port} dbname={conninfo_value(database)} "
                f"user={conninfo_value(user)} sslmode=disable connect_timeout=5")

    def su(self, sql, database="postgres"):
        rc, out, err = self.run(self.local("postgres", database), sql)
        if rc != 0:
            raise RuntimeError(f"as postgres in {database}: {sql}\n{err}")
        return out

    def literal(self, value):
        return "'" + value.replace("'", "''") + "'"


def scram_verifier(password, salt, iterations):
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client = hmac.new(salted, b"Client Key", "sha256").digest()
    stored = hashlib.sha256(client).digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server)}"


class Run:
    def __init__(self, args, cluster, work, run_id):
        self.pgstore = args.pgstore
        self.c = cluster
        self.work = work
        self.id = run_id
        self.databases = []
        self.roles = []
        self.hba_marker = f"# pgstore provisioning test {run_id}"

    # --- helpers -------------------------------------------------------------------------

    def sql(self, layout, auth, database, schema, user, passwords=None, plain=False):
        """`pgstore sql`: (exit status, script, stderr)."""
        cmd = [self.pgstore, "sql", "--layout", layout, "--auth", auth,
               "--database", database, "--schema", schema, "--user", user]
        if passwords is not None:
            pw = self.work / f"pw-{len(list(self.work.iterdir()))}"
            pw.write_text("".join(p + "\n" for p in passwords))
            pw.chmod(0o600)
            cmd += ["--password-file", str(pw)]
        if plain:
            cmd.append("--plain-password")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def provision(self, name, layout, auth, database, schema, user, passwords=None, plain=False,
                  between=None):
        """Generates the script, runs it twice (calling `between` after the first run) and
        remembers what to drop. Returns the script text."""
        users = [user] if layout == "typical" else [user + s for s in ("_su", "_rw", "_ro")]
        self.databases.append(database)
        self.roles += users
        rc, script, err = self.sql(layout, auth, database, schema, user, passwords, plain)
        expect(rc == 0 and script.startswith("-- Generated by pgstore"),
               f"{name}: pgstore sql prints a script", err)
        path = self.work / (re.sub(r"[^a-z]+", "-", name) + ".sql")
        path.write_text(script)
        for attempt in ("first", "second"):
            rc, out, psql_err = self.c.run(self.c.local("postgres", "postgres"), script=path)
            expect(rc == 0, f"{name}: the script runs start to end ({attempt} run)", psql_err)
            if attempt == "first" and between:
                between()
        return script, err

    def login(self, user, database, sql):
        return self.c.run(self.c.local(user, database), sql)

    def can(self, name, user, database, sql, expected_output=None):
        rc, out, err = self.login(user, database, sql)
        ok = rc == 0 and (expected_output is None or out.strip() == expected_output)
        expect(ok, f"{name}: {sql}", f"exit {rc}\nstdout: {out}\nstderr: {err}")

    def cannot(self, name, user, database, sql, error="permission denied"):
        rc, out, err = self.login(user, database, sql)
        expect(rc != 0 and error in err, f"{name}: refused: {sql}",
               f"exit {rc}\nstdout: {out}\nstderr: {err}")

    def add_hba(self, database):
        hba = self.c.su("SHOW hba_file").strip()
        with open(hba, "a") as f:
            f.write(f"host {database} all 127.0.0.0/8 scram-sha-256 {self.hba_marker}\n")
        self.c.su("SELECT pg_reload_conf()")

    def cleanup(self):
        for database in self.databases:
            try:
                self.c.su(f"DROP DATABASE IF EXISTS {quote_ident(database)} WITH (FORCE)")
            except RuntimeError as e:
                print(f"note: {e}")
        for role in self.roles:
            try:
                self.c.su(f"DROP ROLE IF EXISTS {quote_ident(role)}")
            except RuntimeError as e:
                print(f"note: {e}")
        try:
            self.c.su(f"DROP TABLE IF EXISTS canary_{self.id}")
            hba = self.c.su("SHOW hba_file").strip()
            lines = pathlib.Path(hba).read_text().splitlines(keepends=True)
            pathlib.Path(hba).write_text("".join(l for l in lines if self.hba_marker not in l))
            self.c.su("SELECT pg_reload_conf()")
        except (RuntimeError, OSError) as e:
            print(f"note: {e}")

    # --- the checks ----------------------------------------------------------------------

    def check_advanced(self, name, database, schema, prefix):
        su, rw, ro = (prefix + s for s in ("_su", "_rw", "_ro"))
        # Tables the owner creates after the script ran: default privileges must cover them.
        self.can(name, su, database, "CREATE TABLE keys (id serial PRIMARY KEY, v text)")
        self.can(name, su, database, "INSERT INTO keys (v) VALUES ('first') RETURNING id", "1")
        for user in (su, rw, ro):
            self.can(name, user, database, "SELECT current_schema()", schema)

        self.can(name, ro, database, "SELECT v FROM keys", "first")
        self.cannot(name, ro, database, "INSERT INTO keys (v) VALUES ('x')")
        self.cannot(name, ro, database, "UPDATE keys SET v = 'x'")
        self.cannot(name, ro, database, "DELETE FROM keys")
        self.cannot(name, ro, database, "SELECT nextval('keys_id_seq')")
        self.cannot(name, ro, database, "CREATE TABLE mine (x int)")
        self.cannot(name, ro, database, "CREATE TABLE public.mine (x int)")

        self.can(name, rw, database, "INSERT INTO keys (v) VALUES ('second') RETURNING id", "2")
        self.can(name, rw, database, "UPDATE keys SET v = 'changed' WHERE id = 2 RETURNING v", "changed")
        self.can(name, rw, database, "SELECT currval('keys_id_seq') FROM (SELECT nextval('keys_id_seq')) n",
                 "3")
        self.can(name, rw, database, "DELETE FROM keys WHERE id = 2 RETURNING id", "2")
        self.cannot(name, rw, database, "CREATE TABLE mine (x int)")
        self.cannot(name, rw, database, "DROP TABLE keys", "must be owner")
        self.cannot(name, rw, database, "TRUNCATE keys")
        self.cannot(name, rw, database, "ALTER TABLE keys ADD COLUMN w int", "must be owner")

        # A table and sequence made by someone else before the second run: the grants on
        # existing objects.
        self.can(name, ro, database, "SELECT count(*) FROM earlier", "0")
        self.can(name, rw, database, "INSERT INTO earlier (x) VALUES (5) RETURNING id", "1")
        self.can(name, su, database, "DROP TABLE keys")

    def check_typical(self, name, database, schema, user):
        self.can(name, user, database, "SELECT current_schema()", schema)
        self.can(name, user, database, "CREATE TABLE keys (id serial PRIMARY KEY, v text)")
        self.can(name, user, database, "INSERT INTO keys (v) VALUES ('a') RETURNING id", "1")
        self.can(name, user, database, "SELECT count(*) FROM earlier", "0")
        self.can(name, user, database, "DROP TABLE keys")

    def earlier_table(self, database, schema):
        return lambda: self.c.su(f"CREATE TABLE {quote_ident(schema)}.earlier (x int, id serial)", database)

    def layouts(self):
        """Each layout and authentication, twice, and what each user can do."""
        pw = {}
        for layout in ("typical", "advanced"):
            for auth in ("cert", "password"):
                tag = layout[0] + auth[0]
                name = f"{layout}/{auth}"
                database = f"db_pgstore_sql_test_{self.id}_{tag}"
                schema = "ekm"
                user = f"u{self.id}_{tag}" if layout == "advanced" else f"user_{self.id}_{tag}"
                passwords = None
                if auth == "password":
                    count = 1 if layout == "typical" else 3
                    passwords = [f"Pw'{i}\\\"{secrets.token_hex(4)} x" for i in range(count)]
                    pw[tag] = passwords
                script, err = self.provision(name, layout, auth, database, schema, user, passwords,
                                             between=self.earlier_table(database, schema))
                expect(err == "", f"{name}: no warnings", err)
                if layout == "advanced":
                    self.check_advanced(name, database, schema, user)
                else:
                    self.check_typical(name, database, schema, user)
                if passwords:
                    self.check_scram(name, database, user, layout, passwords, script)
        return pw

    def check_scram(self, name, database, user, layout, passwords, script):
        users = [user] if layout == "typical" else [user + s for s in ("_su", "_rw", "_ro")]
        for p in passwords:
            expect(p not in script, f"{name}: the script does not hold the clear password")
        self.add_hba(database)
        for u, p in zip(users, passwords):
            stored = self.c.su(f"SELECT rolpassword FROM pg_authid WHERE rolname = {self.c.literal(u)}").strip()
            m = re.fullmatch(r"SCRAM-SHA-256\$(\d+):([^$]+)\$[^:]+:.+", stored)
            expect(m is not None and m.group(1) == "4096", f"{name}: {u} has a SCRAM-SHA-256 verifier", stored)
            if m:
                salt = base64.b64decode(m.group(2))
                expect(len(salt) == 16 and stored == scram_verifier(p, salt, 4096),
                       f"{name}: {u}'s verifier is the one of its password")
                expect(stored in script, f"{name}: the server stored the script's verifier as it is")
            rc, out, err = self.c.run(self.c.tcp(u, database), "SELECT current_user", password=p)
            expect(rc == 0 and out.strip() == u, f"{name}: {u} logs in over TCP with its password", err)
            rc, out, err = self.c.run(self.c.tcp(u, database), "SELECT 1", password=p + "x")
            expect(rc != 0 and "password authentication failed" in err,
                   f"{name}: {u} is refused with another password", err)

    def plain_password(self):
        database = f"db_pgstore_sql_test_{self.id}_plain"
        user = f"user_{self.id}_plain"
        password = f"Plain'\\{secrets.token_hex(4)}"
        script, err = self.provision("plain password", "typical", "password", database, "ekm", user,
                                     [password], plain=True)
        expect("warning: the passwords are in the script as clear text" in err,
               "plain password: pgstore sql warns on stderr", err)
        self.add_hba(database)
        rc, out, err = self.c.run(self.c.tcp(user, database), "SELECT current_user", password=password)
        expect(rc == 0, "plain password: the user logs in with the password", err)

    def hostile(self):
        """Names with quotes, spaces, upper case, reserved words and semicolons, and a password
        with quotes and backslashes: created exactly as given, nothing else runs."""
        canary = f"canary_{self.id}"
        self.c.su(f"CREATE TABLE {canary} (x int); INSERT INTO {canary} VALUES (42)")
        attack = f'"; DROP TABLE {canary}; --'
        cases = [
            ("hostile advanced", "advanced", "cert",
             f"Db {self.id} {attack} $$x$$", f"Select {attack}", f"U{self.id}'s \\{attack}"),
            ("hostile typical", "typical", "password",
             f"db_pgstore_sql_test_{self.id}_hostile", "select", f"User {self.id}; {attack}"),
        ]
        password = f"p'a\"s\\s {attack} $$ \\\\'"
        for name, layout, auth, database, schema, user in cases:
            passwords = [password] if auth == "password" else None

            def second_canary(database=database, schema=schema):
                self.c.su(f"CREATE TABLE {canary} (x int); INSERT INTO {canary} VALUES (7)", database)
                self.earlier_table(database, schema)()

            self.provision(name, layout, auth, database, schema, user, passwords, between=second_canary)
            users = [user] if layout == "typical" else [user + s for s in ("_su", "_rw", "_ro")]
            expect(self.c.su(f"SELECT x FROM {canary}").strip() == "42", f"{name}: the canary in postgres lives")
            expect(self.c.su(f"SELECT x FROM {canary}", database).strip() == "7",
                   f"{name}: the canary in the new database lives")
            databases = self.c.su("SELECT datname FROM pg_database").splitlines()
            expect(database in databases, f"{name}: database {database!r} exists exactly as given", databases)
            schemas = self.c.su("SELECT nspname FROM pg_namespace", database).splitlines()
            expect(schema in schemas, f"{name}: schema {schema!r} exists exactly as given", schemas)
            roles = self.c.su(f"SELECT rolname FROM pg_roles WHERE strpos(rolname, {self.c.literal(self.id)}) > 0 "
                              "ORDER BY rolname").splitlines()
            for u in users:
                expect(u in roles, f"{name}: role {u!r} exists exactly as given", roles)
            if layout == "advanced":
                self.check_advanced(name, database, schema, user)
            else:
                self.check_typical(name, database, schema, user)
                self.add_hba(database)
                rc, out, err = self.c.run(self.c.tcp(user, database), "SELECT current_user", password=password)
                expect(rc == 0 and out.strip() == user, f"{name}: the hostile password logs in", err)
                rc, out, err = self.c.run(self.c.tcp(user, database), "SELECT 1", password=password[:-1])
                expect(rc != 0, f"{name}: a near miss of the hostile password is refused", err)
        expected_roles = [r for r in self.roles]
        roles = self.c.su(f"SELECT rolname FROM pg_roles WHERE strpos(rolname, {self.c.literal(self.id)}) > 0"
                          ).splitlines()
        expect(sorted(roles) == sorted(expected_roles), "no role beyond the scripts' own was created",
               (sorted(roles), sorted(expected_roles)))

    # --- audit ---------------------------------------------------------------------------

    def properties(self, database, schema, user, password):
        path = self.work / f"{user}.properties"
        path.write_text("\n".join([
            "store.type=DatabaseStore", "store.database.vendor=postgres",
            f"store.postgres.host={self.c.primary}", f"store.postgres.port={self.c.port}",
            f"store.postgres.database={database}", f"store.postgres.schema={schema}",
            f"store.postgres.username={user}", "store.postgres.auth.method=password",
            f"store.postgres.auth.password={properties_value(password)}", ""]))
        return path

    def audit(self, path, *extra):
        p = subprocess.run([self.pgstore, "audit", *extra, str(path)], capture_output=True, text=True,
                           timeout=60)
        return p.returncode, p.stdout, p.stderr

    def apply_hints(self, output, database):
        """Runs the SQL of every hint, as a superuser in the audited database."""
        fixes = re.findall(r"^  hint: run as a superuser[^:]*: (.*)$", output, re.M)
        for fix in fixes:
            self.c.su(fix, database)
        return fixes

    def audits(self, pw):
        tag = "ap"
        database = f"db_pgstore_sql_test_{self.id}_{tag}"
        prefix = f"u{self.id}_{tag}"
        files = {}
        for i, suffix in enumerate(("_su", "_rw", "_ro")):
            files[suffix] = self.properties(database, "ekm", prefix + suffix, pw[tag][i])
        typical = self.properties(f"db_pgstore_sql_test_{self.id}_tp", "ekm", f"user_{self.id}_tp", pw["tp"][0])
        # A table made by the owner, and one by a superuser that the script's second run covered;
        # then a third run, which must leave the owner's table as the layout wants it.
        self.can("audit", prefix + "_su", database, "CREATE TABLE keys (id serial PRIMARY KEY, v text)")
        rc, out, err = self.c.run(self.c.local("postgres", "postgres"), script=self.work / "advanced-password.sql")
        expect(rc == 0, "audit: the script runs a third time, over the owner's tables", err)

        for label, path in [("typical", typical)] + [(s, p) for s, p in files.items()]:
            rc, out, err = self.audit(path)
            expect(rc == 0 and "pgstore audit: the database side matches the layout" in out,
                   f"audit: a correct setup passes ({label})", out + err)
            expect(pw[tag][0] not in out + err and pw["tp"][0] not in out + err,
                   f"audit: no password in the output ({label})")

        ro, rw = prefix + "_ro", prefix + "_rw"
        self.c.su(f"REVOKE SELECT ON ekm.keys FROM {ro}; GRANT INSERT, DELETE ON ekm.keys TO {ro}", database)
        rc, out, err = self.audit(files["_ro"])
        props = str(files["_ro"])
        expect(rc == 1, "audit: a broken grant exits 1", out + err)
        expect(f"{props}:6:1: error: expected SELECT on table `ekm.keys` for read-only user `{ro}`, saw no SELECT "
               f"[table-privilege]\n  hint: run as a superuser or the owner: GRANT SELECT ON TABLE ekm.keys TO {ro};\n"
               in out, "audit: the missing SELECT, with the GRANT that fixes it", out)
        expect(f"{props}:6:1: error: expected at most SELECT on table `ekm.keys` for read-only user `{ro}`, saw also "
               f"INSERT, DELETE [table-privilege]\n  hint: run as a superuser or the owner: REVOKE INSERT, DELETE ON "
               f"TABLE ekm.keys FROM {ro};\n" in out, "audit: the extra INSERT, DELETE, with the REVOKE", out)
        expect("pgstore audit: 2 differences from the layout" in out, "audit: counts the differences", out)
        self.apply_hints(out, database)
        rc, out, err = self.audit(files["_ro"])
        expect(rc == 0, "audit: passes once the hints' SQL has run", out + err)
        self.cannot("audit", ro, database, "INSERT INTO keys (v) VALUES ('x')")

        # Default privileges, the writer's sequences and search_path.
        self.c.su(f"ALTER DEFAULT PRIVILEGES FOR ROLE {prefix}_su IN SCHEMA ekm REVOKE UPDATE ON SEQUENCES FROM {rw}; "
                  f"ALTER ROLE {rw} IN DATABASE {database} SET search_path TO public, ekm; "
                  f"GRANT CREATE ON SCHEMA ekm TO {rw}", database)
        rc, out, err = self.audit(files["_rw"])
        expect(rc == 1 and "[default-privilege]" in out and "[search-path]" in out and "[schema-privilege]" in out,
               "audit: default privileges, search_path and CREATE on the schema are reported", out + err)
        fixes = self.apply_hints(out, database)
        expect(len(fixes) == 3, "audit: each finding has its fix", fixes)
        rc, out, err = self.audit(files["_rw"])
        expect(rc == 0, "audit: the writer passes once fixed", out + err)
        self.can("audit", prefix + "_su", database, "CREATE TABLE later (id serial PRIMARY KEY)")
        self.can("audit", rw, database, "INSERT INTO later DEFAULT VALUES RETURNING id", "1")

        self.audit_cert()

        # The typical user through the role flag: it is no reader.
        rc, out, err = self.audit(typical, "--layout", "typical", "--role", "ro")
        expect(rc == 2 and "expected no read-write or read-only role in the typical layout" in err,
               "audit: a reader role in the typical layout is a usage error", out + err)


    def audit_cert(self):
        """The typical certificate setup, audited over TLS with a client certificate made for
        its user by the cluster's CA, its key in PKCS#8 DER as the services want it."""
        tls = pathlib.Path(os.environ["PGSTORE_PG_DIR"]) / "tls"
        database = f"db_pgstore_sql_test_{self.id}_tc"
        user = f"user_{self.id}_tc"
        key, csr, crt, der = (self.work / f"{user}.{x}" for x in ("key", "csr", "crt", "pk8"))
        steps = [
            ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(key)],
            ["openssl", "req", "-new", "-key", str(key), "-subj", f"/CN={user}", "-out", str(csr)],
            ["openssl", "x509", "-req", "-in", str(csr), "-CA", str(tls / "ca.crt"), "-CAkey", str(tls / "ca.key"),
             "-CAcreateserial", "-CAserial", str(self.work / "ca.srl"), "-days", "2", "-out", str(crt)],
            ["openssl", "pkcs8", "-topk8", "-outform", "DER", "-nocrypt", "-in", str(key), "-out", str(der)],
        ]
        for step in steps:
            p = subprocess.run(step, capture_output=True, text=True)
            if p.returncode != 0:
                expect(False, f"audit cert: {step[1]} works", p.stderr)
                return
        der.chmod(0o600)
        hba = self.c.su("SHOW hba_file").strip()
        with open(hba, "a") as f:
            f.write(f"hostssl {database} all 127.0.0.0/8 cert {self.hba_marker}\n")
        self.c.su("SELECT pg_reload_conf()")
        path = self.work / f"{user}.properties"
        path.write_text("\n".join([
            "store.type=DatabaseStore", "store.database.vendor=postgres",
            f"store.postgres.host={self.c.primary}", f"store.postgres.port={self.c.port}",
            f"store.postgres.database={database}", "store.postgres.schema=ekm",
            f"store.postgres.username={user}", "store.postgres.auth.method=cert",
            f"store.postgres.auth.cert={crt}", f"store.postgres.auth.key={der}",
            f"store.postgres.auth.ca={tls / 'ca.crt'}", ""]))
        rc, out, err = self.audit(path)
        expect(rc == 0 and "matches the layout" in out, "audit: the typical certificate setup passes over TLS",
               out + err)
        self.c.su(f"REVOKE CREATE ON SCHEMA ekm FROM {user}", database)
        rc, out, err = self.audit(path)
        expect(rc == 1 and f"saw no CREATE [schema-privilege]\n  hint: run as a superuser or the owner: GRANT CREATE "
               f"ON SCHEMA ekm TO {user};" in out, "audit: the certificate user's missing CREATE", out + err)


def quote_ident(name):
    """Always quoted: never wrong, whatever keywords the server has."""
    return '"' + name.replace('"', '""') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgstore", required=True)
    ap.add_argument("--audit", action="store_true", help="pgstore was built with libpq: test audit too")
    args = ap.parse_args()

    if "PGSTORE_PG_PORT" not in os.environ:
        msg = ("provisioning-pg: PGSTORE_PG_* is not set, so there is no cluster; run through "
               "tests/pg/with-cluster.sh (tools/test.sh does)")
        if os.environ.get("CI"):
            print(msg + ". CI is set: failing instead of skipping")
            return 1
        print(msg + ". skipping")
        return 77

    cluster = Cluster(os.environ)
    work = pathlib.Path(tempfile.mkdtemp(prefix="pgstore-sql-test."))
    run = Run(args, cluster, work, f"{os.getpid()}{secrets.token_hex(2)}")
    try:
        pw = run.layouts()
        run.plain_password()
        run.hostile()
        if args.audit:
            run.audits(pw)
        else:
            print("note: pgstore was built without libpq, so `pgstore audit` is not tested")
    finally:
        run.cleanup()
        shutil.rmtree(work, ignore_errors=True)

    if failures:
        print(f"{len(failures)} check(s) failed:")
        for f in failures:
            print(f"  {f}")
        return 1
    print("all provisioning checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
