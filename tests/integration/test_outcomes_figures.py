"""Outcome figures computed by the database, against figures worked out by hand (SQLite and PostgreSQL).

``tests.support.outcomes_seed`` writes a small history; every expected value
below is computed from it in the comments (quantiles as ``percentile_cont``:
position ``(n - 1) × p`` in the sorted values, linear in between). Then a
larger simulated cohort checks the portable quantiles against Python's
``statistics.quantiles(method="inclusive")`` and, on PostgreSQL, against
``percentile_cont`` itself.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.core.db import Database
from bot.core.models import AuditEvent
from bot.demo.cohort import Ids, generate
from bot.demo.cohort_store import insert_cohort
from bot.domain.periods import period
from bot.outcomes.figures import AreaOutcomes, ClinicOutcomes, outcomes
from bot.outcomes.queries import Scope, Spread, checkin_figures
from tests.support.console import two_clinics
from tests.support.outcomes_seed import seed_history

CLINICS = two_clinics()
RIVERSIDE = CLINICS["riverside"]


async def figures(db: Database, area: str | None = None, since: str | None = None,
                  until: str | None = None) -> ClinicOutcomes:
    async with db.report() as session:
        return await outcomes(session, RIVERSIDE, area, period(since, until, RIVERSIDE.tz))


def of(found: ClinicOutcomes, area: str) -> AreaOutcomes:
    return next(item for item in found.areas if item.area == area)


async def test_soreness_after_injection_per_session_and_offset(db: Database) -> None:
    await seed_history(db)
    knee = of(await figures(db), "knee")
    assert [o.offset for o in knee.offsets] == ["PT6H", "P1D", "P3D", "P1W"]  # the protocol's, shortest first
    assert [o.day for o in knee.offsets] == [0, 1, 3, 7]
    first, second = knee.sessions
    # session 1, 6 hours: 1 3 6 10 -> Q1 at 0.75: 1 + 0.75 x 2; median at 1.5: 3 + 0.5 x 3; Q3 at 2.25: 6 + 0.25 x 4
    assert first.by_offset["PT6H"] == Spread(4, 4.5, 2.5, 7.0)
    # session 1, 1 day: 2 (stopped half-way: the soreness counts) 5 5; a missed one has no value
    assert first.by_offset["P1D"] == Spread(3, 5.0, 3.5, 5.0)
    assert set(first.by_offset) == {"PT6H", "P1D"}  # the open day-3 check-in has no answer yet
    assert second.number == 2 and second.by_offset == {"PT6H": Spread(1, 8.0, 8.0, 8.0)}


async def test_rechecks_free_text_and_other_clinics_are_left_out(db: Database) -> None:
    await seed_history(db)
    knee = of(await figures(db), "knee")
    values = [s.n for row in knee.sessions for s in row.by_offset.values()]
    assert sum(values) == 8  # 4 + 3 + 1: the re-check's 9, the report and Hillside's 0 are not there
    assert knee.sessions[0].by_offset["PT6H"].q3 == 7.0


async def test_follow_up_pain_and_function_by_offset(db: Database) -> None:
    await seed_history(db)
    knee = of(await figures(db), "knee")
    six_weeks, three_months, six_months = knee.followups
    assert (six_weeks.offset, three_months.offset, six_months.offset) == ("P6W", "P3M", "P6M")
    assert six_weeks.pain == Spread(3, 3.0, 2.5, 4.0)  # 2 3 5
    assert six_weeks.function == {"better": 2, "same": 1, "worse": 0}
    assert three_months.pain == Spread(1, 1.0, 1.0, 1.0)
    assert six_months.pain is None and six_months.function_answers == 0  # planned, not reached yet


async def test_answer_rates(db: Database) -> None:
    await seed_history(db)
    found = await figures(db)
    knee = of(found, "knee")
    # sent: 4 + 4 on session 1 (6 h, 1 day), the open day-3 one, 1 after session 2; answered: 4 + 2 + 1
    assert (knee.checkins.answered, knee.checkins.sent) == (7, 10)
    assert (knee.followup_rate.answered, knee.followup_rate.sent) == (4, 5)
    assert (of(found, "low_back").checkins.answered, of(found, "low_back").checkins.sent) == (1, 1)
    assert not of(found, "shoulder").has_data and found.answers == 13


async def test_alerts_per_100_injections_and_time_to_acknowledge(db: Database) -> None:
    await seed_history(db)
    found = await figures(db)
    knee = of(found, "knee")
    assert knee.injections == 7  # 3 + 2 + 1 + 1 (a missed session is no injection)
    emergency, urgent = knee.alerts
    assert (urgent.level, urgent.count.alerts, urgent.count.acknowledged) == ("urgent", 3, 2)
    assert urgent.count.per_100 == pytest.approx(300 / 7)
    assert emergency.count.alerts == 1
    assert emergency.count.per_100 == pytest.approx(100 / 7)
    # acknowledged after 300.4 s (whole seconds: 300) and 900 s: median 600, 90th percentile 300 + 0.9 x 600
    assert urgent.waited == Spread(2, 600.0, p90=840.0)
    assert emergency.waited == Spread(1, 60.0, p90=60.0)
    low_back = of(found, "low_back")
    assert low_back.injections == 1 and [row.count.per_100 for row in low_back.alerts] == [0.0, 0.0]


async def test_a_period_counts_what_happened_inside_it(db: Database) -> None:
    await seed_history(db)
    # 2 and 3 March on the clinic's calendar: the first sessions, their first two check-ins, three alerts
    knee = of(await figures(db, since="2026-03-02", until="2026-03-03"), "knee")
    assert knee.injections == 4
    assert (knee.checkins.answered, knee.checkins.sent) == (6, 8)
    assert [row.number for row in knee.sessions] == [1]
    assert knee.followup_rate.sent == 0
    emergency, urgent = knee.alerts
    assert (urgent.count.alerts, urgent.count.per_100, emergency.count.per_100) == (2, 50.0, 25.0)
    later = await figures(db, since="2026-09-01")  # the last follow-up (3 months) was asked in July
    assert later.answers == 0 and not any(item.has_data for item in later.areas)


async def test_one_area(db: Database) -> None:
    await seed_history(db)
    found = await figures(db, area="low_back")
    assert [item.area for item in found.areas] == ["low_back"]
    assert found.areas[0].sessions[0].by_offset == {"PT6H": Spread(1, 5.0, 5.0, 5.0)}


def _inclusive(values: list[int]) -> tuple[float, float, float]:
    if len(values) == 1:
        return (float(values[0]),) * 3
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


async def test_portable_quantiles_match_percentile_cont_on_a_cohort(db: Database) -> None:
    end = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    cohort = generate(RIVERSIDE, 80, end, ids=Ids(), seed=11)
    await insert_cohort(db, cohort)
    async with db.report() as session:
        found = await checkin_figures(session, Scope("riverside"))
    offsets = {row["id"]: (row["dedupe_key"].rsplit(":", 1)[1], row["session_id"]) for row in cohort.messages}
    number_of = {row["id"]: row["number"] for row in cohort.sessions}
    area_of = {row["id"]: row["area"] for row in cohort.courses}
    course_of = {row["id"]: row["course_id"] for row in cohort.sessions}
    values: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for row in cohort.checkins:
        if row["kind"] == "checkin" and row["soreness"] is not None:
            offset, session_id = offsets[row["scheduled_message_id"]]
            values[(area_of[course_of[session_id]], number_of[session_id], offset)].append(row["soreness"])
    assert len(values) > 20 and set(found.soreness) == set(values)
    for key, answers in values.items():
        spread = found.soreness[key]
        assert spread.n == len(answers)
        assert (spread.q1, spread.median, spread.q3) == pytest.approx(_inclusive(sorted(answers)), abs=1e-12)
    if not db.is_sqlite:
        await _same_as_percentile_cont(db, found.soreness)


async def _same_as_percentile_cont(db: Database, soreness: dict[tuple[str, int, str], Spread]) -> None:
    statement = text("""
        SELECT k.area, s.number, split_part(m.dedupe_key, ':checkin:', 2) AS "offset",
               percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY c.soreness) AS q
        FROM check_in c JOIN scheduled_message m ON m.id = c.scheduled_message_id
        JOIN session s ON s.id = c.session_id JOIN course k ON k.id = s.course_id
        WHERE c.kind = 'checkin' AND c.soreness IS NOT NULL GROUP BY 1, 2, 3""")
    async with db.report() as session:
        rows = (await (await session.connection()).execute(statement)).all()
    assert len(rows) == len(soreness)
    for area, number, offset, (q1, median, q3) in rows:
        spread = soreness[(area, number, offset)]
        assert (spread.q1, spread.median, spread.q3) == (q1, median, q3)  # the same doubles, not just close


async def test_a_report_reads_beside_a_writer_without_taking_its_turn(db: Database) -> None:
    """On SQLite sessions take turns; a report that took one would hold up an urgent alert behind it.

    Here a write is in progress (this task holds the turn, a row flushed); the
    report runs in another task and must finish without waiting for it.
    """
    await seed_history(db)
    async with db.session() as writing:
        writing.add(AuditEvent(event="write_in_progress"))
        await writing.flush()
        found = await asyncio.wait_for(asyncio.create_task(figures(db)), timeout=10)
    assert found.answers == 13
