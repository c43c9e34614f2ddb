"""Writing the twin: `<out>/scenario.yaml` (the fitted world) and `<out>/base.csv` (the
customers seen in the calibration period), into a temporary folder renamed into place.

Each fitted number in the scenario carries a comment with its value, standard error and
source. The base's days are relative to the scenario's start_date (the first holdout day,
or the day after the export's last date), so its first_day and last_day are negative.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibrate.errors import one
from sim.calibrate.fitting import Fit
from sim.calibrate.reading import Export
from sim.i18n import _

SCENARIO_FILE = "scenario.yaml"
BASE_FILE = "base.csv"
BASE_COLUMNS = [
    "customer", "first_day", "last_day", "frequency", "recency", "T", "monetary_value",
    "orders", "spend",
]  # fmt: skip
DEFAULT_HORIZON = 365
CURRENCY = {"zh_CN": "CNY", "en_US": "USD", "en_GB": "GBP", "de_DE": "EUR", "fr_FR": "EUR",
            "ja_JP": "JPY"}  # fmt: skip


@dataclass
class Twin:
    """A calibrated twin: where it is, what it was made from, the dates that cut it.

    While the folder is being written, `folder` is the temporary folder (the holdout step
    writes its files there); afterwards it is `out`."""

    out: Path
    export: Export
    fit: Fit
    start_date: dt.date
    horizon_days: int
    holdout_from: dt.date | None
    holdout_end: dt.date | None
    locale: str
    currency: str
    salt_file: Path | None = None
    salt_is_new: bool = False
    folder: Path | None = None
    written: list[str] = field(default_factory=list)
    check: typing.Any = None  # the holdout check (sim.calibrate.holdout.HoldoutCheck), if any

    @property
    def scenario_path(self) -> Path:
        return Path(self.folder or self.out) / SCENARIO_FILE

    @property
    def base_path(self) -> Path:
        return Path(self.folder or self.out) / BASE_FILE


def locales() -> tuple[str, ...]:
    """The locales a scenario accepts (its schema's)."""
    from sim.scenario import Scenario

    return typing.get_args(Scenario.model_fields["locale"].annotation)


def choose_locale(export: Export, locale: str | None) -> str:
    """The --locale asked for (checked), else zh_CN for Chinese headers, else en_US."""
    if locale is None:
        return "zh_CN" if export.report.chinese_headers else "en_US"
    known = locales()
    if locale not in known:
        raise one(
            export.report.source,
            "--locale",
            _("one of {options}", options=", ".join(known)),
            repr(locale),
            _("the locale of the made-up names, cities and phones"),
        )
    return locale


def choose_currency(export: Export, currency: str | None, locale: str) -> str:
    """The --currency asked for (a 3-letter code), else the locale's."""
    if currency is None:
        return CURRENCY.get(locale, "USD")
    code = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise one(
            export.report.source,
            "--currency",
            _("a 3-letter currency code"),
            repr(currency),
            _("e.g. CNY, USD or EUR"),
        )
    return code


def base_table(fit: Fit, start_date: dt.date) -> pd.DataFrame:
    """One row per customer seen in the calibration period, columns BASE_COLUMNS: days
    relative to `start_date`, the BG/NBD summary exactly as fitted, orders and spend."""
    s = fit.summary
    start = pd.Timestamp(start_date)
    return pd.DataFrame(
        {
            "customer": s.index.astype(str),
            "first_day": ((s["first_date"] - start).dt.days).astype(np.int64).to_numpy(),
            "last_day": ((s["last_date"] - start).dt.days).astype(np.int64).to_numpy(),
            "frequency": s["frequency"].astype(np.int64).to_numpy(),
            "recency": _whole(s["recency"]),
            "T": _whole(s["T"]),
            "monetary_value": np.round(s["monetary_value"].to_numpy(dtype=float), 9),
            "orders": s["orders"].astype(np.int64).to_numpy(),
            "spend": np.round(s["spend"].to_numpy(dtype=float), 6),
        }
    )[BASE_COLUMNS]


def _whole(values: pd.Series) -> np.ndarray:
    """Days that are whole numbers as integers (as fitted: the summary counts days)."""
    v = values.to_numpy(dtype=float)
    return v.astype(np.int64) if np.array_equal(v, np.round(v)) else v


# ------------------------------------------------------------------ scenario text


def _num(x: float, digits: int = 6) -> str:
    return f"{x:.{digits}g}"


def _say(value: float, se: float | None, source: str) -> str:
    if se is None or not np.isfinite(se):
        return _("value {value}; {source}", value=_num(value, 4), source=source)
    return _(
        "value {value}, standard error {se}; {source}",
        value=_num(value, 4),
        se=_num(se, 2),
        source=source,
    )


def _line(indent: int, key: str, value: str, comment: str, width: int = 30) -> str:
    text = " " * indent + f"{key}: {value}"
    return f"{text.ljust(width)} # {comment}"


def scenario_text(twin: Twin) -> str:
    """The twin's scenario.yaml: a valid scenario with a comment on every fitted number."""
    fit, report = twin.fit, twin.export.report
    cal = f"{fit.calibration_start:%Y-%m-%d}..{fit.calibration_end:%Y-%m-%d}"
    source_file = Path(report.source).name
    bg = _("BG/NBD fit to {n:,} customers, calibration {period}", n=fit.customers, period=cal)
    gg = _(
        "Gamma-Gamma fit to the {n:,} customers with repeat purchases, calibration {period}",
        n=fit.spenders,
        period=cal,
    )
    recent = round(fit.recent_acquisitions_per_day * fit.recent_days)
    arrivals = _(
        "{n:,} first purchases in the last {days:,} days of calibration ({mean} a day over all "
        "of it); the twin starts where the calibration ends",
        n=recent,
        days=fit.recent_days,
        mean=_num(fit.acquisitions_per_day, 4),
    )
    p, se = fit.bgnbd.params, fit.bgnbd.standard_errors
    g, gse = fit.gamma_gamma.params, fit.gamma_gamma.standard_errors
    if twin.holdout_from is not None:
        period = _(
            "calibration {cal}, holdout {start:%Y-%m-%d}..{end:%Y-%m-%d}",
            cal=cal,
            start=twin.holdout_from,
            end=twin.holdout_end,
        )
    else:
        period = _("calibration {cal}, no holdout", cal=cal)
    head = [
        _("Twin of {file}, made by `python -m sim calibrate` ({period}).", file=source_file,
          period=period),
        _("The customers seen in the calibration period start from base.csv (pseudonymised "
          "ids); new ones arrive at the fitted rate."),
        _("Names and contacts are made up (Faker, locale {locale}); no name, phone or e-mail "
          "of the export is in this folder.", locale=twin.locale),
        _("Loyalty, service, outreach, surveys and shocks are off: add them, or copy them "
          "from a shipped scenario, e.g. scenarios/coffee_chain.yaml."),
        _("Check: python -m sim validate {file}", file=twin.out / SCENARIO_FILE),
    ]  # fmt: skip
    lines = ["# " + h for h in head]
    name = _("Twin of {file}", file=Path(report.source).stem)
    description = _(
        "Calibrated on {customers:,} customers and {occasions:,} purchase occasions of {file}.",
        customers=fit.customers,
        occasions=int(fit.summary["orders"].sum()),
        file=source_file,
    )
    lines += [
        f"name: {_quote(name)}",
        f"description: {_quote(description)}",
        f"locale: {twin.locale}",
        f"start_date: {twin.start_date:%Y-%m-%d}",
        _line(0, "horizon_days", str(twin.horizon_days), _horizon_comment(twin)),
        "seed: 0",
        "",
        "setting:",
        "  kind: non_contractual",
        "",
        "population:",
        _line(
            2,
            "base",
            BASE_FILE,
            _("{n:,} customers seen in the calibration period, one row each", n=fit.customers),
        ),  # fmt: skip
        _line(2, "initial_customers", "0", _("the existing customers come from base.csv")),
        _line(2, "history_days", "0", _("their history is in base.csv")),
        _line(
            2,
            "acquisitions_per_day",
            _num(fit.recent_acquisitions_per_day),
            _say(fit.recent_acquisitions_per_day, np.sqrt(recent) / fit.recent_days, arrivals),
        ),
    ]
    lines += ["#   " + note for note in fit.notes]
    lines += [
        "  purchase_rate:",
        _line(4, "r", _num(p["r"]), _say(p["r"], se["r"], bg)),
        _line(
            4,
            "alpha",
            _num(p["alpha"]),
            _say(p["alpha"], se["alpha"], bg)
            + _(" (days; {weeks} in weeks)", weeks=_num(p["alpha"] / 7, 4)),
        ),  # fmt: skip
        "  dropout:",
        _line(4, "a", _num(p["a"]), _say(p["a"], se["a"], bg)),
        _line(4, "b", _num(p["b"]), _say(p["b"], se["b"], bg)),
        "  spend:",
        _line(4, "p", _num(g["p"]), _say(g["p"], gse.get("p"), gg)),
        _line(4, "q", _num(g["q"]), _say(g["q"], gse.get("q"), gg)),
        _line(4, "gamma", _num(g["v"]), _say(g["v"], gse.get("v"), gg)),
        "",
        "catalogue:",
        f"  currency: {twin.currency}",
        "  categories:"
        + "   # "
        + _("share of purchase occasions; price_level = mean occasion amount / overall mean"),
    ]
    for c in fit.categories:
        item = (
            f"{{name: {_quote(c.name)}, share: {_num(c.share)}, "
            f"price_level: {_num(c.price_level, 4)}}}"
        )
        comment = _("{n:,} occasions, mean {mean:,.2f}", n=c.occasions, mean=c.mean_amount)
        lines.append(f"{('    - ' + item).ljust(60)} # {comment}")
    return "\n".join(lines) + "\n"


def _horizon_comment(twin: Twin) -> str:
    if twin.holdout_from is None:
        return _("no holdout: a year after the export's last day")
    return _("the holdout, {start:%Y-%m-%d}..{end:%Y-%m-%d}", start=twin.holdout_from,
             end=twin.holdout_end)  # fmt: skip


def _quote(text: str) -> str:
    """A YAML scalar for any text (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def check_scenario(text: str, source: str) -> None:
    """ScenarioError (with the file's lines) unless the text is a valid scenario."""
    from sim.scenario import parse_scenario

    parse_scenario(text, source)


# ------------------------------------------------------------------ writing


def write_twin(
    twin: Twin,
    force: bool = False,
    inputs: tuple = (),
    extra: Callable[[Twin], None] | None = None,
) -> Twin:
    """Write scenario.yaml and base.csv (then `extra(twin)`, the holdout step) into a
    temporary folder and rename it to `twin.out`; replaced only with `force` and only if
    this tool wrote it (sim.outputs). Nothing half-written is ever left."""
    from sim.outputs import write_folder

    text = scenario_text(twin)
    check_scenario(text, str(twin.out / SCENARIO_FILE))
    base = base_table(twin.fit, twin.start_date)

    def write(folder: Path) -> None:
        twin.folder = folder
        (folder / SCENARIO_FILE).write_text(text, encoding="utf-8")
        base.to_csv(folder / BASE_FILE, index=False)
        if extra is not None:
            extra(twin)

    try:
        write_folder(twin.out, write, force=force, inputs=inputs, by="calibrate")
    finally:
        twin.folder = twin.out
    twin.written = sorted(p.name for p in twin.out.iterdir() if not p.name.startswith("."))
    return twin
