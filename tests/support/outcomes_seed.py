"""A small clinic history whose outcome figures are worked out by hand (see ``EXPECTED`` notes below).

Rows are written as the bot writes them: each check-in and follow-up hangs
off a sent course message whose key names its offset
(``c<course>:s<n>:checkin:PT6H``, ``c<course>:followup:P6W``). Riverside's
knee patients R-0001, R-0002, R-0003 and R-0005 and low-back patient R-0004
carry the figures; a watch re-check, a free-text report and a Hillside
patient (another clinic) are there to be left out.

Times start at ``T0``, Monday 2 March 2026 10:00 in New York; the first
sessions are given then, the second four weeks later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.db import Database
from bot.core.models import Alert, CheckIn, Course, Patient, ScheduledMessage, TreatmentSession

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
WEEK = timedelta(weeks=1)
OFFSET_TIME = {"PT6H": timedelta(hours=6), "P1D": timedelta(days=1), "P3D": timedelta(days=3),
               "P1W": timedelta(days=7), "P6W": timedelta(weeks=6), "P3M": timedelta(days=91)}
STAFF_ONE, STAFF_TWO, FORMER_STAFF = 900001, 900002, 123456789
NOTE = "Call me at home, my husband Tom answers"


@dataclass
class Enrolled:
    patient: Patient
    course: Course
    sessions: dict[int, TreatmentSession]


async def enrol(db: Database, label: str, user_id: int, *, area: str = "knee", clinic_id: str = "riverside",
                done: int = 1, missed: tuple[int, ...] = (), planned: int = 3) -> Enrolled:
    """A patient whose first ``done`` sessions were given four weeks apart from ``T0``."""
    async with db.session() as session:
        patient = Patient(clinic_id=clinic_id, label=label, telegram_user_id=user_id, chat_id=user_id,
                          first_name="Alexandra", language="en", timezone="America/New_York", consent_at=T0 - WEEK)
        session.add(patient)
        await session.flush()
        course = Course(patient_id=patient.id or 0, clinic_id=clinic_id, area=area, planned_sessions=planned)
        session.add(course)
        await session.flush()
        rows = {}
        for number in range(1, planned + 1):
            at = T0 + 4 * WEEK * (number - 1)
            status = "done" if number <= done else "missed" if number in missed else "planned"
            rows[number] = TreatmentSession(course_id=course.id or 0, number=number, scheduled_at=at, status=status,
                                            done_at=at if status == "done" else None)
            session.add(rows[number])
    return Enrolled(patient, course, rows)


async def ask(db: Database, who: Enrolled, number: int, offset: str, *, kind: str = "checkin",
              soreness: int | None = None, function: str | None = None, status: str = "answered",
              note: str | None = None, key: str | None = None, signs: tuple[str, ...] = ()) -> CheckIn:
    """The course message ``offset`` after session ``number`` (after the last one for a follow-up), and its answer."""
    given = who.sessions[number].done_at or T0
    asked = given + OFFSET_TIME.get(offset, timedelta(hours=18))
    course_id = who.course.id
    planned = f"c{course_id}:followup:{offset}" if kind == "followup" else f"c{course_id}:s{number}:{kind}:{offset}"
    dedupe = key or planned
    async with db.session() as session:
        message = ScheduledMessage(patient_id=who.patient.id, clinic_id=who.patient.clinic_id,
                                   session_id=who.sessions[number].id, kind=kind, dedupe_key=dedupe, due_at=asked,
                                   status="sent", sent_at=asked, payload={"offset": offset})
        if kind != "free_text":  # a typed report answers no message
            session.add(message)
            await session.flush()
        row = CheckIn(patient_id=who.patient.id or 0, session_id=who.sessions[number].id,
                      scheduled_message_id=message.id if kind != "free_text" else None, kind=kind, status=status,
                      soreness=soreness,
                      function=function, note=note, signs=list(signs), matched=list(signs),
                      level="ok" if status == "answered" else None, created_at=asked,
                      answered_at=asked + timedelta(minutes=20) if status == "answered" else None)
        session.add(row)
    return row


async def alert(db: Database, who: Enrolled, at: datetime, level: str, acknowledged_after: timedelta | None,
                by: int = STAFF_ONE) -> Alert:
    row = Alert(clinic_id=who.patient.clinic_id, patient_id=who.patient.id or 0, level=level, signs=["fever"],
                created_at=at, acknowledged_at=at + acknowledged_after if acknowledged_after is not None else None,
                acknowledged_by=by if acknowledged_after is not None else None, last_posted_at=at)
    async with db.session() as session:
        session.add(row)
    return row


def last_done(who: Enrolled) -> int:
    return max(number for number, row in who.sessions.items() if row.status == "done")


async def seed_history(db: Database) -> dict[str, Enrolled]:
    """The whole history; the figures it gives are asserted in tests/integration/test_outcomes_figures.py."""
    a = await enrol(db, "R-0001", 7001, done=3, planned=3)
    b = await enrol(db, "R-0002", 7002, done=2, planned=3)
    c = await enrol(db, "R-0003", 7003, done=1, planned=1)
    e = await enrol(db, "R-0005", 7005, done=1, missed=(2,), planned=2)
    d = await enrol(db, "R-0004", 7004, area="low_back", done=1, planned=3)
    h = await enrol(db, "H-0001", 7101, clinic_id="hillside", done=1)
    for who, value in ((a, 6), (b, 1), (c, 10), (e, 3)):  # session 1, PT6H: 1 3 6 10
        await ask(db, who, 1, "PT6H", soreness=value)
    await ask(db, a, 1, "P1D", soreness=5)  # session 1, P1D: 2 (incomplete) 5 5; C missed
    await ask(db, b, 1, "P1D", soreness=5, note=NOTE, signs=("hot_site", "fever"))
    await ask(db, c, 1, "P1D", status="missed")
    await ask(db, e, 1, "P1D", soreness=2, status="incomplete")
    await ask(db, c, 1, "P3D", status="open")
    await ask(db, a, 2, "PT6H", soreness=8)
    await ask(db, a, 1, "PT6H", soreness=9, key=f"checkin:{a.course.id}:recheck")  # a watch re-check: left out
    await ask(db, a, 1, "-", kind="free_text")
    await ask(db, d, 1, "PT6H", soreness=5)
    await ask(db, h, 1, "PT6H", soreness=0)
    for who, pain, function, status in ((a, 3, "better", "answered"), (b, 5, "same", "answered"),
                                        (e, 2, "better", "answered"), (c, None, None, "missed")):
        await ask(db, who, last_done(who), "P6W", kind="followup", soreness=pain, function=function,
                  status=status)
    await ask(db, a, 3, "P3M", kind="followup", soreness=1, function="better")
    fraction = timedelta(microseconds=400_000)  # rounds away: whole seconds on both backends
    await alert(db, a, T0 + timedelta(hours=7), "urgent", timedelta(seconds=300) + fraction)
    await alert(db, b, T0 + timedelta(days=1, hours=1), "urgent", timedelta(seconds=900), by=STAFF_TWO)
    await alert(db, c, T0 + timedelta(hours=8), "emergency", timedelta(seconds=60), by=FORMER_STAFF)
    await alert(db, e, T0 + 5 * WEEK, "urgent", None)
    await alert(db, h, T0 + timedelta(hours=7), "emergency", timedelta(seconds=10))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "h": h}
