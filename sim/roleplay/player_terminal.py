"""The terminal player: numbered choices read with input(), meters drawn as text bars.

Works with piped stdin, so a test (or a trainer's demo) can feed it a list of choices.
Rendering is plain functions returning text; `play_terminal` only loops and reads.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.roleplay.engine import Session, Transcript
from sim.roleplay.rubric import Debrief, debrief, duration
from sim.roleplay.script import Script

UI = {
    "mood": ("Mood ", "情绪"),
    "trust": ("Trust", "信任"),
    "clock": ("Clock", "时钟"),
    "elapsed": ("{t} elapsed", "已用时 {t}"),
    "left": ("{t} left on the {p}-hour promise", "距{p}小时承诺还剩 {t}"),
    "late": ("the {p}-hour promise is broken", "已超出{p}小时承诺"),
    "kept": ("responded after {t}", "{t}内已回应"),
    "cost": ("Cost", "成本"),
    "event": ("!! ", "！！"),
    "customer": ("Customer", "客户"),
    "prompt": ("Your reply (1-{n}, q to quit): ", "你的回复（1-{n}，q 退出）："),
    "again": ("Please type a number from 1 to {n}.", "请输入 1 到 {n} 之间的数字。"),
    "debrief": ("DEBRIEF", "复盘"),
    "score": ("Score: {s} of {n}", "得分：{s} / {n}"),
    "ending": ("Ending: {e}", "结局：{e}"),
    "good": ("good recovery", "成功挽回"),
    "partial": ("partial recovery", "部分挽回"),
    "lost": ("lost customer", "客户流失"),
    "quit": ("Stopped before the end.", "已中途退出。"),
    "agent": ("Agent", "坐席"),
    "sudden": ("Sudden variable", "突发变量"),
    "day": ("day {d}", "第{d}天"),
    "eof": ("Input ended before the conversation did.", "输入在对话结束前就结束了。"),
}


def ui(key: str, lang: str, **values: object) -> str:
    """An interface string in `lang`."""
    en, zh = UI[key]
    return (zh if lang == "zh" else en).format(**values)


def bar(value: float, width: int = 20) -> str:
    """A 0-100 value as a text bar: [#######.............]  35."""
    filled = int(round(max(0.0, min(100.0, value)) / 100 * width))
    return f"[{'#' * filled}{'.' * (width - filled)}] {value:3.0f}"


def clock_text(session: Session, lang: str = "en") -> str:
    """Elapsed time and where the response promise stands."""
    s, p = session.state, session.script.promise_hours
    # the clock counts from the complaint; past a day it names the day, so a callback the
    # next day never reads as minutes of the same call
    parts = [ui("elapsed", lang, t=duration(s.minutes, lang))]
    if s.minutes >= 24 * 60:
        parts.insert(0, ui("day", lang, d=int(s.minutes // (24 * 60)) + 1))
    responded = s.flags.get("responded")
    if responded is not None:
        parts.append(ui("kept", lang, t=duration(responded.minutes, lang)))
    elif s.minutes <= p * 60:
        parts.append(ui("left", lang, t=duration(p * 60 - s.minutes, lang), p=f"{p:g}"))
    else:
        parts.append(ui("late", lang, p=f"{p:g}"))
    return " · ".join(parts)


def render_route(script: Script, transcript: Transcript, lang: str = "en") -> list[str]:
    """The route of a play, one line per reply and per sudden variable (by its label)."""
    out = []
    for item in transcript.log:
        if item[0] == "choice":
            reply = script.nodes[item[1]].choices[item[2]].text.get(lang)
            out.append(f"{ui('agent', lang)}: {reply}")
        elif item[0] == "event":
            out.append(f"⚡ {ui('sudden', lang)}: {script.event_label(item[1], lang)}")
    return out


def render_turn(session: Session, lang: str = "en") -> str:
    """What the player sees before replying: banners, meters, clock, the line, the options."""
    script, s = session.script, session.state
    out = [f"{ui('event', lang)}{event.text.get(lang)}" for event in session.banners]
    out += [
        f"{ui('mood', lang)} {bar(s.mood)}   {ui('trust', lang)} {bar(s.trust)}",
        f"{ui('clock', lang)}: {clock_text(session, lang)}   "
        f"{ui('cost', lang)}: {s.cost:g} {script.currency}",
        "",
    ]
    if session.node.note is not None:
        out.append(f"({session.node.note.get(lang)})")
    out.append(f"{ui('customer', lang)}: {session.line().get(lang)}")
    if not session.ended:
        out.append("")
        out += [f"  {i}. {c.text.get(lang)}" for i, c in enumerate(session.options(), 1)]
    return "\n".join(out)


def render_debrief(report: Debrief, lang: str = "en") -> str:
    """The debrief as text: the ending, its lesson, each rubric point with why."""
    out = ["", "=" * 60, ui("debrief", lang), "=" * 60]
    if report.kind:
        out.append(ui("ending", lang, e=ui(report.kind, lang)))
    if report.text:
        out += ["", report.text, ""]
    for item in report.items:
        out.append(f"[{'x' if item.earned else ' '}] {item.label}: {item.why}")
    out += ["", ui("score", lang, s=report.score, n=len(report.items))]
    return "\n".join(out)


def play_terminal(
    script: Script,
    lang: str = "en",
    seed: int = 0,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> tuple[Transcript, Debrief | None]:
    """Play to the end reading replies with `read`; the debrief is None if the player quit.

    Raises EOFError when input runs out mid-conversation.
    """
    session = Session(script, seed)
    write(f"== {script.title.get(lang)} ==")
    write(script.situation.get(lang))
    while True:
        write("")
        write(render_turn(session, lang))
        if session.ended:
            report = debrief(script, session.transcript(), lang)
            write(render_debrief(report, lang))
            return session.transcript(), report
        n = len(session.options())
        while True:
            answer = read(ui("prompt", lang, n=n)).strip()
            if answer.lower() in ("q", "quit", "exit"):
                write(ui("quit", lang))
                return session.transcript(), None
            if answer.isdigit() and 1 <= int(answer) <= n:
                break
            write(ui("again", lang, n=n))
        session.choose(int(answer) - 1)
