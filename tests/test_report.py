"""The HTML report: self-contained, parseable, carrying the names and numbers of .table."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

import sim
from sim.experiments import compare
from sim.figures import info as metric_info
from sim.views.report import fmt, plot_heatmap, render_report, write_report


class _Collect(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "img", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def cmp():
    base = sim.load_scenario("scenarios/coffee_chain.yaml")
    return compare(
        base,
        {"same": {}, "more_new_customers": {"population": {"acquisitions_per_day": 12}}},
        replications=4,
        seed=4,
        executor="serial",
        customers=300,
        days=120,
        progress=False,
    )


@pytest.fixture(scope="module")
def page(cmp, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert write_report(cmp, path) == path
    return path.read_text(encoding="utf-8")


def test_report_parses_and_is_self_contained(page):
    p = _Collect()
    p.feed(page)
    p.close()
    assert p.stack == ["html"] or p.stack == []  # everything opened was closed
    for tag, attrs in p.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {key}={value!r}>"
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,")
        assert tag not in ("script", "link", "iframe")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert not re.search(r"@import", page)
    assert sum(1 for t, _ in p.tags if t == "img") >= 4


def test_report_has_names_numbers_and_the_reading_note(cmp, page):
    assert "Coffee chain (咖啡连锁)" in page
    assert "How to read this" in page
    assert "same" in page and "more_new_customers" in page
    assert f"root seed {cmp.seed}" in page and "4 per variant" in page
    t = cmp.table
    for _, r in t[t["variant"] == "more_new_customers"].iterrows():
        unit = metric_info(r["metric"]).unit
        assert fmt(r["difference"], unit, True) in page
        assert f"[{fmt(r['ci_low'], unit, True)}, {fmt(r['ci_high'], unit, True)}]" in page


def test_significant_cells_are_coloured(cmp, page):
    t = cmp.table.set_index(["variant", "metric"])
    rev = t.loc[("more_new_customers", "revenue")]
    assert rev["significant"]
    assert f"<td class='better'>{fmt(rev['difference'], 'money', True)}</td>" in page
    same_rev = t.loc[("same", "revenue")]
    assert same_rev["within_noise"] and not same_rev["significant"]
    # a difference whose interval includes 0 is muted and says so in words
    ci = f"[{fmt(same_rev['ci_low'], 'money', True)}, {fmt(same_rev['ci_high'], 'money', True)}]"
    assert f"<td class='noise'>{fmt(same_rev['difference'], 'money', True)}</td>" in page
    assert f"<td class='noise'>{ci} within noise</td>" in page
    assert "<td class='better'>" not in page.split("<h3>same</h3>")[1].split("<h3>")[0]


def test_fmt():
    assert fmt(0.1234, "share") == "12.3%"
    assert fmt(0.0125, "share", True) == "+1.2 pp"
    assert fmt(1234.4, "money") == "1,234"
    assert fmt(-1234.6, "money", True) == "-1,235"
    assert fmt(3.14159) == "3.1"  # a mean count below 10 keeps one decimal
    assert fmt(float("nan")) == "–"


def test_reward_and_tier_sections_from_runs(cmp):
    # a comparison whose runs carry loyalty metrics (hand-made), to check those sections
    extra = []
    for v in ("baseline", "same", "more_new_customers"):
        for k in range(4):
            extra += [
                (v, k, 0, "redemption_rate[free coffee]", 0.30 + 0.01 * k),
                (v, k, 0, "redemption_rate[tumbler]", 0.05),
                (v, k, 0, "tier_mix[silver]", 100.0 + min(k, 2)),
                (v, k, 0, "tier_mix[gold]", 20.0),
            ]
    runs = pd.concat([cmp.runs, pd.DataFrame(extra, columns=cmp.runs.columns)], ignore_index=True)
    from dataclasses import replace

    # hand-made figures replace whatever the coffee chain's own rewards gave
    runs = runs.drop_duplicates(["variant", "replication", "metric"], keep="last")
    loyal = replace(cmp, runs=runs, _table=None)
    r = loyal.rewards()
    assert {"free coffee", "tumbler"} <= set(r["reward"])
    assert r.loc[r["reward"] == "tumbler", "redemption_rate"].to_numpy() == pytest.approx(0.05)
    assert r.loc[r["reward"] == "tumbler", "low"].all()
    assert not r.loc[r["reward"] == "free coffee", "low"].any()
    html_text = render_report(loyal)
    assert "Rewards: redemption rate" in html_text and "under 15%" in html_text
    assert "<td class='low'>5.0%</td>" in html_text
    assert (
        "Tier mix at the end" in html_text
        and "<th>silver</th><th>gold</th>" in html_text
        and "<td>101</td><td>20</td>" in html_text
    )


def test_heatmap_figure():
    pivot = pd.DataFrame(
        [[1.0, 2.0], [3.0, 4.0]],
        index=pd.Index([1000, 1500], name="gold threshold"),
        columns=pd.Index([1.5, 2.0], name="weekend multiplier"),
    )
    fig = plot_heatmap(pivot, title="margin")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1", "2", "3", "4"]
    assert fig.axes[0].get_xlabel() == "weekend multiplier"


def test_whole_counts_read_as_whole_numbers():
    assert fmt(35.0) == "35" and fmt(352.0) == "352" and fmt(-71.0, "count", True) == "-71"
    assert fmt(12_345.0) == "12,345"


def test_the_summary_table_reads_like_a_business_report():
    r = sim.run(sim.load_scenario("scenarios/coffee_chain.yaml"), seed=7, customers=300, days=60)
    t = r.summary_table()["value"]
    s = r.summary()
    assert t["revenue"] == f"{s['revenue']:,.0f} CNY"
    assert t["retention of the starting base"] == f"{100 * s['retention']:.1f}%"
    assert t["customers acquired"] == f"{s['acquired']:,}"  # a count, no decimals
    assert not any("e+" in v for v in t)  # no scientific notation anywhere
