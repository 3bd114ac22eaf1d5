#!/usr/bin/env python3
"""End-to-end tests of `pgstore plan`: the table, the findings under it, and the exit codes."""
import argparse
import pathlib
import subprocess
import sys
import tempfile

failures = []


def run(pgstore, *args, cwd):
    p = subprocess.run([pgstore, "plan", *args], cwd=cwd, capture_output=True, text=True)
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
    args = ap.parse_args()
    src = pathlib.Path(args.source)
    pg = args.pgstore

    code, out, err = run(pg, "--nodes", "4", "--cores", "4", "--db-cores", "16", cwd=src)
    expected = (
        "  pool per node                  12  3 per core\n"
        "  read-only pool per node         0  no host.readonly\n"
        "  total connections              48  4 nodes x 12\n"
        "  server slots available         97  max_connections 100 - 3 superuser reserved - 0 reserved\n"
        "  headroom                       49  49% of the slots used\n"
        "  service cores                  16  4 nodes x 4\n"
        "  database cores                 16\n")
    if out != expected:
        print(f"--- expected\n{expected}--- actual\n{out}---")
    expect(code == 0 and out == expected and err == "", "fits: the table alone, exit 0")

    code, out, _ = run(pg, "--nodes", "4", "--cores", "8", "--readonly-pool", "6", "--max-connections", "120",
                       "--reserved", "5", "--role-reserved", "2", cwd=src)
    expect(code == 1, f"over capacity: exit 1 (got {code})")
    expect("  total connections             120  4 nodes x 30\n" in out, "over capacity: total counts both pools")
    expect("  server slots available        113  max_connections 120 - 5 superuser reserved - 2 reserved\n" in out,
           "over capacity: slots take both kinds of reserved connections off")
    expect("  headroom                       -7  106% of the slots used\n" in out, "over capacity: negative headroom")
    expect("\nplan: error: expected at most 113 server slots (max_connections 120 - 5 "
           "superuser_reserved_connections - 2 reserved_connections), saw 4 nodes x 30 connections = 120 "
           "[cluster-over-capacity]\n  hint: lower store.postgres.connections to 22 or less, or raise "
           "max_connections on the server to 127 or more (it needs a restart), or run fewer nodes\n" in out,
           "over capacity: the error and its hint under the table")
    expect("[cluster-sizing]" in out, "over capacity: the rule-of-thumb note without --db-cores")

    code, out, _ = run(pg, "--nodes", "8", "--cores", "4", "--db-cores", "4", cwd=src)
    expect(code == 0, f"near capacity: a warning only, exit 0 (got {code})")
    expect("plan: warning: 8 nodes x 12 connections = 96 take 99% of the 97 server slots" in out,
           "near capacity: warns over 80%")
    expect("saw 4 [cluster-cores-mismatch]" in out, "rule of thumb: database cores far below the service's")

    code, out, err = run(pg, "--nodes", "3", "--cores", "4", "examples/ekm-password.properties", cwd=src)
    expect(code == 0, f"file: exit 0 (got {code}, stderr {err!r})")
    expect("  pool per node                  12  store.postgres.connections, "
           "examples/ekm-password.properties:15:1\n" in out, "file: the pool size comes from the file")

    with tempfile.TemporaryDirectory() as tmp:
        ro = pathlib.Path(tmp) / "ro.properties"
        ro.write_text((src / "examples" / "ekm-password.properties").read_text()
                      + "store.postgres.host.readonly=10.0.0.6\n")
        code, out, err = run(pg, "--nodes", "4", "--cores", "4", str(ro), cwd=src)
        expect("  read-only pool per node        12  host.readonly is set: assumed as large as the pool\n" in out,
               "file: host.readonly adds a read-only pool")
        expect(code == 0 and "  total connections              96  4 nodes x 24\n" in out,
               f"file: both pools counted (exit {code}, stderr {err!r})")
        code, out, _ = run(pg, "--nodes", "4", "--cores", "4", "--readonly-pool", "2", str(ro), cwd=src)
        expect("  read-only pool per node         2  --readonly-pool\n" in out, "file: --readonly-pool wins")

    code, out, err = run(pg, "--nodes", "4", "--cores", "8", "--pool", "20", "--db-cores", "16",
                         "--vendor", "cockroachdb", cwd=src)
    expect(code == 0 and "  CockroachDB budget             64  4 x 16 database cores, for every service\n" in out
           and "server slots" not in out, f"cockroachdb: the core budget replaces the server slots (exit {code})")
    expect("\nplan: warning: expected at most 64 connections (4 x 16 database cores) across the whole cluster, "
           "shared with every other service that uses it, saw 4 nodes x 20 connections = 80 [cockroach-pool-size]\n"
           "  hint: lower store.postgres.connections to 16 or less, or give CockroachDB 20 cores or more\n" in out,
           "cockroachdb: over the budget is a warning with its hint")

    with tempfile.TemporaryDirectory() as tmp:
        crdb = pathlib.Path(tmp) / "crdb.properties"
        crdb.write_text((src / "examples" / "ekm-password.properties").read_text()
                        .replace("store.database.vendor=postgres", "store.database.vendor=cockroachdb"))
        code, out, err = run(pg, "--nodes", "2", "--cores", "4", str(crdb), cwd=src)
        expect(code == 0 and "  CockroachDB budget              ?  pass --db-cores: 4 connections per database core\n"
               in out and "[cockroach-sizing]" in out,
               f"cockroachdb from the file's store.database.vendor (exit {code}, stderr {err!r})")
        code, out, err = run(pg, "--nodes", "2", "--cores", "4", "--vendor", "postgres", str(crdb), cwd=src)
        expect(code == 0 and "server slots available" in out, "--vendor overrides the file's vendor")

    code, out, err = run(pg, "--nodes", "2", "--cores", "2", "examples/broken.properties", cwd=src)
    expect(code == 1 and out == "" and "has errors; fix them first" in err, "file with errors: exit 1, no plan")

    for argv, message in [
        (["--cores", "2"], "pgstore plan: --nodes is required"),
        (["--nodes", "2"], "pgstore plan: --cores is required"),
        (["--nodes", "0", "--cores", "2"], "pgstore plan: expected --nodes between 1 and 100000, saw 0"),
        (["--nodes", "-1", "--cores", "2"], "pgstore plan: expected --nodes between 1 and 100000, saw -1"),
        (["--nodes", "2", "--cores", "2", "--max-connections", "300000"],
         "pgstore plan: expected --max-connections between 1 and 262143, saw 300000"),
        (["--nodes", "two", "--cores", "2"], "pgstore plan: the argument ('two') for option '--nodes' is invalid"),
        (["--nodes", "2", "--cores", "2", "--pool", "5", "examples/wkd.properties"],
         "pgstore plan: give --pool or FILE, not both"),
        (["--nodes", "2", "--cores", "2", "a.properties", "b.properties"],
         "pgstore plan: expected at most one FILE, saw 2"),
        (["--nodes", "2", "--cores", "2", "missing.properties"], "missing.properties: error: cannot read the file"),
        (["--nodes", "2", "--cores", "2", "--max-connections", "3"],
         "pgstore plan: expected --reserved + --role-reserved below --max-connections, saw 3 + 0 >= 3"),
        (["--nodes", "2", "--cores", "2", "--vendor", "oracle"],
         "pgstore plan: --vendor takes postgres or cockroachdb, not 'oracle'"),
        (["--nodes", "2", "--cores", "2", "--vendor", "cockroachdb", "--max-connections", "50"],
         "pgstore plan: --max-connections describes a PostgreSQL server; CockroachDB is sized by its cores"),
    ]:
        code, out, err = run(pg, *argv, cwd=src)
        expect(code == 2 and out == "" and err.startswith(message),
               f"usage: {' '.join(argv)} -> exit 2 (got {code}, stderr {err!r})")

    code, out, _ = run(pg, "--help", cwd=src)
    expect(code == 0 and "--readonly-pool" in out and "--db-cores" in out, "--help lists the options")

    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
