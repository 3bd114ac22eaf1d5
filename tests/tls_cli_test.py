#!/usr/bin/env python3
"""End-to-end tests of the TLS checks of `pgstore check` and of `pgstore convert-key`, on material
that tools/tls-material.sh and the openssl command generate in a temporary folder: good material
passes, bad material reports each problem once, and converted keys are byte for byte what
`openssl pkcs8 -topk8 -outform DER -nocrypt` writes."""
import argparse
import collections
import json
import os
import pathlib
import pty
import select
import stat
import subprocess
import sys
import tempfile
import termios
import time

failures = []
PASS_PHRASE = "Tr0ub4dor&3-phrase"


def run(cmd, cwd, stdin=subprocess.DEVNULL):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=stdin)
    return p.returncode, p.stdout, p.stderr


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def expect(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}")
    else:
        print(f"ok: {what}")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def check_material(pg, src, work):
    code, out, err = run([pg, "check", "--cores", "8", "good.properties"], work)
    expect(code == 0 and out == "pgstore: checked 1 file: 0 errors, 0 warnings, 0 notes\n",
           f"good material: exit 0 and no findings (got {code}: {out}{err})")

    golden = src / "tests" / "data" / "expected" / "ekm-cert-bad.txt"
    code, out, err = run([pg, "check", "--cores", "8", "bad.properties"], work)
    expected = golden.read_text()
    if out != expected:
        print(f"--- expected ({golden})\n{expected}--- actual\n{out}---")
    expect(code == 1 and out == expected, "bad material: exit 1 and the exact findings of " + golden.name)

    code, out, _ = run([pg, "check", "--cores", "8", "--format", "json", "bad.properties"], work)
    diags = json.loads(out)["files"][0]["diagnostics"]
    rules = collections.Counter(d["rule"] for d in diags)
    cert, key, ca = ("store.postgres.auth." + k for k in ("cert", "key", "ca"))
    wanted = {"tls-chain": cert, "tls-expired": cert, "tls-cn-mismatch": cert, "tls-eku": cert,
              "tls-weak-key": cert, "tls-sha1": cert, "tls-key-format": key, "tls-key-mismatch": key,
              "tls-key-permissions": key, "tls-not-yet-valid": ca}
    expect(dict(rules) == dict.fromkeys(wanted, 1), f"bad material: each problem exactly once (got {dict(rules)})")
    expect(all(d["key"] == wanted.get(d["rule"]) and d["hint"] for d in diags),
           "bad material: every finding names its setting and has a hint")
    lines = {d["key"]: d["line"] for d in diags}
    expect(lines == {cert: 20, key: 21, ca: 22}, f"bad material: findings point at the setting's line ({lines})")

    code, out, _ = run([pg, "check", "--cores", "8", "--format", "sarif", "bad.properties"], work)
    log = json.loads(out)
    driver_rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    expect(len(results) == 10 and all(driver_rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results),
           "sarif: every TLS rule is listed and indexed")

    code, out, _ = run([pg, "check", "--cores", "8", "--no-file-checks", "bad.properties"], work)
    expect(code == 0 and "tls-" not in out, "--no-file-checks reads none of the files")
    code, out, _ = run([pg, "check", "--cores", "8", "--profile", "production", "bad.properties"], work)
    expect(code == 1 and "error: the key file `bad/client.key` has mode 0644" in out,
           "--profile production makes a readable key an error")
    code, out, _ = run([pg, "check", "--cores", "8", "--expiry-warning-days", "40000", "good.properties"], work)
    expect(code == 0 and out.count("[tls-expiring]") == 3, "--expiry-warning-days widens the warning period")
    code, out, _ = run([pg, "check", "--cores", "8", str(src / "examples" / "ekm-cert.properties")], work)
    expect(code == 1 and out.count("[tls-file-missing]") == 3 and "does not exist" in out,
           "the example's files are missing on this machine")
    for bad in ("-1", "soon"):
        code, _, err = run([pg, "check", "--expiry-warning-days", bad, "good.properties"], work)
        expect(code == 2 and err.strip(), f"--expiry-warning-days {bad} is a usage error")
    code, out, _ = run([pg, "check", "--help"], work)
    expect("--no-file-checks" in out and "CI" in out and "--expiry-warning-days" in out, "check --help")


