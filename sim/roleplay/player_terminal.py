"""The terminal player: numbered choices read with input(), meters drawn as text bars.

Works with piped stdin, so a test (or a trainer's demo) can feed it a list of choices.
Rendering is plain functions returning text; `play_terminal` only loops and reads.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.i18n import N_
from sim.roleplay.engine import Session, Transcript
from sim.roleplay.rubric import Debrief, debrief, duration, in_language, language
from sim.roleplay.script import Script

UI = {
    "mood": N_("Mood "),
    "trust": N_("Trust"),
    "clock": N_("Clock"),
    "elapsed": N_("{t} elapsed"),
    "left": N_("{t} left on the {p}-hour promise"),
    "late": N_("the {p}-hour promise is broken"),
    "kept": N_("responded after {t}"),
    "cost": N_("Cost"),
    "event": N_("!! "),
    "customer": N_("Customer"),
    "prompt": N_("Your reply (1-{n}, q to quit): "),
    "again": N_("Please type a number from 1 to {n}."),
    "debrief": N_("DEBRIEF"),
    "score": N_("Score: {s} of {n}"),
    "ending": N_("Ending: {e}"),
    "good": N_("good recovery"),
    "partial": N_("partial recovery"),
    "lost": N_("lost customer"),
    "quit": N_("Stopped before the end."),
    "agent": N_("Agent"),
    "sudden": N_("Sudden variable"),
    "day": N_("day {d}"),
    "eof": N_("Input ended before the conversation did."),
    "said": N_("{who}: {text}"),
}


def ui(key: str, lang: str | None = None, **values: object) -> str:
    """An interface string in `lang` (None: the language in use)."""
    return in_language(lang, UI[key], **values)


def bar(value: float, width: int = 20) -> str:
    """A 0-100 value as a text bar: [#######.............]  35."""
    filled = int(round(max(0.0, min(100.0, value)) / 100 * width))
    return f"[{'#' * filled}{'.' * (width - filled)}] {value:3.0f}"


def clock_text(session: Session, lang: str | None = None) -> str:
    """Elapsed time and where the response promise stands."""
    lang = language(lang)
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


def render_route(script: Script, transcript: Transcript, lang: str | None = None) -> list[str]:
    """The route of a play, one line per reply and per sudden variable (by its label)."""
    lang = language(lang)
    out = []
    for item in transcript.log:
        if item[0] == "choice":
            reply = script.nodes[item[1]].choices[item[2]].text.get(lang)
            out.append(ui("said", lang, who=ui("agent", lang), text=reply))
        elif item[0] == "event":
            said = ui("said", lang, who=ui("sudden", lang), text=script.event_label(item[1], lang))
            out.append(f"⚡ {said}")
    return out


def render_turn(session: Session, lang: str | None = None) -> str:
    """What the player sees before replying: banners, meters, clock, the line, the options."""
    lang = language(lang)
    script, s = session.script, session.state
    out = [f"{ui('event', lang)}{event.text.get(lang)}" for event in session.banners]
    out += [
        f"{ui('mood', lang)} {bar(s.mood)}   {ui('trust', lang)} {bar(s.trust)}",
        ui("said", lang, who=ui("clock", lang), text=clock_text(session, lang))
        + "   "
        + ui("said", lang, who=ui("cost", lang), text=f"{s.cost:g} {script.currency}"),
        "",
    ]
    if session.node.note is not None:
        out.append(f"({session.node.note.get(lang)})")
    out.append(ui("said", lang, who=ui("customer", lang), text=session.line().get(lang)))
    if not session.ended:
        out.append("")
        out += [f"  {i}. {c.text.get(lang)}" for i, c in enumerate(session.options(), 1)]
    return "\n".join(out)


def render_debrief(report: Debrief, lang: str | None = None) -> str:
    """The debrief as text: the ending, its lesson, each rubric point with why."""
    lang = language(lang)
    out = ["", "=" * 60, ui("debrief", lang), "=" * 60]
    if report.kind:
        out.append(ui("ending", lang, e=ui(report.kind, lang)))
    if report.text:
        out += ["", report.text, ""]
    for item in report.items:
        mark = "x" if item.earned else " "
        out.append(f"[{mark}] " + ui("said", lang, who=item.label, text=item.why))
    out += ["", ui("score", lang, s=report.score, n=len(report.items))]
    return "\n".join(out)


def play_terminal(
    script: Script,
    lang: str | None = None,
    seed: int = 0,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> tuple[Transcript, Debrief | None]:
    """Play to the end reading replies with `read`; the debrief is None if the player quit.

    Raises EOFError when input runs out mid-conversation. `lang` defaults to the language
    in use.
    """
    lang = language(lang)
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
