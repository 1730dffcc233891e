"""The words of an escalation: the patient's "contact your provider / call 911" and the staff alert.

The staff alert also shows where handling stands (acknowledged, taken,
resolved with its outcome, by whom and when) and offers only the buttons that
still apply, so every post of it can be edited to the same state.

Texts are rendered from the database at send time, never stored in a
``ScheduledMessage`` payload: the staff summary carries health data (answers,
the patient's own words), and erasing a patient must not leave copies of it
in the outbox. The staff chat is allowed to see it; logs never are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.checkins import queries as checkins
from bot.checkins.queries import CheckInKind
from bot.checkins.views import Texts, area_name, button_answers, contact_params, known_signs
from bot.core.callbacks import Action, encode
from bot.core.clinic_config import Clinic
from bot.core.models import Alert, AlertOutcome, CheckIn, Patient
from bot.core.services import Services
from bot.domain.triage import Level
from messages.render import Safe, format_clock

TAKE = "take"
RESOLVE = "res"
OUTCOME = "out"
SKIP = "skip"
CANCEL = "no"
"""Operations of ``1:alert:<op>:<alert id>[:<outcome>]`` (the staff chat's Take and Resolve buttons)."""


@dataclass(frozen=True)
class Acknowledgement:
    name: str
    at: datetime


def patient_text(svc: Services, clinic: Clinic | None, language: str, level: str) -> str:
    """Emergency: the emergency number first; urgent: the provider today (docs/CLINICAL.md)."""
    key = "checkin.outcome_emergency" if level == Level.EMERGENCY else "checkin.outcome_urgent"
    return svc.text(key, language, clinic, **contact_params(clinic, language))


def staff_language(clinic: Clinic | None) -> str:
    return clinic.default_language if clinic is not None else "en"


def alert_keyboard(svc: Services, clinic: Clinic | None, alert: Alert) -> InlineKeyboardMarkup | None:
    """What can still be done: Acknowledge (until someone did), Take (until taken), Resolve (until resolved)."""
    if alert.resolved_at is not None:
        return None
    language = staff_language(clinic)
    alert_id = alert.id or 0

    def button(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(svc.text(f"alerts.{key}", language, clinic), callback_data=data)

    row = []
    if alert.acknowledged_at is None:
        row.append(button("ack_button", encode(Action.ACK_ALERT, alert_id)))
    if alert.taken_at is None:
        row.append(button("take_button", encode(Action.ALERT, TAKE, alert_id)))
    row.append(button("resolve_button", encode(Action.ALERT, RESOLVE, alert_id)))
    return InlineKeyboardMarkup([row])


def outcome_name(svc: Services, clinic: Clinic | None, outcome: str | None) -> str:
    return svc.text(f"alerts.outcome_{outcome or AlertOutcome.NO_ACTION}", staff_language(clinic), clinic)


def state_lines(svc: Services, alert: Alert, acknowledged: Acknowledgement | None = None) -> list[str]:
    """Acknowledged / taken / resolved, by whom and when, as the staff chat shows them."""
    clinic = svc.clinics.get(alert.clinic_id)
    language = staff_language(clinic)
    zone = clinic.tz if clinic is not None else ZoneInfo("UTC")
    someone = svc.text("alerts.someone", language, clinic)

    def line(key: str, name: str | None, at: datetime, **params: object) -> str:
        return svc.text(f"alerts.{key}", language, clinic, name=name or someone,
                        time=format_clock(at, zone, language), **params)

    lines = []
    if acknowledged is not None or alert.acknowledged_at is not None:
        name = acknowledged.name if acknowledged is not None else alert.acknowledged_name
        at = acknowledged.at if acknowledged is not None else alert.acknowledged_at
        lines.append(line("acknowledged", name, at or alert.created_at))
    if alert.taken_at is not None:
        lines.append(line("taken", alert.taken_name, alert.taken_at))
    if alert.resolved_at is not None:
        lines.append(line("resolved", alert.resolved_name, alert.resolved_at,
                          outcome=outcome_name(svc, clinic, alert.outcome)))
        if alert.outcome_note:
            lines.append(svc.text("alerts.resolved_note", language, clinic, value=alert.outcome_note[:500]))
    return lines


async def staff_text(
    session: AsyncSession, svc: Services, alert: Alert, *,
    realert: int | None = None, acknowledged: Acknowledgement | None = None,
) -> str:
    """The alert as staff read it: who, where, when, what they answered, which signs matched."""
    clinic = svc.clinics.get(alert.clinic_id)
    language = staff_language(clinic)

    def a(key: str, **params: object) -> str:
        return svc.text(f"alerts.{key}", language, clinic, **params)

    patient = await session.get(Patient, alert.patient_id)
    checkin = await session.get(CheckIn, alert.check_in_id) if alert.check_in_id else None
    label = patient.label if patient is not None else "?"
    title = a("title_emergency" if alert.level == Level.EMERGENCY else "title_urgent", label=label)
    lines = [title] if realert is None else [a("realert", count=realert), title]
    if checkin is not None:
        lines += await _details(session, svc, clinic, language, checkin, patient)
    names = [a(f"sign_{sign.value}") for sign in known_signs(alert.signs)]
    if names:
        lines.append(a("signs", value=", ".join(names)))
    advice_key = "advice_emergency" if alert.level == Level.EMERGENCY else "advice_urgent"
    advice = a(advice_key, emergency=clinic.emergency_number if clinic else "")
    lines.append(a("patient_told", advice=Safe(advice)))
    lines += state_lines(svc, alert, acknowledged)
    return "\n".join(lines)


async def _details(
    session: AsyncSession, svc: Services, clinic: Clinic | None, language: str,
    checkin: CheckIn, patient: Patient | None,
) -> list[str]:
    def a(key: str, **params: object) -> str:
        return svc.text(f"alerts.{key}", language, clinic, **params)

    about = await checkins.about(session, checkin)
    zone = ZoneInfo(patient.timezone) if patient is not None else ZoneInfo("UTC")
    area = area_name(clinic, about, language)
    days = about.days_since(checkin.created_at, zone)
    day = a("day_today") if not days else a("day_n", count=days)
    lines = [a("where", area=area, session=about.session_number, day=Safe(day))
             if about.session_number else a("where_no_session", area=area)]
    source = "source_free_text" if checkin.kind == CheckInKind.FREE_TEXT else "source_checkin"
    lines.append(a(source))
    answers = _answers(Texts(svc, clinic, language), checkin)
    if answers:
        lines.append(a("answers", value=Safe(" · ".join(answers))))
    if checkin.note:
        lines.append(a("message", value=checkin.note[:500]))
    return lines


def _answers(t: Texts, checkin: CheckIn) -> list[str]:
    """Button answers in the staff language; ticked signs by their staff names."""
    parts = button_answers(t, checkin)
    ticked = known_signs(checkin.signs)
    if ticked:
        parts.append(t("answered_signs", value=", ".join(t.sign(sign) for sign in ticked)))
    return parts
