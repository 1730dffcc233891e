"""From a patient's answers to what happens next: triage, the reply, the sooner check-in, the alert.

One path for every kind of report (check-in buttons, a follow-up, a note,
free text), so the outcomes of docs/CLINICAL.md cannot drift apart:

| level     | patient                                             | also                                  |
|-----------|-----------------------------------------------------|---------------------------------------|
| ok        | reassurance, the day's aftercare advice             | level stored (history)                |
| watch     | thanks, how to reach the clinic, when we ask again  | extra CHECKIN row after               |
|           |                                                     | ``timing.watch_recheck_after``        |
| urgent    | "contact your provider today" + phone, hours, after | Alert to staff at once                |
| emergency | "call <emergency number> now" first, provider next  | Alert to staff at once, emergency     |

Urgent and emergency go through ``bot.checkins.escalation`` (retried until delivered);
ok and watch are ordinary replies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot
from telegram.constants import ParseMode

from bot.checkins import alert_queries as alerts
from bot.checkins import escalation
from bot.checkins import queries as checkins
from bot.checkins.queries import CheckInKind, CheckInStatus
from bot.checkins.views import Texts, contact_params, known_signs
from bot.core import audit, metrics
from bot.core.clinic_config import Clinic
from bot.core.models import CheckIn, MessageKind, Patient, ScheduledMessage
from bot.core.services import Services
from bot.core.triage_wordings import clinic_wordings
from bot.domain.quiet_hours import next_allowed
from bot.domain.triage import Level, Report, Swelling, Thresholds, TriageResult, triage
from jobs.notify import notify_dispatcher_after_commit
from messages.render import format_when


async def assess(session: AsyncSession, svc: Services, checkin: CheckIn, patient: Patient,
                 about: checkins.About | None = None) -> TriageResult:
    """Triage everything the row holds: buttons, ticked signs and any text.

    ``about`` is passed by a caller that has already read it this transaction.
    """
    clinic = svc.clinics.get(patient.clinic_id)
    if about is None:
        about = await checkins.about(session, checkin)
    report = Report(
        soreness=checkin.soreness,
        swelling=Swelling(checkin.swelling) if checkin.swelling in set(Swelling) else None,
        checked=frozenset(known_signs(checkin.signs)),
        text=checkin.note or None,
        language=patient.language,
        hours_since_injection=about.hours_since(svc.clock.now()),
        previous_soreness=await checkins.previous_soreness(session, checkin),
    )
    return triage(report, clinic.triage.thresholds() if clinic else Thresholds(), clinic_wordings(clinic))


def verdict(checkin: CheckIn, result: TriageResult, now: datetime) -> dict[str, Any]:
    """The columns a triaged report stores: its level, the signs matched, when it was answered, its status."""
    values: dict[str, Any] = {"level": str(result.level), "matched": [sign.value for sign in result.signs],
                              "answered_at": checkin.answered_at or now}
    if checkin.status == CheckInStatus.OPEN:
        values["status"] = CheckInStatus.ANSWERED
    return values


def is_news(checkin: CheckIn, result: TriageResult) -> bool:
    """Whether storing ``result`` on ``checkin`` (as read) makes a report: a first answer or a new level.

    A note that leaves the level as it was is not a second report.
    """
    return checkin.answered_at is None or checkin.level != str(result.level)


def report_received(session: AsyncSession, checkin: CheckIn, patient: Patient, result: TriageResult) -> None:
    """Audit and count a report: its kind and level, never its content."""
    audit.record(session, "report_received", clinic_id=patient.clinic_id, patient_label=patient.label,
                 actor="patient", kind=checkin.kind, triage=str(result.level), checkin=checkin.id)
    metrics.observe_checkin(str(result.level))


async def record(session: AsyncSession, svc: Services, checkin: CheckIn, patient: Patient,
                 result: TriageResult) -> None:
    """Store the level and signs of a stored check-in (one UPDATE), audit and count it; ``checkin`` shows them."""
    news = is_news(checkin, result)
    values = verdict(checkin, result, svc.clock.now())
    await checkins.store(session, checkin.id or 0, **values)
    for name, value in values.items():  # as stored, so a copy the session holds is not written twice
        set_committed_value(checkin, name, value)
    if news:
        report_received(session, checkin, patient, result)


async def respond(
    svc: Services, bot: Bot, checkin_id: int, patient: Patient, result: TriageResult, *, lead: str | None = None,
    known: tuple[CheckIn, checkins.About] | None = None,
) -> None:
    """Tell the patient the outcome (and staff, for urgent and emergency).

    ``known`` is the committed row and what it is about, from a caller that
    has just stored the answer: an ok outcome then needs no database session
    (one fewer per finished check-in under load, ``bench/load.py``). A watch
    outcome still opens one to schedule the re-check.
    """
    if result.escalates:
        await escalation.raise_alert(svc, bot, checkin_id, result.level, result.signs)
        return
    clinic = svc.clinics.get(patient.clinic_id)
    if patient.chat_id is None:
        return
    if known is not None and result.level != Level.WATCH:
        checkin, about = known
        recheck_at = None
    else:
        async with svc.db.session() as session:
            found = await session.get(CheckIn, checkin_id)
            if found is None:
                return
            checkin, about = found, await checkins.about(session, found)
            recheck_at = None
            if result.level == Level.WATCH:
                recheck_at = await schedule_recheck(session, svc, checkin, patient, clinic)
    text = outcome_text(svc, clinic, patient, checkin, result.level, about.days_since(
        svc.clock.now(), ZoneInfo(patient.timezone)), recheck_at, lead=lead)
    await bot.send_message(patient.chat_id, text, parse_mode=ParseMode.HTML)


def outcome_text(
    svc: Services, clinic: Clinic | None, patient: Patient, checkin: CheckIn, level: Level,
    days: int | None, recheck_at: datetime | None, *, lead: str | None = None,
) -> str:
    """The outcome for ``level`` (ok or watch) and the day's aftercare advice, after ``lead`` if given.

    A check-in's own message, edited into its summary, already ends "your
    answers are saved", so the outcome does not thank again; a follow-up's
    says what the answers are for.
    """
    t = Texts(svc, clinic, patient.language)
    followup = checkin.kind == CheckInKind.FOLLOWUP
    parts = [lead if lead is not None else t("followup_thanks") if followup else ""]
    if level == Level.WATCH:
        when = format_when(recheck_at, ZoneInfo(patient.timezone), patient.language) if recheck_at else ""
        parts.append(t("outcome_watch", when=when, **contact_params(clinic, patient.language)))
    elif not followup:
        parts.append(t("outcome_ok"))
    parts.append(advice(t, days, followup))
    return "\n\n".join(part for part in parts if part)


def advice(t: Texts, days: int | None, followup: bool = False) -> str:
    """The day's aftercare advice: rest from strenuous activity early on, always gentle movement."""
    if followup or (days is not None and days >= 7):
        return t("advice_later")
    if days is None or days <= 2:
        return t("advice_early")
    return t("advice_settling")


async def schedule_recheck(
    session: AsyncSession, svc: Services, checkin: CheckIn, patient: Patient, clinic: Clinic | None,
) -> datetime | None:
    """The extra, sooner check-in after a watch answer: one CHECKIN row, out of quiet hours."""
    if clinic is None:
        return None
    zone = ZoneInfo(patient.timezone)
    due = next_allowed(clinic.timing.watch_recheck_after.apply(svc.clock.now(), zone), clinic.quiet_hours, zone)
    row = ScheduledMessage(
        patient_id=patient.id, clinic_id=patient.clinic_id, session_id=checkin.session_id,
        kind=MessageKind.CHECKIN, dedupe_key=f"checkin:{checkin.id}:recheck", due_at=due,
        payload={"recheck_of": checkin.id},
    )
    if await alerts.insert_message(session, row):
        notify_dispatcher_after_commit(session, svc, due)
        audit.record(session, "recheck_scheduled", clinic_id=patient.clinic_id, patient_label=patient.label,
                     checkin=checkin.id, due_at=due.isoformat())
    return due
