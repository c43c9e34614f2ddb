"""A run's outcome: the data-contract tables, the resolved scenario, the seed, a summary.

`Result.save(dir)` writes CSV (and Parquet when pyarrow is present), summary.json and the
resolved scenario, atomically (sim.outputs.write_folder): everything goes to a temporary
folder beside `dir`, renamed into place only when complete, so a failed run never leaves
half a folder, and `overwrite` replaces only a folder this tool wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from sim import figures
from sim.outputs import OutputError, check_folder, write_folder
from sim.scenario import Scenario

__all__ = ["OutputError", "Result", "check_output_dir"]


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
    ) -> Path:
        """Write every table, summary.json and scenario.yaml into `directory`, atomically.
        `overwrite` replaces only a folder this tool wrote (sim.outputs.write_folder);
        `inputs` are files the folder must not hold (the scenario read)."""
        return write_folder(
            directory,
            lambda tmp: self._write(tmp, parquet),
            force=overwrite,
            inputs=inputs,
            by="python -m sim run",
        )

    def _write(self, folder: Path, parquet: bool) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            parquet = False
        for name, df in self.tables.items():
            df.to_csv(folder / f"{name}.csv", index=False)
            if parquet:
                df.to_parquet(folder / f"{name}.parquet", index=False)
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
