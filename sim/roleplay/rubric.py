"""The debrief: seven rubric points, each with why it was or was not earned.

Acknowledged, apologised, owned the fix, kept the response promise (48 h), followed up
within 72 h, escalated when needed, cost within budget. Read from a Transcript only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.roleplay.engine import Mark, Transcript
from sim.roleplay.script import Script

LABELS = {
    "acknowledged": ("Acknowledged the problem", "承认问题"),
    "apologised": ("Apologised", "真诚道歉"),
    "owned_fix": ("Owned the fix", "主动负责解决"),
    "kept_promise": ("Kept the {p}-hour response promise", "兑现{p}小时响应承诺"),
    "followed_up": ("Followed up within {f} hours", "{f}小时内二次回访"),
    "escalated": ("Escalated when needed", "需要时升级处理"),
    "cost": ("Cost within budget", "成本控制在预算内"),
}

_WHY = {
    "flag_yes": ("Earned at turn {turn}: “{choice}”", "第{turn}轮获得：“{choice}”"),
    "acknowledged_no": (
        "You never named the customer's problem back to them; people calm down once they "
        "hear that they were understood.",
        "你始终没有复述客户的问题；客户听到自己被理解后才会平静下来。",
    ),
    "apologised_no": (
        "No apology. It costs nothing, and without it compensation reads as a bribe.",
        "没有道歉。道歉不花钱，没有道歉的补偿会显得像在收买。",
    ),
    "owned_fix_no": (
        "Nobody took ownership of the fix; the customer left not knowing who would solve it.",
        "没有人对解决方案负责；客户离开时不知道谁来解决问题。",
    ),
    "promise_yes": (
        "First real response after {t}, inside the {p}-hour promise.",
        "首次实质性回应用时{t}，在{p}小时承诺之内。",
    ),
    "promise_late": (
        "First real response after {t}: the {p}-hour promise was broken.",
        "首次实质性回应用时{t}：违背了{p}小时承诺。",
    ),
    "promise_never": (
        "The customer never got a real response ({t} on the clock).",
        "客户始终没有得到实质性回应（已过{t}）。",
    ),
    "follow_yes": (
        "Followed up {t} after the resolution, within {f} hours.",
        "解决后{t}进行了回访，在{f}小时之内。",
    ),
    "follow_late": (
        "Followed up {t} after the resolution: later than {f} hours.",
        "解决后{t}才回访：超过了{f}小时。",
    ),
    "follow_never": (
        "No follow-up. A check within {f} hours catches what the fix missed.",
        "没有回访。{f}小时内回访能发现解决方案遗漏的问题。",
    ),
    "esc_needed_yes": (
        "This case needed escalation and you escalated at turn {turn}.",
        "此案需要升级，你在第{turn}轮升级了。",
    ),
    "esc_needed_no": (
        "This case needed escalation (severity or what happened mid-way) and it never went up.",
        "此案（因严重程度或中途突发情况）需要升级，但你没有升级。",
    ),
    "esc_not_needed_yes": (
        "You escalated a case the front line could settle: it cost time and taught the "
        "customer to ask for the manager.",
        "此案一线即可处理，你却升级了：耽误时间，也让客户学会直接找经理。",
    ),
    "esc_not_needed_no": (
        "No escalation was needed and you handled it yourself.",
        "此案无需升级，你自己处理好了。",
    ),
    "esc_asked_no": (
        "The customer asked for a manager at turn {turn} and it never went up: she was left "
        "with nobody who could decide.",
        "客户在第{turn}轮要求找经理，但你始终没有升级：她找不到能拍板的人。",
    ),
    "esc_lost_no": (
        "Nobody escalated, and the customer left before it was settled: handling it yourself "
        "counts only when it gets handled.",
        "没有升级，客户也在问题解决前离开了：自己处理，只有真正处理好了才算数。",
    ),
    "cost_yes": (
        "Spent {c:g} {cur} of a {b:g} {cur} budget.",
        "花费{c:g} {cur}，预算{b:g} {cur}。",
    ),
    "cost_no": (
        "Spent {c:g} {cur}, over the {b:g} {cur} budget. Generous compensation can lift "
        "satisfaction but rarely brings more repeat business than if nothing had failed.",
        "花费{c:g} {cur}，超出预算{b:g} {cur}。高额补偿能提升满意度，"
        "但很少能让客户比没出问题时买得更多。",
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


def duration(minutes: float, lang: str = "en") -> str:
    """Minutes as '26h 15m' / '26小时15分' (hours, to compare with 48 h and 72 h)."""
    h, m = divmod(int(round(minutes)), 60)
    units = ("h ", "m") if lang != "zh" else ("小时", "分")
    parts = [f"{v}{u}" for v, u in zip((h, m), units, strict=True) if v]
    return "".join(parts).strip() or ("0m" if lang != "zh" else "0分")


def _t(key: str, lang: str, **values: object) -> str:
    en, zh = _WHY[key]
    return (zh if lang == "zh" else en).format(**values)


def label(key: str, transcript: Transcript, lang: str = "en") -> str:
    en, zh = LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(p=f"{transcript.promise_hours:g}", f=f"{transcript.follow_up_hours:g}")


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


def score(script: Script, tr: Transcript, lang: str = "en") -> list[RubricItem]:
    """The seven rubric points of a transcript."""
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


def debrief(script: Script, tr: Transcript, lang: str = "en") -> Debrief:
    """The debrief of a transcript: its ending's text and the scored rubric."""
    node = script.nodes[tr.ending] if tr.ending else None
    text = node.debrief.get(lang) if node is not None and node.debrief is not None else ""
    return Debrief(tr.ending, tr.ending_kind, text, tuple(score(script, tr, lang)))
