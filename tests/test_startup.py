"""Quick to start: `import sim` and every command's --help load none of the heavy libraries,
in a fresh interpreter, and still print every option in English and Chinese; using sim
leaves no process-wide setting changed behind it. (Speed figures: benchmarks/startup.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "matplotlib", "simpy", "ipywidgets", "numpy", "pydantic", "babel")

# Runs `code` after the statement under test, then prints the heavy modules now loaded.
PROBE = """
import json, runpy, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""

HELP = """
sys.argv = ["python -m sim", *{argv!r}]
try:
    runpy.run_module("sim", run_name="__main__")
except SystemExit as stop:
    assert stop.code == 0, stop.code
"""

COMMANDS = {
    (): ["run", "validate", "schema", "roleplay", "compare", "tournament", "--lang"],
    ("run",): ["--out", "--seed", "--customers", "--days", "--csv-only", "--force", "--quiet"],
    ("validate",): ["files"],
    ("schema",): ["--lang"],
    ("roleplay",): ["lint", "play", "cards"],
    ("roleplay", "cards"): ["--out", "--force"],
    ("compare",): ["--variant", "--replications", "--report", "--workers", "--allow-large"],
    ("tournament",): ["--trainer", "--round", "--replications", "--customers", "--workers"],
}


def fresh(code: str, lang: str = "en") -> tuple[str, list[str]]:
    """(stdout, heavy modules loaded) of `code` run in a new interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), SIM_LANG=lang)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_import_sim_loads_no_heavy_library():
    _out, loaded = fresh("import sim")
    assert loaded == []


def test_a_public_name_loads_on_first_use():
    """The lazy names are the real objects, and only the one asked for is imported."""
    out, loaded = fresh(
        "import sim\n"
        "from sim.i18n import set_language\n"
        "assert sim.set_language is set_language\n"
        "print(sorted(set(sim.__all__) - set(dir(sim))))"
    )
    assert out.strip() == "[]" and loaded == []
    out, loaded = fresh(
        "import sim\nfrom sim.runner import run\nassert sim.run is run\nprint(sim.run.__module__)"
    )
    assert out.strip() == "sim.runner"
    assert {"pandas", "simpy", "numpy"} <= set(loaded)


def test_an_unknown_name_is_an_attribute_error():
    out, _loaded = fresh(
        "import sim\ntry:\n    sim.nonexistent\nexcept AttributeError as e:\n    print(e)"
    )
    assert "nonexistent" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", list(COMMANDS), ids=lambda c: " ".join(c) or "top")
def test_help_loads_no_heavy_library_and_lists_its_options(command, lang):
    out, loaded = fresh(HELP.format(argv=[*command, "--help"]), lang=lang)
    assert loaded == []
    for option in COMMANDS[command]:
        assert option in out, (option, out)
    if lang == "zh":
        assert out.startswith("用法：python -m sim") and "显示本帮助信息后退出" in out
    else:
        assert out.startswith("usage: python -m sim") and "show this help message" in out


def test_main_leaves_the_callers_streams_as_they_were(capsys):
    """main() lets stdout/stderr escape what a console cannot show while it runs, then puts
    the caller's error handler back (a notebook or a test calls it in-process)."""
    from sim.cli import main

    before = (sys.stdout.errors, sys.stderr.errors)
    sys.stdout.reconfigure(errors="strict")
    sys.stderr.reconfigure(errors="strict")
    try:
        with pytest.raises(SystemExit):
            main(["--help"])
        assert (sys.stdout.errors, sys.stderr.errors) == ("strict", "strict")
    finally:
        sys.stdout.reconfigure(errors=before[0])
        sys.stderr.reconfigure(errors=before[1])
    assert "usage:" in capsys.readouterr().out


def test_running_and_reporting_leave_no_process_setting_behind(tmp_path):
    """A run, a comparison and its report, in a fresh process: the garbage collector is on
    again, matplotlib's fonts and every other rcParam are as before, sim added no warnings
    filter, the language choice and stdout are the caller's."""
    out, _loaded = fresh(
        "import gc, sys, warnings\n"
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "import scipy.stats  # scipy adds its own warnings filters when imported\n"
        "rc = dict(matplotlib.rcParams)\n"
        "filters, stdout = list(warnings.filters), sys.stdout\n"
        "import sim\n"
        "from sim.views.report import write_report\n"
        "r = sim.run(sim.load_scenario('scenarios/coffee_chain.yaml'), seed=3, customers=60,"
        " days=30, progress=False)\n"
        "cmp = sim.compare('scenarios/coffee_chain.yaml',"
        " {'no': 'scenarios/variants/no_program.yaml'}, replications=2, seed=3,"
        " customers=40, days=20, executor='serial', progress=False)\n"
        f"write_report(cmp, {str(tmp_path / 'r.html')!r})\n"
        "changed = sorted(k for k, v in matplotlib.rcParams.items() if rc[k] != v)\n"
        "print(gc.isenabled(), changed, warnings.filters == filters, sys.stdout is stdout,"
        " sim.i18n._chosen)"
    )
    assert out.strip().splitlines()[-1] == "True [] True True None"
    assert (tmp_path / "r.html").stat().st_size > 10_000
