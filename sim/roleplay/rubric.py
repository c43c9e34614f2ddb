"""The debrief: seven rubric points, each with why it was or was not earned.

Acknowledged, apologised, owned the fix, kept the response promise (48 h), followed up
within 72 h, escalated when needed, cost within budget. Read from a Transcript only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.i18n import N_, _, language_in_use, using
from sim.roleplay.engine import Mark, Transcript
from sim.roleplay.script import Script

LABELS = {
    "acknowledged": N_("Acknowledged the problem"),
    "apologised": N_("Apologised"),
    "owned_fix": N_("Owned the fix"),
    "kept_promise": N_("Kept the {p}-hour response promise"),
    "followed_up": N_("Followed up within {f} hours"),
    "escalated": N_("Escalated when needed"),
    "cost": N_("Cost within budget"),
}

_WHY = {
    "flag_yes": N_("Earned at turn {turn}: “{choice}”"),
    "acknowledged_no": N_(
        "You never named the customer's problem back to them; people calm down once they "
        "hear that they were understood."
    ),
    "apologised_no": N_(
        "No apology. It costs nothing, and without it compensation reads as a bribe."
    ),
    "owned_fix_no": N_(
        "Nobody took ownership of the fix; the customer left not knowing who would solve it."
    ),
    "promise_yes": N_("First real response after {t}, inside the {p}-hour promise."),
    "promise_late": N_("First real response after {t}: the {p}-hour promise was broken."),
    "promise_never": N_("The customer never got a real response ({t} on the clock)."),
    "follow_yes": N_("Followed up {t} after the resolution, within {f} hours."),
    "follow_late": N_("Followed up {t} after the resolution: later than {f} hours."),
    "follow_never": N_("No follow-up. A check within {f} hours catches what the fix missed."),
    "esc_needed_yes": N_("This case needed escalation and you escalated at turn {turn}."),
    "esc_needed_no": N_(
        "This case needed escalation (severity or what happened mid-way) and it never went up."
    ),
    "esc_not_needed_yes": N_(
        "You escalated a case the front line could settle: it cost time and taught the "
        "customer to ask for the manager."
    ),
    "esc_not_needed_no": N_("No escalation was needed and you handled it yourself."),
    "esc_asked_no": N_(
        "The customer asked for a manager at turn {turn} and it never went up: she was left "
        "with nobody who could decide."
    ),
    "esc_lost_no": N_(
        "Nobody escalated, and the customer left before it was settled: handling it yourself "
        "counts only when it gets handled."
    ),
    "cost_yes": N_("Spent {c:g} {cur} of a {b:g} {cur} budget."),
    "cost_no": N_(
        "Spent {c:g} {cur}, over the {b:g} {cur} budget. Generous compensation can lift "
        "satisfaction but rarely brings more repeat business than if nothing had failed."
    ),
}


@dataclass(frozen=True)
class RubricItem:
    """One rubric point: earned or not, and why."""

    key: str
    label: str
    earned: bool
    why: str


@dataclass(frozen=True)
class Debrief:
    """The end of a play: the ending's text, the rubric points and the score."""

    ending: str | None
    kind: str | None
    text: str
    items: tuple[RubricItem, ...]

    @property
    def score(self) -> int:
        return sum(item.earned for item in self.items)


def language(lang: str | None) -> str:
    """`lang`, or the language in use when None (the default of every role-play view)."""
    return lang or language_in_use()


def in_language(lang: str | None, msgid: str, /, **values: object) -> str:
    """`msgid` from the catalogue in `lang` (None: the language in use): a role-play view
    names its language, since one cards document prints both."""
    with using(lang):
        return _(msgid, **values)


def duration(minutes: float, lang: str | None = None) -> str:
    """Minutes as '26h 15m' / '26小时15分' (hours, to compare with 48 h and 72 h)."""
    h, m = divmod(int(round(minutes)), 60)
    if h and m:
        return in_language(lang, N_("{h}h {m}m"), h=h, m=m)
    if h:
        return in_language(lang, N_("{h}h"), h=h)
    return in_language(lang, N_("{m}m"), m=m)


