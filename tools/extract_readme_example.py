#!/usr/bin/env python3
"""Copies a ```cpp block of README.md (the first, or the one --block N names, counting from 1)
into a file, so the build compiles it as a test."""
import argparse
import re
import sys

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("readme")
parser.add_argument("output")
parser.add_argument("--block", type=int, default=1, help="which ```cpp block, counting from 1")
parser.add_argument("--total", type=int, help="fail unless the README has exactly this many blocks")
parser.add_argument("--heading", help="take the first block after the heading that contains this text "
                    "(steadier than --block while others add blocks above)")
args = parser.parse_args()
readme, output = args.readme, args.output
text = open(readme, encoding="utf-8").read()
blocks = re.findall(r"```cpp\n(.*?)```", text, re.S)
if args.heading is not None:
    at = [m.start() for m in re.finditer(r"^#+ .*$", text, re.M) if args.heading in m.group(0)]
    if not at:
        sys.exit(f"{readme}: no heading contains {args.heading!r}")
    args.block = len(re.findall(r"```cpp\n", text[:at[0]])) + 1
if args.total is not None and len(blocks) != args.total:
    sys.exit(f"{readme} has {len(blocks)} ```cpp blocks, tests/meson.build compiles {args.total}: "
             "register every block there")
if len(blocks) < args.block or args.block < 1:
    sys.exit(f"{readme}: no ```cpp block number {args.block} (found {len(blocks)}); "
             "every C++ example of the README must stay compilable")
with open(output, "w", encoding="utf-8") as out:
    out.write(blocks[args.block - 1])
