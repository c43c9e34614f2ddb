"""`<twin>/report.html`: what was read, the fit with its standard errors, and (with a
holdout) the twin's simulated holdout beside what really happened and what BG/NBD expects,
with the three diagnostic charts. One page, images inline, so it can be mailed as it is."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from sim.figures import fmt
from sim.i18n import _, language_in_use

if TYPE_CHECKING:
    from sim.calibrate.holdout import HoldoutCheck
    from sim.calibrate.twin import Twin

FILENAME = "report.html"


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _read(twin: Twin) -> str:
    from sim.calibrate.say import read_lines

    items = "".join(f"<li>{_e(line.strip())}</li>" for line in read_lines(twin.export.report))
    return f"<h2>{_e(_('What was read'))}</h2><ul>{items}</ul>"


def privacy_line(twin: Twin) -> str:
    """The one line for the data-protection officer (GDPR, PIPL 个人信息保护法)."""
    return _(
        "Privacy: only customer ids, dates, amounts and categories were read from the export; "
        "the ids are pseudonymised with a salted hash (the salt, {salt}, stays with you and "
        "is not in this folder); names and contacts in the simulated world are made up by "
        "Faker. No other text of the export appears here (GDPR; PIPL 个人信息保护法).",
        salt=twin.salt_file.name if twin.salt_file else "–",
    )


def _fit(twin: Twin) -> str:
    f = twin.fit
    p, se = f.bgnbd.params, f.bgnbd.standard_errors
    g, gse = f.gamma_gamma.params, f.gamma_gamma.standard_errors
    bg = _("BG/NBD: purchases and dropout (time in days)")
    spend = _("Gamma-Gamma: spend per purchase")
    rows = [[bg, k, fmt(p[k], "number"), fmt(se[k], "number")] for k in ("r", "alpha", "a", "b")]
    rows += [
        [spend, "gamma" if k == "v" else k, fmt(g[k], "number"), fmt(gse.get(k), "number")]
        for k in ("p", "q", "v")
    ]
    rows.append(
        [
            _("new customers a day"),
            _("whole calibration"),
            fmt(f.acquisitions_per_day, "number"),
            fmt(f.acquisitions_se, "number"),
        ]
    )
    rows.append(
        [
            _("new customers a day"),
            _("last {days} days (the twin's rate)", days=f.recent_days),
            fmt(f.recent_acquisitions_per_day, "number"),
            "–",
        ]
    )
    head = [_("model"), _("parameter"), _("value"), _("standard error")]
    period = _(
        "Fitted on {start}..{end}: {customers} customers, {repeat} of them buying again.",
        start=f.calibration_start,
        end=f.calibration_end,
        customers=fmt(f.customers),
        repeat=fmt(f.repeat_customers),
    )
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in f.notes)
    return f"<h2>{_e(_('The fit'))}</h2><p>{_e(period)}</p>{_table(head, rows)}{notes}"


def verdict(check: HoldoutCheck) -> str:
    """One sentence that says whether the actual holdout lies in the twin's range."""
    n = check.numbers
    sim, actual = n["simulated_repeat_orders"], n["actual_repeat_orders"]
    if sim["low"] is None:
        return _("Too few replications for a range; run more with --replications.")
    words = {
        "actual": fmt(actual),
        "low": fmt(sim["low"]),
        "high": fmt(sim["high"]),
        "model": fmt(n["model_expected_repeat_orders"]),
    }
    if sim["low"] <= actual <= sim["high"]:
        return _(
            "The actual {actual} repeat orders lie inside the range the twin simulates "
            "({low}–{high}; the model expects {model}): the twin tracks this holdout.",
            **words,
        )
    side = _("more") if actual > sim["high"] else _("fewer")
    return _(
        "The actual {actual} repeat orders lie outside the range the twin simulates "
        "({low}–{high}; the model expects {model}): the customers bought {side} than "
        "BG/NBD's picture of them allows. The model has no seasons, no marketing and no "
        "change in the customers over time; read the twin's figures as that picture's, and "
        "compare rules on it rather than trusting its totals.",
        side=side,
        **words,
    )


