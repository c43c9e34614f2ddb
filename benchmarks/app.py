"""`make app` under a room: memory and Run latency for 5, 10 and 20 participants.

For each room size a fresh `make app` server (app/room.py, app/voila.py: its pool of 2 kernels)
starts on 127.0.0.1 and is left to fill its pool. Then the participants arrive at once: each
loads the page (plain HTTP, the whole page: every cell run); "page" is how long that took
(a page from the warm pool is instant; the others wait for a kernel to start and run the lab).
Memory is the RSS of the server and all its children once every page has loaded. Then the
participants press Run: one alone while the others read, then all at the same moment, twice,
with a lever moved each time so nothing comes from the cache. The lab's own Run button is
clicked in the page's kernel (`lab.button.click()`, through the kernel's connection file:
what the button's click message does there); "Run" lasts from the request to the redrawn
chart. Culling is off during the measurement.

    python benchmarks/app.py               # 5, 10 and 20 participants
    python benchmarks/app.py --rooms 5     # one room size
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client import BlockingKernelClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the room tests' server and participant helpers

from browser.room import Participant, kernel_pids, rss_mb, wait_until  # noqa: E402
from browser.servers import voila  # noqa: E402

POOL = 2  # app/voila.py: default_pool_size
WARM_S = 25  # enough for one kernel to run the lab on a busy 2-core machine
LEVER = "service.l1_agents"
RUN = """
_s = lab.sliders[{lever!r}]
_s.value = _s.max - {step}
lab.button.click()
assert "simulated" in lab.status.value, lab.status.value
"""


def run_in_page(connection_file: Path, step: int) -> float:
    """Press the lab's Run in a page's kernel; seconds until the chart is redrawn."""
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        start = time.perf_counter()
        reply = client.execute_interactive(RUN.format(lever=LEVER, step=step), timeout=600)
        took = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"Run failed in {connection_file.name}: {reply['content']}")
        return took
    finally:
        client.stop_channels()


def load_page(url: str) -> tuple[str, float]:
    start = time.perf_counter()
    kernel_id = Participant(url).open(whole=True)
    return kernel_id, time.perf_counter() - start


def room(participants: int) -> dict:
    with (
        tempfile.TemporaryDirectory() as tmp,
        voila(
            Path(tmp),
            "--RoomKernelManager.cull_idle_timeout=0",
            "--RoomKernelManager.max_kernels=0",
        ) as server,
    ):
        pid = server.process.pid
        wait_until(lambda: len(kernel_pids(pid)) >= POOL, 120)
        first = Participant(server.url)  # once a page has loaded, the pool has run the lab
        first.close(first.open(whole=True))
        time.sleep(WARM_S)  # the kernel refilling the pool runs the lab too
        idle_mb = rss_mb(pid)
        with ThreadPoolExecutor(participants) as ex:
            loads = list(ex.map(load_page, [server.url] * participants))
        time.sleep(10)  # the pool refills behind the last page
        mb = rss_mb(pid)
        files = {p.name: p for p in Path(tmp).rglob("kernel-*.json")}
        conns = [files[f"kernel-{kid}.json"] for kid, _ in loads]
        alone = run_in_page(conns[0], 3)  # one participant presses Run, the rest read
        runs = []
        for step in (1, 2):
            with ThreadPoolExecutor(participants) as ex:
                runs += list(ex.map(run_in_page, conns, [step] * participants))
        return dict(
            participants=participants,
            kernels=len(kernel_pids(pid)),
            mb=mb,
            mb_each=(mb - idle_mb) / participants,
            page=[t for _, t in loads],
            run=runs,
            alone=alone,
        )


def spread(values: list[float]) -> str:
    return f"{min(values):4.1f} / {statistics.median(values):4.1f} / {max(values):4.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, nargs="+", default=[5, 10, 20])
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")
    print(
        "participants  kernels  RSS MB  MB each  page s (min / median / max)  "
        "Run s alone  Run s, all at once (min / median / max)"
    )
    for n in args.rooms:
        r = room(n)
        print(
            f"{r['participants']:12d}  {r['kernels']:7d}  {r['mb']:6.0f}  {r['mb_each']:7.0f}  "
            f"{spread(r['page']):>27}  {r['alone']:11.1f}  {spread(r['run']):>38}",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
