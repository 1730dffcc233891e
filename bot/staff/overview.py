"""``/patients``, ``/patient LABEL`` and ``/alerts``: what staff read about their patients.

The data comes from ``bot.staff.staff_views`` (plain dataclasses shared with the CLI
and the web console); this module only phrases it. Staff chats may show
health data (answers, signs, notes); every read is an audit event naming the
staff member, so the clinic can see who looked at whom.
"""

from __future__ import annotations

import asyncio

from bot.core import audit
from bot.core.callbacks import Action, Callback, encode
from bot.core.charts import ChartLabels, render_chart
from bot.staff import staff_views
from bot.staff.access import Buttons, StaffTurn, joined
from bot.staff.staff_actions import StaffError, label_of
from bot.staff.staff_views import (
    AlertView,
    CheckInView,
    MediaView,
    PatientRow,
    SessionView,
    Timeline,
    TimelineEntry,
)
from messages.render import Safe

PAGE_SIZE = 8
PAGE_OP = "pg"
TIMELINE_ENTRIES = 30
TELEGRAM_LIMIT = 4096
MAX_ALERT_MESSAGES = 10
LEVEL_ICONS = {"emergency": "🚨", "urgent": "⚠️"}


# --- /patients -------------------------------------------------------------------------


async def patients(turn: StaffTurn) -> None:
    """The first page of active patients, with Prev/Next buttons when there are more."""
    text, buttons = await _patients_page(turn, 0)
    await turn.reply(text, buttons)


async def patients_page(turn: StaffTurn, callback: Callback) -> None:
    """A Prev/Next press: the same message now shows the requested page."""
    text, buttons = await _patients_page(turn, callback.int_arg(2) or 0)
    await turn.edit(text, buttons)
    query = turn.update.callback_query
    if query is not None:
        await query.answer()


async def _patients_page(turn: StaffTurn, number: int) -> tuple[str, Buttons]:
    async with turn.svc.db.session() as session:
        rows = await staff_views.patient_rows(session, turn.clinic.id)
        audit.record(session, "staff_patients_viewed", clinic_id=turn.clinic.id, actor=turn.actor,
                     page=number, total=len(rows))
    if not rows:
        return turn.t("patients_empty"), []
    page = staff_views.paginate(rows, number, PAGE_SIZE)
    head = turn.t("patients_title", clinic_name=turn.clinic.name, total=page.total, page=page.number + 1,
                  pages=page.pages)
    text = "\n\n".join([head, *(_row_text(turn, row) for row in page.items)])
    nav: list[tuple[str, str]] = []
    if page.has_prev:
        nav.append((turn.t("prev"), encode(Action.STAFF, PAGE_OP, turn.clinic.id, page.number - 1)))
    if page.has_next:
        nav.append((turn.t("next"), encode(Action.STAFF, PAGE_OP, turn.clinic.id, page.number + 1)))
    return text, [nav] if nav else []


def _row_text(turn: StaffTurn, row: PatientRow) -> str:
    lines = [turn.t("patient_row", label=row.label, status=turn.label_text("status_", row.status),
                    area=turn.area_name(row.area), done=row.sessions_done, planned=row.sessions_planned)]
    details = [turn.t("row_next", number=row.next_session_number, when=turn.when(row.next_session_at))
               if row.next_session_at is not None and row.next_session_number is not None
               else turn.t("row_no_next")]
    if row.last_checkin_at is not None:
        details.append(turn.t("row_last", when=turn.when(row.last_checkin_at),
                              level=turn.label_text("level_", row.last_checkin_level or "none")))
    else:
        details.append(turn.t("row_no_checkin"))
    lines.append("   " + " · ".join(details))
    attention = [turn.t("row_alerts", count=row.open_alerts)] if row.open_alerts else []
    if row.flags:
        attention.append(turn.t("row_flags", flags=", ".join(turn.label_text("flag_", f) for f in row.flags)))
    if attention:
        lines.append("   " + " · ".join(attention))
    return "\n".join(lines)


# --- /patient LABEL ----------------------------------------------------------------------


async def patient(turn: StaffTurn) -> None:
    """The patient's timeline as text, then the soreness/swelling chart as a photo."""
    if len(turn.args) != 1:
        raise StaffError("usage_patient", example=turn.example_label)
    label = label_of(turn.args[0])
    async with turn.svc.db.session() as session:
        found = await staff_views.timeline(session, turn.clinic.id, label)
        if found is None or found.status == "deleted":
            raise StaffError("unknown_patient", label=label)
        audit.record(session, "staff_patient_viewed", clinic_id=turn.clinic.id, patient_label=found.label,
                     actor=turn.actor)
    await turn.reply(timeline_text(turn, found))
    await send_chart(turn, found)


async def send_chart(turn: StaffTurn, found: Timeline) -> None:
    """The chart (drawn in a worker thread), or a line saying there is nothing to draw yet."""
    points = found.chart_points()
    if not points:
        await turn.reply(turn.t("chart_none"))
        return
    labels = chart_labels(turn, found.label)
    image = await asyncio.to_thread(render_chart, found.chart_data(labels, turn.language))
    caption = turn.t("chart_caption", label=found.label, count=len(points), sessions=image.session_lines)
    await turn.photo(image.png, caption)


def chart_labels(turn: StaffTurn, label: str) -> ChartLabels:
    levels = tuple(turn.t(f"swelling_{name}") for name in ("none", "mild", "moderate", "severe"))
    return ChartLabels(title=turn.t("chart_title", label=label), soreness=turn.t("chart_soreness"),
                       swelling=turn.t("chart_swelling"), swelling_levels=(levels[0], levels[1], levels[2], levels[3]),
                       session=turn.t("chart_session", number="{number}"))