def _holdout(twin: Twin, check: HoldoutCheck) -> str:
    from sim.calibrate.holdout import LEVEL
    from sim.views.holdout_plots import (
        plot_calibration_vs_holdout,
        plot_cumulative_transactions,
        plot_period_transactions,
    )
    from sim.views.report import _png

    n = check.numbers
    money = twin.currency

    def ranged(d: dict, unit: str) -> str:
        if d["low"] is None:
            return fmt(d["mean"], unit, currency=money)
        return _(
            "{mean} ({low}–{high})",
            mean=fmt(d["mean"], unit, currency=money),
            low=fmt(d["low"], unit, currency=money),
            high=fmt(d["high"], unit, currency=money),
        )

    head = [
        "",
        _("actual"),
        _("simulated twin, mean ({level:.0%} of replications)", level=LEVEL),
        _("BG/NBD expects"),
    ]
    rows = [
        [
            _("repeat orders"),
            fmt(n["actual_repeat_orders"]),
            ranged(n["simulated_repeat_orders"], "count"),
            fmt(n["model_expected_repeat_orders"]),
        ],
        [
            _("revenue"),
            fmt(n["actual_revenue"], "money", currency=money),
            ranged(n["simulated_revenue"], "money"),
            fmt(n["model_expected_revenue"], "money", currency=money),
        ],
    ]
    period = _(
        "Holdout {start}..{end} ({days} days), the {customers} customers of the calibration "
        "period, {replications} replications of the twin. Several orders of one customer on "
        "one day count as one purchase occasion.",
        start=n["holdout_start"],
        end=n["holdout_end"],
        days=fmt(check.observed.holdout_days),
        customers=fmt(n["calibration_customers"]),
        replications=n["replications"],
    )
    charts = [
        plot_calibration_vs_holdout(
            check.summary, check.bgnbd, simulated=check.simulated_by_customer()
        ),
        plot_period_transactions(
            check.summary["frequency_holdout"], check.simulated_counts(), model=None
        ),
        plot_cumulative_transactions(
            check.daily_actual,
            check.simulated_daily(),
            check.observed.holdout_start,
            model=check.model_cumulative,
        ),
    ]
    captions = [
        _("Mean holdout purchases per customer, by repeat purchases in calibration"),
        _("Customers by number of purchases in the holdout"),
        _("Cumulative repeat purchases; the band holds 95% of the twin's replications"),
    ]
    figures = "".join(
        f"<figure>{_png(fig)}<figcaption>{_e(c)}</figcaption></figure>"
        for fig, c in zip(charts, captions, strict=True)
    )
    return (
        f"<h2>{_e(_('The holdout: simulated beside actual'))}</h2><p>{_e(period)}</p>"
        f'{_table(head, rows)}<p class="note">{_e(verdict(check))}</p>{figures}'
    )


def render(twin: Twin, check: HoldoutCheck | None) -> str:
    """The report as an HTML string, in the language in use."""
    from pathlib import Path

    from sim.views.fonts import cjk_fonts
    from sim.views.report import PAGE_CSS

    title = _("Twin of {file}", file=Path(twin.export.report.source).name)
    lang = "zh-CN" if language_in_use() == "zh" else "en"
    if check is None:
        holdout = f"<p>{_e(_('No holdout: calibrated on the whole export.'))}</p>"
    else:
        with cjk_fonts():
            holdout = _holdout(twin, check)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{PAGE_CSS}h2{{margin-top:1.6em}}"
        "figure{margin:1em 0} figcaption{color:#555}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="note">{_e(privacy_line(twin))}</p>',
        _read(twin),
        _fit(twin),
        holdout,
        "</body></html>",
    ]
    return "\n".join(parts)