def _t(key: str, lang: str | None, **values: object) -> str:
    return in_language(lang, _WHY[key], **values)


def label(key: str, transcript: Transcript, lang: str | None = None) -> str:
    return in_language(
        lang,
        LABELS[key],
        p=f"{transcript.promise_hours:g}",
        f=f"{transcript.follow_up_hours:g}",
    )


def _flag_item(key: str, script: Script, tr: Transcript, lang: str) -> RubricItem:
    mark: Mark | None = tr.state.flags.get(key)
    if mark is None:
        return RubricItem(key, label(key, tr, lang), False, _t(f"{key}_no", lang))
    choice = script.nodes[mark.node].choices[mark.choice].text.get(lang)
    why = _t("flag_yes", lang, turn=mark.turn, choice=choice)
    return RubricItem(key, label(key, tr, lang), True, why)


def _escalation_item(tr: Transcript, lang: str) -> RubricItem:
    """Credit by what happened: she asked for a manager, the case needed it, or she left."""
    esc, asked = tr.state.flags.get("escalated"), tr.state.asked_turn
    if esc is not None:
        ok = tr.escalation_needed
        why = _t("esc_needed_yes", lang, turn=esc.turn) if ok else _t("esc_not_needed_yes", lang)
    elif asked is not None:
        ok, why = False, _t("esc_asked_no", lang, turn=asked + 1)
    elif tr.escalation_needed:
        ok, why = False, _t("esc_needed_no", lang)
    elif tr.ending_kind == "lost":
        ok, why = False, _t("esc_lost_no", lang)
    else:
        ok, why = True, _t("esc_not_needed_no", lang)
    return RubricItem("escalated", label("escalated", tr, lang), ok, why)


def score(script: Script, tr: Transcript, lang: str | None = None) -> list[RubricItem]:
    """The seven rubric points of a transcript, in `lang` (default: the language in use)."""
    lang = language(lang)
    items = [_flag_item(k, script, tr, lang) for k in ("acknowledged", "apologised", "owned_fix")]
    flags, p, f = tr.state.flags, f"{tr.promise_hours:g}", f"{tr.follow_up_hours:g}"

    responded = flags.get("responded")
    if responded is None:
        ok, why = False, _t("promise_never", lang, t=duration(tr.state.minutes, lang))
    else:
        ok = responded.minutes <= tr.promise_hours * 60
        why = _t(
            "promise_yes" if ok else "promise_late", lang, t=duration(responded.minutes, lang), p=p
        )
    items.append(RubricItem("kept_promise", label("kept_promise", tr, lang), ok, why))

    follow = flags.get("followed_up")
    base = flags.get("resolved") or responded
    if follow is None:
        ok, why = False, _t("follow_never", lang, f=f)
    else:
        gap = follow.minutes - (base.minutes if base else 0.0)
        ok = gap <= tr.follow_up_hours * 60
        why = _t("follow_yes" if ok else "follow_late", lang, t=duration(gap, lang), f=f)
    items.append(RubricItem("followed_up", label("followed_up", tr, lang), ok, why))

    items.append(_escalation_item(tr, lang))

    c, b = tr.state.cost, tr.budget
    ok = c <= b
    why = _t("cost_yes" if ok else "cost_no", lang, c=c, b=b, cur=script.currency)
    items.append(RubricItem("cost", label("cost", tr, lang), ok, why))
    return items


def debrief(script: Script, tr: Transcript, lang: str | None = None) -> Debrief:
    """The debrief of a transcript: its ending's text and the scored rubric, in `lang`
    (default: the language in use)."""
    lang = language(lang)
    node = script.nodes[tr.ending] if tr.ending else None
    text = node.debrief.get(lang) if node is not None and node.debrief is not None else ""
    return Debrief(tr.ending, tr.ending_kind, text, tuple(score(script, tr, lang)))