def timeline_text(turn: StaffTurn, found: Timeline) -> str:
    """Header, screening flags, then the newest entries; older ones are counted to fit one message."""
    done = sum(1 for s in found.sessions if s.status == "done")
    head = [turn.t("patient_title", label=found.label, status=turn.label_text("status_", found.status),
                   area=turn.area_name(found.area), done=done, planned=found.planned_sessions)]
    if found.flags:
        head.append(turn.t("patient_flags", flags=", ".join(turn.label_text("flag_", f) for f in found.flags)))
    head += ["", turn.t("timeline_title")]
    entries = found.entries()
    if not entries:
        return "\n".join([*head, turn.t("timeline_empty")])
    shown = entries[-TIMELINE_ENTRIES:]
    while True:
        earlier = len(entries) - len(shown)
        more = [turn.t("timeline_more", count=earlier)] if earlier else []
        text = "\n".join([*head, *more, *(_entry_text(turn, entry) for entry in shown)])
        if len(text) <= TELEGRAM_LIMIT or len(shown) <= 1:
            return text  # one entry is at most a few hundred characters (notes are cut to 300)
        shown = shown[1:]


def _entry_text(turn: StaffTurn, entry: TimelineEntry) -> str:
    item = entry.item
    when = turn.when(entry.at)
    if isinstance(item, SessionView):
        status = turn.label_text("session_", item.status)
        return turn.t("timeline_session", when=when, number=item.number, status=status)
    if isinstance(item, CheckInView):
        return _checkin_text(turn, item, when)
    if isinstance(item, MediaView):
        return turn.t("timeline_media", when=when, what=Safe(media_sent(turn, item)),
                      triage=Safe(media_triage(turn, item)))
    return _alert_text(turn, item, when)


def media_sent(turn: StaffTurn, item: MediaView) -> str:
    """"photo sent": what the patient sent, in the reader's words."""
    return turn.t("media_sent", kind=turn.label_text("media_", item.kind))


def media_triage(turn: StaffTurn, item: MediaView) -> str:
    """What the bot made of the caption: its triage level, or that there was none to read."""
    if item.caption_level is None:
        return turn.t("media_not_read")
    return turn.t("media_caption", level=turn.label_text("level_", item.caption_level))


def _checkin_text(turn: StaffTurn, item: CheckInView, when: str) -> str:
    kind = turn.label_text("kind_", item.kind)
    session = Safe(" " + turn.t("timeline_checkin_session", number=item.session_number)) if item.session_number else ""
    if not item.answered:
        return turn.t("timeline_checkin_unanswered", when=when, kind=kind, session=session)
    return turn.t("timeline_checkin", when=when, kind=kind, session=session, answers=answers_text(turn, item),
                  level=turn.label_text("level_", item.level or "none"))


def answers_text(turn: StaffTurn, item: CheckInView) -> Safe:
    parts = []
    if item.soreness is not None:
        parts.append(turn.t("answer_pain" if item.kind == "followup" else "answer_soreness", value=item.soreness))
    if item.swelling:
        parts.append(turn.t("answer_swelling", value=turn.label_text("swelling_", item.swelling)))
    if item.function:
        parts.append(turn.t("answer_function", value=turn.label_text("function_", item.function)))
    if item.signs:
        parts.append(turn.t("answer_signs", value=sign_names(turn, item.signs)))
    if item.note:
        parts.append(turn.t("answer_note", value=item.note[:300]))
    return joined(parts, ", ") if parts else Safe(turn.t("answer_none"))


def sign_names(turn: StaffTurn, signs: tuple[str, ...]) -> str:
    """The staff names of triage signs (from the alert texts); unknown ones as stored."""
    names = [turn.svc.text(f"alerts.sign_{s}", turn.language, turn.clinic)
             if turn.has_text(f"alerts.sign_{s}") else s for s in signs]
    return ", ".join(names)


def _alert_text(turn: StaffTurn, item: AlertView, when: str) -> str:
    state = (turn.t("timeline_alert_acked", when=turn.when(item.acknowledged_at))
             if item.acknowledged_at is not None else turn.t("timeline_alert_open"))
    return turn.t("timeline_alert", when=when, level=turn.label_text("level_", item.level),
                  signs=sign_names(turn, item.signs) or "–", state=Safe(state))


# --- /alerts ---------------------------------------------------------------------------


async def alerts(turn: StaffTurn) -> None:
    """A count, then one message per open alert with its own Acknowledge button."""
    async with turn.svc.db.session() as session:
        found = await staff_views.open_alerts(session, turn.clinic.id)
        audit.record(session, "staff_alerts_viewed", clinic_id=turn.clinic.id, actor=turn.actor, open=len(found))
    if not found:
        await turn.reply(turn.t("alerts_none"))
        return
    await turn.reply(turn.t("alerts_title", count=len(found)))
    for alert in found[:MAX_ALERT_MESSAGES]:
        await turn.reply(alert_card(turn, alert), [[(turn.t("ack_button"), encode(Action.ACK_ALERT, alert.id))]])
    if len(found) > MAX_ALERT_MESSAGES:
        await turn.reply(turn.t("alerts_more", count=len(found) - MAX_ALERT_MESSAGES))


def alert_card(turn: StaffTurn, alert: AlertView) -> str:
    lines = [turn.t("alert_line", icon=LEVEL_ICONS.get(alert.level, "•"), label=alert.label,
                    level=turn.label_text("level_", alert.level).upper(), when=turn.when(alert.at))]
    if alert.signs:
        lines.append(turn.t("alert_signs", signs=sign_names(turn, alert.signs)))
    lines.append(turn.t("alert_details", label=alert.label))
    return "\n".join(lines)

