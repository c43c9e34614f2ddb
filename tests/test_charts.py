"""Every shipped chart reads cleanly: no text box over another (tick labels, titles, axis
labels, legends, annotations), no legend or label over the bars, no glyph missing from the
fonts, no scientific notation and no tick label shown twice on one axis.

Chart functions are found by walking the `sim` package (every function whose return type is
a matplotlib Figure), so a new chart fails `test_every_chart_function_is_drawn_here` until
it gets a case in CHARTS. Each case draws its chart on a small shipped world.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
import re
import typing
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import sim
from sim.i18n import using
from sim.views.fonts import use_cjk_fonts

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
SLACK = 1.0  # pixels two boxes may share (antialiasing, touching edges)


# ------------------------------------------------------------------ the check


def _tick_labels(ax) -> list[tuple[str, Text]]:
    """The tick labels matplotlib actually draws: ticks inside the view, visible, not empty."""
    out = []
    if not ax.axison:
        return out
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        if not axis.get_visible():
            continue
        lo, hi = sorted(axis.get_view_interval())
        eps = (hi - lo) * 1e-9
        for tick in axis.get_major_ticks():
            if not lo - eps <= tick.get_loc() <= hi + eps:
                continue
            for label in (tick.label1, tick.label2):
                if label.get_visible() and label.get_text().strip():
                    out.append((f"{name} tick", label))
    return out


def _boxes(fig: Figure, renderer) -> list[tuple[str, Bbox, object]]:
    """Every text box a reader sees, as (what, window box, artist); a legend is one box."""
    found: list[tuple[str, Text | Legend]] = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        found += _tick_labels(ax)
        if ax.axison:
            found += [("axis label", ax.xaxis.label), ("axis label", ax.yaxis.label)]
            found += [
                ("offset", ax.xaxis.get_offset_text()),
                ("offset", ax.yaxis.get_offset_text()),
            ]
        found += [("text", c) for c in ax.get_children() if isinstance(c, Text)]
        if ax.get_legend() is not None:
            found.append(("legend", ax.get_legend()))
    found += [("figure text", t) for t in fig.texts]
    found += [("legend", lg) for lg in fig.legends]
    out = []
    for what, artist in found:
        if not artist.get_visible():
            continue
        if isinstance(artist, Text) and not artist.get_text().strip():
            continue
        box = artist.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            out.append((what, box, artist))
    return out


def _name(what: str, artist) -> str:
    return f"{what} {artist.get_text()!r}" if isinstance(artist, Text) else what


def _corners(box: Bbox, artist, renderer) -> np.ndarray:
    """The four corners of what `artist` covers: a rotated text is a rotated rectangle
    (centred where its axis-aligned box is centred), everything else its box."""
    angle = artist.get_rotation() % 180 if isinstance(artist, Text) else 0.0
    if not angle:
        return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    artist.set_rotation(0)
    flat = artist.get_window_extent(renderer)
    artist.set_rotation(angle)
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [flat.width / 2, flat.height / 2]
    a = np.deg2rad(angle)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return half @ turn.T + [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two convex quadrilaterals share more than SLACK pixels across every
    separating axis (the separating-axis test)."""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            normal = np.array([-edge[1], edge[0]]) / np.hypot(*edge)
            pa, pb = a @ normal, b @ normal
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= SLACK:
                return False
    return True


def _inside(a: Bbox, b: Bbox) -> bool:
    return (a.x0 >= b.x0 - SLACK and a.x1 <= b.x1 + SLACK
            and a.y0 >= b.y0 - SLACK and a.y1 <= b.y1 + SLACK)  # fmt: skip


