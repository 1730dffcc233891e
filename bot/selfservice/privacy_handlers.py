"""``/stop``, ``/delete`` and ``/export``: leaving, erasure and a copy of one's data.

/stop and /delete ask first (two buttons); the "yes" button of /stop names
the enrolment it was offered for, so a press on an old prompt after
re-enrolling cannot stop the new course. /delete and /export work for a
patient who already stopped, because their data is still held (policy in
``bot.selfservice.privacy``).
"""

from __future__ import annotations

import json

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot.core import audit, chat_state
from bot.core.callbacks import Action, decode, encode
from bot.core.models import Patient
from bot.core.services import services
from bot.courses import course_ops
from bot.ptb.commands_menu import clear_patient_menu
from bot.selfservice import privacy
from bot.selfservice.support import Ask, ask_for, enrolled, expired, reply, retire_prompt, tell_staff


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ask = await enrolled(update, context)
    if ask is None or ask.patient is None:
        return
    buttons = [[(ask.t("stop_yes"), encode(Action.STOP, "yes", ask.patient.id or 0)),
                (ask.t("stop_no"), encode(Action.STOP, "no"))]]
    await reply(ask, ask.t("stop_prompt"), buttons)


async def stop_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    callback = decode(query.data if query else None)
    ask = await ask_for(update, context)
    if query is None or callback is None or callback.arg(0) not in ("yes", "no"):
        await expired(update, context)
        return
    if callback.arg(0) == "yes" and (ask.patient is None or ask.patient.id != callback.int_arg(1)):
        await expired(update, context)
        return
    await query.answer()
    await retire_prompt(update)
    if callback.arg(0) == "no":
        await reply(ask, ask.t("stop_kept"))
        return
    await _stop(ask)


async def _stop(ask: Ask) -> None:
    """Cancel everything pending, mark the enrolment stopped, tell the patient and the staff."""
    assert ask.patient is not None and ask.patient.id is not None
    async with ask.svc.db.session() as session:
        row = await session.get(Patient, ask.patient.id)
        assert row is not None
        cancelled = await course_ops.stop_patient(session, ask.svc, row, actor="patient")
        await chat_state.clear(session, ask.chat_id)
    await reply(ask, ask.t("stop_done"))
    await tell_staff(ask.svc, ask, ask.clinic, "staff_stopped", label=ask.patient.label, count=cancelled)


async def _holder(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[Ask, list[Patient], bool]:
    """The asking user's enrolments that hold data (any status but deleted) and chat state."""
    ask = await ask_for(update, context)
    async with ask.svc.db.session() as session:
        held = await privacy.user_patients(session, ask.user_id)
        state = await chat_state.get(session, ask.chat_id)
    if held and ask.patient is None:
        ask.language = held[0].language
        ask.patient, ask.clinic = held[0], ask.svc.clinics.get(held[0].clinic_id)
    return ask, held, state is not None


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ask, held, has_state = await _holder(update, context)
    if not held and not has_state:
        await reply(ask, ask.t("no_data"))
        return
    buttons = [[(ask.t("delete_yes"), encode(Action.DELETE, "yes"))],
               [(ask.t("delete_no"), encode(Action.DELETE, "no"))]]
    await reply(ask, ask.t("delete_prompt"), buttons)


async def delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    callback = decode(query.data if query else None)
    if query is None or callback is None or callback.arg(0) not in ("yes", "no"):
        await expired(update, context)
        return
    ask, held, has_state = await _holder(update, context)
    await query.answer()
    await retire_prompt(update)
    if callback.arg(0) == "no":
        await reply(ask, ask.t("delete_kept"))
    elif not held and not has_state:
        await reply(ask, ask.t("no_data"))
    else:
        await _erase(ask, held)


async def _erase(ask: Ask, held: list[Patient]) -> None:
    """Erase (policy in ``bot.selfservice.privacy``), then confirm and tell each clinic by label only."""
    clinics = {p.clinic_id: ask.svc.clinics.get(p.clinic_id) for p in held}
    async with ask.svc.db.session() as session:
        erased = await privacy.erase_user(session, ask.user_id, ask.chat_id, ask.now)
    await ask.svc.db.forget_erased()  # SQLite's WAL still holds the erased rows' old pages
    await reply(ask, ask.t("delete_done"))
    for item in erased:
        await tell_staff(ask.svc, ask, clinics.get(item.clinic_id), "staff_deleted", label=item.label)
    await clear_patient_menu(ask.context.bot, ask.chat_id)


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/export``: a JSON file with everything held about the user, sent as a document."""
    svc = services(context)
    ask, held, _has_state = await _holder(update, context)
    async with svc.db.session() as session:
        data = await privacy.export_user(session, ask.user_id, ask.chat_id, ask.now)
        for patient in held:
            audit.record(session, "data_exported", clinic_id=patient.clinic_id, patient_label=patient.label,
                         actor="patient")
    if data is None:
        await reply(ask, ask.t("no_data"))
        return
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    filename = f"aftercare-data-{ask.now:%Y-%m-%d}.json"
    await context.bot.send_document(ask.chat_id, InputFile(body, filename=filename),
                                    caption=ask.t("export_caption"), parse_mode="HTML")

