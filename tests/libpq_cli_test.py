#!/usr/bin/env python3
"""`pgstore test-connection` against the throw-away cluster of tests/pg/with-cluster.sh: the
per-host report lines, the server, TLS and query lines, exit codes, the DER key's private PEM
copy, and that the password is never printed.

Reads PGSTORE_PG_*. Without them the test is skipped (exit 77), unless CI is set: then it fails.
"""
import argparse
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time

failures = []


def expect(condition, what, output=None):
    if condition:
        print(f"ok: {what}")
        return
    failures.append(what)
    print(f"FAIL: {what}")
    if output is not None:
        print("---- output ----\n" + output + "----")


def silent_listener(host, port):
    """A socket that listens and never accepts: TCP connects, nothing ever answers."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((host, port))
    s.listen(64)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgstore", required=True)
    args = ap.parse_args()

    if "PGSTORE_PG_PORT" not in os.environ:
        msg = ("libpq-cli: PGSTORE_PG_* is not set, so there is no cluster; run through "
               "tests/pg/with-cluster.sh (tools/test.sh does)")
        if os.environ.get("CI"):
            print(msg + ". CI is set: failing instead of skipping")
            return 1
        print(msg + ". skipping")
        return 77

    e = os.environ
    port = e["PGSTORE_PG_PORT"]
    primary, replica = e["PGSTORE_PG_PRIMARY"], e["PGSTORE_PG_REPLICA"]
    password = e["PGSTORE_PG_PASSWORD"]
    work = pathlib.Path(tempfile.mkdtemp(prefix="pgstore-libpq-cli."))
    keys_tmp = work / "tmp"
    keys_tmp.mkdir()
    listeners = [silent_listener("127.0.0.6", int(port)), silent_listener("127.0.0.7", int(port))]

    def config(name, hosts, readonly=None, timeout=8, auth="password", extra=""):
        lines = ["store.type=DatabaseStore", "store.database.vendor=postgres",
                 f"store.postgres.host={hosts}", f"store.postgres.port={port}",
                 f"store.postgres.database={e['PGSTORE_PG_DATABASE']}",
                 f"store.postgres.schema={e['PGSTORE_PG_SCHEMA']}",
                 f"store.postgres.connection.timeout.seconds={timeout}"]
        if readonly:
            lines.append(f"store.postgres.host.readonly={readonly}")
        if auth == "password":
            lines += [f"store.postgres.username={e['PGSTORE_PG_PW_USER']}",
                      "store.postgres.auth.method=password",
                      f"store.postgres.auth.password={extra or password}"]
        else:
            lines += [f"store.postgres.username={e['PGSTORE_PG_CERT_USER']}",
                      "store.postgres.auth.method=cert",
                      f"store.postgres.auth.cert={e['PGSTORE_PG_CLIENT_CERT']}",
                      f"store.postgres.auth.key={e['PGSTORE_PG_CLIENT_KEY_DER']}",
                      f"store.postgres.auth.ca={e['PGSTORE_PG_CA']}"]
        path = work / f"{name}.properties"
        path.write_text("\n".join(lines) + "\n")
        return str(path)

    def run(*argv):
        env = dict(os.environ, TMPDIR=str(keys_tmp))
        start = time.monotonic()
        p = subprocess.run([args.pgstore, "test-connection", *argv], capture_output=True, text=True,
                           env=env, timeout=60)
        return p.returncode, p.stdout + p.stderr, time.monotonic() - start

    def has(pattern, out):
        return re.search(pattern, out, re.MULTILINE) is not None

    ep = lambda host: re.escape(f"{host}:{port}")  # noqa: E731

    # Refused, silent and standby hosts before the primary: one line each, in order.
    path = config("mixed", f"127.0.0.9,127.0.0.6,{replica},{primary}")
    code, out, _ = run(path)
    expect(code == 0, "mixed hosts: exit 0", out)
    expect(has(r"^pgstore test-connection .*mixed\.properties: read-write work, sequential, "
               r"timeout 8000 ms \(2000 ms per host\)$", out), "mixed hosts: the header line", out)
    expect(has(rf"^  {ep('127.0.0.9')}  refused +\d+ ms  Connection refused", out),
           "mixed hosts: the refused host's line", out)
    expect(has(rf"^  {ep('127.0.0.6')}  timed out +\d+ ms  no answer within \d+ ms "
               r"\(this host's share of the timeout\)$", out), "mixed hosts: the silent host's line", out)
    expect(has(rf"^  {ep(replica)}  standby +\d+ ms  standby, read-write work needs the primary$", out),
           "mixed hosts: the replica is passed over and the report says why", out)
    expect(has(rf"^  {ep(primary)}  connected +\d+ ms$", out), "mixed hosts: the primary's line", out)
    expect(has(rf"^connected to {ep(primary)} \(primary\) in \d+ ms$", out), "mixed hosts: connected line", out)
    expect(has(r"^server: PostgreSQL 15\.\d+", out), "mixed hosts: server version", out)
    expect(has(r"^tls: TLSv1\.[23], \S+$", out), "mixed hosts: TLS version and cipher", out)
    expect(has(rf"^query: round trip \d+ ms in schema {e['PGSTORE_PG_SCHEMA']} \(1 table\)$", out),
           "mixed hosts: the query's round trip in the schema", out)
    expect(password not in out, "mixed hosts: the password is not printed")

    # Read-only work goes to the read-only host, a standby.
    path = config("readonly", primary, readonly=replica)
    code, out, _ = run("--readonly", path)
    expect(code == 0, "read-only: exit 0", out)
    expect(has(rf"^  {ep(replica)}  connected +\d+ ms  read-only host$", out), "read-only: the replica's line", out)
    expect(has(rf"^  {ep(primary)}  skipped +- +not needed, {ep(replica)} connected$", out),
           "read-only: the primary is not needed", out)
    expect(has(rf"^connected to {ep(replica)} \(standby\)", out), "read-only: reports a standby", out)

    # Cert auth with the PKCS#8 DER key, through a private PEM copy that is gone afterwards.
    path = config("cert", primary, auth="cert")
    code, out, _ = run(path)
    expect(code == 0, "cert: exit 0", out)
    expect(has(rf"^client key {re.escape(e['PGSTORE_PG_CLIENT_KEY_DER'])}: PKCS#8 DER converted to a private "
               r"0600 PEM file for libpq, removed when the test ends$", out), "cert: says how the key is used", out)
    expect(has(r"^tls: TLSv1\.[23], ", out), "cert: TLS in use", out)
    expect(not any(keys_tmp.iterdir()), "cert: no PEM copy is left behind")

    # A wrong password: exit 1, the host and the reason, never the password.
    path = config("wrong", primary, timeout=5, extra="Wrong-Pw-4711")
    code, out, _ = run(path)
    expect(code == 1, "wrong password: exit 1", out)
    expect(has(rf"^  {ep(primary)}  auth failed +\d+ ms  FATAL: password authentication failed for user "
               rf"\"{e['PGSTORE_PG_PW_USER']}\"$", out), "wrong password: names the host and the reason", out)
    expect(has(r"^error: could not connect to any host$", out), "wrong password: error line", out)
    expect("Wrong-Pw-4711" not in out, "wrong password: the password is not printed")

    # All hosts down.
    path = config("down", "127.0.0.9,127.0.0.10", timeout=2)
    code, out, _ = run(path)
    expect(code == 1, "all down: exit 1", out)
    expect(has(rf"^  {ep('127.0.0.10')}  refused ", out) and has(r"^error: could not connect", out),
           "all down: every host listed, then the error", out)

    # Staggered: the silent hosts overlap, so the primary is reached well before sequential would.
    path = config("stagger", f"127.0.0.6,127.0.0.7,{primary}", timeout=6)
    code, out, spent = run("--stagger", path)
    expect(code == 0 and "staggered, timeout 6000 ms\n" in out, "stagger: exit 0 and the mode", out)
    expect(has(rf"^  {ep('127.0.0.6')}  abandoned +\d+ ms  ", out), "stagger: the silent host is abandoned", out)
    expect(spent < 3.5, f"stagger: done in {spent:.2f} s, sequential would need 4 s", out)

    # --timeout overrides the configured one.
    path = config("timeout", "127.0.0.6", timeout=30)
    code, out, spent = run("--timeout", "1.5", path)
    expect(code == 1 and has(r"timeout 1500 ms$", out) and spent < 4, f"--timeout 1.5 ends in {spent:.2f} s", out)

    # Usage errors and bad files.
    code, out, _ = run()
    expect(code == 2 and "no file given" in out, "no file: exit 2", out)
    code, out, _ = run("--timeout", "0", path)
    expect(code == 2 and "--timeout takes seconds above 0" in out, "--timeout 0: exit 2", out)
    code, out, _ = run(str(work / "absent.properties"))
    expect(code == 2 and "cannot read the file" in out, "unreadable file: exit 2", out)
    broken = work / "broken.properties"
    broken.write_text("store.type=DatabaseStore\n")
    code, out, _ = run(str(broken))
    expect(code == 1 and "has errors; fix them first" in out and "[missing-required]" in out,
           "a file with errors is refused with its diagnostics", out)

    for s in listeners:
        s.close()
    for p in sorted(work.rglob("*"), reverse=True):
        p.rmdir() if p.is_dir() else p.unlink()
    work.rmdir()
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