def check_as_other_users(pg, work):
    """What a root test run cannot see by itself: a key the service's user cannot read, and a
    group-readable key owned by someone other than root (libpq allows 0640 only for root's)."""
    if os.geteuid() != 0:
        print("note: not root, so the file-owner checks are left to the unit tests")
        return
    nobody = 65534
    shared = pathlib.Path(tempfile.mkdtemp(prefix="pgstore-tls-owner-"))
    try:
        shared.chmod(0o755)
        (shared / "good.properties").write_bytes((work / "good.properties").read_bytes())
        (shared / "good").mkdir(mode=0o755)
        for f in (work / "good").iterdir():
            (shared / "good" / f.name).write_bytes(f.read_bytes())
            (shared / "good" / f.name).chmod(0o644)
        key = shared / "good" / "client.pk8"
        expect(key.exists(), "the good material has good/client.pk8")
        tool = shared / "pgstore"
        tool.write_bytes(pathlib.Path(pg).read_bytes())
        tool.chmod(0o755)
        as_nobody = ["setpriv", f"--reuid={nobody}", f"--regid={nobody}", "--clear-groups"]

        key.chmod(0o600)  # root's, so nobody cannot read it
        code, out, err = run(as_nobody + [str(tool), "check", "--cores", "8", "good.properties"], shared)
        expect(code == 1 and "error: the key file `good/client.pk8` cannot be read: Permission denied "
               "[tls-file-missing]\n  hint: let the user the service runs as read it\n" in out,
               f"a key the service's user cannot read is reported (got {code}: {out}{err})")

        key.chmod(0o640)
        code, out, _ = run([str(tool), "check", "--cores", "8", "good.properties"], shared)
        expect(code == 0 and "tls-key-permissions" not in out, "a 0640 key owned by root is accepted, as libpq does")
        os.chown(key, nobody, nobody)
        code, out, _ = run([str(tool), "check", "--cores", "8", "good.properties"], shared)
        expect(code == 0 and "warning: the key file `good/client.pk8` has mode 0640, so group or others can "
               "access it [tls-key-permissions]" in out, f"a 0640 key owned by another user is reported ({out})")
    finally:
        subprocess.run(["rm", "-rf", str(shared)], check=False)


def converts_like_openssl(pg, work, name, source, passin=None):
    """Converts `source` with pgstore and with openssl; both must agree and pass every check."""
    out = work / f"{name}.pk8"
    reference = work / f"{name}.openssl.pk8"
    extra = ["--passin", f"file:{passin}"] if passin else []
    code, stdout, stderr = run([pg, "convert-key", *extra, str(source), str(out)], work)
    openssl("pkcs8", "-topk8", "-outform", "DER", "-nocrypt", "-in", str(source), "-out", str(reference),
            *(["-passin", f"file:{passin}"] if passin else []), cwd=work)
    expect(code == 0 and out.read_bytes() == reference.read_bytes(),
           f"convert-key {name}: byte for byte what openssl pkcs8 -topk8 -nocrypt writes ({stderr.strip()})")
    expect(mode(out) == 0o600, f"convert-key {name}: the output has mode 0600")
    expect(PASS_PHRASE not in stdout + stderr, f"convert-key {name}: the pass phrase is never printed")
    return out


