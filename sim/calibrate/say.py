"""What `sim calibrate` says, as lines: what was read (rows, customers, dates, what was
dropped and why), the fit with its standard errors, and what was written. The command
prints them; the report and notebook 10 show the same lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.i18n import _

if TYPE_CHECKING:
    from sim.calibrate.fitting import Fit
    from sim.calibrate.reading import ReadReport
    from sim.calibrate.twin import Twin


def _g(x: float, digits: int = 4) -> str:
    return f"{x:.{digits}g}"


def _column(role: str, name: str, report: ReadReport) -> str:
    if report.headerless:
        return _("{role} = column {n}", role=role, n=name)
    return f"{role} = {name}"


def read_lines(report: ReadReport) -> list[str]:
    """What was read, in a few lines."""
    how = report.format + (f", {report.encoding}" if report.encoding else "")
    if report.sheet:
        how += ", " + _("sheet {sheet}", sheet=report.sheet)
    lines = [
        _(
            "Read {file} ({how}): {rows:,} rows, {customers:,} customers, {first}..{last}",
            file=report.source,
            how=how,
            rows=report.rows_read,
            customers=report.customers,
            first=report.first_date,
            last=report.last_date,
        ),
        "  "
        + _(
            "columns: {columns}", columns=", ".join(f"{k} = {v}" for k, v in report.columns.items())
        ),
    ]
    if report.headerless:
        lines[-1] += " " + _(
            "(no header: guessed from the first rows; choose with --customer-col etc.)"
        )
    lines.append(
        "  "
        + _(
            "{n:,} purchase occasions ({merged:,} rows merged): {convention}",
            n=report.occasions,
            merged=report.merged_rows,
            convention=_(report.convention),
        )
    )
    lines.append(
        "  "
        + _(
            "dropped {returns:,} returns (negative amounts) and {cancelled:,} cancelled rows; "
            "kept {zero:,} rows with amount 0",
            returns=report.dropped.get("returns", 0),
            cancelled=report.dropped.get("cancelled", 0),
            zero=report.zero_amount_rows,
        )
    )
    if report.day_first:
        lines.append("  " + _("dates like 05/10/2025 were read day first (5 October)"))
    return lines


def fit_lines(fit: Fit) -> list[str]:
    """The fitted parameters with their standard errors."""
    p, se = fit.bgnbd.params, fit.bgnbd.standard_errors
    g, gse = fit.gamma_gamma.params, fit.gamma_gamma.standard_errors

    def pm(name: str, values: dict, errors: dict, label: str | None = None) -> str:
        return f"{label or name} = {_g(values[name])} ± {_g(errors.get(name, float('nan')), 2)}"

    lines = [
        _(
            "Fitted on {start}..{end} ({customers:,} customers, {repeat:,} of them buying "
            "again; time in days):",
            start=fit.calibration_start,
            end=fit.calibration_end,
            customers=fit.customers,
            repeat=fit.repeat_customers,
        ),
        "  BG/NBD       "
        + "   ".join(pm(k, p, se) for k in ("r", "alpha", "a", "b"))
        + "  "
        + _("(alpha {weeks} in weeks)", weeks=_g(p["alpha"] / 7)),
        "  Gamma-Gamma  "
        + "   ".join([pm("p", g, gse), pm("q", g, gse), pm("v", g, gse, "gamma")]),
        "  "
        + _(
            "new customers: {rate} ± {se} a day ({recent} over the last {days} days, the "
            "twin's rate)",
            rate=_g(fit.acquisitions_per_day),
            se=_g(fit.acquisitions_se, 2),
            recent=_g(fit.recent_acquisitions_per_day),
            days=fit.recent_days,
        ),
        "  "
        + _(
            "categories: {categories}",
            categories=", ".join(
                f"{c.name} {c.share:.0%} (×{c.price_level:.2f})" for c in fit.categories[:8]
            ),
        ),
    ]
    for label, pattern in ((_("weekday"), fit.weekday), (_("month"), fit.month)):
        if pattern is not None and pattern.shown:
            index = ", ".join(f"{_(k)} {v:.2f}" for k, v in pattern.index.items())
            lines.append(
                "  "
                + _(
                    "{what} pattern (1 = average; not in the scenario, which has no field "
                    "for it): {index} (p = {p:.2g})",
                    what=label,
                    index=index,
                    p=pattern.p_value,
                )
            )
    lines += ["  " + _("note: {note}", note=note) for note in fit.notes]
    return lines


def written_lines(twin: Twin) -> list[str]:
    """What was written, and where the salt is."""
    lines = [_("Wrote {folder}: {files}", folder=twin.out, files=", ".join(twin.written))]
    if twin.salt_is_new:
        lines.append(
            "  "
            + _(
                "new salt in {file}: keep it (the same salt gives the same pseudonyms next "
                "time) and give it to no one",
                file=twin.salt_file,
            )
        )
    else:
        lines.append("  " + _("pseudonyms made with the salt in {file}", file=twin.salt_file))
    return lines
