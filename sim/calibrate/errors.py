"""What is wrong with a CRM export, said in the scenarios' error layer (sim/problems.py).

A problem's field is the export's column (as its header writes it) or the command's option,
its line the row in the file (the header is row 1); every problem found is reported at once
and the command exits 2 with nothing written.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.problems import FileKind, Problem, ScenarioError


class ExportError(ScenarioError):
    """A CRM export (or an option of `calibrate`) could not be used; holds every problem."""

    what = N_("CRM export")


EXPORT = FileKind(N_("CRM export"), "datasets/cdnow_sample/CDNOW_sample.txt", ExportError)
SALT = FileKind(N_("salt file"), "twins/my_shop.salt", ExportError)


def fail(problems: list[Problem], source: str) -> ExportError:
    """The error for `problems` found in the export at `source`."""
    return EXPORT.fail(problems, source)


def one(
    source: str,
    field: str,
    expected: str,
    found: str,
    hint: str = "",
    row: int | None = None,
    kind: FileKind = EXPORT,
) -> ExportError:
    """The error of a single problem (a missing file, a bad option)."""
    return kind.fail([Problem(field, row, expected, found, hint)], source)
