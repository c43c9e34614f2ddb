"""Team strategy files: partial scenarios limited to the levers a team may pull.

A team may change the loyalty program (rules, tiers, rewards, expiry; not how customers
react to it), outreach triggers (incl. the win-back offer), and the service desk's staffing,
hours and policy. Anything else is the world the trainer sets; touching it is an error
naming the file, the field and the line. Lists (rules, tiers, triggers) replace whole.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from sim.experiments.design import Variant, build_variant, read_variant
from sim.filenames import unique_stems
from sim.i18n import N_, _
from sim.problems import FileKind, Problem, ScenarioError, render_path
from sim.scenario import Scenario, problems_from
from sim.sections.base import Section

# Paths a team may set (everything below them too), and paths below those it may not.
LEVERS = (
    "loyalty",
    "outreach.triggers",
    "outreach.send_hour",
    "service.l1_agents",
    "service.l2_agents",
    "service.opens_at_hour",
    "service.hours_open",
    "service.open_weekends",
    "service.priority_by_tier",
    "service.policy",
)
NOT_LEVERS = {
    "loyalty.behaviour": N_("how customers react to a program is part of the world"),
}
# Why a section belongs to the trainer, for the message.
WORLD = {
    "population": N_("who the customers are is part of the world every team plays in"),
    "catalogue": N_("the products and their margins are the same for every team"),
    "shocks": N_("the trainer sets the sudden variables; their day is kept secret"),
    "seed": N_("every team runs on the same seeds (common random numbers)"),
    "horizon_days": N_("every team runs for the same number of days"),
    "start_date": N_("every team starts on the same day"),
    "setting": N_("the kind of business is part of the world every team plays in"),
    "surveys": N_("how NPS is measured is the same for every team"),
    "outreach.channels": N_("channel costs and open rates are market facts"),
    "outreach.fatigue": N_("how customers react to contact is part of the world"),
    "service.failure_rate": N_("how often orders go wrong is part of the world"),
    "name": N_("name the team under 'team: {name: ...}'"),
    "description": N_("describe the strategy under 'team: {notes: ...}'"),
}
META = ("team",)  # top-level keys describing the team, not the world
SUMMARY = N_("loyalty, outreach.triggers, service (staffing, hours, policy)")


class TeamInfo(Section):
    """The `team:` block of a team file: who the team is (none of it changes the world)."""

    name: str | None = Field(None, min_length=1, description="default: the file's name")
    members: list[str] = Field(default_factory=list)
    notes: str = ""


class _TeamBlock(Section):
    """A team file's `team:` block where the file has it, so errors get its paths."""

    team: TeamInfo


class SubmissionError(ScenarioError):
    """A team file that cannot be used; every problem with its file, field and line."""

    what = N_("team file")


TEAM_FILE = FileKind(
    SubmissionError.what, "scenarios/tournament/submissions/steady_brew.yaml", SubmissionError
)


@dataclass(frozen=True)
class Team:
    """One team: its name, the levers it set (the file's partial scenario), its source."""

    name: str
    levers: dict[str, Any]
    source: str
    members: list[str] = field(default_factory=list)
    notes: str = ""
    lines: dict[tuple, int] | None = None
    page: str = ""  # the stem of its debrief page's file name, unique in the tournament


def lever_problems(patch: dict[str, Any], lines: dict[tuple, int], base: Scenario) -> list[Problem]:
    """Every place where a team file touches something that is not a lever."""
    out: list[Problem] = []

    def line(path: tuple) -> int | None:
        return next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), None)

    def walk(value: Any, path: tuple) -> None:
        dotted = render_path(path)
        if dotted in NOT_LEVERS:
            out.append(_problem(path, line(path), NOT_LEVERS[dotted]))
            return
        if dotted in LEVERS:
            if isinstance(value, dict):
                for key, sub in value.items():
                    if any(n.startswith(f"{dotted}.{key}") for n in NOT_LEVERS):
                        walk(sub, path + (key,))
            return
        below = [lv for lv in LEVERS if lv.startswith(dotted + ".")]
        if below and isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, path + (key,))
            return
        if dotted == "service" and value is None:
            why = N_("service failures are part of the world; change the desk (l1_agents, policy)")
            out.append(_problem(path, line(path), why))
            return
        why = WORLD.get(dotted) or WORLD.get(str(path[0])) or N_("it is not one of the levers")
        out.append(_problem(path, line(path), why))

    for key, value in patch.items():
        if key in META:
            continue
        walk(value, (key,))
    if isinstance(patch.get("service"), dict) and base.service is None:
        out.append(
            _problem(
                ("service",), line(("service",)), N_("this world has no service desk to staff")
            )
        )
    return out


