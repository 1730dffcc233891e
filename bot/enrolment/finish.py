"""The end of enrolment: patient, course and sessions in one transaction, then the plan.

Everything is written together or not at all: the invite is claimed with a
conditional UPDATE inside the same transaction, so a link used by someone
else in the meantime, or a patient who enrolled elsewhere, leaves nothing
half-made. Sessions are spaced on the patient's wall clock ("every 4 weeks at
10:00" stays 10:00 across DST), as ``bot.courses.course_ops`` does for later bookings,
and stored in UTC. The scheduling engine's ``sync_course_messages`` runs in
the same transaction (a course never exists without its messages) and pokes
the dispatcher once it commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_time
from babel.lists import format_list
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.core import audit, chat_state, patients
from bot.core.logging import get_logger
from bot.core.models import Course, Patient, TreatmentSession
from bot.courses.planner import sync_course_messages
from bot.domain.durations import IsoDuration
from bot.domain.enrolment import duration_parts
from bot.domain.schedule import session_times
from bot.enrolment import invites
from bot.enrolment.flow import ACTOR, FLOW, Turn, record, send
from bot.enrolment.prompts import zone_label
from messages.render import format_when

log = get_logger("aftercare.enrolment")

LABEL_ATTEMPTS = 3


class EnrolmentRefused(Exception):
    """The enrolment cannot be created; ``reason`` picks the reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Enrolled:
    patient: Patient
    course: Course
    times: list[datetime]


async def finish(turn: Turn, *, preface: str | None = None, event: str | None = None,
                 **details: Any) -> bool:
    """Create the enrolment, start its scheduled messages, and send the course plan.

    ``False`` when the first session's time passed while the patient was answering:
    the flow has forgotten it, and the caller asks for it again.
    """
    try:
        enrolled = await _create_with_retry(turn, event, details)
    except EnrolmentRefused as refused:
        if refused.reason == "date_past":
            turn.flow.first_at, turn.flow.first_confirmed = None, False
            return False
        await _refused(turn, refused.reason)
        return True
    for text in plan_texts(turn, enrolled, preface):
        await send(turn, text)
    if enrolled.patient.flags:
        await _tell_staff_of_cautions(turn, enrolled)
    return True


