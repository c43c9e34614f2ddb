"""Repository-wide pytest setup: guard notebook runs against a known kernel-client stall
(sim/kernel_polling.py says what it is and what the guard measured), so every pytest run
here, nbval included, polls the kernel's reply socket in short slices."""

from sim import kernel_polling

kernel_polling.install()
