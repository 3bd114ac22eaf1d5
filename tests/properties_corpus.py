#!/usr/bin/env python3
"""Corpus of tricky .properties files for the Java differential test.

Usage: properties_corpus.py OUTDIR [--count N] [--seed S]

Writes N random files case-0000.properties ... (default 200) plus hand-written edge cases
edge-<what>.properties. Output depends only on (N, seed): each random file has its own RNG
seeded from (seed, index), so case-0007 is the same whatever N is.

Files are raw bytes: java.util.Properties.load(InputStream) decodes ISO-8859-1, so any byte
is fair game. Nothing here knows the "right" answer; the JDK is the oracle.

Only the standard library is used (this runs in CI with /usr/bin/python3).
"""

import argparse
import os
import random
import sys

# Properties.LineReader reads an InputStream in chunks of this many bytes; state carried
# across a refill (pending backslash, CR awaiting LF, skipping white space) is where
# hand-written readers that mimic it tend to go wrong.
JAVA_BUF = 8192


def _at(offset, tail, head=b"pad="):
    """head + filler + tail, with tail starting exactly at byte `offset` of the file."""
    n = offset - len(head)
    assert n >= 0
    return head + b"x" * n + tail


def edge_cases():
    """Hand-written cases: {name: bytes}. Malformed escapes get files of their own, since
    one throw discards everything else in the file."""
    e = {}
    e["empty"] = b""
    e["only-comments"] = b"# one\n! two\n   # indented\n\t! tabbed\n\f#ff\n#no newline"
    e["whitespace-only"] = b"  \t\f  "
    e["blank-lines"] = b"\n\n  \n\t\n\f\n \t\f \na=1\n\n\r\n\r \r"
    e["no-final-newline"] = b"a=1\nb=2"
    e["key-only-eof"] = b"lonely"
    e["single-backslash"] = b"\\"
    # Every separator combination, one distinct key each (duplicates would hide results).
    e["separators"] = (
        b"eq=b\ncolon:b\nspace b\ntab\tb\nff\fb\n"
        b"sp_eq = b\nsp_colon : b\ntab_eq\t=\tb\nff_colon\f:\fb\n"
        b"a = =b\na2==b\na3 :b\na4::b\na5=:b\na6:=b\na7 : : b\na8  b\n"
        b"a9 \t\f=\t \f b\na10\f \t b\na11 = = = b\na12\t:=\tb\n"
        b"a13= \n"  # separator then only white space: value is ""
        b"a14 = b=c:d e\n"
    )
    e["key-alone"] = (
        b"alone\nalone_sp   \nalone_tab\t\nalone_ff\f\nalone_eq=\nalone_colon:\n"
        b"   alone_lead\n\talone_tablead   \n"
    )
    e["empty-key-eq"] = b"=v\n"
    e["empty-key-colon"] = b":v w \n"
    e["empty-key-ws"] = b"  \t= spaced v\n"
    e["empty-key-dup"] = b"=first\n:second\n \f=third\n"
    e["escaped-separators"] = (
        b"a\\ b=c\n\\:\\=\\ =x\nk\\=ey:v1\nk\\:ey=v2\nkey\\ \\ =v3\n\\ lead=v4\n"
        b"tail\\\t=v5\n\\#notcomment=v6\n\\!bang:v7\nval=a\\=b\\:c\\ d\\\t\n"
        b"ff\\\fkey=v8\n"
    )
    e["comments"] = (
        b"#c\n!c\n  #c\n\t!c\n\f#c\n \t\f# mixed lead\na=1\n#c=notkey\n!c:notkey\n"
        b"b=2 # not a comment\nc=#value\nd:!value\n#\n!\n"
    )
    # A comment cannot be continued: the next line is a normal entry.
    e["comment-backslash"] = (
        b"# comment \\\nnext1=1\n! c\\\nnext2=2\n  # c \\\r\nnext3=3\n#\\\\\\\nnext4=4\n"
    )
    e["cont-basic"] = b"a=b\\\n   c\nkey\\\n  part=v\nsplit\\\n  =\\\n  value\n"
    # Odd number of trailing backslashes continues, even does not.
    e["cont-parity"] = (
        b"one=b\\\nx1\ntwo=b\\\\\nx2\nthree=b\\\\\\\nx3\nfour=b\\\\\\\\\nx4\nfive=\\\\\\\\\\\nx5\n"
    )
    e["cont-ws-dropped"] = b"a=one \\\n \t\f two\nb=one\\\n\f\f\fthree \n"
    e["cont-empty-next"] = b"a=b\\\n\nc=d\n"
    e["cont-ws-next"] = b"a=b\\\n   \nc=d\n"
    e["cont-ws-next-crlf"] = b"a=b\\\r\n \t\r\nc=d\r\n"
    e["cont-eof"] = b"a=b\\"
    e["cont-eof-newline"] = b"a=b\\\n"
    e["cont-eof-ws"] = b"a=b\\\n   "
    e["cont-key-eof"] = b"key\\"
    # A line that is just a backslash: is the following '#' line a comment or the value?
    e["backslash-then-comment"] = b"\\\n#comment=x\nb=1\n"
    e["backslash-then-bang"] = b"  \\\n  !x=y\nb=1\n"
    e["cont-into-hash"] = b"a=\\\n#notcomment\nb\\\n  !x:y\n"
    e["cont-cr"] = b"a=b\\\rc\rd=e\\\r  \tf\r"
    e["cont-crlf"] = b"a=b\\\r\n  c\r\nd=e\r\n"
    e["mixed-eol"] = b"a=1\rb=2\nc=3\r\nd=4\n\re=5\r\r\nf=6\\\r\n g\\\n h\\\r i\r\n"
    # A lone CR followed by CRLF: two line ends, i.e. an empty line after the CR.
    e["lone-cr-then-crlf"] = b"a=1\\\r\r\nb=2\r\r\nc=3\\\r\r\n  d\ne=\\\r\r\n"
    e["cr-lf-reversed"] = b"a=1\\\n\r  b\nc=2\n\r\nd=3\\\n\r\n"
    e["escapes-trnf"] = b"t=a\\tb\nr=a\\rb\nn=a\\nb\nf=a\\fb\nk\\tey\\n\\r\\f=v\n"
    e["escapes-letters"] = (
        b"b=\\b\nq=\\q\\z\\x41\noct=\\0\\1\\7\\101\nbs=\\\\\nbs2=a\\\\b\nquote=\\\"\\'\n"
        b"\\k\\e\\y=\\v\\a\\l\nhi=\\\xe9\\\x00end\n"
    )
    e["unicode-escapes"] = (
        b"u=\\u0041\\u00e9\\u00E9\\uABCD\\uabcd\\uAbCd\nk\\u0041\\u003d=v\n"
        b"z=\\u0000\nsp=\\u0020lead\n\\u0020=spacekey\nnl=\\u000a\\u000D\nff=\\uffff\\uFFFE\n"
        b"bs=\\u005c\\u005Cu0041\n"
    )
    e["surrogates"] = (
        b"pair=\\uD83D\\uDE00\nlow_pair=\\ud83d\\ude00\nhigh=\\uD800\nlow=\\uDC00\n"
        b"reversed=\\uDC00\\uD800\nkey\\uDBFF\\uDFFF=max\nhalf\\uD800=x\n"
    )
    e["u-across-continuation"] = b"a=\\u00\\\n  41\nb=\\\\\\\n  u0042\n"
    e["bad-u-short-eof"] = b"ok=1\na=\\u12"
    e["bad-u-short-eol"] = b"a=\\u12\nb=c\n"
    e["bad-u-bare"] = b"a=x\\u\n"
    e["bad-u-nonhex"] = b"a=\\u12G4\n"
    e["bad-u-double-u"] = b"a=\\uu0041\n"
    e["bad-u-sign"] = b"a=\\u+123\n"
    e["bad-u-key"] = b"k\\u12=v\n"
    e["bad-u-key-nonhex"] = b"k\\uzzzz=v\n"
    e["bad-u-after-good"] = b"a=1\nb=2\nc=3\nd=\\u00e9\\u00\n"
    e["u-in-comment"] = b"# \\u12 is not parsed here\n! \\uZZZZ\nok=1\n"
    e["latin1"] = (
        b"high=" + bytes(range(0x80, 0x100)) + b"\n"
        + b"\xe9t\xe9=\xff\xfe\n\xa0nbsp\xa0=\xa0v\xa0\n\x85nel=x\x85y\n"
    )
    e["utf8"] = b"caf\xc3\xa9=\xe2\x82\xac\nemoji=\xf0\x9f\x98\x80\n\xef\xbb\xbfbom=1\n"
    e["bom-start"] = b"\xef\xbb\xbfa=1\nb=2\n"
    e["nul-controls"] = (
        b"a=\x00b\nc\x01=\x1f\x7f\n\x00=nulkey\n\x0bvt=v\nk\x0bv=w\nesc\x1b=\x1b[0m\n"
        b"\x00\x00\n"
    )
    e["trailing-spaces"] = b"a=b   \nc=d\t\t\ne = f \f\ng=\\ \nh=  \\  \n"
    e["duplicates"] = b"a=1\na=2\na:3\n a 4\nb=x\nb\nc\\\n=5\nc=6\n"
    # Lines longer than the 8 KiB read buffer.
    e["long-value"] = b"long=" + (b"0123456789abcdef" * 1300) + b"\\u00e9end\nafter=1\n"
    e["long-key"] = b"k" * 9000 + b" = v\nafter=1\n"
    e["long-continued"] = b"".join(
        b"part%02d%s\\\n   " % (i, b"y" * 700) for i in range(14)) + b"last\nafter=1\n"
    e["long-comment"] = b"#" + b"c" * 10000 + b"\\\nafter=1\n"
    # Continuation and CR/LF placed exactly on the read-buffer boundary (offset 8192).
    e["boundary-cont-split"] = _at(JAVA_BUF - 1, b"\\\n   more\nnext=1\n")
    e["boundary-cont-first"] = _at(JAVA_BUF, b"\\\n   more\nnext=1\n")
    e["boundary-cont-last"] = _at(JAVA_BUF - 2, b"\\\n   more\nnext=1\n")
    e["boundary-crlf-split"] = _at(JAVA_BUF - 1, b"\r\nk2=v2\r\n")
    e["boundary-cont-crlf-split"] = _at(JAVA_BUF - 2, b"\\\r\n   more\r\nnext=1\r\n")
    e["boundary-cont-cr-lf-next"] = _at(JAVA_BUF - 1, b"\\\r\n\t more\nnext=1\n")
    e["boundary-backslash-pair"] = _at(JAVA_BUF - 1, b"\\\\\nnext=1\n")
    e["boundary-lead-ws"] = _at(JAVA_BUF - 1, b"\n   spaced = 1\n")
    e["boundary-ws-after-cont"] = _at(JAVA_BUF - 4, b"\\\n    \t  more\nnext=1\n")
    e["boundary-comment"] = _at(JAVA_BUF - 1, b"\\\nnext=1\n", head=b"#")
    e["boundary-key-sep"] = _at(JAVA_BUF, b"=v\nnext=1\n", head=b"k")
    e["boundary-escape-split"] = _at(JAVA_BUF - 1, b"\\t\\u00e9\nnext=1\n")
    e["boundary-cont-eof"] = _at(JAVA_BUF - 1, b"\\")
    e["boundary-second"] = _at(2 * JAVA_BUF - 1, b"\\\r\n  more\nnext=1\n")
    return e


