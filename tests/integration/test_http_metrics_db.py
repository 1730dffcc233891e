"""The /metrics gauges read from the database: pending, overdue, open alerts (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.db import Database
from bot.core.models import Alert, CheckIn, MessageStatus, Patient, ScheduledMessage
from bot.web.metrics_view import MetricsEndpoint
from bot.web.server import HealthPolicy

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _values(endpoint: MetricsEndpoint) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(endpoint.registry).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def _seed(db: Database) -> None:
    async with db.session() as session:
        patient = Patient(clinic_id="riverside", label="R-0001")
        session.add(patient)
        await session.flush()

        def message(n: int, kind: str, due: timedelta, status: str = MessageStatus.PENDING) -> ScheduledMessage:
            return ScheduledMessage(patient_id=patient.id, clinic_id="riverside", kind=kind, dedupe_key=f"k{n}",
                                    due_at=NOW + due, status=status)

        session.add_all([
            message(1, "reminder", timedelta(hours=5)),
            message(2, "reminder", timedelta(seconds=-30)),  # due, but within the grace minute
            message(3, "checkin", timedelta(minutes=-10)),  # overdue
            message(4, "checkin", timedelta(minutes=-10), MessageStatus.SENDING),  # overdue, stuck sending
            message(5, "checkin", timedelta(minutes=-10), MessageStatus.SENT),
            message(6, "nudge", timedelta(hours=-1), MessageStatus.FAILED),
        ])
        answered = CheckIn(patient_id=patient.id or 0, kind="checkin", status="answered")
        waiting = CheckIn(patient_id=patient.id or 0, kind="checkin", status="open")
        session.add_all([answered, waiting])
        await session.flush()
        for n, checkin in ((7, answered), (8, waiting)):  # only the open check-in's nudge is still to send
            nudge = message(n, "nudge", timedelta(hours=2))
            nudge.payload = {"checkin_id": checkin.id}
            session.add(nudge)
        session.add_all([
            Alert(clinic_id="riverside", patient_id=patient.id or 0, level="urgent"),
            Alert(clinic_id="riverside", patient_id=patient.id or 0, level="urgent"),
            Alert(clinic_id="riverside", patient_id=patient.id or 0, level="emergency", acknowledged_by=1,
                  acknowledged_at=NOW),
        ])


async def test_gauges_count_pending_overdue_and_open_alerts(db: Database) -> None:
    await _seed(db)
    endpoint = MetricsEndpoint()
    await endpoint.gauges.refresh(db, NOW, HealthPolicy())
    values = _values(endpoint)
    assert values[("aftercare_database_up", ())] == 1.0
    assert values[("aftercare_messages_pending", (("kind", "reminder"),))] == 2.0
    assert values[("aftercare_messages_pending", (("kind", "checkin"),))] == 1.0
    assert values[("aftercare_messages_pending", (("kind", "nudge"),))] == 1.0
    assert values[("aftercare_messages_overdue", (("kind", "reminder"),))] == 0.0
    assert values[("aftercare_messages_overdue", (("kind", "checkin"),))] == 2.0
    assert values[("aftercare_alerts_open", (("clinic", "riverside"), ("level", "urgent")))] == 2.0
    assert ("aftercare_alerts_open", (("clinic", "riverside"), ("level", "emergency"))) not in values


async def test_a_broken_database_is_reported_not_raised(db: Database) -> None:
    endpoint = MetricsEndpoint()
    await db.dispose()
    broken = Database("postgresql://nobody@127.0.0.1:9/none")  # nothing listens on port 9: refused at once
    await endpoint.gauges.refresh(broken, NOW, HealthPolicy())
    await broken.dispose()
    values = _values(endpoint)
    assert values == {("aftercare_database_up", ()): 0.0}
