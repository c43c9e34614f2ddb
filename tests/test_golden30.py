"""黄金30分钟: the case pick, the answer key against the tables, partial credit and coaching
feedback, and the timer (with a fake clock: nothing waits)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim import analytics as an
from sim.golden30 import (
    Timer,
    check_opportunity,
    check_service,
    check_value,
    grade,
    hand_in_widget,
    make_case,
    offer_cost,
    timer_widget,
    write_answer_key,
)
from sim.golden30.__main__ import main as key_main

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "coffee_chain.yaml"


@pytest.fixture(scope="module")
def world() -> sim.Result:
    return sim.run(sim.load_scenario(SCENARIO), seed=11, customers=1500, days=300, progress=False)


@pytest.fixture(scope="module")
def case(world):
    return make_case(world.scenario, seed=11, result=world)


def _right(case) -> tuple[dict, dict, dict]:
    """A right answer, worked out from the tables the way the task sheet describes."""
    summary = an.rfm_summary(case.orders, observation_end=case.today)
    scores = an.rfm_scores(summary)
    segment = an.rfm_segment(scores)
    bg = an.BGNBD().fit(summary["frequency"], summary["recency"], summary["T"])
    gg = an.GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    spend = gg.expected_spend(summary["frequency"], summary["monetary_value"])
    clv = an.clv(bg, spend, summary["frequency"], summary["recency"], summary["T"],
                 horizon=180, step=30, discount_rate=0.01, margin=0.7)  # fmt: skip
    clv = pd.Series(clv, index=summary.index)
    tier = an.value_pyramid(clv)
    cid = case.customer_id
    value = {
        "rfm_segment": segment[cid],
        "pyramid_tier": tier[cid],
        "clv_180d": clv[cid],
    }
    t = case.tickets.sort_values("opened_day")
    last = t.iloc[-1]
    service = {
        "tickets": len(t),
        "open_tickets": int(t["resolved_day"].isna().sum()),
        "last_complaint_day": last["opened_day"],
        "last_complaint_severity": last["severity"],
        "promise_kept": None if pd.isna(last["promise_kept"]) else bool(last["promise_kept"]),
    }
    opportunity = {
        "action": "call to apologise for the complaint, check the case is resolved, invite back",
        "channel": "phone",
        "offer": "free coffee",
        "why": "a VIP by CLV who complained recently and whose orders dropped",
    }
    return value, service, opportunity


# ---------------------------------------------------------------------- the case


def test_the_case_is_a_vip_with_a_recent_complaint_and_fewer_orders(case, world):
    assert case.profile.name == case.customer_id
    assert not any(str(c).startswith("true_") for c in case.profile.index)
    assert not any(c.startswith("true_") for c in case.orders.columns)
    k = case._key
    assert k["value"]["pyramid_tier"] == "VIP"
    assert k["service"]["last_complaint_day"] > case.today - 90
    assert 0 < k["behaviour"]["orders_last_90d"] < k["behaviour"]["orders_90d_before"]
    for name, table in case.record.items():
        assert (table["customer_id"] == case.customer_id).all(), name
        full = world.tables[name]
        assert len(table) == (full["customer_id"] == case.customer_id).sum(), name


def test_the_pick_is_deterministic_by_seed(world, case):
    again = make_case(world.scenario, seed=11, result=world)
    assert again.customer_id == case.customer_id and again._key == case._key
    others = {
        make_case(world.scenario, seed=11, pick=p, result=world).customer_id for p in range(6)
    }
    assert len(others) > 1  # another pick gives another customer of the same world


def test_the_answer_key_matches_the_tables(case, world):
    k = case._key
    t = world.tables
    tickets = t["tickets"][t["tickets"]["customer_id"] == case.customer_id]
    assert k["service"]["tickets"] == len(tickets)
    assert k["service"]["open_tickets"] == int(tickets["resolved_day"].isna().sum())
    latest = tickets.loc[tickets["opened_day"].idxmax()]
    assert k["service"]["last_complaint_day"] == pytest.approx(latest["opened_day"], abs=0.01)
    assert k["service"]["last_complaint_severity"] == latest["severity"]
    orders = t["orders"][t["orders"]["customer_id"] == case.customer_id]
    assert k["value"]["past_revenue"] == pytest.approx(orders["net_amount"].sum(), abs=0.01)
    value, _, _ = _right(case)
    assert k["value"]["rfm_segment"] == value["rfm_segment"]
    assert k["value"]["clv_180d"] == pytest.approx(value["clv_180d"], abs=0.01)
    ledger = t["points_ledger"][t["points_ledger"]["customer_id"] == case.customer_id]
    assert k["behaviour"]["points_balance"] == ledger["delta"].sum()  # points conserve


def test_the_answer_key_file_is_written_for_the_trainer(case, tmp_path):
    path = write_answer_key(case, tmp_path / "keys" / "case.json")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(
        json.dumps(case._key, default=str)
    )
    out = tmp_path / "cli.json"
    code = key_main(["--scenario", str(SCENARIO), "--seed", "11", "--customers", "1500",
                     "--days", "300", "--out", str(out)])  # fmt: skip
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["case"]["customer_id"] == case.customer_id


# -------------------------------------------------------------------- checks


def test_the_worked_answer_gets_full_marks(case):
    value, service, opportunity = _right(case)
    report = grade(value, service, opportunity, case)
    assert report.ok, str(report)
    assert report.points == report.possible == 15


def test_value_partial_credit_and_coaching(case):
    value, _, _ = _right(case)
    k = case._key["value"]
    close = check_value({**value, "clv_180d": value["clv_180d"] * 1.2}, case)
    assert close.points == 3 and "close but high by 20%" in str(close)
    spent = check_value({**value, "clv_180d": k["past_revenue"]}, case)
    assert "spent so far" in str(spent) and spent.items[2].points < 2
    no_margin = check_value({**value, "clv_180d": k["clv_180d"] / 0.7}, case)
    assert "margin" in str(no_margin)
    wrong = check_value({"rfm_segment": "hibernating", "pyramid_tier": "regular"}, case)
    assert wrong.points == 0
    text = str(wrong)
    assert "ALL customers" in text and "not by past spend" in text and "missing" in text


def test_service_feedback_names_what_is_missing(case):
    _, service, _ = _right(case)
    k = case._key["service"]
    wrong = check_service(
        {**service, "open_tickets": k["tickets"] + 5, "last_complaint_severity": "tiny"}, case
    )
    assert wrong.points == wrong.possible - 2
    assert "no resolved_day" in str(wrong) and "sort by opened_day" in str(wrong)
    as_date = {**service, "last_complaint_day": case.date(k["last_complaint_day"])}
    assert check_service(as_date, case).ok  # a date is as good as a day number
    empty = check_service({}, case)
    assert empty.points == 0 and sum("missing" in i.message for i in empty.items) >= 4


def test_opportunity_coaching(case):
    _, _, good = _right(case)
    k = case._key["opportunity"]
    sms = check_opportunity({**good, "channel": "sms"}, case)
    assert sms.points == 5 and "automated" in str(sms)
    bribe = check_opportunity({**good, "offer": f"coupon {k['max_offer_cost'] * 2:.0f}"}, case)
    assert "not a bribe" in str(bribe)
    assert check_opportunity({**good, "offer": "500 points"}, case).ok  # 500 × point value
    ignore = check_opportunity({**good, "action": "send a new-product flyer"}, case)
    assert "complaint" in str(ignore) and ignore.points == 5
    thin = check_opportunity({**good, "why": "she is a VIP"}, case)
    assert thin.points == 4 and "service history" in str(thin) and "behaviour" in str(thin)


# --------------------------------------------------------------------- timer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_timer_counts_down_on_an_injected_clock():
    clock = FakeClock()
    timer = Timer(minutes=30, clock=clock)
    assert "not started" in timer.text() and not timer.expired
    timer.start()
    clock.now += 6 * 60 + 19
    assert timer.remaining == pytest.approx(23 * 60 + 41)
    assert timer.text() == "23:41 left"
    clock.now += 30 * 60
    assert timer.expired and "time is up" in timer.text()
    used = timer.stop()
    clock.now += 999
    assert timer.elapsed == used and "over time" in timer.text()


def test_the_timer_widget_redraws_from_the_timer():
    clock = FakeClock()
    timer = Timer(minutes=30, clock=clock).start()
    w = timer_widget(timer)
    assert w.label.value == "30:00 left" and w.button.disabled
    clock.now += 60
    assert w.refresh() == "29:00 left" and w.label.value == "29:00 left"


def test_the_clock_starts_when_the_trainee_presses_start():
    clock = FakeClock()
    timer = Timer(minutes=30, clock=clock)
    w = timer_widget(timer)
    clock.now += 600  # the notebook ran all its cells ten minutes ago
    assert "not started" in w.refresh() and not w.button.disabled
    w.button.click()
    assert timer.started == clock.now and w.label.value == "30:00 left" and w.button.disabled
    clock.now += 90
    w.button.click()  # a second press does not restart the clock
    assert w.refresh() == "28:30 left"


EMPTY = (
    dict.fromkeys(["rfm_segment", "pyramid_tier", "clv_180d"]),
    dict.fromkeys(["tickets", "open_tickets", "last_complaint_day", "last_complaint_severity"]),
    dict.fromkeys(["action", "channel", "offer", "why"]),
)


def test_empty_answers_are_not_answered_yet_and_leave_the_clock_running(case):
    for check, empty in zip((check_value, check_service, check_opportunity), EMPTY, strict=True):
        report = check(empty, case)
        assert not report.answered and report.points == 0
        assert "not answered yet" in str(report) and "✘" not in str(report)
    clock = FakeClock()
    timer = Timer(minutes=30, clock=clock).start()
    report = grade(*EMPTY, case, timer)
    assert not report.answered and report.possible == 15 and timer.stopped is None
    assert "handed in" not in str(report)
    assert check_value(None, case).points == 0  # a trainee who set my_value = None


def test_hand_in_grades_what_the_trainee_wrote_when_pressed(case):
    clock = FakeClock()
    timer = Timer(minutes=30, clock=clock).start()
    answers = {"now": EMPTY}
    w = hand_in_widget(lambda: answers["now"], case, timer)
    assert "Not handed in yet" in w.view.value
    w.button.click()  # nothing written yet: nothing handed in, the clock runs on
    assert "not answered yet" in w.view.value and timer.stopped is None and not w.button.disabled
    value, service, opportunity = _right(case)
    wrong = {**value, "rfm_segment": "nobody", "clv_180d": 0}
    answers["now"] = (wrong, EMPTY[1], EMPTY[2])  # a partial answer
    clock.now += 20 * 60
    report = w.hand_in()
    assert report.answered and 0 < report.points < 4 and timer.stopped is not None
    assert "handed in after 20:00" in w.view.value and w.button.disabled


def test_the_grade_reports_the_time_used(case):
    clock = FakeClock()
    timer = Timer(minutes=30, clock=clock).start()
    clock.now += 12 * 60
    value, service, opportunity = _right(case)
    report = grade(value, service, opportunity, case, timer)
    assert "handed in after 12:00" in str(report)


# ------------------------------------------------------------ the command line


def _must_not_run(*args, **kwargs):
    raise AssertionError("simulated although the input was refused")


@pytest.mark.parametrize(
    "args, option",
    [
        (["--seed", "-1"], "--seed"),
        (["--customers", "0"], "--customers"),
        (["--days", "0"], "--days"),
        (["--pick", "-1"], "--pick"),
        (["--out", "{tmp}"], "--out"),
        (["--scenario", "scenarios/b2b_contracts.yaml"], "contractual"),
    ],
)
def test_bad_arguments_exit_2_naming_the_option_before_simulating(
    tmp_path, monkeypatch, capsys, args, option
):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("sim.runner.run", _must_not_run)
    args = [a.format(tmp=tmp_path) for a in args]
    assert key_main(["--out", str(tmp_path / "key.json"), *args]) == 2
    err = capsys.readouterr().err
    assert option in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_world_too_small_to_value_says_so(tmp_path, capsys):
    code = key_main(["--scenario", str(SCENARIO), "--customers", "1", "--days", "30",
                     "--out", str(tmp_path / "key.json")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "too small" in err and "--customers" in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_key_is_replaced_only_with_force(tmp_path, capsys, monkeypatch):
    key = tmp_path / "key.json"
    key.write_text("last week's key", encoding="utf-8")
    monkeypatch.setattr("sim.runner.run", _must_not_run)
    args = ["--scenario", str(SCENARIO), "--customers", "400", "--days", "200", "--out", str(key)]
    assert key_main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert key.read_text(encoding="utf-8") == "last week's key"
    monkeypatch.undo()
    assert key_main([*args, "--force"]) == 0
    assert json.loads(key.read_text(encoding="utf-8"))["case"]["seed"] == 7
    assert sorted(f.name for f in tmp_path.iterdir()) == ["key.json"]


def test_a_huge_answer_is_priced_and_checked(case):
    """Every check reads a 40 KB answer (the offer regex once backtracked over it for
    well over 20 s); the numbers found are the ones written."""
    point_value = case._key["opportunity"]["point_value"]
    assert point_value > 0
    digits = "1" * 40_000
    assert offer_cost(digits + " points", case) is None  # too long to be a number
    assert offer_cost("x" * 40_000 + " 12 points", case) == pytest.approx(12 * point_value)
    assert offer_cost("1 " * 20_000 + "points", case) == pytest.approx(point_value)
    assert offer_cost("7," * 20_000, case) is None
    answer = {"channel": "phone", "offer": digits, "action": "fix " * 10_000, "why": digits}
    report = check_opportunity(answer, case)
    by_name = {i.name: i for i in report.items}
    assert "cannot price" in by_name["offer"].message
    assert by_name["why: value"].points == 0 and by_name["channel"].points == 1


def test_feedback_is_chinese_when_zh_and_field_names_stay_as_written(case):
    from sim.i18n import using

    value, _, _ = _right(case)
    close = {**value, "clv_180d": value["clv_180d"] * 1.2}
    with using("zh"):
        report = check_value(close, case)
        text = str(report)
        empty = str(check_value({}, case))
        clock = Timer(clock=lambda: 0.0).text()
    assert text.startswith("任务 1 · 客户价值评估：得 3 分（满分 4 分）"), text
    assert "接近，但偏高 20%" in text and "clv_180d (1/2)" in text  # the answer's key as written
    assert "还没有作答（本题共 4 分）" in empty
    assert clock == "未开始（30 分钟）"
    with using("en"):
        assert "close but high by 20%" in str(check_value(close, case))
