"""What a patient sends that the bot cannot read (photo, voice note, video, file), passed on to the staff chat.

Nothing is downloaded: the bot sends Telegram's file id again (``sendPhoto``,
``sendVoice``... with the id), with a caption naming the patient's label and
what the bot made of the words sent with it. A file id outlives the
patient's message, so a retry works after the patient deleted it, and the
caption is the bot's own in one message (``copyMessage`` would keep the
patient's caption or none). A video note takes no caption: its heading is
posted first and the video note replies to it.

The relay is a ``scheduled_message`` row (``relay:<media id>``, kind
``relay``), written with the file before the patient is told anything and
sent by the dispatcher, which retries it until it is delivered (the patient
was told a person will look at it) and keeps its claim alive while
Telegram's 20-messages-a-minute limit for a group makes it wait. The row is
held back ``HOLD`` while the caption is read, then released at once: so the
file follows the alert its caption raised, and a crash in between still
delivers it when the hold ends. The update handler never waits for the staff
chat. Texts are rendered at send time from the database, never stored in the
row, so erasing the patient leaves no copy behind.

When the caption raised an alert, the file is posted as a reply to the
alert's first staff post: a nurse sees the photo under the alert she will
acknowledge (Telegram quotes the alert's title above the photo, and a tap
jumps to it), and the photo's own caption says its words raised that alert.
Re-alerts repeat the alert's text; the photo stays with the first post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode

from bot.checkins import alert_queries as alerts
from bot.checkins import alert_texts
from bot.core import audit
from bot.core.clinic_config import Clinic
from bot.core.models import MessageKind, MessageStatus, Patient, PatientMedia, ScheduledMessage
from bot.core.services import Services
from jobs.claims import Due
from jobs.notify import notify_dispatcher_after_commit
from jobs.senders import SendContext, SendResult, Sent

KINDS = ("photo", "video", "video_note", "voice", "audio", "document")
"""What is passed on, in the order a message is looked at (a GIF is an animation, not passed on)."""
WORDS_SHOWN = 300
CAPTION_LIMIT = 1024  # Telegram's, for a photo's or a file's caption
HOLD = timedelta(seconds=30)
"""The longest a file waits for its caption to be read (and any alert posted) before it goes anyway."""


@dataclass(frozen=True)
class Received:
    """A file a patient sent: its kind, Telegram's id for it, the caption, the album it belongs to."""

    kind: str
    file_id: str
    caption: str
    album: str | None


def received(message: Message) -> Received | None:
    """The file in ``message`` that staff can be sent (the largest size of a photo), if any."""
    if message.animation is not None:
        return None
    caption = (message.caption or "").strip()
    album = message.media_group_id
    if message.photo:
        return Received("photo", message.photo[-1].file_id, caption, album)
    for kind in KINDS[1:]:
        attachment = getattr(message, kind, None)
        if attachment is not None:
            return Received(kind, attachment.file_id, caption, album)
    return None


def key(media_id: int) -> str:
    return f"relay:{media_id}"


async def earlier_in_album(session: AsyncSession, patient_id: int, album: str | None) -> bool:
    """Whether another file of the same album came already (the patient is told once per album)."""
    if album is None:
        return False
    statement = select(PatientMedia.id).where(PatientMedia.patient_id == patient_id, PatientMedia.album == album)
    return (await session.exec(statement)).first() is not None


async def store(session: AsyncSession, svc: Services, patient: Patient, got: Received) -> int:
    """The media row and its relay row, held back ``HOLD``; returns the media id."""
    now = svc.clock.now()
    media = PatientMedia(patient_id=patient.id or 0, clinic_id=patient.clinic_id, kind=got.kind,
                         file_id=got.file_id, album=got.album, caption=got.caption or None, received_at=now)
    session.add(media)
    await session.flush()
    media_id = media.id or 0
    held = now + HOLD
    session.add(ScheduledMessage(patient_id=patient.id, clinic_id=patient.clinic_id, kind=MessageKind.RELAY,
                                 dedupe_key=key(media_id), due_at=held, payload={"media_id": media_id}))
    audit.record(session, "media_received", clinic_id=patient.clinic_id, patient_label=patient.label,
                 actor="patient", media=media_id, kind=got.kind, caption=bool(got.caption))
    notify_dispatcher_after_commit(session, svc, held)
    return media_id


