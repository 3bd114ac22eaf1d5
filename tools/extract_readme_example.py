#!/usr/bin/env python3
"""Copies the first ```cpp block of README.md into a file, so the build compiles it as a test."""
import re
import sys

readme, output = sys.argv[1], sys.argv[2]
match = re.search(r"```cpp\n(.*?)```", open(readme, encoding="utf-8").read(), re.S)
if not match:
    sys.exit(f"{readme}: no ```cpp block found; the README's example must stay compilable")
with open(output, "w", encoding="utf-8") as out:
    out.write(match.group(1))
