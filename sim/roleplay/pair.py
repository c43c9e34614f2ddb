"""Pair mode: one trainee plays the customer from a card, one the agent; the script scores.

`customer_card` and `agent_view` are printable (Markdown or HTML); `PairSession` is the
scorekeeper: the facilitator records each reply the agent gave and the same engine scores.
"""

from __future__ import annotations

import html
from typing import Literal

from sim.i18n import N_
from sim.roleplay.engine import Session
from sim.roleplay.player_terminal import render_debrief, ui
from sim.roleplay.rubric import debrief, in_language, language
from sim.roleplay.script import Script

Format = Literal["markdown", "html"]
Block = tuple  # ("h", level, text) | ("p", text) | ("ul", [items]) | ("ol", [items])

WORDS = {
    "card": N_("Customer card"),
    "agent": N_("Agent view"),
    "you_are": N_("You are"),
    "persona": N_("Who you are"),
    "goal": N_("What you want"),
    "triggers": N_("Hidden triggers (do not show the agent)"),
    "lines": N_("Lines to use"),
    "situation": N_("Situation"),
    "rules": N_("House rules"),
    "rules_text": N_(
        "Respond within {p} hours, follow up within {f} hours of resolving, budget {b:g} "
        "{cur}. Choose one reply at each step and tell the facilitator its number."
    ),
    "moment": N_("Moment"),
    "says": N_("The customer says"),
    "replies": N_("Your replies"),
    "no_card": N_("This script has no customer card."),
}


def _w(key: str, lang: str | None, **values: object) -> str:
    return in_language(lang, WORDS[key], **values)


def _labelled(key: str, text: str, lang: str) -> str:
    """'Customer card: The cold latte' / '客户角色卡：冷掉的拿铁'."""
    return ui("said", lang, who=_w(key, lang), text=text)


def render(blocks: list[Block], fmt: Format = "markdown") -> str:
    """Blocks as Markdown or as an HTML fragment."""
    out = []
    for block in blocks:
        kind = block[0]
        if fmt == "html":
            if kind == "h":
                out.append(f"<h{block[1]}>{html.escape(block[2])}</h{block[1]}>")
            elif kind == "p":
                out.append(f"<p>{html.escape(block[1])}</p>")
            else:
                tag = "ul" if kind == "ul" else "ol"
                items = "".join(f"<li>{html.escape(i)}</li>" for i in block[1])
                out.append(f"<{tag}>{items}</{tag}>")
        elif kind == "h":
            out.append(f"{'#' * block[1]} {block[2]}\n")
        elif kind == "p":
            out.append(f"{block[1]}\n")
        else:
            marks = ["-"] * len(block[1]) if kind == "ul" else [f"{n}." for n in range(1, 99)]
            out.append("\n".join(f"{m} {i}" for m, i in zip(marks, block[1], strict=False)) + "\n")
    return "\n".join(out)


def customer_card(script: Script, lang: str | None = None, fmt: Format = "markdown") -> str:
    """What the customer-player knows: persona, goal, hidden triggers, lines to use (in
    `lang`, default the language in use)."""
    lang = language(lang)
    c = script.customer
    blocks: list[Block] = [("h", 2, _labelled("card", script.title.get(lang), lang))]
    if c is None:
        return render(blocks + [("p", _w("no_card", lang))], fmt)
    blocks += [
        ("p", _labelled("you_are", c.name.get(lang), lang)),
        ("h", 3, _w("persona", lang)),
        ("p", c.persona.get(lang)),
        ("h", 3, _w("goal", lang)),
        ("p", c.goal.get(lang)),
        ("h", 3, _w("triggers", lang)),
        ("ul", [t.get(lang) for t in c.triggers]),
        ("h", 3, _w("lines", lang)),
        ("ul", [t.get(lang) for t in c.lines]),
    ]
    return render(blocks, fmt)