async def release(svc: Services, media_id: int, checkin_id: int | None = None, level: str | None = None) -> None:
    """Send the file now, with what its caption came to (its triage, the report it made) if it had one."""
    now = svc.clock.now()
    async with svc.db.session() as session:
        media = await session.get(PatientMedia, media_id)
        if media is not None and level is not None:
            media.check_in_id, media.caption_level = checkin_id, level
        await session.exec(update(ScheduledMessage)
                           .where(col(ScheduledMessage.dedupe_key) == key(media_id))
                           .where(col(ScheduledMessage.status) == MessageStatus.PENDING)
                           .where(col(ScheduledMessage.due_at) > now)
                           .values(due_at=now))
        notify_dispatcher_after_commit(session, svc, now)


async def send_relay(svc: Services, bot: Bot, due: Due) -> int:
    """Post one relay row's file in the staff chat; returns the Telegram message id of the file."""
    async with svc.db.session() as session:
        media = await session.get(PatientMedia, int(due.payload.get("media_id", 0)))
        patient = await session.get(Patient, media.patient_id) if media is not None else None
        clinic = svc.clinics.get(media.clinic_id) if media is not None else None
        if media is None or patient is None or clinic is None:
            raise LookupError(f"relay {due.id} has no file, patient or clinic")
        raised = await alerts.for_checkin(session, media.check_in_id) if media.check_in_id else []
        posts = await alerts.staff_posts(session, raised[-1].id or 0) if raised else []
        caption = staff_caption(svc, clinic, patient.label, media, alerted=bool(raised))
    reply = (ReplyParameters(posts[0].telegram_message_id, allow_sending_without_reply=True)
             if posts and posts[0].telegram_message_id else None)
    message_id = await _post(bot, clinic.staff.chat_id, media, caption, reply)
    async with svc.db.session() as session:
        audit.record(session, "media_passed_on", clinic_id=media.clinic_id, patient_label=patient.label,
                     media=media.id, kind=media.kind, alert=raised[-1].id if raised else None)
    return message_id


def staff_caption(svc: Services, clinic: Clinic, label: str, media: PatientMedia, *, alerted: bool) -> str:
    """Who sent what, and what the bot made of the words with it (in the staff chat's language)."""
    language = alert_texts.staff_language(clinic)

    def m(name: str, **params: object) -> str:
        return svc.text(f"media.{name}", language, clinic, **params)

    lines = [m(f"staff_{media.kind}", label=label)]
    if not media.caption:
        lines.append(m("staff_no_caption"))
        return "\n".join(lines)
    if media.caption_level is not None:
        level = svc.text(f"staff.level_{media.caption_level}", language, clinic)
        lines.append(m("staff_caption_alert" if alerted else "staff_caption", level=level))
    lines.append(m("staff_words", value=media.caption[:WORDS_SHOWN]))
    caption = "\n".join(lines)
    return caption if len(caption) <= CAPTION_LIMIT else lines[0]  # long clinic texts: the heading still goes


async def _post(bot: Bot, chat_id: int, media: PatientMedia, caption: str, reply: ReplyParameters | None) -> int:
    """One Bot API call per kind, by file id; a video note (no caption) replies to its heading."""
    if media.kind == "video_note":
        heading = await bot.send_message(chat_id, caption, parse_mode=ParseMode.HTML, reply_parameters=reply)
        under = ReplyParameters(heading.message_id, allow_sending_without_reply=True)
        return (await bot.send_video_note(chat_id, media.file_id, reply_parameters=under)).message_id
    send = {"photo": bot.send_photo, "video": bot.send_video, "voice": bot.send_voice, "audio": bot.send_audio,
            "document": bot.send_document}[media.kind]
    sent = await send(chat_id, media.file_id, caption=caption, parse_mode=ParseMode.HTML,  # type: ignore[operator]
                      reply_parameters=reply)
    return int(sent.message_id)


async def send_relay_row(ctx: SendContext) -> SendResult:
    """The dispatcher's sender for ``relay`` rows."""
    return Sent(await send_relay(ctx.services, ctx.bot, ctx.message))

