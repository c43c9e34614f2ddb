"""A run's outcome: the data-contract tables, the resolved scenario, the seed, a summary.

`Result.save(dir)` writes CSV (and Parquet when pyarrow is present), or an Excel workbook
(`world.xlsx`) or a SQLite file (`world.sqlite`) as `formats` asks, with summary.json and the
resolved scenario, atomically (sim.outputs.write_folder): everything goes to a temporary
folder beside `dir`, renamed into place only when complete, so a failed run never leaves
half a folder, and `overwrite` replaces only a folder this tool wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from sim import figures, sqlfile
from sim.i18n import _
from sim.outputs import OutputError, check_folder, write_folder
from sim.scenario import Scenario

__all__ = ["FORMATS", "OutputError", "Result", "check_output_dir"]

# what `save` can write: csv (CSV, plus Parquet), xlsx (world.xlsx), sqlite (world.sqlite)
FORMATS = ("csv", "xlsx", "sqlite")
FILES = {"xlsx": "world.xlsx", "sqlite": "world.sqlite"}


CSV_ROWS = 500_000  # rows `write_csv` writes at a time


def write_csv(df: pd.DataFrame, path: Path, done: Callable[[int], object] | None = None) -> None:
    """`df.to_csv(path, index=False)`, byte for byte, CSV_ROWS rows at a time, calling
    `done(rows)` after each part (so a bar moves while a large table is written)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(len(df), 1), CSV_ROWS):
            part = df.iloc[start : start + CSV_ROWS]
            part.to_csv(fh, index=False, header=start == 0)
            if done is not None:
                done(len(part))


def check_output_dir(
    directory: str | Path, overwrite: bool = False, inputs: tuple[str | Path, ...] = ()
) -> Path:
    """Raise OutputError unless `directory` can be (re)written as asked (see sim.outputs)."""
    return check_folder(directory, force=overwrite, inputs=inputs)


@dataclass
class Result:
    """Tables of one run plus what produced them (scenario and seed)."""

    tables: dict[str, pd.DataFrame]
    scenario: Scenario
    seed: int
    _summary: dict | None = field(default=None, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def summary(self) -> dict:
        """Headline figures of the run (all within the horizon unless named otherwise)."""
        if self._summary is None:
            self._summary = _summarise(self)
        return dict(self._summary)

    def summary_table(self) -> pd.DataFrame:
        """The summary as a labelled, formatted table (sim.figures.table) for people."""
        return figures.table(self.summary())

    def save(
        self,
        directory: str | Path,
        parquet: bool = True,
        overwrite: bool = False,
        inputs: tuple[str | Path, ...] = (),
        formats: tuple[str, ...] = ("csv",),
        progress: bool = False,
    ) -> Path:
        """Write every table (in each of `formats`, FORMATS), summary.json and scenario.yaml
        into `directory`, atomically. `overwrite` replaces only a folder this tool wrote
        (sim.outputs.write_folder); `inputs` are files the folder must not hold (the
        scenario read). A table too long for a workbook is refused before anything is
        written. `progress` shows a bar of the CSV rows written (a million customers'
        orders take minutes)."""
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(
                _(
                    "formats: expected some of {formats}, found {found}",
                    formats=", ".join(FORMATS),
                    found=", ".join(map(repr, unknown)),
                )
            )
        if "xlsx" in formats:
            from sim import workbook  # openpyxl, only when asked

            workbook.check_rows(self.tables, Path(directory) / FILES["xlsx"])
        return write_folder(
            directory,
            lambda tmp: self._write(tmp, parquet, formats, progress),
            force=overwrite,
            inputs=inputs,
            by="python -m sim run",
        )

    def to_sql(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write every table into one SQLite file (sim.sqlfile: types, keys, indexes, a
        readme table), atomically; `overwrite` replaces an existing file."""
        return sqlfile.to_sql(self.tables, path, overwrite=overwrite, option="path")

    def to_excel(self, path: str | Path, overwrite: bool = False) -> Path:
        """Write every table into one Excel workbook (sim.workbook: a sheet per table and a
        README sheet), atomically; refused when a table is longer than a sheet holds."""
        from sim import workbook

        return workbook.to_excel(
            self.tables,
            path,
            currency=self.scenario.catalogue.currency,
            overwrite=overwrite,
            option="path",
        )

    def _write(
        self,
        folder: Path,
        parquet: bool,
        formats: tuple[str, ...] = ("csv",),
        progress: bool = False,
    ) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            parquet = False
        if "csv" in formats:
            from tqdm.auto import tqdm

            # the bar counts CSV rows: Parquet takes a small fraction of their time
            rows = sum(len(df) for df in self.tables.values())
            with tqdm(
                total=rows, desc=_("writing the tables"), unit="row", disable=not progress
            ) as bar:
                for name, df in self.tables.items():
                    write_csv(df, folder / f"{name}.csv", bar.update)
                    if parquet:
                        df.to_parquet(folder / f"{name}.parquet", index=False)
        if "xlsx" in formats:
            from sim import workbook

            workbook.write_workbook(
                self.tables, folder / FILES["xlsx"], self.scenario.catalogue.currency
            )
        if "sqlite" in formats:
            sqlfile.write_database(self.tables, folder / FILES["sqlite"])
        (folder / "summary.json").write_text(
            json.dumps(self.summary(), indent=2, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        resolved = self.scenario.model_dump(mode="json")
        resolved["seed"] = self.seed
        (folder / "scenario.yaml").write_text(
            "# The resolved scenario of this run (defaults filled in, overrides applied).\n"
            + yaml.safe_dump(resolved, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def _summarise(result: Result) -> dict:
    """What produced the run, then every figure of sim.figures and the tier mix."""
    sc = result.scenario
    run = figures.Run(result.tables, sc)
    customers = result.tables["customers"]
    signup, churn = customers["signup_day"].to_numpy(), customers["churn_day"].to_numpy()
    return {
        "scenario": sc.name,
        "seed": result.seed,
        "setting": sc.setting.kind,
        "start_date": str(sc.start_date),
        "horizon_days": sc.horizon_days,
        "currency": sc.catalogue.currency,
        "customers": len(customers),
        "active_at_start": int(((signup < 0) & ~(churn < 0)).sum()),
        **figures.values(run),
        "tier_mix": figures.tier_mix(run),
    }
