"""The team tournament: teams' strategy files run on one world with an undated shock,
ranked on a balanced scorecard, with a leaderboard and a debrief page per team.

Modules: trainer (the trainer's file), teams (team files and their levers), scorecard
(metrics, normalisation, weights), run (jobs, executors, results), pages (HTML, CSV),
command (`python -m sim tournament`).
"""

from sim.experiments.metrics import run_metrics
from sim.tournament.run import Tournament, run_tournament
from sim.tournament.scorecard import normalise, scorecard, weighted_score
from sim.tournament.teams import LEVERS, SubmissionError, Team, read_team, read_teams
from sim.tournament.trainer import SCORED, Trainer, load_trainer, round_shocks

__all__ = [
    "LEVERS",
    "SCORED",
    "SubmissionError",
    "Team",
    "Tournament",
    "Trainer",
    "load_trainer",
    "normalise",
    "read_team",
    "read_teams",
    "round_shocks",
    "run_metrics",
    "run_tournament",
    "scorecard",
    "weighted_score",
]
