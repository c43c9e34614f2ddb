"""The three ways to play (terminal via piped stdin, ipywidgets by calling methods, pair
mode on paper) and the mapping from a transcript to a desk policy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.roleplay import DeskPolicy, load_script, parse_script, play, policy_from_transcript
from sim.roleplay.pair import PairSession, agent_view, customer_card, printable
from sim.roleplay.player_widget import RolePlayPlayer

ROOT = Path(__file__).resolve().parents[1]
WRONG_ORDER = ROOT / "scenarios" / "roleplay" / "wrong_order.yaml"
SCRIPTS = sorted((ROOT / "scenarios" / "roleplay").glob("*.yaml"))


def play_cli(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", "roleplay", "play", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


# ------------------------------------------------------------------------- terminal


def test_terminal_player_with_piped_input_reaches_the_debrief():
    p = play_cli(str(WRONG_ORDER), "--seed", "3", stdin="1\n1\n1\n1\n")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "Mood " in out and "[####" in out and "48-hour promise" in out
    assert "DEBRIEF" in out and "Ending: good recovery" in out
    assert "Score: 7 of 7" in out
    assert "Traceback" not in p.stderr


def test_terminal_player_asks_again_on_a_bad_answer_and_shows_chinese():
    p = play_cli(str(WRONG_ORDER), "--lang", "zh", "--seed", "3", stdin="9\nabc\n1\n1\n1\n1\n")
    assert p.returncode == 0, p.stderr
    assert p.stdout.count("请输入 1 到 3 之间的数字") == 2
    assert "这个月已经第三次了" in p.stdout and "复盘" in p.stdout and "情绪" in p.stdout
    assert "Customer:" not in p.stdout


def test_terminal_player_input_ending_early_exits_2_without_traceback():
    p = play_cli(str(WRONG_ORDER), stdin="1\n")
    assert p.returncode == 2
    assert "Input ended before the conversation did" in p.stderr
    assert "Traceback" not in p.stderr


def test_terminal_player_q_quits_cleanly():
    p = play_cli(str(WRONG_ORDER), stdin="q\n")
    assert p.returncode == 0 and "Stopped before the end" in p.stdout


def test_same_seed_and_answers_print_the_same_session():
    a = play_cli(str(WRONG_ORDER), "--seed", "5", stdin="3\n3\n1\n1\n")
    b = play_cli(str(WRONG_ORDER), "--seed", "5", stdin="3\n3\n1\n1\n")
    assert a.returncode == 0 and a.stdout == b.stdout


# --------------------------------------------------------------------------- widget


def test_widget_player_driven_by_its_methods():
    script = load_script(WRONG_ORDER)
    player = RolePlayPlayer(script, lang="en", seed=3)
    assert "third time this month" in player.line.value
    assert player.mood.value == 20 and player.trust.value == 45
    assert "48-hour promise" in player.clock.value
    assert "store manager is on leave" in player.banner.value  # the turn-0 sudden variable
    assert len(player.buttons) == 3 and player.debrief.value == ""

    player.choose(0)
    assert player.banner.value == ""  # the banner shows only on the turn it lands
    assert player.mood.value == 32
    player.buttons[0].click()  # a real button click goes through the same method
    assert "responded after 32m" in player.clock.value
    player.choose(0)
    player.choose(0)
    assert player.session.ended and player.buttons == []
    assert player.report is not None and player.report.score == 7
    assert "roleplay-rubric" in player.debrief.value and "good recovery" in player.debrief.value
    assert player.transcript() == play(script, [0, 0, 0, 0], seed=3)

    player.restart()
    assert player.debrief.value == "" and len(player.buttons) == 3


def test_widget_player_in_chinese_and_with_a_sudden_variable_midway():
    script = load_script(WRONG_ORDER)
    # find a seed where the social-media post lands after the first reply
    seed = next(s for s in range(50) if ("event", "social_post") in play(script, [0], seed=s).log)
    player = RolePlayPlayer(script, lang="zh", seed=seed)
    player.choose(0)
    assert "社交媒体" in player.banner.value
    labels = [b.description for b in player.buttons]
    assert any("帖子" in text for text in labels)  # the post opens a new reply
    assert "客户" in player.line.value
    assert {"roleplay-choice"} <= set(player.buttons[0]._dom_classes)


# ------------------------------------------------------------------------ pair mode


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pair_mode_prints_a_card_and_an_agent_view(path: Path, lang: str):
    script = load_script(path)
    card = customer_card(script, lang)
    agent = agent_view(script, lang)
    assert card.startswith("## ") and script.customer.goal.get(lang) in card
    for trigger in script.customer.triggers:
        assert trigger.get(lang) in card and trigger.get(lang) not in agent
    assert script.situation.get(lang) in agent and "1. " in agent
    page = printable(script, lang, "html")
    assert page.count("<section") == 2 and "page-break-before" in page


def test_pair_session_keeps_score_with_the_same_engine():
    script = load_script(WRONG_ORDER)
    pair = PairSession(script, lang="en", seed=3)
    assert "[open]" in pair.prompt() and "1. I'm so sorry" in pair.prompt()
    with pytest.raises(ValueError, match="not available"):
        pair.record(9)
    for number in (1, 1, 1, 1):
        pair.record(number)
    assert pair.ended and "Score: 7 of 7" in pair.score_sheet()
    assert pair.session.transcript() == play(script, [0, 0, 0, 0], seed=3)


# --------------------------------------------------------------------------- policy

TINY = """\
id: policy
title: Policy
situation: A case.
start: a
budget: 100
escalation_needed: "true"
nodes:
  a:
    say: Hello.
    choices:
      - text: Sorry, I'll fix it and escalate.
        effects: {hours: 3}
        flags: [apologised, responded, owned_fix, escalated]
        goto: b
      - text: Here's a full refund.
        effects: {hours: 60, cost: 200}
        flags: [responded, compensated_full, resolved]
        goto: b
      - text: Not my problem.
        effects: {hours: 1}
        flags: [deflected]
        goto: end
  b:
    say: OK.
    choices:
      - text: Resolve, small voucher, call back in two days.
        effects: {hours: 50, cost: 10}
        flags: [resolved, compensated_small, followed_up]
        goto: end
      - text: Bye.
        effects: {minutes: 1}
        flags: [resolved]
        goto: end
  end:
    ending: partial
    say: Bye.
    debrief: Done.
