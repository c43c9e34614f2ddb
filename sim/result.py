"""A run's outcome: the data-contract tables, the resolved scenario, the seed, a summary.

`Result.save(dir)` writes CSV (and Parquet when pyarrow is present), summary.json and the
resolved scenario, atomically: everything goes to a temporary folder beside `dir`, which
is renamed into place only when complete, so a failed run never leaves half a folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from sim import figures
from sim.scenario import Scenario


class OutputError(Exception):
    """The output folder cannot be written as asked (it exists, or is not writable)."""


def check_output_dir(directory: str | Path, overwrite: bool = False) -> Path:
    """Raise OutputError unless `directory` can be (re)written as asked."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a directory; choose another --out")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise OutputError(
            f"{target}: directory exists and is not empty; nothing was written. "
            "Use --force to replace it, or choose another --out"
        )
    return target


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

    def save(self, directory: str | Path, parquet: bool = True, overwrite: bool = False) -> Path:
        """Write every table, summary.json and scenario.yaml into `directory`, atomically."""
        target = check_output_dir(directory, overwrite)
        parent = target.resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
        except OSError as exc:
            raise OutputError(f"{target}: cannot write here ({exc.strerror})") from None
        try:
            self._write(tmp, parquet)
            if target.exists():
                old = parent / f".{target.name}.old"
                shutil.rmtree(old, ignore_errors=True)
                os.replace(target, old)
                os.replace(tmp, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return target

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
