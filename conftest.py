"""Repository-wide pytest setup: guard notebook runs against a known kernel-client stall
(sim/kernel_polling.py says what it is and what the guard measured), so every pytest run
here, nbval included, polls the kernel's reply socket in short slices. Notebook kernels
import `sim` from this checkout (PYTHONPATH), not from wherever the package is installed,
so a worktree's notebooks test the worktree's code."""

import os
from pathlib import Path

from sim import kernel_polling

ROOT = str(Path(__file__).resolve().parent)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [ROOT, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != ROOT]]
)
kernel_polling.install()

# Tests read English unless they choose Chinese themselves (a zh_* locale on the machine
# running them must not change what they see); subprocesses inherit this.
os.environ["SIM_LANG"] = "en"
