"""An alert's history on its console page is rebuilt, in time order, from what is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.models import Alert, AlertNote, ScheduledMessage
from bot.web.console.alert_data import history

RAISED = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def _post(target: str, minutes: int, number: int | None = None) -> ScheduledMessage:
    payload = {"alert_id": 1, "target": target, **({"number": number} if number else {})}
    return ScheduledMessage(clinic_id="riverside", kind="realert" if number else "escalation",
                            dedupe_key=f"alert:1:{target}{f':{number}' if number else ''}",
                            due_at=RAISED, sent_at=RAISED + timedelta(minutes=minutes), status="sent",
                            payload=payload)


def test_every_step_with_who_in_time_order() -> None:
    minute = timedelta(minutes=1)
    alert = Alert(id=1, clinic_id="riverside", patient_id=1, level="urgent", created_at=RAISED,
                  patient_notified_at=RAISED, acknowledged_at=RAISED + 31 * minute, acknowledged_name="Sam",
                  taken_at=RAISED + 31 * minute, taken_name="Sam", resolved_at=RAISED + 50 * minute,
                  resolved_name="Alex", outcome="visit", outcome_note="comes in at 3")
    posts = [_post("patient", 0), _post("staff", 0), _post("realert", 15, 1), _post("realert", 30, 2)]
    notes = [AlertNote(alert_id=1, author_id=2, author_name="Alex", text="no answer", at=RAISED + 40 * minute)]
    steps = history(alert, posts, notes)
    assert [(s.kind, s.who, s.number) for s in steps] == [
        ("raised", None, None), ("told", None, None), ("posted", None, None), ("realert", None, 1),
        ("realert", None, 2), ("acknowledged", "Sam", None), ("taken", "Sam", None), ("note", "Alex", None),
        ("resolved", "Alex", None)]
    assert (steps[-1].outcome, steps[-1].text, steps[-2].text) == ("visit", "comes in at 3", "no answer")


def test_an_open_alert_has_only_what_happened() -> None:
    alert = Alert(id=1, clinic_id="riverside", patient_id=1, level="emergency", created_at=RAISED)
    assert [s.kind for s in history(alert, [], [])] == ["raised"]