# Weighted fragment alphabets. Each is a list of (bytes, weight). A random file is a list
# of lines built from these, so that rare combinations (escape next to a continuation next
# to a CR, ...) come up often.
KEY = [
    (b"a", 10), (b"key", 6), (b"k1", 4), (b"x.y", 3), (b"\\ ", 3), (b"\\=", 2), (b"\\:", 2),
    (b"\\#", 1), (b"\\!", 1), (b"\\u0041", 2), (b"\\u00e9", 1), (b"\xe9", 2),
    (b"\xc3\xa9", 2), (b"\\t", 1), (b"\\\\", 2), (b"\\\n  ", 2), (b"\\\r\n", 1),
    (b"\\\r\t", 1), (b"#", 1), (b"!", 1), (b"\x00", 1), (b"\\b", 1), (b"\\\t", 1),
    (b"\\\f", 1),
]
SEP = [
    (b"=", 10), (b":", 6), (b" ", 5), (b"\t", 2), (b"\f", 2), (b" = ", 6), (b" : ", 3),
    (b"\t=\t", 2), (b"==", 2), (b"=:", 1), (b":=", 1), (b": =", 1), (b" =  = ", 1),
    (b"  ", 2), (b"\f:\f", 1), (b" \\\n = ", 2), (b"\\\n=", 1), (b"=\\\n   ", 2),
    (b" \t\f", 1), (b"::", 1),
]
VALUE = [
    (b"v", 10), (b"value", 5), (b" ", 4), (b"  ", 2), (b"\t", 2), (b"\f", 1), (b"=", 3),
    (b":", 3), (b"#", 2), (b"!", 2), (b"\\t", 2), (b"\\n", 2), (b"\\r", 2), (b"\\f", 2),
    (b"\\b", 1), (b"\\q", 1), (b"\\\\", 3), (b"\\ ", 2), (b"\\=", 1), (b"\\u0041", 2),
    (b"\\u00E9", 2), (b"\\uD83D\\uDE00", 1), (b"\\uD800", 1), (b"\\uDFFF", 1),
    (b"\\u0000", 1), (b"\\uFEFF", 1), (b"\xe9", 2), (b"\xff", 1), (b"\x80", 1),
    (b"\xe2\x82\xac", 2), (b"\xf0\x9f\x98\x80", 1), (b"\x00", 1), (b"\x01", 1),
    (b"\x7f", 1), (b"\x0b", 1), (b"\x1b", 1),
    # Continuations: plain, with leading white space, with each line end, followed by an
    # empty or blank line, followed by a line starting with a comment character.
    (b"\\\n", 3), (b"\\\n   ", 3), (b"\\\r\n\t", 2), (b"\\\r", 2), (b"\\\r\n", 2),
    (b"\\\\\\\n", 1), (b"\\\n\n", 1), (b"\\\n  \t\n", 1), (b"\\\r\r\n", 1),
    (b"\\\n#x", 1), (b"\\\n!x", 1), (b"\\\n \\\n  ", 1), (b"\\\\\\\\\n", 1),
]
EOL = [
    (b"\n", 20), (b"\r\n", 8), (b"\r", 5), (b"\n\n", 2), (b"\r\r\n", 1), (b"   \n", 2),
    (b" \t\r\n", 1), (b"\n\r", 1), (b"\\\\\n", 1),
]
COMMENT_START = [
    (b"#", 5), (b"!", 4), (b"  #", 2), (b"\t!", 1), (b"\f#", 1), (b"#!", 1), (b" \t\f!", 1),
]
LEAD_WS = [(b"", 20), (b" ", 3), (b"\t", 2), (b"\f", 1), (b"  \t\f ", 1)]
# Malformed escapes: \u needs exactly four hex digits after a single 'u'. A following
# fragment can sometimes complete them, which is fine: Java decides.
MALFORMED = [
    (b"\\u", 3), (b"\\u0", 1), (b"\\u00", 2), (b"\\u004", 2), (b"\\u00G1", 2),
    (b"\\uZZZZ", 1), (b"\\uu0041", 2), (b"\\u-123", 1), (b"\\u 041", 1),
]
# Tails that straddle the read-buffer boundary when a line is padded up to it.
BOUNDARY_TAIL = [
    (b"\\\n   more", 3), (b"\\\r\n  more", 3), (b"\\\r  more", 2), (b"\r\n", 2),
    (b"\\\\\n", 1), (b"\\\n\n", 1), (b"\\\r\r\n", 1), (b"\n  \t", 1), (b"\\u00e9", 1),
    (b"\\\n#x", 1),
]


