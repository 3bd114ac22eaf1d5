#!/usr/bin/env python3
"""`pgstore conninfo`: the exact strings for the examples, the password only on request, notes,
and refusal of files with errors."""
import argparse
import subprocess
import sys

failures = []


def expect(condition, what, output=None):
    if condition:
        print(f"ok: {what}")
        return
    failures.append(what)
    print(f"FAIL: {what}")
    if output is not None:
        print("---- output ----\n" + output + "----")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgstore", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()

    def run(*argv):
        p = subprocess.run([args.pgstore, "conninfo", *argv], capture_output=True, text=True, cwd=args.source)
        return p.returncode, p.stdout, p.stderr

    cert = "examples/ekm-cert.properties"
    pw = "examples/ekm-password.properties"
    code, out, err = run(cert)
    expect(code == 0 and out == (
        "host=pg-a.internal.example.com,pg-b.internal.example.com port=5432 dbname=db_ekm user=user_ekm "
        "options=-csearch_path=ekm sslmode=verify-full sslcert=/etc/flowcrypt/ekm/client.crt "
        "sslkey=/etc/flowcrypt/ekm/client.pk8 sslrootcert=/etc/flowcrypt/ekm/ca.crt connect_timeout=10 "
        "target_session_attrs=read-write\n"), "libpq form of ekm-cert", out + err)
    expect(err == "pgstore conninfo: note: libpq reads only PEM keys; point sslkey at a PEM copy of "
                  "/etc/flowcrypt/ekm/client.pk8 (openssl pkcs8 -inform DER -in KEY -out KEY.pem, mode 0600)\n",
           "libpq form of ekm-cert: a note that libpq needs a PEM copy of the DER key", err)
    code, out, err = run("--format", "uri", "--readonly", cert)
    expect(code == 0 and out == (
        "postgresql://user_ekm@pg-ro.internal.example.com:5432/db_ekm?options=-csearch_path%3Dekm"
        "&sslmode=verify-full&sslcert=%2Fetc%2Fflowcrypt%2Fekm%2Fclient.crt"
        "&sslkey=%2Fetc%2Fflowcrypt%2Fekm%2Fclient.pk8&sslrootcert=%2Fetc%2Fflowcrypt%2Fekm%2Fca.crt"
        "&connect_timeout=10&target_session_attrs=prefer-standby\n"), "read-only URI of ekm-cert", out + err)
    code, out, err = run("--format", "jdbc", cert)
    expect(code == 0 and out == (
        "jdbc:postgresql://pg-a.internal.example.com:5432,pg-b.internal.example.com:5432/db_ekm"
        "?user=user_ekm&currentSchema=ekm&sslmode=verify-full&sslcert=%2Fetc%2Fflowcrypt%2Fekm%2Fclient.crt"
        "&sslkey=%2Fetc%2Fflowcrypt%2Fekm%2Fclient.pk8&sslrootcert=%2Fetc%2Fflowcrypt%2Fekm%2Fca.crt"
        "&connectTimeout=10&targetServerType=primary\n"), "JDBC form of ekm-cert", out + err)
    expect(err == "", "JDBC form of ekm-cert: PgJDBC reads the DER key, no note", err)

    code, out, err = run("--format", "jdbc", pw)
    expect(code == 0 and "Kx7-vq2" not in out + err, "no password without --with-password", out + err)
    code, out, err = run("--format", "jdbc", "--with-password", pw)
    expect(code == 0 and "&password=Kx7-vq2%21pLm9&" in out, "--with-password adds it, encoded", out + err)
    code, out, err = run("--readonly", pw)
    expect(code == 0 and err == "pgstore conninfo: note: store.postgres.host.readonly is not set, so "
           "read-only work goes to the write hosts\n" and "target_session_attrs=read-write" in out,
           "--readonly without a read-only host says where the work goes", out + err)
    code, out, err = run("--with-password", cert)
    expect(code == 0 and "has no effect with store.postgres.auth.method=cert" in err,
           "--with-password with cert auth says it has no effect", out + err)

    code, out, err = run("examples/broken.properties")
    expect(code == 1 and out == "" and "[unknown-key]" in err
           and "examples/broken.properties has errors; fix them first" in err
           and "!CHANGE THIS!" not in out + err, "a file with errors is refused with its diagnostics", out + err)
    code, out, err = run("--format", "odbc", pw)
    expect(code == 2 and "--format takes libpq, uri or jdbc, not 'odbc'" in err, "bad --format: exit 2", err)
    code, out, err = run()
    expect(code == 2 and "no file given" in err, "no file: exit 2", err)
    code, out, err = run("absent.properties")
    expect(code == 2 and "cannot read the file" in err, "unreadable file: exit 2", err)

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
