"""Your own customers: calibrate a world from a CRM export (issue 15).

`calibrate(path, out)` reads the export (sim.calibrate.reading), pseudonymises its ids
(sim.calibrate.privacy), fits BG/NBD, Gamma-Gamma, arrivals and the category mix to the
calibration period (sim.calibrate.fitting) and writes the twin, `<out>/scenario.yaml` and
`<out>/base.csv` (sim.calibrate.twin). `python -m sim calibrate` is this, on the command line.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.calibrate.reading import Export
    from sim.calibrate.twin import Twin


def holdout_step(
    twin: Twin,
    export: Export,
    replications: int = 20,
    progress: bool = True,
    executor: object = None,
) -> None:
    """Write the twin's report.html and, with a holdout, holdout.json (issue 15 part 5).

    Called while the twin's folder is written, after scenario.yaml and base.csv, so these
    files are renamed into place with the rest (nothing half-written is left). The holdout
    is simulated from the scenario just written, over `replications` seeds.
    """
    from sim.calibrate import holdout, report
    from sim.outputs import write_file

    check = None
    if twin.holdout_from is not None:
        check = holdout.check(
            export.occasions,
            twin.fit.bgnbd,
            twin.fit.gamma_gamma,
            twin.scenario_path,
            calibration_end=twin.fit.calibration_end,
            holdout_end=twin.holdout_end,
            replications=replications,
            executor=executor,
            progress=progress,
        )
        holdout.write_holdout(Path(twin.folder) / holdout.FILENAME, check.numbers)
        twin.check = check
    write_file(Path(twin.folder) / report.FILENAME, report.render(twin, check), force=True)


def _date(value: dt.date | str | None, source: str) -> dt.date | None:
    """A --holdout-from value as a date, or ExportError."""
    if value is None or isinstance(value, dt.date):
        return value
    import pandas as pd

    from sim.calibrate.errors import one
    from sim.calibrate.values import parse_dates
    from sim.i18n import _

    parsed, bad, _day_first = parse_dates(pd.Series([str(value)], dtype=object))
    if bad[0] or parsed[0] != parsed[0]:
        raise one(
            source,
            "--holdout-from",
            _("a date such as 2025-10-01"),
            repr(value),
            _("the first day of the holdout period (orders from it on are held out)"),
        )
    return pd.Timestamp(parsed[0]).date()


def calibrate(
    path: str | os.PathLike,
    out: str | os.PathLike,
    holdout_from: dt.date | str | None = None,
    *,
    salt_file: str | os.PathLike | None = None,
    locale: str | None = None,
    currency: str | None = None,
    force: bool = False,
    replications: int = 20,
    progress: bool = True,
    executor: object = None,
    **cols: str | None,
) -> Twin:
    """Calibrate a twin from the export at `path` and write it to the folder `out`.

    `cols` are read_export's column choices (customer_col, date_col, amount_col,
    category_col). With `holdout_from`, the fit uses the orders before that day and the
    twin starts on it, its horizon the rest of the export, and the holdout is simulated
    `replications` times on `executor` (as sim.compare's: None is local processes;
    holdout.json, report.html); without, the fit uses them all and
    the twin runs a year from the day after the last order. Raises ExportError (every
    problem found) or OutputError; either way nothing is written.
    """
    from sim.calibrate.errors import one
    from sim.calibrate.fitting import fit as fit_world
    from sim.calibrate.privacy import load_salt, save_salt
    from sim.calibrate.reading import read_export
    from sim.calibrate.twin import (
        DEFAULT_HORIZON,
        Twin,
        choose_currency,
        choose_locale,
        write_twin,
    )
    from sim.i18n import _
    from sim.outputs import check_folder
    from sim.sections.base import MAX_DAYS

    path, out = Path(path), Path(out)
    source = str(path)
    unknown = set(cols) - {"customer_col", "date_col", "amount_col", "category_col"}
    if unknown:
        raise TypeError(_("unknown column option(s): {names}", names=", ".join(sorted(unknown))))
    salt, salt_path, salt_new = load_salt(out, salt_file)
    check_folder(out, force=force, inputs=(path,))  # before reading a big export
    holdout = _date(holdout_from, source)
    export = read_export(path, salt=salt, **cols)
    report = export.report
    locale = choose_locale(export, locale)
    currency = choose_currency(export, currency, locale)
    if holdout is None:
        calibration_end, start, horizon = report.last_date, None, DEFAULT_HORIZON
        start = report.last_date + dt.timedelta(days=1)
        holdout_end = None
    else:
        if not report.first_date < holdout <= report.last_date:
            raise one(
                source,
                "--holdout-from",
                _(
                    "a day after the first order ({first}) and no later than the last ({last})",
                    first=report.first_date,
                    last=report.last_date,
                ),
                str(holdout),
                _("the holdout is the end of the export: its orders are compared, not fitted"),
            )
        calibration_end, start, holdout_end = (
            holdout - dt.timedelta(days=1),
            holdout,
            report.last_date,
        )
        horizon = (report.last_date - holdout).days + 1
        if horizon > MAX_DAYS:
            raise one(
                source,
                "--holdout-from",
                _("a holdout of at most {n:,} days", n=MAX_DAYS),
                _("{n:,} days", n=horizon),
                _("choose a later --holdout-from"),
            )
    fitted = fit_world(export, calibration_end)
    twin = Twin(
        out=out,
        export=export,
        fit=fitted,
        start_date=start,
        horizon_days=horizon,
        holdout_from=holdout,
        holdout_end=holdout_end,
        locale=locale,
        currency=currency,
        salt_file=salt_path,
        salt_is_new=salt_new,
    )
    write_twin(
        twin,
        force=force,
        inputs=(path,),
        extra=lambda t: holdout_step(t, export, replications, progress, executor),
    )
    if salt_new:
        save_salt(salt_path, salt)
    return twin