def check_convert_key(pg, src, work):
    passfile = work / "pass.txt"
    passfile.write_text(PASS_PHRASE + "\n")
    keys = work / "keys"
    keys.mkdir()
    client = work / "work" / "client.key"  # PEM PKCS#8, RSA 2048, for good/client.crt
    openssl("pkey", "-in", str(client), "-traditional", "-out", str(keys / "pkcs1.pem"), cwd=work)
    openssl("pkcs8", "-topk8", "-in", str(client), "-out", str(keys / "encrypted.pem"),
            "-passout", f"file:{passfile}", cwd=work)
    openssl("pkcs8", "-topk8", "-in", str(client), "-outform", "DER", "-out", str(keys / "encrypted.der"),
            "-passout", f"file:{passfile}", cwd=work)
    openssl("pkey", "-in", str(client), "-traditional", "-aes256", "-out", str(keys / "legacy.pem"),
            "-passout", f"file:{passfile}", cwd=work)
    openssl("pkey", "-in", str(work / "work" / "root.key"), "-traditional", "-out", str(keys / "sec1.pem"), cwd=work)
    expect("Proc-Type: 4,ENCRYPTED" in (keys / "legacy.pem").read_text(), "openssl wrote a legacy encrypted key")

    converted = converts_like_openssl(pg, work, "pkcs8", client)
    converts_like_openssl(pg, work, "pkcs1", keys / "pkcs1.pem")
    converts_like_openssl(pg, work, "sec1", keys / "sec1.pem")
    for name in ("encrypted.pem", "encrypted.der", "legacy.pem"):
        converts_like_openssl(pg, work, name.replace(".", "-"), keys / name, passin=passfile)

    # The round trip: a PEM key converted by convert-key passes every check.
    roundtrip = work / "roundtrip.properties"
    roundtrip.write_text((work / "good.properties").read_text().replace("good/client.pk8", converted.name))
    code, out, _ = run([pg, "check", "--cores", "8", roundtrip.name], work)
    expect(code == 0 and "0 errors, 0 warnings" in out, f"a converted key passes every check ({out.strip()})")

    before = converted.read_bytes()
    code, _, err = run([pg, "convert-key", str(keys / "pkcs1.pem"), str(converted)], work)
    expect(code == 1 and "exists; pass --force to replace it" in err and converted.read_bytes() == before,
           "convert-key refuses to overwrite without --force")
    converted.write_bytes(b"old")
    converted.chmod(0o644)
    code, _, _ = run([pg, "convert-key", "--force", str(keys / "pkcs1.pem"), str(converted)], work)
    expect(code == 0 and converted.read_bytes() == before and mode(converted) == 0o600,
           "convert-key --force replaces the file and leaves mode 0600")

    target = work / "never.pk8"
    code, out, err = run([pg, "convert-key", str(keys / "encrypted.pem"), str(target)], work)
    expect(code == 1 and "--passin file:PATH" in err and not target.exists(),
           "an encrypted key without --passin and without a terminal is refused")
    wrong = work / "wrong.txt"
    wrong.write_text("Wr0ng-" + PASS_PHRASE + "\n")
    code, out, err = run([pg, "convert-key", "--passin", f"file:{wrong}", str(keys / "encrypted.pem"), str(target)],
                         work)
    expect(code == 1 and "cannot decrypt the key with this pass phrase" in err and PASS_PHRASE not in out + err
           and not target.exists(), "a wrong pass phrase is refused and never printed")
    code, _, err = run([pg, "convert-key", str(work / "good" / "client.crt"), str(target)], work)
    expect(code == 1 and "expected a private key, saw a PEM certificate (BEGIN CERTIFICATE)" in err,
           "a certificate is not converted")
    code, _, err = run([pg, "convert-key", str(work / "missing.key"), str(target)], work)
    expect(code == 2 and "cannot read the file" in err, "a missing input exits 2")
    for argv, what in [([], "no arguments"), (["only-in"], "no OUT"), (["--passin", "pass:" + PASS_PHRASE, "a", "b"],
                                                                       "--passin pass:")]:
        code, out, err = run([pg, "convert-key", *argv], work)
        expect(code == 2 and err.strip() and PASS_PHRASE not in out + err, f"convert-key usage error: {what}")
    code, out, _ = run([pg, "convert-key", "--help"], work)
    expect(code == 0 and "--passin" in out and "--force" in out, "convert-key --help")

    prompted = work / "prompted.pk8"
    code, transcript = on_terminal([pg, "convert-key", str(keys / "legacy.pem"), str(prompted)], work, PASS_PHRASE)
    expect(code == 0 and prompted.read_bytes() == before and "pass phrase for" in transcript
           and PASS_PHRASE not in transcript, "convert-key asks on the terminal, without echo")


def on_terminal(cmd, cwd, answer):
    """Runs cmd with a pseudo-terminal as its controlling terminal and stdin, answers the first
    prompt, and returns the exit status and everything it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            os.execv(cmd[0], cmd)
        finally:
            os._exit(127)
    transcript = b""
    answered = False
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            os.kill(pid, 9)
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        transcript += chunk
        if not answered and b"pass phrase for" in transcript:
            # Answer once the program has turned echo off, as a person typing would.
            deadline = time.monotonic() + 10
            while termios.tcgetattr(fd)[3] & termios.ECHO and time.monotonic() < deadline:
                time.sleep(0.01)
            os.write(fd, answer.encode() + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), transcript.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgstore", required=True)
    ap.add_argument("--source", required=True)
    args = ap.parse_args()
    src = pathlib.Path(args.source).resolve()
    pg = str(pathlib.Path(args.pgstore).resolve())

    with tempfile.TemporaryDirectory(prefix="pgstore-tls-cli-") as tmp:
        work = pathlib.Path(tmp)
        subprocess.run([str(src / "tools" / "tls-material.sh"), str(work)], check=True)
        check_material(pg, src, work)
        check_as_other_users(pg, work)
        check_convert_key(pg, src, work)

    print(f"tls-cli: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
