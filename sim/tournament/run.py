"""Run a tournament: every team × round × replication on the same seeds, then score it.

Replication k of a round uses the same seed for every team (common random numbers), and
with `shock_impact` each run is repeated without the shocks, so the debrief can show what
the shock did. Runs are independent, so serial and parallel execution give equal tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.experiments.design import replication_seeds
from sim.experiments.metrics import run_metrics
from sim.experiments.runner import default_workers, dispatch
from sim.experiments.stats import mean_ci
from sim.scenario import Scenario, load_scenario
from sim.sections.shocks import Shock
from sim.tournament.scorecard import scorecard
from sim.tournament.teams import Team, read_teams
from sim.tournament.trainer import SCORED, Round, Trainer, round_seed, round_shocks


@dataclass(frozen=True)
class Job:
    """One simulation: a team in a round, one replication, with or without the shocks."""

    round: str
    team: str
    replication: int
    seed: int
    scenario: Scenario
    shocked: bool


def run_job(job: Job) -> dict:
    """Simulate one job; its metrics and the daily active customers (for the chart)."""
    from sim.runner import run

    result = run(job.scenario, seed=job.seed, progress=False)
    active = result.tables["daily"]["active"].to_numpy(dtype=float).tolist()
    return {"metrics": run_metrics(result), "active": active}


@dataclass
class PlayedRound:
    """A round as played: its index, name and the shocks with their drawn days."""

    index: int
    round: Round
    shocks: list[Shock] | None
    seeds: list[int]


@dataclass
class Tournament:
    """What a tournament produced: runs (tidy), scores per round, the leaderboard."""

    trainer: Trainer
    kind: str
    rounds: list[PlayedRound]
    teams: list[Team]
    scenario: Scenario
    runs: pd.DataFrame
    active: dict[tuple[str, str, bool], list[float]] = field(repr=False, default_factory=dict)

    def means(self, round_name: str, shocked: bool = True) -> pd.DataFrame:
        """Team × metric means over the replications of one round."""
        r = self.runs[(self.runs["round"] == round_name) & (self.runs["shocked"] == shocked)]
        table = r.pivot_table(index="team", columns="metric", values="value", aggfunc="mean")
        return table.reindex([t.name for t in self.teams])

    def round_scores(self, round_name: str) -> pd.DataFrame:
        """The scorecard of one round (see sim.tournament.scorecard)."""
        t = self.trainer
        return scorecard(self.means(round_name), t.weights, t.min_spread, t.z_cap)

    def leaderboard(self) -> pd.DataFrame:
        """Teams ranked by their mean score over the rounds played; per-round scores too."""
        cards = {r.round.name: self.round_scores(r.round.name) for r in self.rounds}
        names = [t.name for t in self.teams]
        board = pd.DataFrame(index=pd.Index(names, name="team"))
        for name, card in cards.items():
            board[f"score[{name}]"] = card["score"].reindex(names)
        board["score"] = board[[f"score[{n}]" for n in cards]].mean(axis=1)
        for metric in SCORED:
            found = [c[metric] for c in cards.values() if metric in c]
            board[metric] = (
                pd.concat(found, axis=1).mean(axis=1).reindex(names) if found else np.nan
            )
            zs = pd.concat([c[f"z_{metric}"] for c in cards.values()], axis=1)
            board[f"z_{metric}"] = zs.mean(axis=1).reindex(names)
        board["rank"] = board["score"].rank(ascending=False, method="min").astype(int)
        board = board.sort_values(["rank", "score"], ascending=[True, False], kind="stable")
        return board.reset_index()[
            ["rank", "team", "score", *board.columns.drop(["rank", "score"])]
        ]

    def team_ci(self, team: str, shocked: bool = True) -> pd.DataFrame:
        """Mean and 95% t-interval of each metric over all replications of the rounds."""
        r = self.runs[(self.runs["team"] == team) & (self.runs["shocked"] == shocked)]
        rows = []
        for metric, block in r.groupby("metric", sort=False):
            mean, low, high, n = mean_ci(block["value"].to_numpy())
            rows.append({"metric": metric, "mean": mean, "ci_low": low, "ci_high": high, "n": n})
        return pd.DataFrame(rows).set_index("metric")

    def shock_effect(self, team: str | None = None) -> pd.DataFrame:
        """Paired effect of the shocks (with − without, same seed) per metric: mean and CI.

        `team=None` gives the field: each replication's effect averaged over the teams.
        """
        r = self.runs if team is None else self.runs[self.runs["team"] == team]
        if not (~r["shocked"]).any():
            return pd.DataFrame(columns=["mean", "ci_low", "ci_high", "n"])
        wide = r.pivot_table(
            index=["metric", "round", "replication", "team"],
            columns="shocked",
            values="value",
            aggfunc="first",
        )
        diff = (wide[True] - wide[False]).dropna()
        diff = diff.groupby(level=["metric", "round", "replication"]).mean()
        rows = []
        for metric, block in diff.groupby(level="metric", sort=False):
            mean, low, high, n = mean_ci(block.to_numpy())
            rows.append({"metric": metric, "mean": mean, "ci_low": low, "ci_high": high, "n": n})
        return pd.DataFrame(rows).set_index("metric")


def plan(
    trainer: Trainer,
    base: Scenario,
    teams: Sequence[tuple[Team, Scenario]],
    kind: str,
    replications: int,
) -> tuple[list[PlayedRound], list[Job]]:
    """The rounds of `kind` with their shock days and seeds, and every job to run."""
    played, jobs = [], []
    for index, rnd in trainer.rounds_of(kind):
        shocks = round_shocks(trainer, index, base.horizon_days)
        seeds = replication_seeds(round_seed(trainer, index), replications)
        played.append(PlayedRound(index, rnd, shocks, seeds))
        variants = [(True, shocks if shocks is not None else base.shocks)]
        if trainer.shock_impact and variants[0][1]:
            variants.append((False, None))
        for team, scenario in teams:
            for shocked, shock_list in variants:
                world = scenario.model_copy(update={"shocks": shock_list})
                for k, seed in enumerate(seeds):
                    jobs.append(Job(rnd.name, team.name, k, seed, world, shocked))
    return played, jobs


def execute(jobs: Sequence[Job], workers: int | None = None, progress: bool = True) -> list[dict]:
    """Run every job (in processes when `workers` > 1); results in the jobs' order."""
    workers = default_workers() if workers is None else max(1, int(workers))
    out: list[dict | None] = [None] * len(jobs)
    bar = tqdm(total=len(jobs), desc="tournament runs", disable=not progress)
    try:
        ids = range(len(jobs))
        for i, result in dispatch(jobs, ids, workers, run_job, "the tournament", "workers=1"):
            out[i] = result
            bar.update(1)
    finally:
        bar.close()
    return out  # type: ignore[return-value]


def run_tournament(
    scenario: Scenario | str | Path,
    submissions: str | Path,
    trainer: Trainer | None = None,
    kind: str | None = None,
    replications: int | None = None,
    customers: int | None = None,
    days: int | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> Tournament:
    """Run every team file in `submissions` on `scenario` for the rounds of `kind`."""
    trainer = trainer or Trainer()
    kind = kind or trainer.round
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if customers is not None or days is not None:
        base = base.with_overrides(customers=customers, days=days)
    teams = read_teams(submissions, base)
    n = replications or trainer.replications
    played, jobs = plan(trainer, base, teams, kind, n)
    results = execute(jobs, workers, progress)
    rows, active = [], {}
    for job, res in zip(jobs, results, strict=True):
        for metric, value in res["metrics"].items():
            rows.append((job.round, job.team, job.replication, job.shocked, metric, value))
        active.setdefault((job.round, job.team, job.shocked), []).append(res["active"])
    runs = pd.DataFrame(
        rows, columns=["round", "team", "replication", "shocked", "metric", "value"]
    )
    curves = {key: np.mean(np.asarray(v), axis=0).tolist() for key, v in active.items()}
    return Tournament(trainer, kind, played, [t for t, _ in teams], base, runs, curves)
