"""Photos, voice notes, videos and files from patients; stickers, GIFs, locations and the like.

Everything a patient sends is read as far as the bot can:

- The caption of a photo, video, voice note or file is a report exactly like
  typed text (``notes.read_words``: the same triage with the clinic's
  wordings and context rules, the same answer, alert and escalation), also
  when the chat is in the middle of a conversation: the conversation stays
  where it was, as after a red flag typed at a prompt. An edited caption is
  read again, as an edited message is.
- The file goes to the staff chat by its Telegram file id, tied to the alert
  its caption raised (``bot.checkins.relay``); nothing is downloaded.
- The patient is told a person will look at it (once for photos sent
  together) and how to reach the clinic now if it is urgent.
- Stickers, GIFs, locations, contacts, polls and dice carry nothing staff can
  act on: the text-only reply, with the clinic's contact line.

Someone not enrolled gets what typed text would get them: the emergency
pointer for red-flag words in a caption, else the text-only reply. Nothing of
theirs is passed on: the bot does not know their clinic.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.checkins import notes, relay
from bot.checkins.relay import Received
from bot.checkins.views import contact_params
from bot.core import chat_state
from bot.core.logging import bind_patient, get_logger
from bot.core.models import Patient
from bot.core.services import Services, services
from bot.core.triage_wordings import urgent_by_any_clinic
from bot.domain.triage import Level
from bot.ptb import fallbacks
from bot.ptb.chat import current_patient, reply_language

log = get_logger("aftercare.media")

FILES = (filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE | filters.VOICE | filters.AUDIO
         | (filters.Document.ALL & ~filters.ANIMATION))
NO_WORDS = (filters.Sticker.ALL | filters.ANIMATION | filters.LOCATION | filters.VENUE | filters.CONTACT
            | filters.POLL | filters.Dice.ALL | filters.STORY)
NEW = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
EDITED = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE


def media_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Files, edited captions, then things without words; wired before the catch-alls."""
    return [
        MessageHandler(NEW & FILES, on_media),
        MessageHandler(EDITED & filters.CAPTION & FILES, on_edited_caption),
        MessageHandler(NEW & NO_WORDS, on_no_words),
    ]


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: tell the patient, read its caption as a report, then pass it on to staff."""
    message = update.effective_message
    got = relay.received(message) if message is not None else None
    if message is None or got is None:
        return
    svc = services(context)
    patient = await current_patient(update, context)
    if patient is None or patient.chat_id is None:
        await _not_enrolled(update, context, got.caption, quiet=False)
        return
    bind_patient(patient.clinic_id, patient.label)
    async with svc.db.session() as session:
        told = await relay.earlier_in_album(session, patient.id or 0, got.album)
        media_id = await relay.store(session, svc, patient, got)
    checkin_id, level = None, None
    try:
        if not told:
            await _tell_patient(svc, message, patient, got)
        if got.caption:
            heard = await notes.read_words(svc, context, message, patient, got.caption)
            checkin_id = heard.checkin_id if heard is not None else None
            level = str(heard.level if heard is not None and heard.level is not None else Level.OK)  # no sign in it
    finally:  # whatever became of the words, the file goes now (after any alert, so it can reply to it)
        await relay.release(svc, media_id, checkin_id, level)


async def on_edited_caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A caption changed after sending: read again like an edited message (the file is not sent again)."""
    message = update.effective_message
    caption = (message.caption or "").strip() if message is not None else ""
    if message is None or not caption:
        return
    patient = await current_patient(update, context)
    if patient is None or patient.chat_id is None:
        await _not_enrolled(update, context, caption, quiet=True)
        return
    bind_patient(patient.clinic_id, patient.label)
    await notes.read_words(services(context), context, message, patient, caption)


async def on_no_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, GIF, location, contact...: ask for words, with the clinic's contact line."""
    message = update.effective_message
    if message is None:
        return
    patient = await current_patient(update, context)
    if patient is None:
        await fallbacks.non_text(update, context)
        return
    svc = services(context)
    clinic = svc.clinics.get(patient.clinic_id)
    await message.reply_html(svc.text("media.text_only", patient.language, clinic,
                                      **contact_params(clinic, patient.language)))


async def _tell_patient(svc: Services, message: Message, patient: Patient, got: Received) -> None:
    """A person will look at it, and how to reach the clinic now; a failure here must not stop the triage."""
    clinic = svc.clinics.get(patient.clinic_id)

    def m(name: str, **params: object) -> str:
        return svc.text(f"media.{name}", patient.language, clinic, **params)

    parts = [m(f"passed_{got.kind}"), m("reach_now", **contact_params(clinic, patient.language))]
    if not got.caption:
        parts.append(m("in_words"))
    try:
        await message.reply_html("\n\n".join(parts))
    except TelegramError as exc:
        log.warning("media_reply_failed", kind=got.kind, error=type(exc).__name__)


async def _not_enrolled(update: Update, context: ContextTypes.DEFAULT_TYPE, caption: str, *, quiet: bool) -> None:
    """No live enrolment: the emergency pointer for red-flag words, else (unless ``quiet``) the text-only reply.

    Mid-enrolment the pointer is the one a red flag typed at a prompt gets,
    which says the questions can go on afterwards.
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    svc = services(context)
    language = await reply_language(update, context)
    async with svc.db.session() as session:
        state = await chat_state.get(session, chat.id)
    said_in = str(state.data.get("language") or language) if state is not None else language
    if caption and urgent_by_any_clinic(svc.clinics, caption, said_in):
        key = "common.red_flag_not_enrolled" if state is not None else "common.red_flag_no_patient"
    elif quiet:
        return
    else:
        key = "common.text_only"
    await message.reply_html(svc.text(key, language))
