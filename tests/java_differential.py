#!/usr/bin/env python3
"""Differential test: pgstore's .properties reader against java.util.Properties.

Usage:
  java_differential.py --reader CMD --work DIR [--javac PATH] [--java PATH]
                       [--count N] [--seed S]

Generates the corpus (properties_corpus.py) into DIR/corpus, compiles
java/PropertiesDump.java into DIR/classes, runs the JDK and `CMD FILE...` over every
corpus file and compares the results. CMD is split like a shell word list (no shell is
involved) and must print the same format as PropertiesDump:

  == <path as given>
  ok | error
  <key>=<value>       (ok only; one per entry, any order; code units outside 0x21..0x7E,
                       '\\' and '=' written as \\u + 4 lower-case hex digits)

Exit status 0 when every file matches, 1 on any difference or on any setup problem
(missing JDK, reader crash, malformed output). Missing Java is a failure, not a skip:
CI must install default-jdk-headless.

Only the standard library is used; run with /usr/bin/python3.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # keep the source tree clean of __pycache__
import properties_corpus  # noqa: E402  (sibling module, found via HERE)

JAVA_SRC = os.path.join(HERE, "java", "PropertiesDump.java")
MAX_FILES_SHOWN = 20
MAX_KEYS_SHOWN = 10
MAX_VALUE_SHOWN = 120
MAX_RAW_SHOWN = 160  # file bytes are shown when the file is this small
# Keep each command line well under ARG_MAX; with the default corpus this is one batch,
# i.e. one JVM start for all files.
MAX_ARG_BYTES = 100_000
TIMEOUT_S = 300

# One escaped string: printable ASCII except '\' and '=', or \u + 4 lower-case hex.
_ESC = r"(?:[!-<>-\[\]-~]|\\u[0-9a-f]{4})*"
ENTRY_RE = re.compile(r"(%s)=(%s)" % (_ESC, _ESC))


class Failure(Exception):
    """A setup or protocol problem; the message is printed and the run fails."""


def find_tool(given, name):
    path = given or shutil.which(name)
    if not path or not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise Failure(
            "%s not found%s. The Java differential test needs a JDK: install "
            "default-jdk-headless (apt-get install default-jdk-headless), or pass --%s PATH."
            % (name, " at %s" % given if given else " on PATH", name))
    return path


def batches(paths):
    batch, size = [], 0
    for p in paths:
        if batch and size + len(p) + 1 > MAX_ARG_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(p)
        size += len(p) + 1
    if batch:
        yield batch


def run_dumper(label, argv_prefix, paths):
    """Runs argv_prefix + batch for each batch and returns the concatenated stdout."""
    chunks = []
    for batch in batches(paths):
        try:
            proc = subprocess.run(argv_prefix + batch, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=TIMEOUT_S)
        except FileNotFoundError:
            raise Failure("%s: cannot run %r" % (label, argv_prefix[0]))
        except subprocess.TimeoutExpired:
            raise Failure("%s: timed out after %d s on a batch of %d files starting at %s"
                          % (label, TIMEOUT_S, len(batch), batch[0]))
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()
            raise Failure("%s: %s exited with status %d\n%s"
                          % (label, shlex.join(argv_prefix), proc.returncode, err[-2000:]))
        chunks.append(proc.stdout)
    return b"".join(chunks)


def parse_dump(label, data, paths):
    """Parses dump output into {path: ('error',) or ('ok', {key: value})}.

    Keys and values stay in their escaped form: that is what gets compared and shown.
    The format is checked strictly so that a formatting bug in the reader shows up as
    such, rather than as a confusing value difference."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        raise Failure("%s: output is not ASCII (byte 0x%02x at offset %d)"
                      % (label, data[e.start], e.start))
    if text and not text.endswith("\n"):
        raise Failure("%s: output does not end with a newline" % label)
    result = {}
    cur = None  # entries dict of the current 'ok' block
    state = "start"  # start -> header -> (ok entries... | error) -> header ...
    path = None
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        def bad(why):
            raise Failure("%s: malformed output line %d (%s): %r"
                          % (label, lineno, why, line[:200]))
        if line.startswith("== "):
            if state == "header":
                bad("block without ok/error")
            path = line[3:]
            if path in result:
                bad("second block for the same file")
            state, cur = "header", None
        elif state == "header":
            if line == "ok":
                cur = {}
                result[path] = ("ok", cur)
                state = "ok"
            elif line == "error":
                result[path] = ("error",)
                state = "error"
            else:
                bad("expected 'ok' or 'error'")
        elif state == "ok":
            m = ENTRY_RE.fullmatch(line)
            if not m:
                bad("not an escaped <key>=<value>")
            if m.group(1) in cur:
                bad("duplicate key")
            cur[m.group(1)] = m.group(2)
        elif state == "start":
            bad("expected '== <path>'")
        else:
            bad("entry after 'error'")
    if state == "header":
        raise Failure("%s: last block has no ok/error line" % label)
    extra = sorted(set(result) - set(paths))
    if extra:
        raise Failure("%s: output has blocks for files not asked for, e.g. %r"
                      % (label, extra[0]))
    return result