async def _tell_staff_of_cautions(turn: Turn, enrolled: Enrolled) -> None:
    """The patient was told "I've let your clinic know": a note in the staff chat (the flag stays on the patient)."""
    clinic, language = turn.clinic, turn.clinic.default_language
    cautions = ", ".join(turn.svc.text(f"staff.flag_{flag}", language, clinic) for flag in enrolled.patient.flags)
    text = turn.svc.text("staff.enrolled_with_cautions", language, clinic, label=enrolled.patient.label,
                         area=clinic.area_name(enrolled.course.area, language), cautions=cautions)
    try:
        await turn.context.bot.send_message(clinic.staff.chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # the flag is on the patient's row, the list and the console all the same
        log.warning("staff_caution_note_failed", error_type=type(exc).__name__)


async def _create_with_retry(turn: Turn, event: str | None, details: dict[str, Any]) -> Enrolled:
    """Retry when two clinics' patients enrol at once and race for the same label."""
    for attempt in range(1, LABEL_ATTEMPTS + 1):
        try:
            async with turn.svc.db.session() as session:
                return await _create(session, turn, event, details)
        except IntegrityError:
            if attempt == LABEL_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def _create(session: AsyncSession, turn: Turn, event: str | None,
                  details: dict[str, Any]) -> Enrolled:
    flow, clinic, now = turn.flow, turn.clinic, turn.now
    if await patients.current_for_user(session, turn.user_id) is not None:
        raise EnrolmentRefused("already_enrolled")
    if flow.first_at is not None and not flow.first_booked and flow.first_at <= now:
        raise EnrolmentRefused("date_past")
    assert flow.area is not None and flow.timezone is not None
    protocol = clinic.protocol(flow.area)
    count = flow.sessions or protocol.sessions.planned
    user = turn.update.effective_user
    patient = Patient(
        clinic_id=clinic.id, label=await patients.next_label(session, clinic.id, clinic.label_prefix),
        telegram_user_id=turn.user_id, chat_id=turn.chat_id,
        first_name=user.first_name[:128] if user else None, language=flow.language,
        timezone=flow.timezone, flags=list(flow.flags), consent_at=flow.consented_at or now,
    )
    session.add(patient)
    await session.flush()
    assert patient.id is not None
    try:
        await invites.claim(session, flow.invite_id, patient.id, now)
    except invites.InviteError:
        raise EnrolmentRefused("invite_used") from None
    course = Course(patient_id=patient.id, clinic_id=clinic.id, area=flow.area, planned_sessions=count)
    session.add(course)
    await session.flush()
    assert course.id is not None
    times = (session_times(flow.first_at, protocol.interval, count, turn.zone)
             if flow.first_at is not None else [])
    session.add_all([TreatmentSession(course_id=course.id, number=number, scheduled_at=at)
                     for number, at in enumerate(times, start=1)])
    await session.flush()
    await chat_state.clear(session, turn.chat_id, FLOW)
    if event is not None:
        record(session, turn, event, **details)
    audit.record(session, "enrolment_completed", clinic_id=clinic.id, patient_label=patient.label,
                 actor=ACTOR, invite_id=flow.invite_id, area=flow.area, sessions=count,
                 booked=bool(times), flagged=bool(flow.flags))
    await sync_course_messages(session, turn.svc, course.id)
    return Enrolled(patient, course, times)


async def _refused(turn: Turn, reason: str) -> None:
    async with turn.svc.db.session() as session:
        await chat_state.clear(session, turn.chat_id, FLOW)
        record(session, turn, "enrolment_refused", reason=reason)
    clinic = turn.clinic
    await send(turn, turn.t(reason, clinic_name=clinic.name, phone=clinic.contact.phone))


def describe(turn: Turn, duration: IsoDuration) -> str:
    """A duration in words: "4 weeks", "1 month 2 weeks", "6 horas"."""
    return " ".join(turn.t(f"unit_{unit}", count=count) for unit, count in duration_parts(duration))


def describe_all(turn: Turn, durations: Sequence[IsoDuration]) -> str:
    """Several offsets in the clinic's configured order: "2 days and 2 hours"."""
    return format_list([describe(turn, d) for d in durations], locale=turn.flow.language)


def plan_texts(turn: Turn, enrolled: Enrolled, preface: str | None) -> list[str]:
    """The course plan (sessions, what the bot sends) and the aftercare basics."""
    clinic, language = turn.clinic, turn.flow.language
    area = enrolled.course.area
    protocol = clinic.protocol(area)
    count, interval = enrolled.course.planned_sessions, describe(turn, protocol.interval)
    head = turn.t("enrolled", name=enrolled.patient.first_name or "",
                  area=clinic.area_name(area, language), clinic_name=clinic.name)
    if enrolled.times:
        lines = [turn.t("session_line", number=number, when=format_when(at, turn.zone, language))
                 for number, at in enumerate(enrolled.times, start=1)]
        zone = zone_label(enrolled.patient.timezone, enrolled.times[0])
        sessions = "\n".join([turn.t("plan_sessions", count=count, interval=interval), *lines,
                              "", turn.t("plan_sessions_note", zone=zone)])
    else:
        sessions = turn.t("plan_unbooked", count=count, interval=interval)
    plan = "\n\n".join(part for part in (preface, head, sessions, _sends(turn, area)) if part)
    contact = clinic.contact_in(turn.flow.language)
    basics = "\n\n".join(part for part in (
        turn.t("expect"), turn.common("disclaimer_extra"), turn.t("commands"),
        turn.common("contact", phone=contact.phone, hours=contact.hours,
                    after_hours=contact.after_hours, emergency=clinic.emergency_number),
    ) if part)
    return [plan, basics]


def _sends(turn: Turn, area: str) -> str:
    protocol, quiet = turn.clinic.protocol(area), turn.clinic.quiet_hours
    lines = [turn.t("plan_sends")]
    for key, offsets in (("plan_reminders", protocol.reminders_before),
                         ("plan_checkins", protocol.checkins_after),
                         ("plan_followups", protocol.followups_after_last)):
        if offsets:
            lines.append(turn.t(key, offsets=describe_all(turn, offsets)))
    language = turn.flow.language
    lines.append(turn.t("plan_quiet", start=format_time(quiet.start, "short", locale=language),
                        end=format_time(quiet.end, "short", locale=language)))
    return "\n".join(lines)
