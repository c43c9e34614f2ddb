"""The strategy lab in a real browser: JupyterLab (run all, move a lever, Run) and `make app`.

Headless Debian Chromium driven by Playwright; screenshots go to tests/artifacts/. Skipped
only when /usr/bin/chromium is missing (`make test` installs it with apt-get).
"""

from __future__ import annotations

import os
import re
import time

import pytest
from browser.page import (
    CHROMIUM,
    CHROMIUM_ARGS,
    KernelErrors,
    lab_state,
    move_slider,
    rendered_stderr,
    run_and_wait,
    shot,
    wait_for_lab,
)
from browser.room import kernel_pids, wait_until
from browser.servers import LAB_NOTEBOOK, LAB_NOTEBOOK_ZH, jupyterlab, voila
from playwright.sync_api import Page, expect, sync_playwright

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium: run `make browser-deps` "
    "(apt-get install chromium) to enable the browser test",
)

LEVER = "sim-lever-outreach-triggers-winback-coupon"  # win-back coupon, 15 CNY by default
PAGE_LOAD_S = 60  # a Voila page still on "Executing k of n" after this has stalled
RELOADS = 5
# pages opened at once share the cores (with the other test worker's kernels, in CI): each
# more page may take this much longer before the batch counts as stalled
PER_RELOAD_S = 30
POOL = 2  # app/voila.py: kernels kept warm for the next participant


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    home = tmp_path_factory.mktemp("chromium-home")  # Chromium's config and cache go here
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    env["XDG_CACHE_HOME"] = str(home / "cache")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)
        yield chromium
        chromium.close()


def new_page(browser) -> Page:
    """A page in a context of its own (a participant's browser). Its context stays open when
    the page closes: a page that owns its context is closed before its beforeunload runs."""
    page = browser.new_context(viewport={"width": 1400, "height": 1500}).new_page()
    page.set_default_timeout(30_000)
    return page


