"""Paths to a scenario's fields: one syntax for levers, sweeps and the lab; list items by
name or position; a clear PathError when a path leads nowhere."""

from pathlib import Path

import pytest

import sim
from sim import paths
from sim.experiments import with_values

ROOT = Path(__file__).resolve().parents[1]
COFFEE = sim.load_scenario(ROOT / "scenarios" / "coffee_chain.yaml")


def test_parse_reads_names_and_bracketed_keys():
    assert paths.parse("loyalty.tiers[gold].threshold") == [
        ("loyalty", None),
        ("tiers", "gold"),
        ("threshold", None),
    ]
    assert paths.parse("horizon_days") == [("horizon_days", None)]
    assert paths.parse("outreach.triggers[10% off. spring].coupon")[1] == (
        "triggers",
        "10% off. spring",
    )
    with pytest.raises(paths.PathError, match="cannot read 'b\\[1'"):
        paths.parse("a.b[1")
    with pytest.raises(paths.PathError, match="cannot read an empty part"):
        paths.parse("a..b")
    for bad in ["", "a..b", "[0].a", "a.b[1", "a[]", "a[1][2]", "1a", "a b", "a.", "a[1]x"]:
        with pytest.raises(paths.PathError, match="a path looks like"):
            paths.parse(bad)


def test_items_by_name_by_position_and_from_the_end():
    data = COFFEE.model_dump()
    for root in (COFFEE, data):
        assert paths.value_at(root, "loyalty.tiers[gold].threshold") == 1500
        assert paths.value_at(root, "loyalty.tiers[1].threshold") == 1500
        assert paths.value_at(root, "loyalty.tiers[-1].threshold") == 4000
        assert paths.value_at(root, "catalogue.categories[beans].price_level") == 3.0


def test_set_values_copies_and_sets_each_path():
    data = COFFEE.model_dump()
    out = paths.set_values(
        data, {"loyalty.tiers[gold].threshold": 2000, "outreach.triggers[winback].coupon": 30}
    )
    assert paths.value_at(out, "loyalty.tiers[1].threshold") == 2000
    assert paths.value_at(out, "outreach.triggers[winback].coupon") == 30
    assert paths.value_at(data, "loyalty.tiers[1].threshold") == 1500  # untouched
    whole = paths.set_values(data, {"loyalty.rewards[pastry]": {"name": "pastry", "points": 1}})
    assert paths.value_at(whole, "loyalty.rewards[pastry].points") == 1


def test_paths_that_lead_nowhere_say_where_and_why():
    cases = {
        "loyalty.tiers[diamond].threshold": "no item named 'diamond' here; there are: silver",
        "loyalty.tiers[9].threshold": "no item named '9'",
        "loyalty.tierz[0].threshold": "nothing called 'tierz' here; did you mean 'tiers'?",
        "loyalty.expiry[0].months": "picks from a list",
        "loyalty.expiry.weeks": "nothing called 'weeks' here",
        "loyalty.expiry.monthz": "did you mean 'months'?",
        "horizon_days.x": "'x' is inside something that has no fields",
    }
    for path, reason in cases.items():
        with pytest.raises(paths.PathError, match=reason.replace("[", r"\[")) as info:
            paths.set_values(COFFEE.model_dump(), {path: 1})
        assert str(info.value).startswith(path)
        assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)
    with pytest.raises(paths.PathError, match="the last part must be a field"):
        paths.field_at(COFFEE, "loyalty.tiers[gold]")
    off = COFFEE.model_copy(update={"outreach": None})
    with pytest.raises(paths.PathError, match=r"'outreach' is off in this scenario \(null\)"):
        paths.field_at(off, "outreach.fatigue.max_messages")
    with pytest.raises(sim.ScenarioError, match="a path that exists in the scenario"):
        with_values(COFFEE, {"loyalty.tiers[diamond].threshold": 1})


def test_limits_come_from_the_schema_also_inside_optional_fields():
    info, value = paths.field_at(COFFEE, "outreach.triggers[winback].coupon")
    assert paths.limits(info)[0] == 0
    info, _ = paths.field_at(COFFEE, "outreach.fatigue.opt_out_prob")
    assert paths.limits(info)[:2] == (0, 1)
    info, _ = paths.field_at(COFFEE, "loyalty.tiers[gold].threshold")
    assert paths.limits(info) == (0, 10**9, False)
    info, _ = paths.field_at(COFFEE, "population.purchase_rate.r")  # gt 0: strict
    assert paths.limits(info) == (0, 1e4, True)
    info, _ = paths.field_at(COFFEE, "service.policy.follow_up_hours")  # inside X | None
    assert paths.limits(info) == (0, 24 * 31, False)


def test_a_path_that_leads_nowhere_is_explained_in_chinese_with_the_path_as_written():
    from sim.i18n import using

    with using("zh"):
        with pytest.raises(paths.PathError) as info:
            paths.set_values(COFFEE.model_dump(), {"loyalty.tierz[0].threshold": 1})
        shown = str(info.value)
    assert shown == "loyalty.tierz[0].threshold：这里没有 'tierz'；是不是想写 'tiers'？"
    with using("zh"), pytest.raises(paths.PathError, match="已有：silver"):
        paths.value_at(COFFEE, "loyalty.tiers[diamond].threshold")
    with using("en"), pytest.raises(paths.PathError, match="did you mean 'tiers'"):
        paths.value_at(COFFEE, "loyalty.tierz[0].threshold")
