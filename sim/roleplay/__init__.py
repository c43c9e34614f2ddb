"""Role-play training (情景模拟培训): YAML scripts, a pure engine, three players, a linter.

>>> from sim.roleplay import load_script, play, debrief, policy_from_transcript
>>> script = load_script("scenarios/roleplay/wrong_order.yaml")
>>> transcript = play(script, [0, 0, 0, 0], seed=1)
>>> debrief(script, transcript).score
>>> policy_from_transcript(transcript)  # the desk policy sim.run can simulate
"""

from sim.roleplay.engine import RolePlayError, Session, Transcript, play, random_playthrough
from sim.roleplay.lint import lint_script
from sim.roleplay.policy import DeskPolicy, policy_from_transcript
from sim.roleplay.rubric import Debrief, debrief
from sim.roleplay.script import Script, ScriptError, load_script, parse_script

__all__ = [
    "Debrief",
    "DeskPolicy",
    "RolePlayError",
    "Script",
    "ScriptError",
    "Session",
    "Transcript",
    "debrief",
    "lint_script",
    "load_script",
    "parse_script",
    "play",
    "policy_from_transcript",
    "random_playthrough",
]
