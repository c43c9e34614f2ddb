"""`make bench`: how fast `import sim` and the command line start, in fresh processes.

Each figure is the median wall clock of `--repeat` fresh interpreters (5 by default), beside
the bare interpreter's own start (`python -c pass`), so a slow disk or a busy machine shows
in both. Then the five slowest imports of `import sim` from `python -X importtime`.

    python benchmarks/startup.py
    python benchmarks/startup.py --repeat 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = (
    ("python -c pass", ["-c", "pass"]),
    ("import sim", ["-c", "import sim"]),
    ("python -m sim --help", ["-m", "sim", "--help"]),
    ("python -m sim --lang zh --help", ["-m", "sim", "--lang", "zh", "--help"]),
    ("python -m sim run --help", ["-m", "sim", "run", "--help"]),
    ("python -m sim compare --help", ["-m", "sim", "compare", "--help"]),
    ("python -m sim tournament --help", ["-m", "sim", "tournament", "--help"]),
)


def _environment() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SIM_LANG="en")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with compiled bytecode, as users run
    return env


def wall_clock(args: list[str], repeat: int) -> float:
    """Median seconds of `repeat` fresh `python ARGS` runs (one warm-up run first)."""
    env = _environment()
    times = []
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True, capture_output=True)
        if i:  # the first run writes bytecode caches and warms the disk cache
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def slowest_imports(statement: str, n: int = 5) -> list[tuple[str, float]]:
    """The `n` imports `statement` made with the largest cumulative time under
    `python -X importtime` (those of the interpreter's own start, `site`, left out)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        env=_environment(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line[len("import time:") :].split("|")
        if name == " site":  # top level: not indented
            rows = []  # what came before belongs to the interpreter's start
            continue
        rows.append((name.strip(), int(cumulative) / 1e6))
    return sorted(rows, key=lambda r: -r[1])[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per figure (5)")
    args = parser.parse_args()
    print(f"startup, median of {args.repeat} fresh processes (and over the bare interpreter)")
    bare = None
    for label, argv in CASES:
        seconds = wall_clock(argv, args.repeat)
        bare = seconds if bare is None else bare
        extra = f"  (+{(seconds - bare) * 1000:5.1f} ms)" if argv != CASES[0][1] else ""
        print(f"  {label:<36} {seconds * 1000:7.1f} ms{extra}")
    print("  slowest imports of `import sim` (cumulative, python -X importtime, after site):")
    for name, seconds in slowest_imports("import sim"):
        print(f"    {name:<34} {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
