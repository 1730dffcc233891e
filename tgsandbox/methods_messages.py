"""Bot API methods that put content into chats: send, edit, delete, answer callbacks.

Validation order and wording follow Telegram, because bots branch on the
description text ("message is not modified" is routinely swallowed, "bot was
blocked by the user" ends a patient's reminders).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from .core import SandboxCore, api_method
from .errors import ApiError
from .formatting import Parsed, parse_text
from .markup import parse_reply_markup, same_markup
from .models import CAPTION_KINDS, TYPE_NAMES, ChatInfo, Message, StoredFile
from .params import Params

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_OPTION_FIELDS = ("disable_notification", "protect_content")
DEFAULT_MIME = {"photo": "image/jpeg", "voice": "audio/ogg", "audio": "audio/mpeg", "video": "video/mp4",
                "video_note": "video/mp4"}


def _message_text(p: Params) -> tuple[str, Parsed]:
    raw = p.text("text") or ""
    parsed = parse_text(raw, p.text("parse_mode"), p.structured("entities"))
    if not parsed.text.strip():
        raise ApiError.bad_request("message text is empty")
    if len(parsed.text) > TEXT_LIMIT:
        raise ApiError.bad_request("message is too long")
    return raw, parsed


def _caption(p: Params) -> tuple[str, Parsed]:
    raw = p.text("caption") or ""
    parsed = parse_text(raw, p.text("parse_mode"), p.structured("caption_entities"))
    if len(parsed.text) > CAPTION_LIMIT:
        raise ApiError.bad_request("message caption is too long")
    return raw, parsed


def _options(p: Params) -> dict[str, Any]:
    options: dict[str, Any] = {name: p.flag(name) for name in _OPTION_FIELDS if p.has(name)}
    preview = p.structured("link_preview_options")
    if preview is not None:
        options["link_preview_options"] = preview
    if p.has("disable_web_page_preview"):
        options["link_preview_options"] = {"is_disabled": p.flag("disable_web_page_preview")}
    return options


def _reply_to(p: Params, chat: ChatInfo) -> int | None:
    reply = p.structured("reply_parameters")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow = bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = p.integer("reply_to_message_id")
        allow = p.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    target = chat.messages.get(int(message_id))
    if target is None or target.deleted:
        if allow:
            return None
        raise ApiError.bad_request("message to be replied not found")
    return int(message_id)


def _target(core: SandboxCore, p: Params, missing: str) -> Message:
    if p.has("inline_message_id"):
        raise ApiError.bad_request("MESSAGE_ID_INVALID")
    chat = core.state.writable_chat(p.chat_id())
    message_id = p.integer("message_id")
    if message_id is None:
        raise ApiError.bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise ApiError.bad_request(missing)
    return message


@api_method("sendMessage", send=True)
async def send_message(core: SandboxCore, p: Params) -> Any:
    chat = core.state.writable_chat(p.chat_id())
    raw, parsed = _message_text(p)
    markup = parse_reply_markup(p.structured("reply_markup"))
    reply_to = _reply_to(p, chat)
    core.admit(chat.id)
    message = core.state.add_message(
        chat,
        core.state.bot,
        from_bot=True,
        text=parsed.text,
        html=raw,
        method="sendMessage",
        parse_mode=p.text("parse_mode"),
        entities=parsed.entities,
        reply_markup=markup,
        reply_to_message_id=reply_to,
        options=_options(p),
    )
    return message.to_api()


def _input_file(core: SandboxCore, p: Params, field: str, *, default_mime: str) -> StoredFile:
    upload = p.files.get(field)
    value = p.text(field)
    if upload is None and value and value.startswith("attach://"):
        upload = p.files.get(value.removeprefix("attach://"))
    if upload is not None:
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or default_mime
        return core.state.store_file(upload.data, filename=upload.filename or field, mime_type=mime, type=field)
    if not value:
        raise ApiError.bad_request(f"there is no {field} in the request")
    if value in core.state.files:
        return _reusable(core.state.files[value], field)
    if value.startswith(("http://", "https://")):
        return core.state.store_file(None, filename=value.rsplit("/", 1)[-1] or None, url=value, type=field)
    raise ApiError.bad_request("wrong file identifier/HTTP URL specified")


def _reusable(stored: StoredFile, kind: str) -> StoredFile:
    """A file id is sent again as what it is: a photo's id cannot become a voice note."""
    if stored.type is not None and stored.type != kind:
        raise ApiError.bad_request(
            f"can't use file of type {TYPE_NAMES.get(stored.type, stored.type)} as {TYPE_NAMES.get(kind, kind)}")
    return stored


async def _send_file(core: SandboxCore, p: Params, kind: str, method: str) -> Any:
    chat = core.state.writable_chat(p.chat_id())
    stored = _input_file(core, p, kind, default_mime=DEFAULT_MIME.get(kind, "application/octet-stream"))
    raw, parsed = _caption(p) if kind in CAPTION_KINDS else ("", Parsed("", []))
    markup = parse_reply_markup(p.structured("reply_markup"))
    reply_to = _reply_to(p, chat)
    core.admit(chat.id)
    message = core.state.add_message(
        chat,
        core.state.bot,
        from_bot=True,
        kind=kind,
        text=parsed.text,
        html=raw,
        method=method,
        parse_mode=p.text("parse_mode"),
        entities=parsed.entities,
        reply_markup=markup,
        file=stored,
        reply_to_message_id=reply_to,
        options=_options(p),
    )
    return message.to_api()