def menu(page: Page, top: str, item: str) -> None:
    """Open a JupyterLab menu and choose an item by its visible label."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def kernel_idle(page: Page, timeout_ms: float = 60_000) -> None:
    expect(page.locator(".jp-StatusBar-Widget", has_text="| Idle").first).to_be_visible(
        timeout=timeout_ms
    )


def check_lever_run_changes(
    page: Page, errors: KernelErrors, name: str, language: str = "en"
) -> None:
    """Move the lever, click Run: the numbers and the chart must change, with no errors."""
    before = lab_state(page)
    shot(page, f"{name}_before.png")
    readout = move_slider(page, LEVER)
    assert readout.strip() in ("60", "60.00"), f"the lever did not move (readout {readout!r})"
    run_and_wait(page, timeout_ms=30_000, language=language)
    after = lab_state(page)
    shot(page, f"{name}_after.png")
    assert after[0] != before[0], "the figures table did not change after Run"
    assert after[1] != before[1], "the chart did not change after Run"
    page.wait_for_timeout(300)  # the sync API delivers websocket frames during its calls
    assert errors.count == 0, f"kernel errors: {errors.samples}"
    assert not rendered_stderr(page), f"stderr in the page: {rendered_stderr(page)}"


NOTEBOOK = {"en": LAB_NOTEBOOK, "zh": LAB_NOTEBOOK_ZH}
SUFFIX = {"en": "", "zh": "_zh"}  # screenshots of the Chinese lab


@pytest.mark.parametrize("language", ["en", "zh"])
def test_lab_in_jupyterlab_runs_all_and_reacts_to_a_lever(browser, tmp_path, language):
    start = time.monotonic()
    with jupyterlab(tmp_path, NOTEBOOK[language]) as server:
        page = new_page(browser)
        errors = KernelErrors().watch(page)
        page.goto(server.url)
        expect(page.locator(".jp-NotebookPanel")).to_be_visible(timeout=40_000)
        kernel_idle(page)
        menu(page, "Edit", "Clear Outputs of All Cells")
        menu(page, "Run", "Run All Cells")
        wait_for_lab(page, timeout_ms=60_000)
        kernel_idle(page)
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        assert prompts and all(re.search(r"\[\d+\]", p) for p in prompts), (
            f"not every cell ran: {prompts}"
        )
        check_lever_run_changes(page, errors, f"jupyterlab{SUFFIX[language]}", language)
        page.close()
    print(f"JupyterLab check ({language}): {time.monotonic() - start:.1f} s")


def load_voila(browser, url: str, errors: KernelErrors, elsewhere: list[str]) -> Page:
    """Start opening the app in a new page (without waiting for its cells to run); what the
    page fetches from anywhere but the app goes into `elsewhere`."""
    page = new_page(browser)
    errors.watch(page)
    page.on(
        "request",
        lambda r: None if r.url.startswith((url, "data:", "blob:")) else elsewhere.append(r.url),
    )
    page.goto(url, wait_until="commit")
    return page


def finish_loading(page: Page, name: str, within_s: float = PAGE_LOAD_S) -> None:
    """Wait for the lab; fail clearly when the page never finishes executing (a stall)."""
    try:
        wait_for_lab(page, timeout_ms=max(within_s, 5) * 1000)
    except AssertionError:
        text = page.locator("body").inner_text()[:300]
        shot(page, f"{name}_stalled.png")
        pytest.fail(f"{name}: the Voila page did not finish within {within_s:.0f} s: {text!r}")
    assert not rendered_stderr(page), f"{name}: {rendered_stderr(page)}"
    text = page.locator("body").inner_text()
    assert "There was an error" not in text and "An exception occurred" not in text, name


def test_lab_as_a_voila_app_hides_code_and_reacts_to_a_lever(browser, tmp_path):
    start = time.monotonic()
    with voila(tmp_path) as server:
        errors, elsewhere = KernelErrors(), []
        page = load_voila(browser, server.url, errors, elsewhere)
        finish_loading(page, "voila")
        body = page.locator("body").inner_text()
        assert "Strategy lab" in body and "Debrief" in body
        assert "StrategyLab(" not in body, "the app shows code"
        check_lever_run_changes(page, errors, "voila")
        page.close(run_before_unload=True)
        first = time.monotonic() - start
        # a class opening the app at once: every load must complete, none may hang
        pages = [load_voila(browser, server.url, errors, elsewhere) for _ in range(RELOADS)]
        deadline = time.monotonic() + PAGE_LOAD_S + PER_RELOAD_S * (RELOADS - 1)
        for i, page in enumerate(pages):
            finish_loading(page, f"voila_load_{i + 1}", deadline - time.monotonic())
        pages[-1].wait_for_timeout(300)
        assert errors.count == 0, f"kernel errors: {errors.samples}"
        for page in pages:
            page.close(run_before_unload=True)  # as a closing tab: the page shuts its kernel
        assert not elsewhere, f"the page fetched from outside the app: {elsewhere}"
        # every closed page's kernel is freed; only the warm pool is left
        wait_until(lambda: len(kernel_pids(server.process.pid)) == POOL, timeout=30)
        assert len(kernel_pids(server.process.pid)) == POOL, server.log_tail()
        log = server.log.read_text(errors="replace")
        assert "Error at server" not in log, server.log_tail()
        assert "'_xsrf' argument missing" not in log, server.log_tail()
        assert "Timeout waiting for IOPub output" not in log, server.log_tail()
    took = time.monotonic() - start
    print(f"Voila: first load and lever check {first:.1f} s; {RELOADS} more loads: {took:.1f} s")


def test_the_chinese_lab_as_a_voila_app_hides_code_and_reacts_to_a_lever(browser, tmp_path):
    """`make app SIM_LANG=zh`: the Chinese twin, its prose in Chinese, its lever working."""
    with voila(tmp_path, notebook=LAB_NOTEBOOK_ZH) as server:
        errors, elsewhere = KernelErrors(), []
        page = load_voila(browser, server.url, errors, elsewhere)
        finish_loading(page, "voila_zh")
        body = page.locator("body").inner_text()
        assert "策略实验室" in body and "复盘" in body
        assert "Strategy lab" not in body and "Debrief" not in body
        assert "StrategyLab(" not in body, "the app shows code"
        check_lever_run_changes(page, errors, "voila_zh", "zh")
        page.close(run_before_unload=True)
        assert not elsewhere, f"the page fetched from outside the app: {elsewhere}"