def _problem(path: tuple, line: int | None, why: str) -> Problem:
    """A team file touching `path`, which is not a lever; `why` (a msgid) says whose it is."""
    expected = _("a lever teams may change ({levers})", levers=_(SUMMARY))
    return Problem(render_path(path), line, expected, _("a change here"), _(why))


def read_team(
    path: str | Path, base: Scenario, folder: Path | None = None
) -> tuple[Team, Scenario]:
    """A team file and the full scenario it makes over `base`; SubmissionError if unusable.

    With `folder` (the submissions folder), a symlink to a file outside it is refused.
    """
    variant = read_variant(path, kind=TEAM_FILE, inside=folder)
    patch, lines, source = dict(variant.patch), variant.lines or {}, variant.source
    problems = lever_problems(patch, lines, base)
    meta = patch.pop("team", None) or {}
    if isinstance(meta, str):  # `team: Steady Brew` names the team
        meta = {"name": meta}
    try:
        info = _TeamBlock.model_validate({"team": meta}).team
    except ValidationError as err:
        problems += problems_from(err, lines, _TeamBlock)
    if problems:
        raise SubmissionError(problems, source)
    if "outreach" in patch and patch["outreach"] is None:
        patch["outreach"] = {"triggers": []}  # no messages; channels stay the world's
    try:
        scenario = build_variant(base, Variant(variant.name, patch, source, lines))
    except ScenarioError as err:
        raise SubmissionError(err.problems, source) from None
    team = Team(
        name=info.name or Path(path).stem,
        levers=patch,
        source=source,
        members=list(info.members),
        notes=info.notes,
        lines=lines,
    )
    return team, scenario


def read_teams(folder: str | Path, base: Scenario) -> list[tuple[Team, Scenario]]:
    """Every *.yaml / *.yml team file in `folder`, sorted by file name.

    Problems of all files are collected and raised together, so a trainer fixes them in
    one go.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SubmissionError(
            [Problem("", None, _("a folder of team files"), _("no folder at that path"))],
            str(folder),
        )
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise SubmissionError(
            [Problem("", None, _("at least one team file (*.yaml)"), _("an empty folder"))],
            str(folder),
        )
    teams, errors = [], []
    for f in files:
        try:
            teams.append(read_team(f, base, folder))
        except ScenarioError as err:
            errors.append(err)
    names = [t.name for t, _ in teams]
    for name in sorted({n for n in names if names.count(n) > 1}):
        dupes = [t.source for t, _ in teams if t.name == name]
        errors.append(
            SubmissionError(
                [
                    Problem(
                        "team.name",
                        None,
                        _("a team name used once"),
                        _("{name} in {files}", name=repr(name), files=_(", ").join(dupes)),
                    )
                ],
                dupes[-1],
            )
        )
    if errors:
        raise TeamErrors(errors)
    return _with_pages(teams)


def _with_pages(teams: list[tuple[Team, Scenario]]) -> list[tuple[Team, Scenario]]:
    """Each team with the file name of its debrief page, settled before anything runs."""
    try:
        stems = unique_stems([t.name for t, _ in teams], fallback="team")
    except ValueError as exc:  # not seen in practice: two names whose hashes agree
        raise SubmissionError(
            [Problem("team.name", None, _("team names that give different file names"), str(exc))],
            teams[-1][0].source,
        ) from None
    return [(dataclasses.replace(t, page=stems[t.name]), s) for t, s in teams]


class TeamErrors(SubmissionError):
    """Problems in several team files, reported file by file."""

    def __init__(self, errors: list[ScenarioError]):
        self.errors = errors
        super().__init__([p for e in errors for p in e.problems], errors[0].source)

    def __reduce__(self) -> tuple:
        return (type(self), (self.errors,))

    def report(self) -> str:
        return "\n".join(e.report() for e in self.errors)
