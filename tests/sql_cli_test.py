#!/usr/bin/env python3
"""`pgstore sql` without a server: exit codes, usage errors, the password file, and that no
password reaches the output or an error message. tests/provisioning_pg.py runs the scripts."""
import argparse
import os
import pathlib
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgstore", required=True)
    args = ap.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="pgstore-sql-cli."))

    def sql(*argv):
        p = subprocess.run([args.pgstore, "sql", *argv], capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def password_file(name, lines, mode=0o600):
        path = work / name
        path.write_text("".join(line + "\n" for line in lines))
        path.chmod(mode)
        return str(path)

    rc, out, err = sql("--service", "wkd")
    expect(rc == 0 and "CREATE DATABASE db_wkd" in out and "user_wkd" in out and err == "",
           "the defaults: typical layout, certificates, the service's names", out + err)
    rc, out, err = sql("--service", "ekm", "--auth", "password", "--password-file", str(work))
    expect(rc == 2 and out == "" and err.startswith("pgstore sql: cannot read the password file ")
           and "is a directory" in err, "a folder as the password file: a usage error, not a crash", out + err)
    rc, out, err = sql("--service", "fes", "--layout", "advanced")
    expect(rc == 0 and "FOR ROLE fes_su IN SCHEMA fes" in out, "the advanced layout's names", out + err)
    rc, out, err = sql("--database", "d", "--schema", "s", "--user", "u")
    expect(rc == 0 and "CREATE DATABASE d" in out, "custom names need no service", out + err)

    usage_cases = [
        (["--service", "eap"], "--service takes ekm, wkd or fes, not 'eap'"),
        (["--service", "ekm", "--layout", "fancy"], "--layout takes typical or advanced, not 'fancy'"),
        (["--service", "ekm", "--auth", "md5"], "--auth takes cert or password, not 'md5'"),
        (["--service", "ekm", "--auth", "password"],
         "--auth password needs --password-file FILE (passwords never go on the command line)"),
        (["--service", "ekm", "--password-file", "x"],
         "--password-file is for --auth password; certificate users have no password"),
        (["--service", "ekm", "--plain-password"], "--plain-password is for --auth password"),
        (["--database", "d"], "expected a service, or a database, a schema and a user"),
        (["--service", "ekm", "--schema", "s" * 64],
         "schema " + "s" * 64 + ": expected at most 63 bytes, saw 64 (PostgreSQL would truncate the name)"),
        (["--service", "ekm", "--password", "x"], "unrecognised option '--password'"),
    ]
    for argv, message in usage_cases:
        rc, out, err = sql(*argv)
        expect(rc == 2 and out == "" and f"pgstore sql: {message}\n" in err, f"usage error: {message}", err)

    secret = "Top'Secret\\1"
    pw = password_file("pw", [secret, secret + "2"])
    rc, out, err = sql("--service", "ekm", "--auth", "password", "--password-file", pw)
    expect(rc == 2 and f"pgstore sql: expected 1 line in {pw} (the password of user_ekm), saw 2\n" in err,
           "a typical password file holds one line", err)
    rc, out, err = sql("--service", "ekm", "--layout", "advanced", "--auth", "password", "--password-file", pw)
    expect(rc == 2 and f"expected 3 lines in {pw} (the password of ekm_su, ekm_rw, ekm_ro, in order), saw 2"
           in err, "an advanced password file holds three lines", err)
    expect(secret not in err, "no password in the error")

    rc, out, err = sql("--service", "ekm", "--auth", "password", "--password-file", str(work / "none"))
    expect(rc == 2 and f"pgstore sql: cannot read the password file {work / 'none'}: No such file" in err,
           "an unreadable password file", err)

    crlf = work / "crlf"
    crlf.write_bytes(b"first\r\nsecond\r\nthird")
    crlf.chmod(0o600)
    rc, out, err = sql("--service", "ekm", "--layout", "advanced", "--auth", "password",
                       "--password-file", str(crlf))
    expect(rc == 0 and out.count("PASSWORD 'SCRAM-SHA-256$4096:") == 3 and err == "",
           "CRLF line ends and no final line end", out + err)

    rc, out, err = sql("--service", "ekm", "--auth", "password",
                       "--password-file", password_file("nonascii", ["p\u00e4ss"]))
    expect(rc == 2 and "expected an ASCII password" in err and "p\u00e4ss" not in err,
           "a non-ASCII password is refused without echoing it", err)

    rc, out, err = sql("--service", "ekm", "--auth", "password",
                       "--password-file", password_file("open", [secret], 0o644))
    expect(rc == 0 and "is readable by group or others; chmod 600 it" in err and secret not in out + err,
           "a password file others can read is a warning; the script holds a verifier only", out + err)

    rc, out, err = sql("--service", "ekm", "--auth", "password", "--plain-password",
                       "--password-file", password_file("plain", [secret]))
    expect(rc == 0 and "PASSWORD E'Top''Secret\\\\1';" in out
           and "pgstore sql: warning: the passwords are in the script as clear text" in err,
           "--plain-password writes the escaped literal and warns", out + err)

    rc, out, err = sql("--help")
    expect(rc == 0 and "--password-file FILE" in out, "--help", out + err)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
