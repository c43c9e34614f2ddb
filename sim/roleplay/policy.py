"""From one trainee's choices to a desk policy the simulated world can run.

The mapping, field by field, from the transcript's rubric flags:

- response_hours: the script's promise (48 hours unless it says otherwise).
- response_delay_hours: the clock (hours since the complaint came in) when `responded`
  was first earned; never responded: the clock at the end, and at least twice the
  promise. In the world a case then waits that long before it joins the desk's queue.
- apology: `apologised` was earned.
- compensation: `compensated_full` -> full, else `compensated_small` -> small,
  else none.
- escalation: escalated a case that needed it -> when_severe; escalated one that did not
  -> always; did not escalate one that needed it -> never; neither needed nor done ->
  when_severe (no evidence of bad judgement).
- follow_up_hours: hours from `resolved` (or, without it, `responded`) to `followed_up`;
  None without a follow-up.
"""

from __future__ import annotations

from sim.roleplay.engine import Transcript
from sim.sections.service import DeskPolicy

MIN_RESPONSE_HOURS = 0.25  # a quarter of an hour: the desk's fastest first response


def policy_from_transcript(transcript: Transcript) -> DeskPolicy:
    """The desk policy that handles every complaint the way this transcript did."""
    flags = transcript.state.flags
    responded = flags.get("responded")
    if responded is not None:
        response = responded.minutes / 60
    else:
        response = max(transcript.state.hours, 2 * transcript.promise_hours)

    if "compensated_full" in flags:
        compensation = "full"
    elif "compensated_small" in flags:
        compensation = "small"
    else:
        compensation = "none"

    escalated, needed = "escalated" in flags, transcript.escalation_needed
    if escalated:
        escalation = "when_severe" if needed else "always"
    else:
        escalation = "never" if needed else "when_severe"

    follow = flags.get("followed_up")
    base = flags.get("resolved") or responded
    follow_up = None
    if follow is not None:
        follow_up = max(0.0, (follow.minutes - (base.minutes if base else 0.0)) / 60)

    return DeskPolicy(
        response_hours=transcript.promise_hours,
        response_delay_hours=max(MIN_RESPONSE_HOURS, round(response, 2)),
        apology="apologised" in flags,
        compensation=compensation,
        escalation=escalation,
        follow_up_hours=None if follow_up is None else round(follow_up, 2),
    )