def layout_problems(fig: Figure) -> list[str]:
    """What a reader would trip over in `fig`, one sentence each (empty: it reads cleanly).

    Draws the figure with "Glyph ... missing from font(s)" turned into an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from font")
        if not hasattr(fig.canvas, "get_renderer"):  # a Figure made without pyplot
            FigureCanvasAgg(fig)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    boxes = _boxes(fig, renderer)
    shapes = [_corners(box, artist, renderer) for _, box, artist in boxes]
    for (i, (wa, _, x)), (j, (wb, _, y)) in itertools.combinations(enumerate(boxes), 2):
        if _overlap(shapes[i], shapes[j]):
            problems.append(f"{_name(wa, x)} overlaps {_name(wb, y)}")
    w, h = fig.canvas.get_width_height()
    for (what, _, artist), corners in zip(boxes, shapes, strict=True):
        xs, ys = corners[:, 0], corners[:, 1]
        if xs.min() < -SLACK or ys.min() < -SLACK or xs.max() > w + SLACK or ys.max() > h + SLACK:
            problems.append(f"{_name(what, artist)} is cut off at the figure's edge")
    for ax in fig.axes:
        bars = [
            p.get_window_extent(renderer)
            for c in ax.containers
            if isinstance(c, BarContainer)
            for p in c.patches
            if p.get_visible() and p.get_width() and p.get_height()
        ]
        for what, box, artist in boxes:
            if getattr(artist, "axes", None) is not ax and not (
                isinstance(artist, Legend) and artist.axes is ax
            ):
                continue
            if what not in ("legend", "text"):
                continue
            for bar in bars:
                # a label may sit inside a bar or beside it, never across its edge;
                # a legend may not cover a bar at all
                if _overlap(_corners(box, artist, renderer), _corners(bar, None, renderer)) and (
                    what == "legend" or not _inside(box, bar)
                ):
                    problems.append(f"{_name(what, artist)} is drawn over a bar's edge")
                    break
        for name, label in _tick_labels(ax):
            text = label.get_text()
            if "e+" in text or "e-" in text or "×10" in text:
                problems.append(f"{name} {text!r} is in scientific notation")
        for axis in (ax.xaxis, ax.yaxis):
            labels = [
                t.get_text() for n, t in _tick_labels(ax) if (n == "x tick") == (axis is ax.xaxis)
            ]
            twice = sorted({t for t in labels if labels.count(t) > 1})
            if twice:
                problems.append(f"tick labels shown twice on one axis: {twice}")
            offset = axis.get_offset_text().get_text()
            if ax.axison and axis.get_visible() and offset.strip():
                problems.append(f"axis offset {offset!r}: write the unit in the label instead")
    return problems


# ------------------------------------------------------------------ the worlds


@dataclass
class World:
    """The small shipped worlds the charts are drawn on, each built once, on first use."""

    @cached_property
    def scenario(self) -> sim.Scenario:
        return sim.load_scenario(COFFEE).with_overrides(customers=300, days=120)

    @cached_property
    def result(self):
        return sim.run(self.scenario, seed=3, progress=False)

    @cached_property
    def neglect(self):
        from sim.views.service_views import NEGLECT, with_policy

        return sim.run(with_policy(self.scenario, NEGLECT), seed=3, progress=False)

    @cached_property
    def dataset(self) -> dict[str, pd.DataFrame]:
        """The shipped coffee-chain tables notebooks 02 and 05 open."""
        from sim import datasets

        return datasets.load("coffee_chain", ["customers", "orders"])

    @cached_property
    def end(self) -> float:
        from sim import datasets

        path = datasets.DATASETS_DIR / "coffee_chain" / "scenario.yaml"
        return sim.load_scenario(path).horizon_days - 1

    @cached_property
    def rfm(self) -> pd.DataFrame:
        from sim import analytics as an

        return an.rfm_summary(self.dataset["orders"], observation_end=self.end)

    @cached_property
    def comparison(self):
        variants = {"signup_bonus_200": {"loyalty": {"signup_bonus": 200}}}
        return sim.compare(self.scenario, variants, replications=2, seed=7, executor="serial",
                           customers=150, days=90, progress=False)  # fmt: skip

    @cached_property
    def sweep(self):
        from sim.experiments import sweep

        grid = {
            "loyalty.tiers[1].threshold": [1000, 2500],
            "loyalty.rules[0].multiplier": [1.5, 3.0],
        }
        return sweep(self.scenario, grid, replications=1, seed=7, executor="serial",
                     customers=150, days=60, progress=False)  # fmt: skip

    @cached_property
    def holdout(self):
        """The CDNOW twin's holdout check, two replications (the report's three charts)."""
        import datetime as dt
        import tempfile

        from sim.calibrate import calibrate
        from sim.calibrate.holdout import check

        cdnow = ROOT / "datasets" / "cdnow_sample" / "CDNOW_sample.txt"
        with tempfile.TemporaryDirectory() as tmp:
            twin = calibrate(cdnow, Path(tmp) / "twin", "1997-10-01", replications=2,
                             progress=False)  # fmt: skip
            fit = twin.fit
            return check(twin.export.occasions, fit.bgnbd, fit.gamma_gamma, twin.scenario_path,
                         dt.date(1997, 9, 30), replications=2, progress=False)  # fmt: skip

    @cached_property
    def tournament(self):
        from sim.tournament import load_trainer, run_tournament

        t = ROOT / "scenarios" / "tournament"
        return run_tournament(COFFEE, t / "submissions", load_trainer(t / "trainer.yaml"),
                              replications=1, workers=1, progress=False, customers=150,
                              days=120)  # fmt: skip


def _daily(w: World) -> Figure:
    from sim.views.plots import plot_daily

    t = w.result.tables
    return plot_daily(t["daily"], "CNY", title=w.scenario.name, baseline=w.neglect.tables["daily"])


def _top(w: World) -> Figure:
    from sim.views.plots import plot_top

    t = w.result.tables
    by_city = t["orders"].merge(t["customers"][["customer_id", "city"]]).groupby("city")
    return plot_top(
        by_city["net_amount"].sum(), "收入最高的城市 top cities by revenue", "revenue (CNY)"
    )


def _monthly_orders(w: World) -> Figure:
    from sim.views.plots import plot_monthly_orders

    orders = w.result.tables["orders"]
    busiest = orders["customer_id"].value_counts().index[0]
    mine = orders[orders["customer_id"] == busiest]  # a golden-30 case's record spans months
    end = pd.Timestamp(w.scenario.start_date) + pd.Timedelta(days=w.scenario.horizon_days - 1)
    return plot_monthly_orders(mine, end, title=f"orders per month, customer {busiest}")


def _revenue(w: World) -> pd.Series:
    orders = w.dataset["orders"]
    return orders[orders["day"] <= w.end].groupby("customer_id")["net_amount"].sum()


def _pareto(w: World) -> Figure:
    from sim.views.analytics_plots import plot_pareto

    return plot_pareto(_revenue(w), title="Revenue concentration, coffee chain")


def _counts(w: World) -> Figure:
    from sim import analytics as an
    from sim.views.analytics_plots import plot_counts

    segments = an.rfm_segment(an.rfm_scores(w.rfm))
    return plot_counts(segments.value_counts(sort=False), title="RFM segments 客户细分")


def _pyramid(w: World) -> Figure:
    from sim import analytics as an
    from sim.views.analytics_plots import plot_pyramid

    value = _revenue(w)
    return plot_pyramid(an.value_pyramid(value), value, title="金字塔模型 value pyramid")


def _warnings(w: World) -> dict:
    from sim import analytics as an

    customers, orders = w.dataset["customers"], w.dataset["orders"]
    model = an.BGNBD().fit(w.rfm["frequency"], w.rfm["recency"], w.rfm["T"])
    first = np.floor(orders.groupby("customer_id")["day"].min())
    flags = an.warning_table(w.rfm, model, first, days_without_order=90, p_alive_threshold=0.5)
    truth = customers.set_index("customer_id")["churn_day"].reindex(w.rfm.index)
    return {
        name: an.score_warnings(flags[col], truth, w.end, cost_per_false_alarm=5).as_dict()
        for name, col in (("rule 90 days", "rule_flag_day"), ("P(alive) < 0.5", "model_flag_day"))
    }


def _warning_scores(w: World) -> Figure:
    from sim.views.analytics_plots import plot_warning_scores

    return plot_warning_scores(_warnings(w))


def _survival(w: World) -> Figure:
    from sim import analytics as an
    from sim.views.analytics_plots import plot_survival

    customers, orders = w.dataset["customers"], w.dataset["orders"]
    true_lt = an.true_lifetimes(customers[customers["signup_day"] <= w.end], end_day=w.end)
    seen_lt = an.observed_lifetimes(orders, as_of=w.end, inactive_days=90)
    return plot_survival({
        "truth (churn_day)": an.kaplan_meier(true_lt["duration"], true_lt["observed"]),
        "seen: silent 90 days = lost": an.kaplan_meier(seen_lt["duration"], seen_lt["observed"]),
    })  # fmt: skip


def _cohorts(w: World) -> Figure:
    from sim import analytics as an
    from sim.views.analytics_plots import plot_cohorts

    orders = w.dataset["orders"]
    matrix = an.cohort_retention(orders[orders["day"] >= 0], period_days=30)
    return plot_cohorts(matrix, title="Cohort retention: share ordering in each 30-day period")


def _lab(w: World) -> Figure:
    from sim.views.lab import plot_lab

    return plot_lab(w.neglect, w.result)


def _outreach(w: World) -> Figure:
    from sim.views.outreach_views import plot_outreach_comparison

    return plot_outreach_comparison(w.result.tables, w.neglect.tables, w.scenario.horizon_days)


def _response_by_band(w: World) -> Figure:
    from sim.analytics.feedback import active_when_asked, response_by_band
    from sim.views.outreach_views import plot_response_by_band

    t = w.result.tables
    active = active_when_asked(t["survey_invitations"], t["customers"])
    bands = response_by_band(t["survey_invitations"][active], bands=5)
    overall = float(t["survey_invitations"].loc[active, "responded"].mean())
    return plot_response_by_band(bands, overall=overall)


def _nps_bias(w: World) -> Figure:
    from sim.analytics.feedback import nps_bias
    from sim.views.outreach_views import plot_nps_bias

    t = w.result.tables
    noise = w.scenario.surveys.score_noise
    return plot_nps_bias(nps_bias(t["survey_invitations"], t["surveys"], noise=noise))


def _keywords(w: World, share: bool = False) -> Figure:
    from sim.analytics.feedback import keyword_counts, language
    from sim.views.outreach_views import plot_keyword_heatmap

    sc, t = w.scenario, w.result.tables
    counts = keyword_counts(t["surveys"], sc.start_date, language(sc.locale),
                            horizon=sc.horizon_days, share=share)  # fmt: skip
    if share:
        return plot_keyword_heatmap(counts, "share of the month's comments", fmt="{:.0%}")
    return plot_keyword_heatmap(counts, "comments mentioning each topic (评论关键词)")


def _policies(w: World) -> Figure:
    from sim.analytics.service import compare_policies
    from sim.views.service_views import plot_policy_comparison

    table = compare_policies({"baseline": w.result, "neglect": w.neglect}, baseline="baseline")
    return plot_policy_comparison(table, ["baseline", "neglect"])


def _response_times(w: World) -> Figure:
    from sim.views.service_views import plot_response_times

    return plot_response_times({"baseline": w.result.tables["tickets"],
                                "neglect": w.neglect.tables["tickets"]})  # fmt: skip


def _silent_share(w: World) -> Figure:
    from sim.analytics.service import complaints_by_severity
    from sim.views.service_views import plot_silent_share

    orders = w.result.tables["orders"]
    return plot_silent_share(complaints_by_severity(orders[orders["day"] >= 0]))


def _metric_cis(w: World) -> Figure:
    from sim.views.report import plot_metric_cis

    cmp = w.comparison
    return plot_metric_cis(cmp.means(), "margin_after_costs", cmp.names)


def _tier_mix(w: World) -> Figure:
    from sim.views.report import plot_tier_mix

    return plot_tier_mix(w.comparison.tier_mix())


def _heatmap(w: World) -> Figure:
    from sim.views.report import plot_heatmap

    pivot = w.sweep.pivot("margin_after_costs")
    return plot_heatmap(pivot, title="margin after program cost (CNY), mean of 1 replication")


def _tournament(w: World) -> Figure:
    from sim.tournament.pages import _chart

    t = w.tournament
    return _chart(t, t.teams[0].name)


def _calibration_vs_holdout(w: World) -> Figure:
    from sim.views.holdout_plots import plot_calibration_vs_holdout

    h = w.holdout
    return plot_calibration_vs_holdout(h.summary, h.bgnbd, h.simulated_by_customer())


def _period_transactions(w: World) -> Figure:
    from sim.views.holdout_plots import plot_period_transactions

    h = w.holdout
    return plot_period_transactions(h.summary["frequency_holdout"], h.simulated_counts())


def _cumulative(w: World) -> Figure:
    from sim.views.holdout_plots import plot_cumulative_transactions

    h = w.holdout
    return plot_cumulative_transactions(h.daily_actual, h.simulated_daily(),
                                        h.observed.holdout_start, h.model_cumulative)  # fmt: skip


# Every chart function of the package, by qualified name, drawn on a small world; where a
# notebook draws a chart twice with different inputs, both draws are here.
CHARTS: dict[str, list[Callable[[World], Figure]]] = {
    "sim.views.plots.plot_daily": [_daily],
    "sim.views.plots.plot_top": [_top],
    "sim.views.plots.plot_monthly_orders": [_monthly_orders],
    "sim.views.analytics_plots.plot_pareto": [_pareto],
    "sim.views.analytics_plots.plot_counts": [_counts],
    "sim.views.analytics_plots.plot_pyramid": [_pyramid],
    "sim.views.analytics_plots.plot_warning_scores": [_warning_scores],
    "sim.views.analytics_plots.plot_survival": [_survival],
    "sim.views.analytics_plots.plot_cohorts": [_cohorts],
    "sim.views.lab.plot_lab": [_lab],
    "sim.views.outreach_views.plot_outreach_comparison": [_outreach],
    "sim.views.outreach_views.plot_response_by_band": [_response_by_band],
    "sim.views.outreach_views.plot_nps_bias": [_nps_bias],
    "sim.views.outreach_views.plot_keyword_heatmap": [_keywords, lambda w: _keywords(w, True)],
    "sim.views.service_views.plot_policy_comparison": [_policies],
    "sim.views.service_views.plot_response_times": [_response_times],
    "sim.views.service_views.plot_silent_share": [_silent_share],
    "sim.views.report.plot_metric_cis": [_metric_cis],
    "sim.views.report.plot_tier_mix": [_tier_mix],
    "sim.views.report.plot_heatmap": [_heatmap],
    "sim.tournament.pages._chart": [_tournament],
    "sim.views.holdout_plots.plot_calibration_vs_holdout": [_calibration_vs_holdout],
    "sim.views.holdout_plots.plot_period_transactions": [_period_transactions],
    "sim.views.holdout_plots.plot_cumulative_transactions": [_cumulative],
}


def chart_functions() -> set[str]:
    """Qualified names of every function in `sim` whose return type is a matplotlib Figure."""
    found = set()
    for mod in pkgutil.walk_packages(sim.__path__, "sim."):
        if mod.name.endswith("__main__"):
            continue
        module = importlib.import_module(mod.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__:
                continue
            try:
                returns = typing.get_type_hints(fn).get("return")
            except Exception:  # an annotation that does not resolve: not a chart
                continue
            if returns is Figure:
                found.add(f"{module.__name__}.{name}")
    return found


@pytest.fixture(scope="module")
def world() -> World:
    use_cjk_fonts()  # as every notebook, the lab and the report do
    return World()


# ------------------------------------------------------------------ the tests


def test_every_chart_function_is_drawn_here():
    missing = chart_functions() - set(CHARTS)
    assert not missing, f"add a case to CHARTS in tests/test_charts.py for {sorted(missing)}"
    assert not set(CHARTS) - chart_functions(), "CHARTS names a function that is gone"


CASES = [(name, i) for name, draws in CHARTS.items() for i in range(len(draws))]


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize(("name", "i"), CASES, ids=[f"{n.rsplit('.', 1)[1]}-{i}" for n, i in CASES])
def test_chart_reads_cleanly(world, name, i, language):
    """Each chart in each language: Chinese labels are wider, and need the CJK font."""
    with using(language):
        fig = CHARTS[name][i](world)
    try:
        assert layout_problems(fig) == []
    finally:
        plt.close(fig)


def test_a_chart_drawn_in_chinese_speaks_chinese(world):
    with using("zh"):
        fig = _daily(world)
    try:
        texts = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
        texts += [ax.get_ylabel() for ax in fig.axes]
        texts += [t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()]
    finally:
        plt.close(fig)
    assert "活跃客户数" in texts and "7 日均值" in texts
    assert any(re.fullmatch(r"2026年\d{1,2}月", t) for t in texts), texts


def _broken() -> Figure:
    """A chart with every fault the check looks for."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(["a", "b", "c"], [4.624e5, 4.7e5, 4.8e5], label="revenue")
    ax.legend(loc="lower left")  # over the first bar
    ax.text(0, 4.8e5, "label one", ha="left")
    ax.text(0.05, 4.8e5, "label two", ha="left")  # on top of the first
    ax.set_title("⏱ missing glyph")
    fig.text(0.98, 0.5, "past the edge")  # starts inside, ends outside the figure
    return fig


