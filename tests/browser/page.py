"""Driving the strategy lab in a page as a person would: sliders, Run, what changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, WebSocket, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
_ERROR = re.compile(rb'"msg_type"\s*:\s*"error"')


@dataclass
class KernelErrors:
    """Counts the kernel's `error` messages seen on the page's websockets (cells and callbacks)."""

    count: int = 0
    samples: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> KernelErrors:
        page.on("websocket", self._on_socket)
        return self

    def _on_socket(self, ws: WebSocket) -> None:
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload: str | bytes) -> None:
        data = payload.encode("utf-8", "replace") if isinstance(payload, str) else payload
        if _ERROR.search(data):
            self.count += 1
            self.samples.append(data[:2000].decode("utf-8", "replace"))


def rendered_stderr(page: Page) -> list[str]:
    """Texts of outputs rendered as stderr (how JupyterLab 4 and Voila show a traceback)."""
    return page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()


def lab_state(page: Page) -> tuple[str, bytes]:
    """The figures table's text and a picture of the chart, to tell a redraw happened."""
    table = page.locator(".sim-lab-numbers").inner_text()
    chart = page.locator("img.sim-lab-chart").screenshot()
    return table, chart


def wait_for_lab(page: Page, timeout_ms: float) -> None:
    """Wait until the lab shows its chart and a finished status (it starts with ✓ in any
    language)."""
    expect(page.locator("img.sim-lab-chart")).to_be_visible(timeout=timeout_ms)
    expect(page.locator(".sim-status")).to_contain_text("✓", timeout=timeout_ms)


def move_slider(page: Page, css: str, key: str = "End") -> str:
    """Move a lever with the keyboard as a person can (End = to its maximum); its readout."""
    slider = page.locator(f".{css}")
    slider.locator(".noUi-handle").focus()
    slider.locator(".noUi-handle").press(key)
    return slider.locator(".widget-readout").inner_text()


def run_and_wait(page: Page, timeout_ms: float, language: str = "en") -> None:
    """Click Run and wait for a fresh simulation to finish (the status says "simulated", in
    the page's language as the catalogue has it)."""
    from sim import i18n

    with i18n.using(language):
        fresh = i18n._("simulated")
    page.locator(".sim-run button, button.sim-run").first.click()
    expect(page.locator(".sim-status")).to_contain_text(fresh, timeout=timeout_ms)


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=path, full_page=True)
    return path
