"""Repository-wide pytest setup: guard notebook runs against a known kernel-client stall
(sim/kernel_polling.py says what it is and what the guard measured), so every pytest run
here, nbval included, polls the kernel's reply socket in short slices."""

import os

from sim import kernel_polling

kernel_polling.install()

# Tests read English unless they choose Chinese themselves (a zh_* locale on the machine
# running them must not change what they see); subprocesses inherit this.
os.environ["SIM_LANG"] = "en"