def test_the_check_finds_every_fault_of_a_broken_chart():
    use_cjk_fonts()
    fig = _broken()
    try:
        with pytest.raises(UserWarning, match="Glyph .* missing from font"):
            layout_problems(fig)
        fig.axes[0].set_title("no missing glyph")
        problems = layout_problems(fig)
    finally:
        plt.close(fig)
    text = "\n".join(problems)
    assert "text 'label one' overlaps text 'label two'" in text
    assert "legend is drawn over a bar's edge" in text
    assert "'past the edge' is cut off at the figure's edge" in text


def test_the_check_finds_repeated_tick_labels_and_scientific_ticks():
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(12, 3))
    a1.bar([0, 1], [1, 2])
    a1.set_xticks([0, 1], ["2026-01", "2026-01"])  # two 30-day bins in one month
    a2.plot([0, 1], [0, 1])
    a2.set_yticks([0, 1], ["0", "1e+06"])
    a3.plot([0, 1], [1e6, 1e6 + 1])  # matplotlib writes "+1e6" above the axis
    try:
        problems = "\n".join(layout_problems(fig))
    finally:
        plt.close(fig)
    assert "tick labels shown twice on one axis: ['2026-01']" in problems
    assert "'1e+06' is in scientific notation" in problems
    assert "axis offset '+1e6'" in problems


