#!/usr/bin/env python3
"""End-to-end tests of the pgstore tool: exact output on the examples, JSON, SARIF against the
official 2.1.0 schema, exit codes, and that no secret is ever printed."""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

failures = []


def run(pgstore, *args, cwd):
    p = subprocess.run([pgstore, *args], cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def expect(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}")
    else:
        print(f"ok: {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgstore", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--sarif-schema", required=True)
    args = ap.parse_args()
    src = pathlib.Path(args.source)
    pg = args.pgstore

    for name, status in [("ekm-password", 0), ("ekm-cert", 0), ("wkd", 0), ("broken", 1)]:
        # The cert example names files under /etc that this machine lacks; tls_cli_test.py reads real ones.
        no_files = ["--no-file-checks"] if name == "ekm-cert" else []
        code, out, err = run(pg, "check", "--cores", "8", *no_files, f"examples/{name}.properties", cwd=src)
        golden = src / "tests" / "data" / "expected" / f"{name}.txt"
        expect(code == status, f"{name}: exit status {status} (got {code}, stderr {err!r})")
        expected = golden.read_text() if golden.exists() else "<missing golden file>"
        if out != expected:
            print(f"--- expected ({golden})\n{expected}--- actual\n{out}---")
        expect(out == expected, f"{name}: output equals {golden.relative_to(src)}")

    code, out, _ = run(pg, "check", "--cores", "8", "--format", "json", "examples/broken.properties", cwd=src)
    doc = json.loads(out)
    diags = doc["files"][0]["diagnostics"]
    errors = sum(1 for d in diags if d["severity"] == "error")
    expect(code == 1 and doc["summary"]["errors"] == errors > 0, "json: summary counts the errors")
    expect(all({"severity", "rule", "key", "file", "message", "hint"} <= d.keys() for d in diags),
           "json: every diagnostic has severity, rule, key, file, message and hint")
    dup = [d for d in diags if d["rule"] == "duplicate-key"]
    expect(dup and dup[0]["line"] == 16 and dup[0]["related"]["line"] == 5,
           "json: a duplicate key names both lines")

    code, out, _ = run(pg, "check", "--cores", "8", "--format", "sarif", "examples/broken.properties",
                       "examples/wkd.properties", cwd=src)
    try:
        import jsonschema
    except ImportError:
        expect(False, "sarif: python3-jsonschema is installed (tools/install-deps.sh installs it)")
    else:
        schema_file = pathlib.Path(args.sarif_schema)
        log = json.loads(out)
        # The official schema sits beside the checkout, in ../shared/reference/, as it does in CI;
        # a clone without it still runs every other SARIF check.
        if schema_file.exists() or os.environ.get("CI"):
            schema = json.loads(schema_file.read_text())
            try:
                jsonschema.validate(log, schema)
                valid = True
            except jsonschema.ValidationError as e:
                print(e)
                valid = False
            expect(valid, "sarif: the log is valid against the SARIF 2.1.0 schema")
        else:
            print(f"note: {schema_file} is absent, so the SARIF log was not checked against the schema")
        results = log["runs"][0]["results"]
        expect(len(results) == len(diags), "sarif: one result per finding")
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        expect(all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results),
               "sarif: every ruleIndex points at its rule")

    for fmt in ("text", "json", "sarif"):
        _, out, err = run(pg, "check", "--format", fmt, "examples/broken.properties",
                          "examples/ekm-password.properties", cwd=src)
        expect("CHANGE THIS" not in out + err and "Kx7-vq2" not in out + err,
               f"{fmt}: no password appears in the output")

    with tempfile.TemporaryDirectory() as tmp:
        secret_file = pathlib.Path(tmp) / "secret.properties"
        secret_file.write_text("store.postgres.auth.password=Qw3rty-S3cret \nstore.postgres.auth.pasword=Qw3rty-S3cret\n"
                               "store.postgres.auth.password=Qw3rty-S3cret\\u12\n")
        for fmt in ("text", "json", "sarif"):
            _, out, err = run(pg, "check", "--format", fmt, "--profile", "production", str(secret_file), cwd=src)
            expect("Qw3rty" not in out + err, f"{fmt}: a password with mistakes is still never echoed")

        # A key run into its password, misspelt, and a stray backslash joining the password's line to
        # another setting: the password is in a key or in another value, and still never shown.
        joined = pathlib.Path(tmp) / "joined.properties"
        joined.write_text((src / "examples" / "ekm-password.properties").read_text()
                          .replace("store.postgres.username=", "store.postgres.auth.paswordQw3rty-S3cret\n"
                                   "store.postgres.auth.pwQw3rty-S3cret\nstore.postgres.username=")
                          + "store.postgres.schema=ekm\\\nstore.postgres.auth.password=Qw3rty-S3cret\n")
        for fmt in ("text", "json", "sarif"):
            code, out, err = run(pg, "check", "--cores", "8", "--format", fmt, str(joined), cwd=src)
            expect(code == 1 and "Qw3rty" not in out + err, f"{fmt}: a password in a key or a joined line is withheld")
        code, out, err = run(pg, "check", "--cores", "8", "--print-effective", str(joined), cwd=src)
        expect(code == 1 and "Qw3rty" not in out + err and "runs on into the line `store.postgres.auth.password...`"
               in out and "[joined-line]" in out and "unknown key `store.postgres.auth.pasword<redacted>`" in out
               and "did you mean `store.postgres.auth.password`?" in out,
               f"--print-effective: joined and run-together passwords are withheld ({out})")
        for fmt in ("libpq", "uri", "jdbc"):
            code, out, err = run(pg, "conninfo", "--format", fmt, str(joined), cwd=src)
            expect(code != 0 and "Qw3rty" not in out + err, f"conninfo {fmt}: a joined password line is refused")
        code, _, err = run(pg, "conninfo", "--with", str(joined), cwd=src)
        expect(code == 2 and "unrecognised option '--with'" in err, "options are never abbreviated")

        warn_only = pathlib.Path(tmp) / "warn.properties"
        warn_only.write_text((src / "examples" / "ekm-password.properties").read_text()
                             + "store.postgres.connection.idletimeout.seconds=5\n")
        code, _, _ = run(pg, "check", "--cores", "8", str(warn_only), cwd=src)
        expect(code == 0, "warnings alone exit 0")
        code, _, _ = run(pg, "check", "--cores", "8", "--werror", str(warn_only), cwd=src)
        expect(code == 1, "--werror makes warnings exit 1")

        code, out, err = run(pg, "check", str(pathlib.Path(tmp) / "missing.properties"), "examples/wkd.properties",
                             cwd=src)
        expect(code == 2 and "missing.properties: error: cannot read the file: No such file or directory" in err
               and "checked 1 file" in out, "an unreadable file exits 2 and the others are still checked")
        for fmt in ("json", "sarif"):
            code, out, _ = run(pg, "check", "--format", fmt, str(pathlib.Path(tmp) / "missing.properties"), cwd=src)
            doc = json.loads(out)
            if fmt == "json":
                unread = doc["summary"]["unreadable"] == 1 and doc["files"][0]["error"] == (
                    "cannot read the file: No such file or directory")
            else:
                invocation = doc["runs"][0]["invocations"][0]
                unread = (not invocation["executionSuccessful"]
                          and invocation["toolExecutionNotifications"][0]["level"] == "error")
            expect(code == 2 and unread, f"{fmt}: an unreadable file is in the document, not only on stderr")
        code, out, _ = run(pg, "check", "--cores", "8", "--format", "sarif", "examples/wkd.properties",
                           "examples/wkd.properties", cwd=src)
        artifacts = json.loads(out)["runs"][0]["artifacts"]
        expect(len(artifacts) == 1, "sarif: a file named twice is one artifact, as the schema's uniqueItems wants")
        code, _, err = run(pg, "check", tmp, cwd=src)
        expect(code == 2 and "is a directory" in err, "a directory exits 2")
        code, _, err = run(pg, "check", "/dev/zero", cwd=src)
        expect(code == 2 and "is not a regular file" in err, "a device is refused, not read forever")

        odd = pathlib.Path(tmp) / "odd.properties"
        odd.write_text("store.postgres.update.schema=" + "a" * 59 + "\u00e9\u00e9\n"
                       "store.postgres.update.schema=\\ud800x\nstore.postgres.\\udc00=1\n")
        for fmt in ("json", "sarif"):
            code, out, err = run(pg, "check", "--format", fmt, str(odd), cwd=src)
            expect(code == 1 and json.loads(out), f"{fmt}: cut UTF-8 and lone surrogates still give a document")

    for argv, what in [([], "no command"), (["check"], "no file"), (["check", "--bogus", "x"], "unknown option"),
                       (["check", "--format", "xml", "x"], "bad format"), (["frobnicate"], "unknown command"),
                       (["check", "--cores", "many", "x"], "non-numeric --cores"),
                       (["check", "--infra-limit", "0", "x"], "zero --infra-limit")]:
        code, out, err = run(pg, *argv, cwd=src)
        expect(code == 2 and err.strip(), f"usage error exits 2 with a message: {what}")

    code, out, _ = run(pg, "check", "--help", cwd=src)
    expect(code == 0 and "--infra-limit" in out and "--format" in out, "check --help")
    code, out, _ = run(pg, "--version", cwd=src)
    expect(code == 0 and out.strip() == "pgstore " + (src / "VERSION").read_text().strip(), "--version")

    # --print-effective: STORE_* variables over the file over defaults, passwords redacted (#6).
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORE_")}
    env["STORE_POSTGRES_HOST"] = "db-primary.example.com,db-standby.example.com"
    p = subprocess.run([pg, "check", "--cores", "8", "--print-effective", "examples/ekm-password.properties"],
                       cwd=src, env=env, capture_output=True, text=True)
    golden = src / "tests" / "data" / "expected" / "ekm-password-effective.txt"
    expected = golden.read_text() if golden.exists() else "<missing golden file>"
    if p.stdout != expected:
        print(f"--- expected ({golden})\n{expected}--- actual\n{p.stdout}---")
    expect(p.returncode == 0 and p.stdout == expected,
           "--print-effective: values and origins equal tests/data/expected/ekm-password-effective.txt")
    expect("Kx7-vq2" not in p.stdout + p.stderr, "--print-effective: the password is redacted")
    code, _, err = run(pg, "check", "--print-effective", "--format", "json", "examples/wkd.properties", cwd=src)
    expect(code == 2 and "--print-effective prints text" in err, "--print-effective refuses --format json")
    code, out, _ = run(pg, "check", "--help", cwd=src)
    expect("--print-effective" in out and "STORE_* environment variables over FILE" in " ".join(out.split()),
           "check --help says which sources --print-effective shows")

    # `pgstore settings` comes from the descriptors; README's table must be its Markdown form.
    code, out, _ = run(pg, "settings", "--format", "markdown", cwd=src)
    expect(code == 0 and out.count("\n") == 20 and "| `store.postgres.connections` |" in out,
           "settings: a Markdown row per setting")
    expect(out in (src / "README.md").read_text(),
           "settings: README.md holds the table of `pgstore settings --format markdown` (paste it there)")
    code, out, _ = run(pg, "settings", cwd=src)
    expect(code == 0 and "store.postgres.connection.idletimeout.seconds\n  value:   seconds, 0 to 2147483\n"
           "  when:    optional\n  default: 600\n" in out, "settings: text form with syntax, presence and default")

    # Names from the command line reach the terminal with their control characters escaped.
    with tempfile.TemporaryDirectory() as tmp:
        evil = pathlib.Path(tmp) / "ev\x1b[2J\u009bil.properties"
        evil.write_text((src / "examples" / "broken.properties").read_text())
        code, out, err = run(pg, "check", "--cores", "8", str(evil), cwd=src)
        expect(code == 1 and "ev\\x1b[2J\\x9bil.properties:" in out and "\x1b" not in out + err
               and "\u009b" not in out + err, "check: a file name's control characters are escaped")
        code, out, err = run(pg, "plan", "--nodes", "2", "--cores", "2", str(evil), cwd=src)
        expect("\x1b" not in out + err and "\u009b" not in out + err, "plan: a file name is escaped in its errors")
        code, out, err = run(pg, "check", "--format", "\x1b[2J", "x", cwd=src)
        expect(code == 2 and "\x1b" not in err and "--format takes text, json or sarif, not '\\x1b[2J'" in err,
               "usage errors escape what the user typed")
        code, out, err = run(pg, "\x1b[2Jcmd", cwd=src)
        expect(code == 2 and "\x1b" not in err, "an unknown command is escaped")

        c1 = pathlib.Path(tmp) / "c1.properties"
        c1.write_bytes(b"store.postgres.\x9bx=1\\u12\n")
        code, out, _ = run(pg, "check", "--format", "json", str(c1), cwd=src)
        keys = [d["key"] for d in json.loads(out)["files"][0]["diagnostics"]]
        expect("store.postgres.\\x9bx" in keys and not any("\u009b" in k for k in keys),
               "json: the key of a malformed escape is shown escaped, as in text")

    for value in ["-3", "0", "100001"]:
        code, out, err = run(pg, "check", "--cores", value, "examples/wkd.properties", cwd=src)
        expect(code == 2 and f"expected --cores between 1 and 100000, saw {value}" in err,
               f"check --cores {value}: a usage error, not a wrapped or silent value")
    code, out, err = run(pg, "check", "--infra-limit", "-1", "examples/wkd.properties", cwd=src)
    expect(code == 2 and "--infra-limit takes a number of seconds from 1 to 2147483, saw -1" in err,
           "check --infra-limit -1: a usage error")

    print(f"cli: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
