"""Incremental results: one small JSON file per finished run, so a long sweep can resume.

Layout: DIR/<label>/rep-0003.json holding the run's label, replication, seed, a
fingerprint of what was run (resolved scenario, seed, size) and its metrics. Each file is
written to a temporary name and renamed (sim.outputs.write_file), so an interruption never
leaves half a file; a rerun reuses a file only when its fingerprint matches the run asked
for. The folder carries this tool's marker; `check` refuses a folder holding other files.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from sim.outputs import check_collection, mark_folder, write_file

# what a runs folder written before markers existed may hold
_RUN_FILE = re.compile(r"[^/]+/(rep-\d{4,}\.json|\.rep-[^/]*\.tmp)")


def slug(label: str) -> str:
    """A folder name for a label: readable part plus a short hash (labels may collide)."""
    readable = re.sub(r"[^\w.-]+", "_", label, flags=re.ASCII).strip("._")[:40] or "run"
    return f"{readable}-{hashlib.sha1(label.encode('utf-8')).hexdigest()[:8]}"


class RunStore:
    """A folder of finished runs, keyed by (label, replication)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def check(self) -> None:
        """OutputError unless the folder can keep runs (new, empty, or a runs folder of
        ours); call it before running anything. Sweeps temporary files a killed run left."""
        check_collection(self.directory, _RUN_FILE)

    def path(self, label: str, replication: int) -> Path:
        return self.directory / slug(label) / f"rep-{replication:04d}.json"

    def load(self, label: str, replication: int, fingerprint: str) -> dict[str, float] | None:
        """The stored metrics of this run, or None if absent, unreadable or from other input."""
        try:
            record = json.loads(self.path(label, replication).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("fingerprint") != fingerprint:
            return None
        metrics = record.get("metrics")
        return metrics if isinstance(metrics, dict) else None

    def save(self, label: str, replication: int, record: dict[str, Any]) -> Path:
        """Write one run's record atomically (temporary file, then rename)."""
        mark_folder(self.directory, by="sim.experiments runs")
        target = self.path(label, replication)
        text = json.dumps(record, ensure_ascii=False, indent=1)
        write_file(target, text, force=True, create_folder=True)
        return target

    def files(self) -> list[Path]:
        """Every stored run file."""
        return sorted(self.directory.glob("*/rep-*.json"))
