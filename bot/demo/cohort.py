"""Simulated patients with months of history, for ``aftercare demo --serve`` and ``bench/outcomes.py``.

The scripted demo follows one patient, which leaves the outcomes page with
one point per day. ``--serve`` adds a cohort so the page has something to
show: patients of every area whose courses started weeks to months before
the demo's clock, with injections, check-ins, follow-ups and alerts. The
rows are what the bot itself would have written: the course messages come
from the real planner (``plan_messages``, so payloads carry ``offset`` and
``days_since``), check-in rows hang off sent messages, alerts off answers.
Nothing is left for the bot to send (no pending rows), the patients have no
Telegram ids, and every alert is already acknowledged, so the running demo
never messages them.

The answers are invented (a seeded ``random.Random``, so every run is the
same): soreness highest on the day of an injection and easing over a week,
a little lower at each session; most patients better at follow-up. They
are meant to look plausible on a chart, not to be clinical data.

``generate`` is pure (rows as dicts with explicit ids); ``insert`` writes them
with multi-row INSERTs, fast enough for the benchmark's 10,000 patients.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.clinic_config import Clinic
from bot.domain.message_plan import CHECKIN, FOLLOWUP, PlannedMessage, plan_messages
from bot.domain.schedule import DONE, MISSED, PLANNED, SessionInfo, session_times

Row = dict[str, Any]
AREA_WEIGHTS = (5, 3, 2)  # the first protocols are the common ones


@dataclass
class Ids:
    """The next free id of each table (the demo database already holds the scripted patient)."""

    patient: int = 1
    course: int = 1
    session: int = 1
    message: int = 1
    checkin: int = 1
    alert: int = 1
    label: int = 1


@dataclass
class Cohort:
    patients: list[Row] = field(default_factory=list)
    courses: list[Row] = field(default_factory=list)
    sessions: list[Row] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    checkins: list[Row] = field(default_factory=list)
    alerts: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Span:
    """First sessions fall between ``oldest`` and ``newest`` before the end (the cohort's "now")."""

    oldest: timedelta = timedelta(days=300)
    newest: timedelta = timedelta(days=3)


def generate(clinic: Clinic, count: int, end: datetime, *, ids: Ids | None = None, span: Span = Span(),
             seed: int = 7) -> Cohort:
    """``count`` patients of ``clinic`` with everything that happened to them before ``end``."""
    rng = random.Random(seed)
    cohort, next_ids = Cohort(), ids or Ids()
    areas = list(clinic.protocols)
    weights = [AREA_WEIGHTS[i] if i < len(AREA_WEIGHTS) else 1 for i in range(len(areas))]
    for _ in range(count):
        area = rng.choices(areas, weights)[0]
        _patient(cohort, next_ids, clinic, area, end, span, rng)
    return cohort


def _patient(cohort: Cohort, ids: Ids, clinic: Clinic, area: str, end: datetime, span: Span,
             rng: random.Random) -> None:
    protocol = clinic.protocols[area]
    day = end - timedelta(seconds=rng.uniform(span.newest.total_seconds(), span.oldest.total_seconds()))
    first = day.astimezone(clinic.tz).replace(hour=rng.randint(9, 16), minute=rng.choice((0, 15, 30, 45)),
                                              second=0, microsecond=0)
    planned = protocol.sessions.planned
    times = session_times(first.astimezone(UTC), protocol.interval, planned, clinic.tz)
    pid, cid = ids.patient, ids.course
    enrolled = times[0] - timedelta(days=rng.randint(3, 14))
    cohort.patients.append({
        "id": pid, "clinic_id": clinic.id, "label": f"{clinic.label_prefix}-{ids.label:04d}",
        "telegram_user_id": None, "chat_id": None, "first_name": None, "language": rng.choice(clinic.languages),
        "timezone": clinic.timezone, "status": "active", "flags": [], "consent_at": enrolled,
        "created_at": enrolled})
    cohort.courses.append({"id": cid, "patient_id": pid, "clinic_id": clinic.id, "area": area,
                           "planned_sessions": planned, "status": "active", "created_at": enrolled})
    ids.patient, ids.course, ids.label = pid + 1, cid + 1, ids.label + 1
    infos, session_ids = _sessions(cohort, ids, cid, times, end, rng)
    person = _Person(rng.uniform(0.55, 0.97), rng.gauss(5.8, 1.2), rng.gauss(6.0, 1.3), rng.uniform(0.1, 1.0), rng)
    for message in plan_messages(cid, infos, protocol, clinic.tz, clinic.quiet_hours, end):
        if message.kind in (CHECKIN, FOLLOWUP) and message.due_at < end:
            _asked(cohort, ids, clinic, pid, session_ids, message, person, end)


def _sessions(cohort: Cohort, ids: Ids, course_id: int, times: list[datetime], end: datetime,
              rng: random.Random) -> tuple[list[SessionInfo], dict[int, int]]:
    infos, numbers = [], {}
    for number, at in enumerate(times, start=1):
        status = PLANNED if at > end - timedelta(hours=1) else (MISSED if rng.random() < 0.04 else DONE)
        done_at = at + timedelta(minutes=rng.randint(0, 40)) if status == DONE else None
        cohort.sessions.append({"id": ids.session, "course_id": course_id, "number": number, "scheduled_at": at,
                                "status": status, "confirmed_at": at - timedelta(days=2) if status == DONE else None,
                                "done_at": done_at})
        infos.append(SessionInfo(number, at, status, done_at))
        numbers[number] = ids.session
        ids.session += 1
    return infos, numbers


@dataclass
class _Person:
    """How one simulated patient answers: how often, how sore, how they feel later."""

    engagement: float  # how likely they answer
    soreness: float  # how sore their first injection leaves them
    condition: float  # the pain that brought them to the clinic
    response: float  # how much of it the course takes away (0-1)
    rng: random.Random

    def soreness_on(self, session: int, day: int) -> int:
        typical = (self.soreness - 0.5 * (session - 1)) * math.exp(-day / 3.5) + 0.8
        return max(0, min(10, round(typical + self.rng.gauss(0, 1.1))))

    def pain_at(self, days: int) -> int:
        relief = 0.75 * self.response * min(days, 180) / 180
        return max(0, min(10, round(self.condition * (1 - relief) + self.rng.gauss(0, 1.0))))

    def function_at(self, pain: int) -> str:
        change = self.condition - pain
        return "better" if change >= 1.5 else "worse" if change < -0.5 else "same"


def _asked(cohort: Cohort, ids: Ids, clinic: Clinic, patient_id: int, session_ids: dict[int, int],
           message: PlannedMessage, person: _Person, end: datetime) -> None:
    """The sent message and its check-in (answered or not), and an alert if the answer needed one."""
    rng, asked = person.rng, message.due_at
    session_id = session_ids[message.session_number or 1]
    cohort.messages.append({
        "id": ids.message, "patient_id": patient_id, "clinic_id": clinic.id, "session_id": session_id,
        "kind": message.kind, "dedupe_key": message.dedupe_key, "due_at": asked, "status": "sent", "attempts": 1,
        "payload": dict(message.payload), "claimed_at": asked, "sent_at": asked, "created_at": asked})
    answered_at = asked + timedelta(minutes=rng.randint(2, 240))
    answered = rng.random() < person.engagement and answered_at < end
    row: Row = {"id": ids.checkin, "patient_id": patient_id, "session_id": session_id,
                "scheduled_message_id": ids.message, "kind": message.kind, "status": "missed", "step": None,
                "soreness": None, "swelling": None, "function": None, "signs": [], "note": None, "level": None,
                "matched": [], "created_at": asked, "answered_at": None}
    ids.message += 1
    if answered:
        _answer(row, message, person, answered_at)
        if row["level"] in ("urgent", "emergency"):
            _alert(cohort, ids, clinic, patient_id, row, answered_at, end)
    cohort.checkins.append(row)
    ids.checkin += 1


def _answer(row: Row, message: PlannedMessage, person: _Person, at: datetime) -> None:
    rng, day = person.rng, int(message.payload.get("days_since") or 0)
    row.update(status="answered", step="done", answered_at=at)
    if message.kind == FOLLOWUP:
        pain = person.pain_at(day)
        row.update(soreness=pain, function=person.function_at(pain), level="watch" if pain >= 7 else "ok")
        return
    soreness = person.soreness_on(message.session_number or 1, day)
    swelling = "moderate" if soreness >= 7 else "mild" if soreness >= 4 else "none"
    level: str | None = "watch" if soreness >= 7 and day <= 3 else "ok"
    roll = rng.random()
    if roll < 0.004:
        row.update(signs=["chest_pain"], matched=["chest_pain"])
        level = "emergency"
    elif roll < 0.02:
        row.update(signs=["fever"], matched=["fever"])
        level = "urgent"
    if roll > 0.97:
        row.update(status="incomplete", step="signs", answered_at=None)
        level = None
    row.update(soreness=soreness, swelling=swelling, level=level)


def _alert(cohort: Cohort, ids: Ids, clinic: Clinic, patient_id: int, checkin: Row, at: datetime,
           end: datetime) -> None:
    """Acknowledged a few minutes later (log-normal, median 7 min), never after ``end``."""
    rng = random.Random(checkin["id"])
    waited = min(timedelta(seconds=round(60 * math.exp(rng.gauss(math.log(7), 0.8)))), end - at)
    cohort.alerts.append({
        "id": ids.alert, "clinic_id": clinic.id, "patient_id": patient_id, "check_in_id": checkin["id"],
        "level": checkin["level"], "signs": list(checkin["signs"]), "created_at": at,
        "acknowledged_by": rng.choice(clinic.staff.user_ids), "acknowledged_at": at + waited,
        "realert_count": int(waited / timedelta(minutes=15)), "last_posted_at": at,
        "patient_notified_at": at + timedelta(seconds=2)})
    ids.alert += 1