"""


@pytest.mark.parametrize(
    "choices, expected",
    [
        (
            [0, 0],
            DeskPolicy(
                response_hours=48,
                response_delay_hours=3,
                apology=True,
                compensation="small",
                escalation="when_severe",
                follow_up_hours=0,  # resolved and followed up in the same step
            ),
        ),
        (
            [1, 1],
            DeskPolicy(
                response_hours=48,
                response_delay_hours=60,
                apology=False,
                compensation="full",
                escalation="never",
                follow_up_hours=None,
            ),
        ),
        (
            [2],
            DeskPolicy(
                response_hours=48,
                response_delay_hours=96,  # never responded: twice the 48-hour promise
                apology=False,
                compensation="none",
                escalation="never",
                follow_up_hours=None,
            ),
        ),
    ],
    ids=["good", "slow_full_refund", "no_response"],
)
def test_policy_from_known_transcripts(choices, expected):
    script = parse_script(TINY)
    assert policy_from_transcript(play(script, choices)) == expected


def test_policy_escalation_and_follow_up_timing():
    script = parse_script(TINY.replace('escalation_needed: "true"', 'escalation_needed: "false"'))
    assert policy_from_transcript(play(script, [0, 1])).escalation == "always"
    assert policy_from_transcript(play(script, [1, 1])).escalation == "when_severe"

    shop = load_script(WRONG_ORDER)
    policy = policy_from_transcript(play(shop, [0, 0, 0, 0], seed=3))
    assert policy == DeskPolicy(
        response_hours=48,
        response_delay_hours=0.53,
        apology=True,
        compensation="small",
        escalation="when_severe",
        follow_up_hours=24.0,
    )


def test_desk_policy_validates():
    with pytest.raises(ValidationError):
        DeskPolicy(response_hours=0, apology=True)
    with pytest.raises(ValidationError):
        DeskPolicy(response_hours=4, apology=True, compensation="huge")
    with pytest.raises(ValidationError):
        DeskPolicy(response_delay_hours=-1)


# ---------------------------------------------------------------- printable cards


def test_cards_command_writes_printable_cards_in_both_languages(tmp_path: Path, capsys):
    from sim.cli import main

    out = tmp_path / "cards.html"
    assert main(["roleplay", "cards", str(WRONG_ORDER), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    script = load_script(WRONG_ORDER)
    assert page.startswith("<!DOCTYPE html>") and "charset='utf-8'" in page
    assert script.customer.goal.get("en") in page and script.customer.goal.get("zh") in page
    assert page.count("<section") == 4 and "break-after:page" in page  # card + agent, × 2
    assert [p.name for p in tmp_path.iterdir()] == ["cards.html"]  # no temporary left

    # an existing file is kept unless --force; --lang picks one language
    assert main(["roleplay", "cards", str(WRONG_ORDER), "--out", str(out), "--lang", "zh"]) == 2
    assert "该位置已有文件" in capsys.readouterr().err  # --lang zh: the message is Chinese too
    assert out.read_text(encoding="utf-8") == page
    argv = ["roleplay", "cards", *map(str, SCRIPTS), "--out", str(out), "--lang", "zh", "--force"]
    assert main(argv) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<section lang='zh'>") == 2 * len(SCRIPTS) and "lang='en'" not in page


def test_cards_command_refuses_a_missing_or_bad_script_with_exit_2(tmp_path: Path, capsys):
    from sim.cli import main

    out = tmp_path / "cards.html"
    assert main(["roleplay", "cards", str(tmp_path / "nope.yaml"), "--out", str(out)]) == 2
    assert "no file at that path" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\ntitle: X\nsituation: S.\nstart: a\nnodes:\n  a: {say: Hi., ending: god}\n"
    )
    assert main(["roleplay", "cards", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:6: nodes.a.ending" in err and "did you mean 'good'?" in err
    nocard = tmp_path / "nocard.yaml"
    nocard.write_text(
        "id: x\ntitle: X\nsituation: S.\nstart: a\nnodes:\n"
        "  a: {say: Hi., ending: good, debrief: Ok.}\n"
    )
    assert main(["roleplay", "cards", str(nocard), "--out", str(out)]) == 2
    assert "add a 'customer:' section" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------------------------ pair widgets


def test_pair_player_agent_and_customer_views_share_one_conversation():
    from sim.roleplay.pair_widget import PairPlayer

    script = load_script(WRONG_ORDER)
    pair = PairPlayer(script, lang="en", seed=3)
    # the customer sees her card, her meters and the line to say; the agent does not
    assert "Hidden triggers" in pair.customer.children[0].value
    assert "third time this month" in pair.say_now.value
    assert pair.mood.value == 20 and "store manager is on leave" in pair.customer_banner.value
    assert [b.description[:3] for b in pair.buttons] == ["1. ", "2. ", "3. "]
    agent_text = " ".join(getattr(c, "value", "") for c in pair.agent.children)
    assert "Hidden triggers" not in agent_text

    pair.say(0)  # she uses a line of her card; the agent's conversation shows it
    assert "This is the third time this month!" in pair.conversation.value
    pair.buttons[0].click()  # reply 1, through the button
    assert "I&#x27;m so sorry" in pair.conversation.value and pair.mood.value == 32
    assert "Thank you. But my meeting" in pair.say_now.value
    with pytest.raises(ValueError, match="not available"):
        pair.reply(9)
    for number in (1, 1, 1):
        pair.reply(number)
    assert pair.pair.ended and pair.buttons == []
    assert "Score: 7 of 7" in pair.debrief.value and "day 2" in pair.clock.value
    assert all(b.disabled for b in pair.line_buttons)
    assert pair.pair.session.transcript() == play(script, [0, 0, 0, 0], seed=3)

    pair.restart()
    assert pair.debrief.value == "" and len(pair.buttons) == 3
    assert pair.conversation.value.count("<p>") == 1  # her opening line only


def test_pair_player_in_chinese_numbers_replies_as_the_printed_agent_view():
    from sim.roleplay.pair_widget import PairPlayer

    script = load_script(WRONG_ORDER)
    pair = PairPlayer(script, lang="zh", seed=3)
    pair.reply(3)  # "our screen says regular milk": she asks for the manager
    assert "我要找你们经理" in pair.say_now.value and "坐席" in pair.conversation.value
    pair.reply(2)  # get the manager; she is on leave today
    assert "店长不在" in pair.say_now.value
    assert {"roleplay-pair-agent"} <= set(pair.agent._dom_classes)
