"""Voila configuration for `make app` (loaded through JUPYTER_CONFIG_PATH=app by app/room.py).

Serves the strategy lab without its code, and guards against a known stall: now and then
the kernel answers a cell but the client does not notice, leaving a page on "Executing k of
n" forever (about 2 in 100 loads; see shared/TESTING-NOTEBOOKS.md). Polling the reply
socket in 250 ms slices (sim/kernel_polling.py) brought it to 0 in 100 loads; a cell
timeout turns any stall left into a visible error instead of a page that hangs silently.

The room settings (benchmarks/app.py measures them; notebooks/FACILITATOR.md turns them into
advice): a small pool of kernels that have already run the lab, so a page opens at once; a
cap on kernels serving pages; and culling, so kernels of closed pages are freed.
"""

from sim import kernel_polling

kernel_polling.install()

c = get_config()  # noqa: F821 (provided by the traitlets config loader)
c.VoilaConfiguration.strip_sources = True  # participants see the lab, not the code
c.VoilaConfiguration.show_tracebacks = False
c.VoilaExecutor.timeout = 120  # seconds per cell: a stall becomes an error, not a hang
# After a cell's reply, how long its last outputs may take to arrive. nbclient's default of
# 4 s drops the lab's widget on a busy laptop (five pages opened at once beside other work:
# "Timeout waiting for IOPub output" in the log, and a page that shows the prose but never
# the lab); a late output is now waited for, and a lost one is an error, not a blank page.
c.VoilaExecutor.iopub_timeout = 60
c.VoilaExecutor.raise_on_iopub_timeout = True
c.Voila.open_browser = False
c.Voila.port_retries = 0  # the printed link names the port: fail rather than move

# A pool of kernels that have already run the lab: a page takes one and opens at once.
c.VoilaConfiguration.preheat_kernel = True
c.VoilaConfiguration.default_pool_size = 2
c.VoilaConfiguration.multi_kernel_manager_class = "app.room.RoomKernelManager"
c.VoilaKernelManager.fill_delay = 0  # refill the pool as soon as a page takes a kernel

# A page that closes shuts its kernel down; one whose shutdown never came (a crashed
# browser, a plain GET) is culled after a minute without a page, and the kernel of a page
# left open and untouched after half an hour.
c.RoomKernelManager.max_kernels = 20
c.RoomKernelManager.cull_idle_timeout = 60
c.RoomKernelManager.cull_interval = 15
c.RoomKernelManager.cull_connected = False
c.RoomKernelManager.connected_idle_timeout = 1800
