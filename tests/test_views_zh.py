"""The views in Chinese (issue 14): the lab's numbers, the desk-policy table and the compare
report rendered with using("zh") show the catalogue's Chinese for every label they use and
no English sentence of the catalogue; in English they stay as before."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import figures
from sim.i18n import catalogue, using
from sim.views.lab import LAB_FIGURES, lab_figures, numbers_html
from sim.views.noise import Paired
from sim.views.report import render_report
from sim.views.service_views import TABLE_ROWS, policy_table

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
# Latin words a Chinese page may keep: names from the files, abbreviations trainers use.
KEPT = {"nps", "csat", "vip", "cny", "python", "sim", "compare", "png", "chart"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(page: str) -> str:
    """The text a reader sees in an HTML fragment (no tags, styles or attributes)."""
    parser = _Text()
    parser.feed(re.sub(r"<style>.*?</style>", "", page, flags=re.S))
    return " ".join(parser.parts)


def english_sentences(text: str) -> list[str]:
    """The catalogue's English messages (two words or more, placeholders aside) found in
    `text`: each one is a label or sentence left untranslated."""
    found = []
    for msgid in catalogue("zh"):
        plain = re.sub(r"<[^>]+>", "", re.sub(r"\{[^{}]*\}", "", msgid)).strip(" :;,.")
        if len(re.findall(r"[A-Za-z]{2,}", plain)) >= 2 and plain in text:
            found.append(msgid)
    return found


def latin_words(text: str, kept: set[str]) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text) if w.lower() not in kept}


@pytest.fixture(scope="module")
def world():
    scenario = sim.load_scenario(COFFEE).with_overrides(customers=200, days=90)
    return scenario, sim.run(scenario, seed=3, progress=False)


def test_the_lab_table_in_chinese(world):
    _scenario, result = world
    card = lab_figures(result)
    paired = Paired([card], [dict(card, revenue=(card["revenue"] or 0) + 1000)])
    with using("zh"):
        page = numbers_html(paired)
        labels = [figures.info(name).label for name in LAB_FIGURES]
    text = visible(page)
    for label in labels:
        assert label in text and re.search(r"[\u4e00-\u9fff]", label), label
    assert "基准（1 次运行）" in text and "你的杠杆设置" in text and "（1 次运行）" in text
    assert english_sentences(text) == []
    assert latin_words(text, KEPT) == set()
    with using("en"):
        english = visible(numbers_html(paired))
    assert "retention of the starting base" in english and "baseline (one run)" in english


def test_the_policy_table_in_chinese(world):
    from sim.analytics.service import compare_policies
    from sim.views.service_views import NEGLECT, with_policy

    scenario, result = world
    neglect = sim.run(with_policy(scenario, NEGLECT), seed=3, progress=False)
    table = compare_policies({"baseline": result, "your policy": neglect}, baseline="baseline")
    with using("zh"):
        page = policy_table(table, "CNY", labels=True).to_html()
        labels = [figures.info(r).label for r in TABLE_ROWS if r in table.index]
    text = visible(page)
    assert all(label in text for label in labels)
    assert "你的策略 对比 基准" in text and "¥" in text and " 小时" in text
    assert english_sentences(text) == [] and latin_words(text, KEPT) == set()
    with using("en"):  # the English table keeps the figure names a notebook indexes by
        assert "promise_kept" in policy_table(table, "CNY", labels=False).index


@pytest.fixture(scope="module")
def comparison():
    base = sim.load_scenario(COFFEE)
    variants = {"bonus_500": {"loyalty": {"signup_bonus": 500}}}
    return sim.compare(base, variants, replications=2, seed=4, executor="serial",
                       customers=150, days=60, progress=False)  # fmt: skip


def test_the_compare_report_in_chinese(comparison):
    with using("zh"):
        page = render_report(comparison)
    assert '<html lang="zh-CN">' in page
    text = visible(page)
    for heading in (
        "假设分析报告",
        "与基准的差异",
        "均值与 95% 置信区间",
        "全部指标",
        "怎么读这份报告",
    ):
        assert heading in text, heading
    assert english_sentences(text) == []
    kept = KEPT | {w.lower() for w in re.findall(r"[A-Za-z_]+", " ".join(comparison.names))}
    kept |= {w.lower() for w in re.findall(r"[A-Za-z_]+", comparison.scenario.name)}
    named = [*comparison.tier_mix().columns, *comparison.rewards()["reward"]]  # from the file
    kept |= {w.lower() for w in re.findall(r"[A-Za-z_]+", " ".join(map(str, named)))}
    assert latin_words(text, kept) == set()
    with using("en"):
        english = render_report(comparison)
    assert '<html lang="en">' in english and "Differences against the baseline" in english


def test_exercise_feedback_in_chinese():
    from sim.views.exercises import check_lead_sign, check_pareto_share

    orders = pd.DataFrame({"customer_id": [1, 1, 2, 3], "net_amount": [50.0, 50.0, 30.0, 20.0]})
    with using("zh"):
        assert str(check_pareto_share(None, orders)).startswith("… 还没有作答")
        wrong = str(check_pareto_share(0.01, orders))
        assert wrong.startswith("✘ 还不对") and english_sentences(wrong) == []
        assert str(check_lead_sign("之后")).startswith("✔ 正确")
    with using("en"):
        assert str(check_pareto_share(None, orders)).startswith("… not answered yet")
