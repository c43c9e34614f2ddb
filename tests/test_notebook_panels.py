"""The panels of notebooks 04 and 06, driven as a notebook would, without a browser."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from worlds import COFFEE  # noqa: E402

import sim  # noqa: E402
from sim.analytics.feedback import keyword_counts  # noqa: E402
from sim.experiments import with_values  # noqa: E402
from sim.paths import PathError, value_at  # noqa: E402
from sim.views import outreach_views as ov  # noqa: E402
from sim.views.fonts import use_cjk_fonts  # noqa: E402
from sim.views.noise import FigureSource  # noqa: E402
from sim.views.service_views import PolicyPanel  # noqa: E402

SMALL = sim.load_scenario(COFFEE).with_overrides(customers=250, days=120)


def test_trigger_levers_take_help_from_the_schema_and_address_the_trigger_by_name():
    lv = ov.trigger_lever(SMALL, "churn_warning", "days", 7, 120)
    assert lv.path == "outreach.triggers[churn_warning].days"
    assert "days since the last order" in lv.description
    assert value_at(SMALL, lv.path) == 30
    i = [t.name for t in SMALL.outreach.triggers].index("churn_warning")
    changed = with_values(SMALL, {lv.path: 14, "outreach.fatigue.max_messages": 2})
    assert changed.outreach.triggers[i].days == 14
    assert changed.outreach.fatigue.max_messages == 2
    assert SMALL.outreach.triggers[i].days == 30  # the original is untouched
    with pytest.raises(PathError, match="no item named 'nope'.*churn_warning"):
        ov.trigger_lever(SMALL, "nope", "days", 7, 120)
    paths = [lv.path for lv in ov.outreach_levers(SMALL)]
    assert "outreach.fatigue.max_messages" in paths and len(paths) == 7
    assert paths[-2:] == ["surveys.nps_sample_share", "surveys.extremity_bias"]


def test_outreach_panel_redraws_beside_the_baseline_when_a_slider_moves():
    panel = ov.OutreachPanel(SMALL, ov.outreach_levers(SMALL), seed=5, replications=3,
                             background=False)  # fmt: skip
    panel.button.click()  # the scenario as given: this run equals the baseline
    first = panel.comparison.copy()
    assert (first["change"] == 0).all()
    assert panel.paired.identical and "exactly 0" in panel.note.value
    assert "sim-run" in panel.button._dom_classes
    panel.sliders["outreach.triggers[monthly_offer].days"].value = 3
    panel.sliders["outreach.fatigue.max_messages"].value = 1
    panel.button.click()
    after = panel.comparison
    assert after.loc["opted_out", "this run"] > after.loc["opted_out", "baseline"]
    assert after.loc["messages", "change"] != 0
    assert panel.result.scenario.outreach.fatigue.max_messages == 1
    assert "this run" in panel.table.value and "seed 5" in panel.status.value
    assert panel.figure is not None and len(panel.figure.axes) == 4
    # three replications on the same seeds: the messages' change carries its interval
    assert panel.paired.n == 3 and not panel.paired.identical
    messages = panel.paired.difference("messages")
    assert messages.known and not messages.within_noise
    assert "95% interval" in panel.table.value and "95% intervals from 3 runs" in panel.note.value


def test_policy_panel_reruns_with_the_controls_policy():
    panel = PolicyPanel(SMALL, seed=5, replications=3, background=False)
    panel.button.click()  # the house policy: no difference to the baseline
    assert panel.comparison.loc["csat", "your policy vs baseline"] == pytest.approx(0.0)
    assert panel.paired.identical and panel.paired.n == 1  # nothing more needs running
    assert panel.table.value.count("within noise") >= 10
    panel.controls["response_delay_hours"].value = 120
    panel.controls["apology"].value = False
    panel.controls["compensation"].value = "none"
    panel.controls["follow_up"].value = False
    assert panel.policy().follow_up_hours is None
    before = panel.table.value
    panel.button.click()
    table = panel.comparison
    assert table.loc["promise_kept", "your policy"] == 0.0
    assert table.loc["csat", "your policy"] < table.loc["csat", "baseline"]
    assert panel.table.value != before and panel.figure is not None
    kept = panel.paired.difference("promise_kept")
    assert panel.paired.n == 3 and kept.known and not kept.within_noise and kept.high < 0


def test_keyword_heatmap_draws_chinese_labels_without_missing_glyphs():
    use_cjk_fonts()
    surveys = pd.DataFrame({"day": [1.0, 40.0], "comment": ["价格太贵了", "配送很快"]})
    counts = keyword_counts(surveys, "2026-01-01", "zh", horizon=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns on a missing glyph
        fig = ov.plot_keyword_heatmap(counts, "评论关键词")
        fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "price 价格"


def test_the_nps_checker_says_what_is_wrong():
    nps_scores = [10.0, 9.0, 8.0, 8.0, 7.0, 3.0, 2.0, 10.0, 6.0, 1.0]
    surveys = pd.DataFrame({"kind": ["nps"] * 10 + ["csat"] * 2, "score": [*nps_scores, 5.0, 4.0]})
    assert ov.check_nps(-10.0, surveys).ok  # 30% promoters − 40% detractors
    assert "fraction" in ov.check_nps(-0.1, surveys).message
    assert "share of promoters" in ov.check_nps(30.0, surveys).message
    assert "passives" in ov.check_nps(-20.0, surveys).message
    assert "9 or 10" in ov.check_nps(10.0, surveys).message
    assert "CSAT" in ov.check_nps(-25.0, surveys).message
    assert not ov.check_nps("a lot", surveys).ok
    assert "100 ×" in ov.check_nps(55.0, surveys).message


def test_loyalty_panel_runs_what_if_from_its_sliders():
    """Notebook 03's panel: untouched sliders are today's program (every difference 0, within
    noise); a tripled weekend multiplier moves the points issued beyond noise."""
    from sim.experiments import build_variant, read_variant
    from sim.views.loyalty_views import LoyaltyPanel

    program = build_variant(SMALL, read_variant(sim.SCENARIOS / "variants" / "coffee_loyalty.yaml"))
    panel = LoyaltyPanel(program, seed=5, replications=3)
    assert [lv.label for lv in panel.levers][0] == "weekend double multiplier"
    first = panel.update()
    assert (first["difference"] == 0).all() and (first["reading"] == "within noise").all()
    panel.sliders["loyalty.rules[weekend_double].multiplier"].value = 3.0
    table = panel.update()
    issued = table.loc["points_issued"]
    assert issued["difference"] > 0 and issued["reading"] == ""
    assert "95% interval over 3 replications" in panel.status.value


class WorkersOnly(FigureSource):
    """A figure source that fails the test if this process computes a run's figures."""

    def figures(self, world, seed):
        pytest.fail("a replication ran in the kernel")


@pytest.mark.parametrize("kind", ["outreach", "policy"])
def test_a_panels_replications_on_worker_processes_equal_the_kernels_own(kind):
    """The desk and outreach panels send their replications to two worker processes; the
    intervals are those the kernel would compute itself, pair by pair, in seed order."""

    def panel(**how):
        if kind == "outreach":
            p = ov.OutreachPanel(SMALL, ov.outreach_levers(SMALL), seed=5, replications=3, **how)
            p.sliders["outreach.fatigue.max_messages"].value = 1
        else:
            p = PolicyPanel(SMALL, seed=5, replications=3, **how)
            p.controls["apology"].value = False
        if how.get("workers"):  # the workers run the replications, never the kernel
            p.source = WorkersOnly(p.source.compute)
        p.button.click()
        p.jobs.wait(120)
        return p

    pooled, here = panel(workers=2), panel(background=False)
    assert pooled.jobs.pool() is not None and here.jobs.pool() is None
    assert pooled.paired.n == 3 and pooled.paired == here.paired
    assert pooled.table.value == here.table.value and "from 3 runs" in pooled.note.value