def shorten(a, b):
    """Both values, cut to a window around the first difference when they are long."""
    if len(a) <= MAX_VALUE_SHOWN and len(b) <= MAX_VALUE_SHOWN:
        return a, b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    start = max(0, i - MAX_VALUE_SHOWN // 3)

    def cut(s):
        part = s[start:start + MAX_VALUE_SHOWN]
        pre = "...[%d chars]" % start if start else ""
        post = "...[%d chars total]" % len(s) if start + MAX_VALUE_SHOWN < len(s) else ""
        return pre + part + post
    return cut(a), cut(b)


def show(s):
    # Escaped strings never contain a space, so these markers cannot be mistaken for one.
    return s if s else "(empty string)"


def describe(side):
    if side[0] == "error":
        return "error (load throws)"
    n = len(side[1])
    return "ok, %d %s" % (n, "entry" if n == 1 else "entries")


def diff_file(j, r):
    """Lines describing how reader result r differs from Java result j ([] if equal)."""
    if j == r:
        return []
    if j[0] != r[0] or j[0] == "error":
        return ["  java:   %s" % describe(j), "  reader: %s" % describe(r)]
    jm, rm = j[1], r[1]
    keys = sorted(k for k in set(jm) | set(rm) if jm.get(k) != rm.get(k))
    out = []
    for k in keys[:MAX_KEYS_SHOWN]:
        out.append("  key %s" % show(shorten(k, "")[0]))
        if k not in rm:
            out.append("    java:   %s" % show(shorten(jm[k], "")[0]))
            out.append("    reader: (no such key)")
        elif k not in jm:
            out.append("    java:   (no such key)")
            out.append("    reader: %s" % show(shorten(rm[k], "")[0]))
        else:
            a, b = shorten(jm[k], rm[k])
            out.append("    java:   %s" % show(a))
            out.append("    reader: %s" % show(b))
    if len(keys) > MAX_KEYS_SHOWN:
        out.append("  ... and %d more differing keys" % (len(keys) - MAX_KEYS_SHOWN))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Compare a .properties reader with java.util.Properties.load.")
    ap.add_argument("--reader", required=True,
                    help="reader command, run as CMD FILE... (split like a shell would)")
    ap.add_argument("--work", required=True, help="scratch directory (corpus, classes)")
    ap.add_argument("--javac", help="javac to use (default: javac on PATH)")
    ap.add_argument("--java", help="java to use (default: java on PATH)")
    ap.add_argument("--count", type=int, default=200, help="random corpus files (default 200)")
    ap.add_argument("--seed", default="0", help="corpus seed (default 0)")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be >= 0")
    reader = shlex.split(args.reader)
    if not reader:
        ap.error("--reader is empty")
    try:
        return run(args, reader)
    except Failure as e:
        print("java differential: FAILED: %s" % e, file=sys.stderr)
        return 1


def run(args, reader):
    java = find_tool(args.java, "java")
    javac = find_tool(args.javac, "javac")
    work = os.path.abspath(args.work)
    corpus_dir = os.path.join(work, "corpus")
    classes = os.path.join(work, "classes")
    os.makedirs(classes, exist_ok=True)
    paths = properties_corpus.write_corpus(corpus_dir, args.count, args.seed)

    proc = subprocess.run([javac, "-encoding", "US-ASCII", "-d", classes, JAVA_SRC],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise Failure("javac failed:\n%s" % proc.stdout.decode("utf-8", "replace"))

    jres = parse_dump("java", run_dumper(
        "java", [java, "-cp", classes, "PropertiesDump"], paths), paths)
    missing = [p for p in paths if p not in jres]
    if missing:
        raise Failure("java: no block for %s" % missing[0])
    # Guard against a corpus (or dumper) that no longer exercises both outcomes: then the
    # test would pass while proving little.
    n_err = sum(1 for v in jres.values() if v[0] == "error")
    if n_err == 0 or n_err == len(paths):
        raise Failure("corpus sanity: java reported %d errors out of %d files"
                      % (n_err, len(paths)))

    rres = parse_dump("reader", run_dumper("reader", reader, paths), paths)
    if not rres:
        raise Failure("reader: %s printed nothing for %d files"
                      % (shlex.join(reader), len(paths)))

    differing = []
    for p in paths:
        if p not in rres:
            differing.append((p, ["  reader printed no block for this file"]))
            continue
        lines = diff_file(jres[p], rres[p])
        if lines:
            differing.append((p, lines))

    n_entries = sum(len(v[1]) for v in jres.values() if v[0] == "ok")
    print("corpus: %d files in %s (java: %d ok, %d error; %d entries)"
          % (len(paths), corpus_dir, len(paths) - n_err, n_err, n_entries))
    if differing:
        print("java differential: %d of %d files differ (java vs reader %s)"
              % (len(differing), len(paths), shlex.join(reader)))
        # Hand-written edge cases first: their names say what they test.
        differing.sort(key=lambda d: (not os.path.basename(d[0]).startswith("edge-"), d[0]))
        for p, lines in differing[:MAX_FILES_SHOWN]:
            print("--- %s" % os.path.basename(p))
            with open(p, "rb") as f:
                raw = f.read(MAX_RAW_SHOWN + 1)
            if len(raw) <= MAX_RAW_SHOWN:
                print("  file:   %r" % raw)
            for line in lines:
                print(line)
        if len(differing) > MAX_FILES_SHOWN:
            print("... and %d more files differ" % (len(differing) - MAX_FILES_SHOWN))
        print("(values are escaped: \\uXXXX for code units outside 0x21..0x7e, '\\', '=')")
        return 1
    print("java differential: %d files identical" % len(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