@api_method("sendPhoto", send=True)
async def send_photo(core: SandboxCore, p: Params) -> Any:
    return await _send_file(core, p, "photo", "sendPhoto")


@api_method("sendDocument", send=True)
async def send_document(core: SandboxCore, p: Params) -> Any:
    return await _send_file(core, p, "document", "sendDocument")


@api_method("sendVoice", send=True)
async def send_voice(core: SandboxCore, p: Params) -> Any:
    return await _send_file(core, p, "voice", "sendVoice")


@api_method("sendAudio", send=True)
async def send_audio(core: SandboxCore, p: Params) -> Any:
    return await _send_file(core, p, "audio", "sendAudio")


@api_method("sendVideo", send=True)
async def send_video(core: SandboxCore, p: Params) -> Any:
    return await _send_file(core, p, "video", "sendVideo")


@api_method("sendVideoNote", send=True)
async def send_video_note(core: SandboxCore, p: Params) -> Any:
    """Round video messages take no caption (Telegram ignores one)."""
    return await _send_file(core, p, "video_note", "sendVideoNote")


@api_method("editMessageText", send=True)
async def edit_message_text(core: SandboxCore, p: Params) -> Any:
    message = _target(core, p, "message to edit not found")
    if not message.from_bot:
        raise ApiError.bad_request("message can't be edited")
    if message.kind != "text":
        raise ApiError.bad_request("there is no text in the message to edit")
    raw, parsed = _message_text(p)
    markup = parse_reply_markup(p.structured("reply_markup"))  # absent: the keyboard goes away
    if (
        parsed.text == message.text
        and parsed.entities == message.entities
        and same_markup(markup, message.reply_markup)
    ):
        raise ApiError.bad_request(NOT_MODIFIED)
    core.admit(message.chat_id)
    message.text, message.html, message.entities = parsed.text, raw, parsed.entities
    message.parse_mode, message.reply_markup = p.text("parse_mode"), markup
    core.state.record_edit(message, "editMessageText")
    return message.to_api()


@api_method("editMessageCaption", send=True)
async def edit_message_caption(core: SandboxCore, p: Params) -> Any:
    message = _target(core, p, "message to edit not found")
    if not message.from_bot or message.kind not in CAPTION_KINDS:
        raise ApiError.bad_request("there is no caption in the message to edit")
    raw, parsed = _caption(p)
    markup = parse_reply_markup(p.structured("reply_markup"))
    if (
        parsed.text == message.text
        and parsed.entities == message.entities
        and same_markup(markup, message.reply_markup)
    ):
        raise ApiError.bad_request(NOT_MODIFIED)
    core.admit(message.chat_id)
    message.text, message.html, message.entities, message.reply_markup = (
        parsed.text,
        raw,
        parsed.entities,
        markup,
    )
    core.state.record_edit(message, "editMessageCaption")
    return message.to_api()


@api_method("editMessageReplyMarkup", send=True)
async def edit_message_reply_markup(core: SandboxCore, p: Params) -> Any:
    message = _target(core, p, "message to edit not found")
    if not message.from_bot:
        raise ApiError.bad_request("message can't be edited")
    markup = parse_reply_markup(p.structured("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError.bad_request("inline keyboard expected")
    if same_markup(markup, message.reply_markup):
        raise ApiError.bad_request(NOT_MODIFIED)
    core.admit(message.chat_id)
    message.reply_markup = markup
    core.state.record_edit(message, "editMessageReplyMarkup")
    return message.to_api()


@api_method("deleteMessage")
async def delete_message(core: SandboxCore, p: Params) -> Any:
    message = _target(core, p, "message to delete not found")
    message.deleted = True
    core.state.log("bot_delete", message.chat_id, message_id=message.message_id, method="deleteMessage")
    return True


@api_method("answerCallbackQuery")
async def answer_callback_query(core: SandboxCore, p: Params) -> Any:
    query_id = p.text("callback_query_id") or ""
    query = core.state.callback_queries.get(query_id)
    if query is None or query.answered:
        raise ApiError.bad_request("query is too old and response timeout expired or query ID is invalid")
    answer: dict[str, Any] = {"text": p.text("text"), "show_alert": p.flag("show_alert")}
    for name in ("url", "cache_time"):
        if p.has(name):
            answer[name] = p.raw(name)
    query.answered, query.answer = True, answer
    core.state.log(
        "callback_answer",
        query.message.chat_id,
        message_id=query.message.message_id,
        method="answerCallbackQuery",
        callback_query_id=query_id,
        user_id=query.user.id,
        **answer,
    )
    return True


@api_method("sendChatAction")
async def send_chat_action(core: SandboxCore, p: Params) -> Any:
    chat = core.state.writable_chat(p.chat_id())
    action = p.text("action") or ""
    if action not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    core.state.log("chat_action", chat.id, method="sendChatAction", action=action)
    return True
