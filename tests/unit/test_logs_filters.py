"""``aftercare logs`` input: times and durations, levels, and the in-memory filter used by --follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.cli.logs_cmd import as_json_line, as_table_row
from bot.core.audit_log import AuditFilter, levels_from, normalise_level, parse_moment
from bot.core.models import AuditEvent

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", NOW - timedelta(minutes=30)),
    ("2h", NOW - timedelta(hours=2)),
    ("7d", NOW - timedelta(days=7)),
    ("1w", NOW - timedelta(weeks=1)),
    ("45s", NOW - timedelta(seconds=45)),
    ("1h30m", NOW - timedelta(minutes=90)),
    ("2H", NOW - timedelta(hours=2)),
    ("2025-02-28T08:00", datetime(2025, 2, 28, 8, 0, tzinfo=UTC)),
    ("2025-02-28", datetime(2025, 2, 28, tzinfo=UTC)),
    ("2025-02-28T08:00:00Z", datetime(2025, 2, 28, 8, 0, tzinfo=UTC)),
    ("2025-02-28T08:00+02:00", datetime(2025, 2, 28, 6, 0, tzinfo=UTC)),
])
def test_parse_moment(text: str, expected: datetime) -> None:
    assert parse_moment("--since", text, NOW) == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2 h", "h2", "-2h", "2025-13-01", "2y"])
def test_parse_moment_rejects_with_one_line(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_moment("--since", text, NOW)
    assert str(raised.value).startswith("--since: expected an ISO time")


def test_levels() -> None:
    assert normalise_level("WARN") == "warning"
    assert levels_from("warning") == ("warning", "error", "critical")
    assert levels_from("debug")[0] == "debug"
    with pytest.raises(ValueError, match="unknown level"):
        normalise_level("loud")


def _row(**fields: Any) -> AuditEvent:
    base: dict[str, Any] = {"id": 1, "at": NOW, "event": "message_sent", "clinic_id": "riverside",
                               "patient_label": "R-0001", "level": "info"}
    return AuditEvent(**{**base, **fields})


@pytest.mark.parametrize(("flt", "matches"), [
    (AuditFilter(), True),
    (AuditFilter(clinic_id="riverside"), True),
    (AuditFilter(clinic_id="northside"), False),
    (AuditFilter(patient_label="r-0001"), True),
    (AuditFilter(events=("alert_raised", "message_sent")), True),
    (AuditFilter(events=("alert_raised",)), False),
    (AuditFilter(min_level="warning"), False),
    (AuditFilter(since=NOW), True),
    (AuditFilter(until=NOW), False),
    (AuditFilter(since=NOW - timedelta(hours=1), until=NOW + timedelta(seconds=1)), True),
])
def test_matches_agrees_with_the_sql_conditions(flt: AuditFilter, matches: bool) -> None:
    assert flt.matches(_row()) is matches


def test_rendering_shows_details_and_never_needs_a_terminal() -> None:
    row = _row(actor="staff:1", correlation_id="c0ffee", details={"kind": "reminder", "signs": ["fever", "pus"]})
    line = as_table_row(row)
    assert line.startswith("2025-03-01 12:00:00Z  info ")
    assert 'kind=reminder signs=["fever", "pus"]' in line and line.endswith("[c0ffee]")
    assert '"at": "2025-03-01T12:00:00Z"' in as_json_line(row)
