#!/usr/bin/env python3
"""Runs examples/service_startup and the README's start-up snippet on a good and a bad
configuration, and compares their output and exit status with tests/data/expected/."""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

failures = []


def expect(condition, what, detail=""):
    print(("ok: " if condition else "FAIL: ") + what)
    if not condition:
        failures.append(what)
        if detail:
            print(detail)


def clean_env(**store):
    """The test's environment without any STORE_* variable, plus the given ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORE_")}
    env.update(store)
    return env


def run(cmd, cwd, env):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def pinned(src, name, actual, what):
    golden = src / "tests" / "data" / "expected" / name
    expected = golden.read_text() if golden.exists() else "<missing golden file>"
    expect(actual == expected, f"{what} equals tests/data/expected/{name}",
           f"--- expected\n{expected}--- actual\n{actual}---")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--example", required=True, help="the built examples/service_startup")
    ap.add_argument("--readme", required=True, help="the built README start-up snippet")
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    args.example, args.readme = (str(pathlib.Path(p).resolve()) for p in (args.example, args.readme))
    src = pathlib.Path(args.source)
    secret = "hunter2-S3cret"

    # Good: the file, one host list from the environment, the pool size from the command line.
    code, out, err = run([args.example, "--config", "examples/ekm-password.properties",
                          "--store.postgres.connections=3"], src,
                         clean_env(STORE_POSTGRES_HOST="db-primary.example.com,db-standby.example.com"))
    expect(code == 0 and err == "", f"good: exit 0 and nothing on stderr (got {code}, {err!r})")
    pinned(src, "service_startup-good.txt", out, "good: stdout")
    expect("Kx7-vq2" not in out + err, "good: the password is redacted")

    # Bad: mistakes in every source; a password in the environment under a misspelt name.
    code, out, err = run([args.example, "--config", "tests/data/startup/bad.properties",
                          "--store.postgres.conections=5", "--store.postgres.connection.timeout.seconds=soon"],
                         src, clean_env(STORE_POSTGRES_HOST="db1.example.com:5433",
                                        STORE_POSTGRES_AUTH_PASWORD=secret))
    expect(code == 1 and out == "", f"bad: exit 1 and nothing on stdout (got {code}, {out!r})")
    pinned(src, "service_startup-bad.txt", err, "bad: stderr")
    expect(secret not in out + err and "CHANGE THIS" not in out + err, "bad: no password is printed")

    code, out, err = run([args.example, "--config", "examples/ekm-password.properties", "--verbose"], src,
                         clean_env())
    expect(code == 2 and err == "service_startup: unknown option --verbose\n",
           f"an unknown option of the service's own is refused (got {code}, {err!r})")
    code, out, _ = run([args.example, "--help"], src, clean_env())
    expect(code == 0 and "--config FILE" in out and "--store.postgres.connections N (=10)" in out,
           "--help lists the service's and the store's options")

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(src / "examples" / "ekm-password.properties", pathlib.Path(tmp) / "ekm.properties")
        code, out, err = run([args.readme, "--store.postgres.connections=3"], tmp, clean_env())
        expect(code == 0 and out == "store: db_ekm on db.example.com:5432\n" and err == "",
               f"README snippet: a good configuration starts (got {code}, {out!r}, {err!r})")
        code, out, err = run([args.readme, "--store.postgres.port=54x"], tmp,
                             clean_env(STORE_POSTGRES_AUTH_PASSWORD=secret))
        expect(code == 1 and "command line --store.postgres.port (argv[1]): error: expected a whole number, "
               "saw `54x` [invalid-integer]" in err and secret not in err,
               f"README snippet: a bad option is refused by name (got {code}, {err!r})")

    print(f"startup: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