def test_a_clean_chart_passes():
    fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
    ax.bar(["a", "b"], [3, 5], label="orders")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_title("订单 orders")
    try:
        assert layout_problems(fig) == []
    finally:
        plt.close(fig)


def _drawable(text: str) -> None:
    """Draw `text` with the shipped fonts; UserWarning if a glyph is missing."""
    fig = Figure()
    fig.text(0, 0.5, text)
    FigureCanvasAgg(fig)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*Glyph .* missing from font")
        fig.canvas.draw()


def test_status_texts_of_the_clock_and_the_lab_have_every_glyph(world):
    """A page's own words must draw with the fonts the workbench ships (no emoji a
    browser without an emoji font shows as a box, as the golden-30 clock's ⏱ was)."""
    from sim.golden30 import Timer
    from sim.views.lab import StrategyLab

    clock = iter(range(0, 10_000, 600))
    timer = Timer(minutes=30, clock=lambda: next(clock))
    texts = [timer.text(), timer.start().text(), timer.text()]
    timer.stop()
    texts.append(timer.text())
    lab = StrategyLab(world.scenario, seed=3, customers=100, days=60)
    lab.update()
    texts.append(lab.status.value)
    for text in texts:
        _drawable(text)
    with pytest.raises(UserWarning, match="Glyph"):
        _drawable("⏱ 23:41 left")


if __name__ == "__main__":  # draw every case to /tmp/charts for a look
    out = Path("/tmp/charts")
    out.mkdir(exist_ok=True)
    use_cjk_fonts()
    w = World()
    for name, i in CASES:
        fig = CHARTS[name][i](w)
        try:
            problems = layout_problems(fig)
        except UserWarning as exc:
            problems = [str(exc)]
        fig.savefig(out / f"{name.rsplit('.', 1)[1]}-{i}.png", dpi=80)
        plt.close(fig)
        print(name, i, *problems, sep="\n  ")
