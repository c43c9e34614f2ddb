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


def named_in_files(comparison) -> set[str]:
    """The words of the names the report shows as the files write them: variants, the
    scenario, its tiers and rewards."""
    named = [*comparison.names, comparison.scenario.name, *comparison.tier_mix().columns]
    named += list(comparison.rewards()["reward"])
    return {w.lower() for w in re.findall(r"[A-Za-z_]+", " ".join(map(str, named)))}


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
    assert latin_words(text, KEPT | named_in_files(comparison)) == set()
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


# ------------------------------------------- English left over anywhere a user looks

# Words a Chinese screen may hold in Latin letters, besides KEPT: field and lever names as
# the files write them (they carry _ or . and never count), units and abbreviations.
KEPT_ANYWHERE = KEPT | {"yaml", "html", "csv", "json", "id", "ci", "rfm", "clv", "l1", "l2"}


def english_runs(text: str, kept: set[str] = KEPT_ANYWHERE) -> list[str]:
    """Runs of three or more English words in `text`: a label or sentence nobody marked
    for the catalogue. A token with _ . / = or a digit (a field, path or option as the file
    writes it), a Chinese word or a kept word ends a run."""
    runs, run = [], []
    for token in [*re.split(r"[\s,;:()（）、，。：；！？]+", text), ""]:
        word = token.strip(".!?\"'“”‘’[]{}<>…–—*")
        if re.fullmatch(r"[A-Za-z][A-Za-z']*", word) and word.lower() not in kept:
            run.append(word)
            continue
        if len(run) >= 3:
            runs.append(" ".join(run))
        run = []
    return runs


def widget_text(widget) -> list[str]:
    """Every text a widget tree shows: descriptions, tooltips, placeholders, option labels,
    tab titles, and what an HTML or Label widget says."""
    import ipywidgets as w

    shown = [getattr(widget, name, None) for name in ("description", "tooltip", "placeholder")]
    if isinstance(widget, w.HTML | w.HTMLMath | w.Label):
        shown.append(visible(widget.value))
    shown += [str(x) for x in getattr(widget, "_options_labels", ())]
    shown += list(getattr(widget, "titles", ()) or ())
    for child in getattr(widget, "children", ()):
        shown += widget_text(child)
    return [t for t in shown if isinstance(t, str) and t]


def test_the_leftover_check_sees_an_unmarked_english_sentence():
    import ipywidgets as w

    assert english_runs("活跃客户数 the number of orders（订单）") == ["the number of orders"]
    assert english_runs("loyalty.tiers[1].threshold：应为 500 CNY，VIP 客户") == []
    assert english_runs("再次运行 Steady Brew") == []  # two words: a name, not a sentence
    box = w.VBox([w.HTML("<b>运行</b>"), w.Button(description="run it now", tooltip="运行")])
    assert [r for t in widget_text(box) for r in english_runs(t)] == ["run it now"]


def leftovers(texts: list[str], kept: set[str] = KEPT_ANYWHERE) -> list[str]:
    return sorted({r for t in texts for r in english_runs(t, kept)})


ROLEPLAY = ROOT / "scenarios" / "roleplay" / "wrong_order.yaml"


def test_no_english_is_left_on_the_widgets_in_chinese(world):
    from sim.roleplay import load_script
    from sim.roleplay.pair_widget import PairPlayer
    from sim.roleplay.player_widget import RolePlayPlayer
    from sim.views.analytics_widgets import pyramid_panel
    from sim.views.lab import StrategyLab
    from sim.views.loyalty_views import LoyaltyPanel
    from sim.views.outreach_views import OutreachPanel, outreach_levers
    from sim.views.service_views import PolicyPanel
    from sim.views.widgets import RunPanel, lever

    scenario, result = world
    value = result.tables["orders"].groupby("customer_id")["net_amount"].sum()
    with using("zh"):
        script = load_script(ROLEPLAY)
        panels = {
            "RunPanel": RunPanel(
                scenario, levers=[lever(scenario, "horizon_days", minimum=30, maximum=730)]
            ).widget,
            "pyramid_panel": pyramid_panel(value).widget,
            "PolicyPanel": PolicyPanel(scenario, seed=5, replications=2, background=False).widget,
            "StrategyLab": StrategyLab(
                scenario, seed=3, customers=100, days=60, replications=2, background=False
            ).widget,
            "OutreachPanel": OutreachPanel(
                scenario, outreach_levers(scenario), seed=5, replications=2
            ).widget,
            "LoyaltyPanel": LoyaltyPanel(scenario, seed=5, replications=2).widget,
            "RolePlayPlayer": RolePlayPlayer(script, lang="zh", seed=3).widget,
            "PairPlayer": PairPlayer(script, lang="zh", seed=3).widget,
        }
        found = {name: leftovers(widget_text(box)) for name, box in panels.items()}
    assert not {name: runs for name, runs in found.items() if runs}, found


CLI_COMMANDS = [[], ["run"], ["validate"], ["schema"], ["roleplay"], ["roleplay", "lint"],
                ["roleplay", "play"], ["roleplay", "cards"], ["compare"],
                ["tournament"]]  # fmt: skip


def help_prose(text: str) -> str:
    """An argparse help's sentences: without the usage block, the {choices} and the
    options and arguments as typed (`--out DIR`, `scenario`), which stay as they are."""
    text = text.split("\n\n", 1)[-1]
    text = re.sub(r"\{[^{}]*\}", " ", text)
    return re.sub(r"(?m)^\s+\S.*?(\s{2,}|$)", " ", text)


@pytest.mark.parametrize("command", CLI_COMMANDS, ids=lambda c: " ".join(c) or "top")
def test_no_english_is_left_in_the_help_of_a_command_in_chinese(capsys, command):
    from sim.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", "zh", *command, "--help"])
    assert leftovers([help_prose(capsys.readouterr().out)]) == []


def test_no_english_is_left_in_the_compare_report_in_chinese(comparison):
    with using("zh"):
        page = render_report(comparison)
    assert leftovers([visible(page)], KEPT_ANYWHERE | named_in_files(comparison)) == []


def test_no_english_is_left_on_the_tournament_pages_in_chinese(tmp_path):
    from sim.tournament import load_trainer, run_tournament
    from sim.tournament.pages import write_pages

    submissions = ROOT / "scenarios" / "tournament" / "submissions"
    t = run_tournament(
        COFFEE, submissions, load_trainer(ROOT / "scenarios" / "tournament" / "trainer.yaml"),
        replications=1, workers=1, progress=False, customers=100, days=120,
    )  # fmt: skip
    with using("zh"):
        out = write_pages(t, tmp_path)
    # team names, members, notes and levers are the teams' own words, as their files write them
    teams = " ".join(f"{x.name} {' '.join(x.members)} {x.notes}" for x in t.teams)
    named = {w.lower() for w in re.findall(r"[A-Za-z]+", f"{teams} {t.trainer.name}")}
    named |= {w.lower() for r in t.rounds for w in re.findall(r"[A-Za-z]+", r.round.name)}
    named |= {w.lower() for s in t.trainer.shocks or [] for w in s.name.split()}
    for page in [out / "leaderboard.html", *sorted((out / "teams").glob("*.html"))]:
        text = re.sub(r"<pre>.*?</pre>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert leftovers([visible(text)], KEPT_ANYWHERE | named) == [], page.name
