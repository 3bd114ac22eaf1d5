#!/usr/bin/env python3
"""Compares pgstore's model of HikariCP (include/pgstore/hikari.hpp) with the real HikariCP
from Debian's libhikaricp-java over a grid of pool settings, including every edge the
validation rules depend on."""
import argparse
import itertools
import pathlib
import shutil
import subprocess
import sys

JARS = ["/usr/share/java/HikariCP.jar", "/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar"]

GRID = {
    "connections": [1, 10, 200],
    "timeout": [0, 1, 5, 30],
    "idle": [0, 1, 9, 10, 11, 599, 600, 1739, 1740, 1741, 1799, 1800, 3600],
    "lifetime": [0, 1, 29, 30, 31, 600, 1740, 1741, 1800, 3600],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="the hikari-model-dump program")
    ap.add_argument("--work", required=True)
    args = ap.parse_args()

    missing = [j for j in JARS if not pathlib.Path(j).exists()]
    javac, java = shutil.which("javac"), shutil.which("java")
    if missing or not javac or not java:
        print(f"hikari oracle: missing {missing or 'java/javac'}; install default-jdk-headless, "
              "libhikaricp-java and libslf4j-java (tools/install-deps.sh does)", file=sys.stderr)
        return 1

    work = pathlib.Path(args.work)
    classes = work / "classes"
    classes.mkdir(parents=True, exist_ok=True)
    source = pathlib.Path(__file__).resolve().parent / "java" / "HikariDump.java"
    cp = ":".join(JARS)
    subprocess.run([javac, "-d", str(classes), "-cp", cp, str(source)], check=True)

    cases = [str(v) for combo in itertools.product(*GRID.values()) for v in combo]
    real = subprocess.run([java, "-cp", f"{cp}:{classes}", "HikariDump", *cases],
                          check=True, capture_output=True, text=True).stdout.splitlines()
    model = subprocess.run([args.model, *cases], check=True, capture_output=True, text=True).stdout.splitlines()

    differ = [(r, m) for r, m in zip(real, model) if r != m]
    if len(real) != len(model) or not real:
        print(f"hikari oracle: HikariCP printed {len(real)} lines, the model {len(model)}")
        return 1
    for r, m in differ[:20]:
        print(f"HikariCP: {r}\npgstore:  {m}\n")
    if differ:
        print(f"hikari oracle: {len(differ)} of {len(real)} settings differ")
        return 1
    print(f"hikari oracle: {len(real)} settings agree with HikariCP")
    return 0


if __name__ == "__main__":
    sys.exit(main())
