"""The team tournament: scorecard arithmetic, gaming, CRN and parallel runs, team files,
the hidden undated shock, the pages and the command line."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.figures import fmt
from sim.filenames import MAX_STEM_BYTES, unique_stems
from sim.i18n import using
from sim.tournament import (
    SCORED,
    SubmissionError,
    Trainer,
    load_trainer,
    normalise,
    read_team,
    read_teams,
    round_shocks,
    run_tournament,
    scorecard,
    weighted_score,
)
from sim.tournament.pages import write_pages

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "coffee_chain.yaml"
SUBMISSIONS = ROOT / "scenarios" / "tournament" / "submissions"
TRAINER = ROOT / "scenarios" / "tournament" / "trainer.yaml"
SMALL = {"customers": 300, "days": 120}


@pytest.fixture(scope="module")
def base() -> sim.Scenario:
    return sim.load_scenario(SCENARIO).with_overrides(**SMALL)


@pytest.fixture(scope="module")
def practice():
    """The shipped teams' practice round on a small world (2 replications, with the
    shock-free twin runs)."""
    return run_tournament(
        SCENARIO, SUBMISSIONS, load_trainer(TRAINER), replications=2, workers=1,
        progress=False, **SMALL,
    )  # fmt: skip


# ------------------------------------------------------------------ scorecard


def _means(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols, index=pd.Index(["A", "B", "C"], name="team"))


def test_normalise_is_a_signed_z_score_with_a_floor_and_a_cap():
    means = _means(
        retention=[0.5, 0.6, 0.7],
        margin_after_costs=[100.0, 100.0, 100.0],
        nps=[10.0, 10.2, 10.4],
        points_liability=[0.0, 50.0, 100.0],
        complaints=[10.0, 20.0, 30.0],
    )
    z = normalise(means, {"nps": 1.0}, z_cap=1.0)
    sd = np.std([0.5, 0.6, 0.7])  # population sd across teams
    uncapped = normalise(means, {"nps": 1.0}, z_cap=10.0)
    assert uncapped.loc["A", "retention"] == pytest.approx(-0.1 / sd)  # -1.22
    assert z["retention"].tolist() == pytest.approx([-1.0, 0.0, 1.0])  # capped at ±1
    assert (z["margin_after_costs"] == 0).all()  # all equal: nobody gains
    # NPS differs by 0.2 points, below the 1-point floor: z = ±0.2, not ±1.22
    assert z["nps"].tolist() == pytest.approx([-0.2, 0.0, 0.2])
    # less liability and fewer complaints are better: signs flip
    assert z.loc["A", "points_liability"] > 0 > z.loc["C", "points_liability"]
    assert z.loc["A", "complaints"] > 0 > z.loc["C", "complaints"]


def test_weighted_score_is_the_weighted_mean_of_the_z_scores():
    z = pd.DataFrame(
        {"retention": [1.0, -1.0], "margin_after_costs": [0.0, 2.0], "nps": [0.5, 0.5],
         "points_liability": [0.0, 0.0], "complaints": [-1.0, 1.0]},
        index=["A", "B"],
    )  # fmt: skip
    w = {"retention": 2, "margin_after_costs": 1, "nps": 1, "points_liability": 0, "complaints": 0}
    score = weighted_score(z, w)
    assert score["A"] == pytest.approx((2 * 1 + 0 + 0.5) / 4)
    assert score["B"] == pytest.approx((2 * -1 + 2 + 0.5) / 4)


def test_a_team_that_games_one_metric_does_not_win_a_hand_made_table():
    means = pd.DataFrame(
        {
            "retention": [0.70, 0.66, 0.64, 0.65],
            "margin_after_costs": [
                150_000,
                110_000,
                105_000,
                100_000,
            ],  # the gamer: a huge margin...
            "nps": [-30.0, 5.0, 2.0, 0.0],  # ...bought with everything else
            "points_liability": [9000.0, 3000.0, 3500.0, 4000.0],
            "complaints": [40.0, 15.0, 16.0, 18.0],
        },
        index=pd.Index(["retention gamer", "balanced", "ok", "meh"], name="team"),
    )
    means.loc["retention gamer", "margin_after_costs"] = 60_000  # retention first, margin crushed
    card = scorecard(means, Trainer().weights, Trainer().min_spread)
    assert card.index[0] == "balanced"
    assert card.loc["retention gamer", "retention"] == means["retention"].max()
    assert card.loc["retention gamer", "rank"] == 4
    # with uncapped z-scores and all weight on one metric the gamer would win: the
    # weights, not luck, protect the scorecard
    only = {m: (1.0 if m == "retention" else 0.0) for m in SCORED}
    assert scorecard(means, only).index[0] == "retention gamer"


# --------------------------------------------------------- simulated tournament


def test_the_shipped_gamers_do_not_win(practice):
    board = practice.leaderboard().set_index("team")
    assert len(board) == 3
    winner = board["rank"].idxmin()
    assert winner == "Steady Brew"
    # Points Galore keeps the most customers, Coupon Storm sends the most messages
    assert board["retention"].idxmax() == "Points Galore"
    means = practice.means("practice")
    assert means["messages"].idxmax() == "Coupon Storm"
    assert board.loc["Points Galore", "points_liability"] > 5 * board["points_liability"].min()
    assert board.loc["Coupon Storm", "nps"] == board["nps"].min()


def test_replication_k_uses_the_same_seed_for_every_team(practice):
    seeds = practice.rounds[0].seeds
    assert len(seeds) == 2 and seeds[0] != seeds[1]
    # the shock-free twin runs differ from the shocked ones only by the shock
    fx = practice.shock_effect()
    assert fx.loc["revenue", "mean"] < 0


def test_serial_and_parallel_give_identical_results(tmp_path):
    for name in ("steady_brew.yaml", "coupon_storm.yaml"):
        shutil.copy(SUBMISSIONS / name, tmp_path / name)
    trainer = Trainer(shock_impact=False)
    kw = dict(replications=2, customers=200, days=90, progress=False)
    serial = run_tournament(SCENARIO, tmp_path, trainer, workers=1, **kw)
    parallel = run_tournament(SCENARIO, tmp_path, trainer, workers=2, **kw)
    pd.testing.assert_frame_equal(serial.runs, parallel.runs)
    pd.testing.assert_frame_equal(serial.leaderboard(), parallel.leaderboard())


def test_pages_are_written_with_coaching(practice, tmp_path):
    out = write_pages(practice, tmp_path / "out")
    board = pd.read_csv(out / "leaderboard.csv")
    assert list(board["team"])[0] == "Steady Brew"
    assert {"rank", "score", *SCORED, *(f"z_{m}" for m in SCORED)} <= set(board.columns)
    html = (out / "leaderboard.html").read_text(encoding="utf-8")
    assert "teams/points-galore.html" in html and "z-score" in html
    page = (out / "teams" / "points-galore.html").read_text(encoding="utf-8")
    assert "liability" in page and "× the field" in page  # coached on its liability
    assert "What the shock did" in page and "95% CI" in page and "base_points_per_unit" in page
    storm = (out / "teams" / "coupon-storm.html").read_text(encoding="utf-8")
    assert "opted out" in storm


def _text(page: str) -> str:
    """A page's visible text: charts, styles and tags out, cells separated by '|'."""
    page = re.sub(r"<img[^>]*>|<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"</t[dh]>", "|", page)))


def test_every_number_on_the_pages_is_written_by_fmt(practice, tmp_path):
    out = write_pages(practice, tmp_path / "out")
    board = practice.leaderboard()
    text = _text((out / "leaderboard.html").read_text(encoding="utf-8"))
    steady = board.set_index("team").loc["Steady Brew"]
    row = text[text.index("Steady Brew") :].split("|")
    assert row[1] == fmt(steady["score"], "z") == f"{steady['score']:+.2f}"
    # money carries the scenario's currency (it was a bare 10,370), shares are percentages
    assert row[3] == fmt(steady["retention"], "share")  # columns: rounds, then SCORED
    assert row[4] == fmt(steady["margin_after_costs"], "money", currency="CNY")
    assert row[4].endswith(" CNY")
    assert "from day" not in text  # the shock's day is a date (and its day number)
    assert re.search(r"from 20\d\d-\d\d-\d\d \(day \d+\) for \d+ days", text)
    page = _text((out / "teams" / "points-galore.html").read_text(encoding="utf-8"))
    assert re.search(
        r"moved your retention by [+-]\d+\.\d percentage points \(the field: [+-]\d+\.\d\)", page
    )
    assert re.search(r"liability at the end \([\d,]+ CNY against [\d,]+ CNY\)", page)
    for cells in (text, page):  # never scientific, never more than two decimals
        assert not re.search(r"\de[+-]\d|\d\.\d{3,}", cells)


# -------------------------------------------------------------- team files


def _team(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_team_file_touching_the_world_is_rejected_with_field_and_line(tmp_path, base):
    path = _team(
        tmp_path,
        "team: {name: Sneaky}\n"  # 1
        "loyalty:\n"  # 2
        "  signup_bonus: 100\n"  # 3
        "  behaviour: {enrolment: 1.0}\n"  # 4
        "population:\n"  # 5
        "  initial_customers: 9000\n"  # 6
        "seed: 3\n"  # 7
        "shocks: []\n"  # 8
        "outreach:\n"  # 9
        "  fatigue: {max_messages: 99}\n",  # 10
    )
    with pytest.raises(SubmissionError) as err:
        read_team(path, base)
    report = err.value.report()
    where = {p.path: p.line for p in err.value.problems}
    assert where == {
        "loyalty.behaviour": 4,
        "population": 5,
        "seed": 7,
        "shocks": 8,
        "outreach.fatigue": 10,
    }
    assert f"{path}:7: seed:" in report and "common random numbers" in report
    assert f"{path}:8: shocks:" in report and "secret" in report
    assert "cannot use this team file, 5 problems" in report
    with using("zh"):
        with pytest.raises(SubmissionError) as err:
            read_team(path, base)
        report = err.value.report()
    assert f"{path}：这个团队文件无法使用，发现 5 个问题：" in report
    assert f"{path} 第 7 行：seed：应为团队可调的杠杆（客户忠诚计划 loyalty、" in report
    assert "实际为此处的改动；提示：所有团队使用同一组随机种子（公共随机数）" in report
    assert "突发变量由培训师设定，发生日期对团队保密" in report


def test_tournament_folder_and_trainer_problems_are_chinese_when_zh(tmp_path):
    with using("zh"):
        with pytest.raises(SubmissionError) as err:
            read_teams(tmp_path, sim.load_scenario(SCENARIO))
        empty = err.value.report()
        trainer = load_trainer(TRAINER)
        with pytest.raises(sim.ScenarioError) as err:
            round_shocks(trainer, 0, horizon=30)
        late = err.value.report()
    assert "（顶层）：应为至少一个团队文件（*.yaml），实际为一个空文件夹" in empty
    assert "shocks[0].window：应为在模拟天数（30 天）之内开始的时间窗" in late
    assert "提示：把时间窗提前，或用 --days 多模拟一些天数" in late


def test_team_levers_are_accepted_and_merged(tmp_path, base):
    path = _team(
        tmp_path,
        "loyalty: {expiry: {policy: days, days: 180}}\n"
        "service: {l1_agents: 3, policy: {response_hours: 24}}\n",
    )
    team, scenario = read_team(path, base)
    assert team.name == "team"
    assert scenario.loyalty.expiry.days == 180
    assert scenario.loyalty.rewards == base.loyalty.rewards  # the rest stays
    assert scenario.service.l1_agents == 3 and scenario.service.policy.response_hours == 24
    assert scenario.service.failure_rate == base.service.failure_rate
    assert scenario.population == base.population and scenario.shocks == base.shocks


def test_an_invalid_lever_value_names_the_team_file_and_line(tmp_path, base):
    path = _team(tmp_path, "team: {name: X}\nservice:\n  l1_agents: 0\n")
    with pytest.raises(SubmissionError) as err:
        read_team(path, base)
    assert f"{path}:3: service.l1_agents" in err.value.report()


def test_switching_off_the_desk_is_not_a_lever(tmp_path, base):
    path = _team(tmp_path, "service: null\n")
    with pytest.raises(SubmissionError) as err:
        read_team(path, base)
    assert err.value.problems[0].path == "service" and err.value.problems[0].line == 1


def test_every_bad_team_file_is_reported_at_once(tmp_path, base):
    _team(tmp_path, "seed: 1\n", "a.yaml")
    _team(tmp_path, "catalogue: {currency: USD}\n", "b.yaml")
    _team(tmp_path, "loyalty: null\n", "c.yaml")
    with pytest.raises(SubmissionError) as err:
        read_teams(tmp_path, base)
    report = err.value.report()
    assert "a.yaml:1: seed" in report and "b.yaml:1: catalogue" in report
    assert "c.yaml" not in report


# ---------------------------------------------------------------- the shock


def test_the_shock_day_is_drawn_from_the_window_by_the_trainer_seed():
    trainer = load_trainer(TRAINER)
    window = trainer.shocks[0].window
    days = [round_shocks(trainer, i, 365)[0].day for i in range(3)]
    assert days == [round_shocks(trainer, i, 365)[0].day for i in range(3)]  # deterministic
    assert all(window[0] <= d <= window[1] and d == int(d) for d in days)
    assert len(set(days)) > 1  # practice does not give away the scored rounds' days
    other = trainer.model_copy(update={"seed": trainer.seed + 1})
    assert [round_shocks(other, i, 365)[0].day for i in range(3)] != days
    assert round_shocks(trainer, 0, 120)[0].day <= 119  # clipped to a shorter horizon


def test_the_shock_day_is_hidden_from_the_team_files(practice, base):
    for team, scenario in read_teams(SUBMISSIONS, base):
        assert "shocks" not in team.levers
        assert scenario.shocks == base.shocks  # the scenario's own, not the trainer's
    played = practice.rounds[0]
    assert [s.day for s in played.shocks] == [
        s.day for s in round_shocks(practice.trainer, played.index, SMALL["days"])
    ]
    text = (SUBMISSIONS / "steady_brew.yaml").read_text() + TRAINER.read_text()
    assert f"day: {played.shocks[0].day:g}" not in text  # the day is nowhere in the files


def test_a_bad_trainer_file_names_field_and_line(tmp_path):
    path = _team(tmp_path, "seed: 1\nweights:\n  retention: 1\n  luck: 2\n", "trainer.yaml")
    with pytest.raises(sim.ScenarioError) as err:
        load_trainer(path)
    assert f"{path}:2: weights" in err.value.report() and "luck" in err.value.report()


# ------------------------------------------------------------- command line


def test_cli_writes_a_leaderboard_and_debriefs(tmp_path, capsys):
    for name in ("steady_brew.yaml", "points_galore.yaml"):
        shutil.copy(SUBMISSIONS / name, tmp_path / name)
    out = tmp_path / "out"
    code = main(
        ["tournament", str(SCENARIO), str(tmp_path), "--replications", "2", "--customers",
         "200", "--days", "90", "--out", str(out), "--workers", "1", "--quiet",
         "--trainer", str(TRAINER)]
    )  # fmt: skip
    assert code == 0
    assert (out / "leaderboard.html").exists() and (out / "leaderboard.csv").exists()
    assert len(list((out / "teams").glob("*.html"))) == 2
    assert "1. " in capsys.readouterr().out


def test_cli_bad_input_exits_2_without_a_traceback(tmp_path, capsys):
    _team(tmp_path, "population: {initial_customers: 1}\n", "bad.yaml")
    code = main(["tournament", str(SCENARIO), str(tmp_path), "--workers", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "bad.yaml:1: population" in err and "Traceback" not in err
    assert main(["tournament", str(SCENARIO), str(tmp_path / "nope")]) == 2
    assert "folder of team files" in capsys.readouterr().err
    assert main(["tournament", str(SCENARIO), str(tmp_path), "--replications", "0"]) == 2


# -------------------------------------------------------------- page file names

LONG_CHINESE = ("稳健咖啡队" * 18)[:86]  # 258 bytes of UTF-8: over any file system's 255


def test_page_names_are_short_in_bytes_and_unique_ignoring_case(tmp_path):
    names = ["coupon-storm", "Coupon Storm", LONG_CHINESE, "Steady Brew", "CON", "???"]
    stems = unique_stems(names, fallback="team")
    assert stems["Steady Brew"] == "steady-brew"  # a name that needs nothing stays readable
    assert stems[LONG_CHINESE].startswith("稳健咖啡队" * 3)
    assert all(len(s.encode("utf-8")) <= MAX_STEM_BYTES for s in stems.values())
    assert len({s.casefold() for s in stems.values()}) == len(names)
    assert stems["CON"] != "con" and stems["???"].startswith("team-")
    for stem in stems.values():  # each can be a file next to the others
        (tmp_path / f"{stem}.html").write_text("x", encoding="utf-8")
    assert len(list(tmp_path.iterdir())) == len(names)
    assert unique_stems(names, fallback="team") == stems  # the same names, the same files


def test_clashing_and_long_team_names_each_get_their_page(tmp_path, capsys):
    folder = tmp_path / "teams"
    folder.mkdir()
    steady = (SUBMISSIONS / "steady_brew.yaml").read_text(encoding="utf-8")
    for file, name in [
        ("a.yaml", "coupon-storm"),
        ("b.yaml", "Coupon Storm"),
        ("c.yaml", LONG_CHINESE),
    ]:
        (folder / file).write_text(steady.replace("name: Steady Brew", f"name: {name}"), "utf-8")
    teams = read_teams(folder, sim.load_scenario(SCENARIO))  # settled before any run
    assert len({t.page.casefold() for t, _ in teams}) == 3
    out = tmp_path / "out"
    code = main(
        ["tournament", str(SCENARIO), str(folder), "--replications", "1", "--customers",
         "100", "--days", "90", "--out", str(out), "--workers", "1", "--quiet"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    pages = sorted((out / "teams").glob("*.html"))
    assert len(pages) == 3
    board = (out / "leaderboard.html").read_text(encoding="utf-8")
    for t, _ in teams:
        page = (out / "teams" / f"{t.page}.html").read_text(encoding="utf-8")
        assert f"{t.name}: debrief" in page
        assert f'href="teams/{quote(t.page)}.html"' in board


def test_cli_force_never_replaces_the_team_files(tmp_path, capsys):
    shutil.copy(SUBMISSIONS / "steady_brew.yaml", tmp_path / "steady_brew.yaml")
    args = ["tournament", str(SCENARIO), str(tmp_path), "--replications", "1", "--customers",
            "100", "--days", "90", "--workers", "1", "--quiet", "--force"]  # fmt: skip
    assert main([*args, "--out", str(tmp_path)]) == 2
    assert "an input" in capsys.readouterr().err
    assert sorted(f.name for f in tmp_path.iterdir()) == ["steady_brew.yaml"]
    out = tmp_path / "pages"
    assert main([*args, "--out", str(out)]) == 0
    assert main([*args, "--out", str(out)]) == 0  # ours: replaced
    (out / "notes.txt").write_text("notes")
    assert main([*args, "--out", str(out)]) == 2
    assert "notes.txt" in capsys.readouterr().err and (out / "notes.txt").exists()


def test_pages_are_chinese_when_zh_with_metric_columns_as_written(practice, tmp_path):
    with using("zh"):
        out = write_pages(practice, tmp_path / "zh")
    board = pd.read_csv(out / "leaderboard.csv")
    assert {"rank", "score", *SCORED} <= set(board.columns)  # the data keeps its names
    html = (out / "leaderboard.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "：排行榜</h1>" in html
    assert "<th>名次</th><th>团队</th><th>得分</th>" in html and "得分怎么算。" in html
    page = (out / "teams" / "points-galore.html").read_text(encoding="utf-8")
    assert "<h2>教练点评</h2>" in page and "<h2>突发变量带来了什么</h2>" in page
    assert "积分负债是全场平均的" in page  # the coaching sentence, in Chinese
    assert "base_points_per_unit" in page  # the team's levers as its file writes them
    with using("en"):
        english = write_pages(practice, tmp_path / "en")
    assert '<html lang="en">' in (english / "leaderboard.html").read_text(encoding="utf-8")


def test_the_chart_of_a_debrief_page_is_chinese_when_zh(practice):
    from sim.tournament.pages import _chart

    team = practice.teams[0].name
    with using("zh"):
        ax = _chart(practice, team).axes[0]
    assert ax.get_title() == "活跃客户数，practice（阴影：突发变量期间）"  # the round as named
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("天", "活跃客户数")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["全场其他团队（平均）", team, f"{team}（无突发变量）"]
    with using("en"):
        ax = _chart(practice, team).axes[0]
    assert ax.get_title() == "active customers, practice (shaded: the shock)"
    assert ax.get_legend().get_texts()[0].get_text() == "rest of the field (mean)"


def test_the_command_line_summary_is_chinese_when_zh(tmp_path, capsys):
    shutil.copy(SUBMISSIONS / "steady_brew.yaml", tmp_path / "steady_brew.yaml")
    out = tmp_path / "out"
    code = main(
        ["tournament", str(SCENARIO), str(tmp_path), "--replications", "1", "--customers",
         "100", "--days", "120", "--out", str(out), "--workers", "1", "--quiet",
         "--trainer", str(TRAINER), "--round", "scored", "--lang", "zh"]
    )  # fmt: skip
    printed = capsys.readouterr().out.splitlines()
    assert code == 0
    assert printed[0] == "Coffee-chain tournament (咖啡连锁 策略赛)：计分轮（round 1、round 2）"
    assert printed[1].split() == ["1.", "Steady", "Brew", "得分", "+0.00"]
    page = next((out / "teams").glob("*.html")).read_text(encoding="utf-8")
    assert '<img alt="活跃客户数，round 1（阴影：突发变量期间）"' in page