def _pick(rng, table):
    total = sum(w for _, w in table)
    r = rng.randrange(total)
    for frag, w in table:
        r -= w
        if r < 0:
            return frag
    raise AssertionError("unreachable")


def _run(rng, table, lo, hi):
    return b"".join(_pick(rng, table) for _ in range(rng.randint(lo, hi)))


def random_case(seed, index):
    rng = random.Random("pgstore-properties:%s:%d" % (seed, index))
    # A small key pool per file so that duplicate keys (last one wins) happen regularly.
    pool = [_run(rng, KEY, 1, 3) for _ in range(rng.randint(2, 6))]
    soup = KEY + SEP + VALUE + EOL + COMMENT_START + MALFORMED[:1]
    out = bytearray()
    pad_at = rng.randrange(12) if rng.random() < 0.25 else -1
    nlines = rng.randint(1, 14)
    for i in range(nlines):
        if i == pad_at and len(out) < JAVA_BUF - 64:
            # Pad with one long value so that a tricky tail straddles offset 8192.
            target = JAVA_BUF - rng.randint(1, 3)
            out += b"pad="
            out += b"p" * max(0, target - len(out))
            out += _pick(rng, BOUNDARY_TAIL)
            out += _pick(rng, EOL)
            continue
        kind = _pick(rng, [("entry", 12), ("comment", 3), ("blank", 2), ("alone", 2),
                           ("soup", 2), ("long", 1)])
        line = bytearray(_pick(rng, LEAD_WS))
        if kind == "entry":
            line += rng.choice(pool) if rng.random() < 0.5 else _run(rng, KEY, 1, 4)
            line += _pick(rng, SEP) + _run(rng, VALUE, 0, 6)
        elif kind == "comment":
            line += _pick(rng, COMMENT_START) + _run(rng, VALUE, 0, 4)
            if rng.random() < 0.3:
                line += b"\\"
        elif kind == "blank":
            line += _run(rng, LEAD_WS, 0, 2)
        elif kind == "alone":
            line += rng.choice(pool) + _run(rng, LEAD_WS, 0, 1)
        elif kind == "soup":
            line += _run(rng, soup, 1, 12)
        else:
            # Longer than the read buffer by itself, with fragments at both ends.
            line += rng.choice(pool) + _pick(rng, SEP) + _run(rng, VALUE, 0, 3)
            line += bytes([rng.choice(b"Lx\xe9")]) * rng.randint(JAVA_BUF - 100, 2 * JAVA_BUF)
            line += _run(rng, VALUE, 0, 3)
        out += line
        # Leave the last line unterminated now and then (end of stream ends a line too).
        if i < nlines - 1 or rng.random() < 0.8:
            out += _pick(rng, EOL)
    if rng.random() < 0.12:
        # Make roughly one file in eight malformed; Java should throw on most of them.
        pos = rng.randrange(len(out) + 1)
        out[pos:pos] = _pick(rng, MALFORMED)
    return bytes(out)


def write_corpus(outdir, count=200, seed=0):
    """Writes the corpus into outdir and returns the sorted list of paths written.

    Stale case-*/edge-* files from an earlier run are removed first, so that the
    directory holds exactly this corpus."""
    os.makedirs(outdir, exist_ok=True)
    for name in os.listdir(outdir):
        if name.endswith(".properties") and name.startswith(("case-", "edge-")):
            os.remove(os.path.join(outdir, name))
    files = {"edge-%s.properties" % k: v for k, v in edge_cases().items()}
    for i in range(count):
        files["case-%04d.properties" % i] = random_case(seed, i)
    paths = []
    for name in sorted(files):
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(files[name])
        paths.append(path)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write tricky .properties files.")
    ap.add_argument("outdir")
    ap.add_argument("--count", type=int, default=200, help="random files (default 200)")
    ap.add_argument("--seed", default="0", help="seed for the random files (default 0)")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be >= 0")
    paths = write_corpus(args.outdir, args.count, args.seed)
    print("wrote %d files to %s" % (len(paths), args.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
