"""Pair mode on screen: one panel per role over one PairSession, every callback a method.

`PairPlayer(script, lang, seed)` has `agent` (situation, clock, the conversation, the
numbered replies, the debrief) and `customer` (the card, mood and trust to act, the line
to say now, and the customer's own lines as buttons). Show them side by side on one
screen, or `display(p.agent)` in one browser tab and `display(p.customer)` in another of
the same kernel: both redraw after every click. Tests call `reply(n)` and `say(i)`.
"""

from __future__ import annotations

import html

import ipywidgets as w

from sim.i18n import N_
from sim.roleplay.pair import PairSession, _w, customer_card
from sim.roleplay.player_terminal import clock_text, ui
from sim.roleplay.player_widget import _bold_said, _meter, debrief_html
from sim.roleplay.rubric import debrief, in_language, language
from sim.roleplay.script import Script

WORDS = {
    "say_now": N_("Say now"),
    "your_lines": N_("Your own lines (click one when you use it)"),
    "conversation": N_("Conversation"),
    "customer_own": N_("Customer (own words)"),
    "waiting": N_("Waiting for the agent's reply."),
    "ended": N_("The conversation is over."),
}


def _p(key: str, lang: str) -> str:
    return in_language(lang, WORDS[key])


def _html(css: str) -> w.HTML:
    widget = w.HTML()
    widget.add_class(css)
    return widget


class PairPlayer:
    """Two views of one conversation: the agent replies, the customer acts from her card."""

    def __init__(self, script: Script, lang: str | None = None, seed: int = 0) -> None:
        lang = language(lang)
        self.script, self.lang, self.seed = script, lang, seed
        title = f"<h3>{html.escape(script.title.get(lang))}</h3>"
        self.banner = _html("roleplay-banner")
        self.clock = _html("roleplay-clock")
        self.conversation = _html("roleplay-conversation")
        self.replies = w.VBox()
        self.replies.add_class("roleplay-choices")
        self.debrief = _html("roleplay-debrief")
        restart = w.Button(description="↺", tooltip=in_language(lang, N_("restart")))
        restart.on_click(lambda _b: self.restart())
        situation = f"<p><i>{html.escape(script.situation.get(lang))}</i></p>"
        self.agent = w.VBox(
            [
                w.HTML(f"{title}<h4>{html.escape(_w('agent', lang))}</h4>{situation}"),
                self.banner,
                self.clock,
                self.conversation,
                self.replies,
                self.debrief,
                restart,
            ]
        )
        self.agent.add_class("roleplay-pair-agent")

        self.customer_banner = _html("roleplay-banner")
        self.mood = _meter(ui("mood", lang).strip(), "roleplay-mood")
        self.trust = _meter(ui("trust", lang).strip(), "roleplay-trust")
        self.say_now = _html("roleplay-line")
        lines = script.customer.lines if script.customer is not None else []
        self.line_buttons = []
        for i, text in enumerate(lines):
            button = w.Button(description=text.get(lang), layout=w.Layout(width="auto"))
            button.add_class("roleplay-customer-line")
            button.on_click(lambda _b, i=i: self.say(i))
            self.line_buttons.append(button)
        self.customer = w.VBox(
            [
                w.HTML(customer_card(script, lang, "html")),
                self.customer_banner,
                w.HBox([self.mood, self.trust]),
                self.say_now,
                w.HTML(f"<b>{html.escape(_p('your_lines', lang))}</b>"),
                w.VBox(self.line_buttons),
            ]
        )
        self.customer.add_class("roleplay-pair-customer")
        self.widget = w.HBox([self.agent, self.customer])
        self.restart()

    @property
    def buttons(self) -> list[w.Button]:
        """The agent's reply buttons, labelled with their numbers on the agent view."""
        return list(self.replies.children)

    def restart(self) -> None:
        """Start the conversation again with the same seed (and the same sudden variables)."""
        self.pair = PairSession(self.script, self.lang, self.seed)
        self.said: list[tuple[str, str]] = []  # (who, text) in the order spoken
        self._hear()
        self.refresh()

    def _hear(self) -> None:
        self.said.append((ui("customer", self.lang), self.pair.session.line().get(self.lang)))

    def reply(self, number: int) -> None:
        """The agent's button: reply `number` (1-based, as on the printed agent view)."""
        choices = self.pair.session.node.choices
        self.pair.record(number)  # ValueError when that reply is not offered now
        self.said.append((ui("agent", self.lang), choices[number - 1].text.get(self.lang)))
        self._hear()
        self.refresh()

    def say(self, index: int) -> None:
        """The customer's button: she used line `index` of her card in her own words."""
        line = self.script.customer.lines[index].get(self.lang)
        self.said.append((_p("customer_own", self.lang), line))
        self.refresh()

    def refresh(self) -> None:
        """Redraw both views from the session."""
        session, lang = self.pair.session, self.lang
        banners = "".join(
            f"<div style='background:#fff3cd;padding:4px'>⚡ {html.escape(e.text.get(lang))}</div>"
            for e in session.banners
        )
        self.banner.value = self.customer_banner.value = banners
        cost = ui(
            "said",
            lang,
            who=ui("cost", lang),
            text=f"{session.state.cost:g} {self.script.currency}",
        )
        clock = ui("said", lang, who=ui("clock", lang), text=clock_text(session, lang))
        self.clock.value = html.escape(f"{clock} · {cost}")
        rows = "".join(f"<p>{_bold_said(who, text, lang)}</p>" for who, text in self.said)
        self.conversation.value = f"<h4>{html.escape(_p('conversation', lang))}</h4>{rows}"
        self.mood.value, self.trust.value = session.state.mood, session.state.trust
        node = session.node
        note = f"<p><i>({html.escape(node.note.get(lang))})</i></p>" if node.note else ""
        state = _p("ended" if session.ended else "waiting", lang)
        self.say_now.value = (
            f"<h4>{html.escape(_p('say_now', lang))}</h4>{note}"
            f"<p><b>{html.escape(session.line().get(lang))}</b></p><p><i>{state}</i></p>"
        )
        buttons = []
        for choice in session.options():
            number = node.choices.index(choice) + 1
            button = w.Button(
                description=f"{number}. {choice.text.get(lang)}",
                layout=w.Layout(width="auto", height="auto"),
            )
            button.add_class("roleplay-choice")
            button.on_click(lambda _b, n=number: self.reply(n))
            buttons.append(button)
        self.replies.children = buttons
        for button in self.line_buttons:
            button.disabled = session.ended
        ended = session.ended
        self.debrief.value = (
            debrief_html(debrief(self.script, session.transcript(), lang), lang) if ended else ""
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
