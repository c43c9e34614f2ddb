"""Voila configuration for `make app` (loaded through JUPYTER_CONFIG_PATH=app).

Serves the strategy lab without its code, and guards against a known stall: now and then
the kernel answers a cell but the client does not notice, leaving a page on "Executing k of
n" forever (about 2 in 100 loads; see shared/TESTING-NOTEBOOKS.md). Polling the reply
socket in 250 ms slices (sim/kernel_polling.py) brought it to 0 in 100 loads; a cell
timeout turns any stall left into a visible error instead of a page that hangs silently.
"""

from sim import kernel_polling

kernel_polling.install()

c = get_config()  # noqa: F821 (provided by the traitlets config loader)
c.VoilaConfiguration.strip_sources = True  # participants see the lab, not the code
c.VoilaConfiguration.show_tracebacks = False
c.VoilaExecutor.timeout = 120  # seconds per cell: a stall becomes an error, not a hang
c.Voila.open_browser = False
