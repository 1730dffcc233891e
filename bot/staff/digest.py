"""The staff's daily digest: watch-level patients, unanswered check-ins, the next day's sessions.

One DIGEST ``ScheduledMessage`` per clinic per day, keyed
``digest:<clinic>:<local date>`` and due at ``timing.digest_at`` clinic time.
The unique key and the dispatcher's atomic claim make it restart-safe and
never twice; the ``DigestPlanner`` component creates the next row at start,
after each digest, and hourly (so a digest skipped as too late by the misfire
policy, or a clinic added to the config, still gets tomorrow's).

Who is listed:
- watch: patients whose report was triaged "watch" in the last 24 hours;
- unanswered: patients whose latest two or more scheduled check-ins in a row
  went unanswered (missed, or open with no answer for twice ``nudge_after``:
  the check-in and its nudge both ignored);
- sessions: planned or confirmed sessions in the 24 hours after the digest;
- the number of alerts nobody has acknowledged yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackContext, Job

from bot.checkins import alert_queries as alerts
from bot.checkins import queries as checkins
from bot.checkins.views import known_signs
from bot.core.clinic_config import Clinic
from bot.core.logging import get_logger
from bot.core.models import CheckIn, Course, MessageKind, Patient, ScheduledMessage, SessionStatus, TreatmentSession
from bot.core.patients import LIVE_STATUSES
from bot.core.services import Services
from bot.domain.quiet_hours import first_instant_at_or_after
from jobs.notify import notify_dispatcher_after_commit
from jobs.senders import SendContext, SendResult, Sent, Skipped
from messages.render import Safe, format_day, format_when

log = get_logger("aftercare.digest")
WINDOW = timedelta(hours=24)
MISSED_IN_A_ROW = 2
REPLAN_EVERY = 3600.0


def next_digest_at(clinic: Clinic, now: datetime) -> datetime:
    """The first ``digest_at`` (clinic wall clock) strictly after ``now``."""
    zone = clinic.tz
    day: date = now.astimezone(zone).date()
    for offset in range(3):
        candidate = first_instant_at_or_after(
            datetime.combine(day + timedelta(days=offset), clinic.timing.digest_at), zone)
        if candidate > now:
            return candidate
    raise AssertionError("no digest time within three days")  # pragma: no cover - a day always has one


async def ensure_digests(svc: Services) -> None:
    """Make sure every clinic has its next digest row (inserting nothing that already exists)."""
    now = svc.clock.now()
    async with svc.db.session() as session:
        for clinic in svc.clinics:
            due = next_digest_at(clinic, now)
            local_day = due.astimezone(clinic.tz).date().isoformat()
            row = ScheduledMessage(clinic_id=clinic.id, kind=MessageKind.DIGEST,
                                   dedupe_key=f"digest:{clinic.id}:{local_day}", due_at=due,
                                   payload={"date": local_day})
            if await alerts.insert_message(session, row):
                notify_dispatcher_after_commit(session, svc, due)


async def send_digest(ctx: SendContext) -> SendResult:
    """Post the digest to the clinic's staff chat, then plan tomorrow's."""
    clinic = ctx.clinic
    if clinic is None:
        return Skipped("no_clinic", cancel=True)
    async with ctx.session() as session:
        text = await digest_text(session, ctx.services, clinic, ctx.now)
    sent = await ctx.bot.send_message(clinic.staff.chat_id, text, parse_mode=ParseMode.HTML)
    await ensure_digests(ctx.services)
    return Sent(sent.message_id)


async def digest_text(session: AsyncSession, svc: Services, clinic: Clinic, now: datetime) -> str:
    language = clinic.default_language

    def a(key: str, **params: Any) -> str:
        return svc.text(f"alerts.{key}", language, clinic, **params)

    sections = [a("digest_title", clinic_name=clinic.name, date=format_day(now, clinic.tz, language))]
    watch = await _watch_lines(session, clinic, now, a)
    missed = await _missed_lines(session, clinic, now, a)
    upcoming = await _session_lines(session, clinic, now, a)
    for title, lines in (("digest_watch", watch), ("digest_missed", missed), ("digest_sessions", upcoming)):
        if lines:
            sections.append("\n".join([a(title), *lines]))
    open_count = len(await alerts.open_alerts(session, clinic.id))
    if open_count:
        sections.append(a("digest_open_alerts", count=open_count))
    if len(sections) == 1:
        sections.append(a("digest_empty"))
    return "\n\n".join(sections)


async def _live_patients(session: AsyncSession, clinic: Clinic) -> dict[int, Patient]:
    statement = select(Patient).where(Patient.clinic_id == clinic.id).where(col(Patient.status).in_(LIVE_STATUSES))
    return {p.id: p for p in (await session.exec(statement)).all() if p.id is not None}


async def _area(session: AsyncSession, clinic: Clinic, patient_id: int) -> str:
    course = await checkins.latest_course(session, patient_id)
    if course is None or course.area not in clinic.protocols:
        return "-"
    return clinic.area_name(course.area, clinic.default_language)


async def _watch_lines(session: AsyncSession, clinic: Clinic, now: datetime, a: Any) -> list[str]:
    live = await _live_patients(session, clinic)
    statement = (
        select(CheckIn)
        .where(col(CheckIn.patient_id).in_(list(live)))
        .where(CheckIn.level == "watch")
        .where(col(CheckIn.answered_at) > now - WINDOW)
        .order_by(col(CheckIn.answered_at).desc())
    )
    latest: dict[int, CheckIn] = {}
    for row in (await session.exec(statement)).all():
        latest.setdefault(row.patient_id, row)
    lines = []
    for patient_id, row in latest.items():
        signs = ", ".join(a(f"sign_{sign.value}") for sign in known_signs(row.matched)) or "-"
        lines.append(a("digest_watch_line", label=live[patient_id].label,
                       area=await _area(session, clinic, patient_id), signs=Safe(signs)))
    return lines


async def _missed_lines(session: AsyncSession, clinic: Clinic, now: datetime, a: Any) -> list[str]:
    grace = clinic.timing.nudge_after.approx_timedelta() * 2
    lines = []
    for patient_id, patient in (await _live_patients(session, clinic)).items():
        streak = await checkins.unanswered_streak(session, patient_id, now, grace)
        if streak >= MISSED_IN_A_ROW:
            lines.append(a("digest_missed_line", label=patient.label, count=streak,
                           area=await _area(session, clinic, patient_id)))
    return lines


async def _session_lines(session: AsyncSession, clinic: Clinic, now: datetime, a: Any) -> list[str]:
    statement = (
        select(TreatmentSession, Course, Patient)
        .join(Course, col(Course.id) == col(TreatmentSession.course_id))
        .join(Patient, col(Patient.id) == col(Course.patient_id))
        .where(Patient.clinic_id == clinic.id)
        .where(col(Patient.status).in_(LIVE_STATUSES))
        .where(col(TreatmentSession.status).in_((SessionStatus.PLANNED, SessionStatus.CONFIRMED)))
        .where(col(TreatmentSession.scheduled_at) >= now)
        .where(col(TreatmentSession.scheduled_at) < now + WINDOW)
        .order_by(col(TreatmentSession.scheduled_at))
    )
    rows: Iterable[tuple[TreatmentSession, Course, Patient]] = (await session.exec(statement)).all()
    language = clinic.default_language
    return [
        a("digest_session_line", when=format_when(row.scheduled_at, clinic.tz, language), label=patient.label,
          area=clinic.area_name(course.area, language) if course.area in clinic.protocols else course.area,
          session=row.number)
        for row, course, patient in rows
    ]


class DigestPlanner:
    """Runtime component: plans digest rows at start and every hour (idempotent)."""

    def __init__(self, services: Services, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.services = services
        self.application = application
        self._job: Job[Any] | None = None

    async def start(self) -> None:
        await ensure_digests(self.services)
        queue = self.application.job_queue
        if queue is not None:
            self._job = queue.run_repeating(self._tick, interval=REPLAN_EVERY, first=REPLAN_EVERY,
                                            name="aftercare.digest.plan",
                                            job_kwargs={"misfire_grace_time": None, "coalesce": True})

    async def stop(self) -> None:
        if self._job is not None:
            self._job.schedule_removal()
            self._job = None

    async def _tick(self, _context: CallbackContext[Any, Any, Any, Any]) -> None:
        try:
            await ensure_digests(self.services)
        except Exception:
            log.exception("digest_plan_failed")