def agent_view(script: Script, lang: str | None = None, fmt: Format = "markdown") -> str:
    """What the agent-player sees: the situation, the rules, and each moment's replies.

    Effects and flags stay hidden: the agent chooses as on the job, the script scores.
    """
    lang = language(lang)
    rules = _w(
        "rules_text",
        lang,
        p=f"{script.promise_hours:g}",
        f=f"{script.follow_up_hours:g}",
        b=script.budget,
        cur=script.currency,
    )
    blocks: list[Block] = [
        ("h", 2, _labelled("agent", script.title.get(lang), lang)),
        ("h", 3, _w("situation", lang)),
        ("p", script.situation.get(lang)),
        ("h", 3, _w("rules", lang)),
        ("p", rules),
    ]
    for nid, node in script.nodes.items():
        if node.ending is not None or not node.choices:
            continue
        blocks += [
            ("h", 3, f"{_w('moment', lang)} {nid}"),
            ("p", _labelled("says", node.say.get(lang), lang)),
            ("ol", [c.text.get(lang) for c in node.choices]),
        ]
    return render(blocks, fmt)


def printable(script: Script, lang: str | None = None, fmt: Format = "html") -> str:
    """Customer card and agent view in one document, each on its own printed page."""
    lang = language(lang)
    card, agent = customer_card(script, lang, fmt), agent_view(script, lang, fmt)
    if fmt == "markdown":
        return f"{card}\n---\n\n{agent}"
    return (
        f"<html><head><meta charset='utf-8'><title>{html.escape(script.title.get(lang))}"
        "</title></head><body>"
        f"<section>{card}</section>"
        f"<section style='page-break-before:always'>{agent}</section></body></html>"
    )


def cards_document(scripts: list[Script], languages: list[str]) -> str:
    """One printable HTML page per script and language: the customer card, then the agent
    view, each starting a new printed page (what `python -m sim roleplay cards` writes)."""
    sections = []
    for script in scripts:
        for lang in languages:
            for part in (customer_card(script, lang, "html"), agent_view(script, lang, "html")):
                sections.append(f"<section lang='{lang}'>{part}</section>")
    title = html.escape(_w("card", languages[0]))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>"
        "body{font-family:sans-serif;max-width:42em;margin:auto}"
        "section{page-break-after:always;break-after:page}"
        "</style></head><body>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


class PairSession:
    """The scorekeeper for a pair: record the agent's replies, read the live score."""

    def __init__(self, script: Script, lang: str | None = None, seed: int = 0) -> None:
        self.script, self.lang = script, language(lang)
        self.session = Session(script, seed)

    def prompt(self) -> str:
        """For the facilitator: any sudden variable to announce, the moment, its replies."""
        node, lang = self.session.node, self.lang
        lines = [f"⚡ {e.text.get(lang)}" for e in self.session.banners]
        says = self.session.line().get(lang)
        lines.append(
            f"[{self.session.node_id}] " + ui("said", lang, who=ui("customer", lang), text=says)
        )
        # numbered as on the agent view (the node's full list), conditions applied
        lines += [
            f"  {node.choices.index(c) + 1}. {c.text.get(lang)}" for c in self.session.options()
        ]
        return "\n".join(lines)

    def record(self, number: int) -> None:
        """The agent chose reply `number` (1-based, as printed on the agent view)."""
        available, choices = self.session.options(), self.session.node.choices
        choice = choices[number - 1] if 1 <= number <= len(choices) else None
        if choice is None or choice not in available:
            allowed = [self.session.node.choices.index(c) + 1 for c in available]
            raise ValueError(
                in_language(
                    self.lang,
                    N_("reply {number} is not available here; choose one of {allowed}"),
                    number=number,
                    allowed=allowed,
                )
            )
        self.session.choose(available.index(choice))

    @property
    def ended(self) -> bool:
        return self.session.ended

    def score_sheet(self) -> str:
        """The running (or final) rubric as text, the same as the terminal's debrief."""
        tr = self.session.transcript()
        report = debrief(self.script, tr, self.lang)
        return render_debrief(report, self.lang)
