"""The ipywidgets player: a thin panel over a Session, every callback a plain method.

`RolePlayPlayer(script, lang="en", seed=0)`; tests call `player.choose(i)` and read the
widgets' values, no browser needed. CSS classes (`roleplay-*`) let a browser test find them.
"""

from __future__ import annotations

import html

import ipywidgets as w

from sim.i18n import N_
from sim.roleplay.engine import Session, Transcript
from sim.roleplay.player_terminal import clock_text, ui
from sim.roleplay.rubric import Debrief, debrief, in_language, language
from sim.roleplay.script import Script


def _meter(label: str, css: str) -> w.FloatProgress:
    bar = w.FloatProgress(value=0, min=0, max=100, description=label, bar_style="info")
    bar.add_class(css)
    return bar


def _bold_said(who: str, text: str, lang: str) -> str:
    """'<b>Customer:</b> text' in `lang`'s punctuation, both parts escaped."""
    return ui("said", lang, who=f"<b>{html.escape(who)}</b>", text=html.escape(text))


def debrief_html(report: Debrief, lang: str | None = None) -> str:
    """The debrief as an HTML table: each rubric point, earned or not, and why."""
    lang = language(lang)
    rows = "".join(
        f"<tr><td>{'✔' if i.earned else '✘'}</td><td>{html.escape(i.label)}</td>"
        f"<td>{html.escape(i.why)}</td></tr>"
        for i in report.items
    )
    kind = ui("ending", lang, e=ui(report.kind, lang)) if report.kind else ""
    score = ui("score", lang, s=report.score, n=len(report.items))
    return (
        f"<h4>{html.escape(ui('debrief', lang))}</h4><p><b>{html.escape(kind)}</b></p>"
        f"<p>{html.escape(report.text)}</p>"
        f"<table class='roleplay-rubric'>{rows}</table><p><b>{html.escape(score)}</b></p>"
    )


class RolePlayPlayer:
    """The customer's line, mood and trust meters, the clock, one button per reply, the
    banner of a sudden variable, and the debrief at the end."""

    def __init__(self, script: Script, lang: str | None = None, seed: int = 0) -> None:
        lang = language(lang)
        self.script = script
        self.lang = lang
        self.seed = seed
        self.title = w.HTML(f"<h3>{html.escape(script.title.get(lang))}</h3>")
        self.situation = w.HTML(f"<p><i>{html.escape(script.situation.get(lang))}</i></p>")
        self.banner = w.HTML()
        self.banner.add_class("roleplay-banner")
        self.mood = _meter(ui("mood", lang).strip(), "roleplay-mood")
        self.trust = _meter(ui("trust", lang).strip(), "roleplay-trust")
        self.clock = w.HTML()
        self.clock.add_class("roleplay-clock")
        self.line = w.HTML()
        self.line.add_class("roleplay-line")
        self.choices = w.VBox()
        self.choices.add_class("roleplay-choices")
        self.debrief = w.HTML()
        self.debrief.add_class("roleplay-debrief")
        self.restart_button = w.Button(description="↺", tooltip=in_language(lang, N_("restart")))
        self.restart_button.on_click(lambda _b: self.restart())
        self.widget = w.VBox(
            [
                self.title,
                self.situation,
                self.banner,
                w.HBox([self.mood, self.trust]),
                self.clock,
                self.line,
                self.choices,
                self.debrief,
                self.restart_button,
            ]
        )
        self.report: Debrief | None = None
        self.restart()

    @property
    def buttons(self) -> list[w.Button]:
        return list(self.choices.children)

    def restart(self) -> None:
        """Start the conversation again with the same seed."""
        self.session = Session(self.script, self.seed)
        self.report = None
        self.refresh()

    def choose(self, position: int) -> None:
        """Button callback: pick the `position`-th reply on screen (0-based) and redraw."""
        self.session.choose(position)
        self.refresh()

    def transcript(self) -> Transcript:
        return self.session.transcript()

    def refresh(self) -> None:
        """Redraw every widget from the session's state."""
        s, lang, node = self.session.state, self.lang, self.session.node
        self.banner.value = "".join(
            f"<div style='background:#fff3cd;padding:4px'>⚡ {html.escape(e.text.get(lang))}</div>"
            for e in self.session.banners
        )
        self.mood.value, self.trust.value = s.mood, s.trust
        self.mood.bar_style = "danger" if s.mood < 30 else "info"
        self.trust.bar_style = "danger" if s.trust < 30 else "info"
        cost = ui("said", lang, who=ui("cost", lang), text=f"{s.cost:g} {self.script.currency}")
        clock = ui("said", lang, who=ui("clock", lang), text=clock_text(self.session, lang))
        self.clock.value = html.escape(clock)
        self.clock.value += f" &nbsp; {html.escape(cost)}"
        note = f"<p><i>({html.escape(node.note.get(lang))})</i></p>" if node.note else ""
        self.line.value = (
            f"{note}<p>{_bold_said(ui('customer', lang), self.session.line().get(lang), lang)}</p>"
        )
        buttons = []
        for i, choice in enumerate(self.session.options()):
            button = w.Button(
                description=choice.text.get(lang),
                tooltip=choice.text.get(lang),
                layout=w.Layout(width="auto", height="auto"),
            )
            button.add_class("roleplay-choice")
            button.on_click(lambda _b, i=i: self.choose(i))
            buttons.append(button)
        self.choices.children = buttons
        if self.session.ended:
            self.report = debrief(self.script, self.session.transcript(), lang)
            self.debrief.value = debrief_html(self.report, lang)
        else:
            self.debrief.value = ""

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
