"""The sandbox's records and their Bot API wire shapes.

One :class:`Message` type serves both directions (bot→user and user→bot) so a
chat's history is a single ordered list a transcript can be printed from; the
convenience properties (``buttons``, ``callback_data``, ``photo``...) are what
tests assert on, ``to_api`` is what the bot receives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BOT_ID = 1000001

FILE_KINDS = ("photo", "document", "voice", "video", "video_note", "audio", "animation")
"""Message kinds that carry one file, under the field of the same name (``photo`` as a list of sizes)."""
CAPTION_KINDS = ("photo", "document", "voice", "video", "audio", "animation")
"""File kinds that may have a caption (a video note never has one)."""
TYPE_NAMES = {"photo": "Photo", "document": "Document", "voice": "Voice", "video": "Video",
              "video_note": "VideoNote", "audio": "Audio", "animation": "Animation", "sticker": "Sticker"}
"""How Telegram names file types in "can't use file of type X as Y"."""


@dataclass
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class ChatInfo:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    user: UserInfo | None = None  # the other party of a private chat
    blocked: bool = False  # a private chat's user has blocked the bot
    next_message_id: int = 1
    messages: dict[int, Message] = field(default_factory=dict, repr=False)

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or ""
        return data

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes | None
    filename: str | None = None
    mime_type: str | None = None
    url: str | None = None  # sent by URL: the sandbox never fetches it
    type: str | None = None  # the message kind it was sent as: a file id is reusable only as that kind

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}/{self.filename or 'file'}"

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.data is not None:
            data["file_size"] = len(self.data)
        return data


@dataclass
class Version:
    """One state of a bot message's content; ``seq`` orders it in the event log."""

    seq: int
    at: float
    text: str
    html: str
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None


@dataclass
class Message:
    chat_id: int
    message_id: int
    seq: int
    at: float  # wall-clock (sandbox clock) when it was sent
    from_bot: bool
    sender: UserInfo
    chat: ChatInfo
    kind: str = "text"  # text | a FILE_KINDS kind | sticker | location | contact | other
    text: str = ""  # plain text (caption for media)
    html: str = ""  # exactly what the bot sent, before parse_mode was applied
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    reply_to_message_id: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # user-side payloads (sticker, ...)
    versions: list[Version] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else f"user {self.sender.id}"
        flags = "".join((" edited" if self.edited else "", " deleted" if self.deleted else ""))
        buttons = f" buttons={self.buttons}" if self.buttons else ""
        return (
            f"<Message #{self.message_id} chat={self.chat_id} seq={self.seq} from {who} "
            f"{self.kind} {self.text!r}{buttons}{flags}>"
        )

    # ---- conveniences for assertions -------------------------------------------------
    @property
    def date(self) -> int:
        return int(self.at)

    @property
    def caption(self) -> str | None:
        return self.text if self.kind in CAPTION_KINDS else None

    @property
    def edited(self) -> bool:
        return len(self.versions) > 1

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows]

    @property
    def buttons(self) -> list[list[str]]:
        """Button labels, row by row (inline keyboard or reply keyboard)."""
        return [[str(b.get("text", "")) for b in row] for row in self.inline_keyboard]

    @property
    def callback_data(self) -> dict[str, str]:
        """Label → callback_data for every inline button that has data."""
        return {
            str(b.get("text", "")): str(b["callback_data"])
            for row in self.inline_keyboard
            for b in row
            if "callback_data" in b
        }

    @property
    def photo(self) -> bytes | None:
        return self.file.data if self.kind == "photo" and self.file else None

    @property
    def document(self) -> bytes | None:
        return self.file.data if self.kind == "document" and self.file else None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.reply_to_message_id is not None:
            replied = self.chat.messages.get(self.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = replied.to_api()
        if self.kind == "text":
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        elif self.kind in FILE_KINDS:
            assert self.file is not None
            data.update(self._file_fields())
            if self.text and self.kind in CAPTION_KINDS:
                data["caption"] = self.text
                if self.entities:
                    data["caption_entities"] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.options.get("protect_content"):
            data["has_protected_content"] = True
        data.update(self.extra)
        return data

    def _file_fields(self) -> dict[str, Any]:
        """The file under its kind's field, with the extra fields Telegram always sends for that kind."""
        assert self.file is not None
        stored = self.file.to_api()
        if self.kind == "photo":
            return {"photo": [{**stored, "width": 0, "height": 0}]}
        named = {k: v for k, v in (("file_name", self.file.filename), ("mime_type", self.file.mime_type)) if v}
        if self.kind == "video_note":
            return {"video_note": {**stored, "length": 240, "duration": 1}}
        if self.kind == "voice":  # a voice note has no file name
            return {"voice": {**stored, "duration": 1, **{k: v for k, v in named.items() if k == "mime_type"}}}
        if self.kind == "audio":
            return {"audio": {**stored, "duration": 1, **named}}
        if self.kind in ("video", "animation"):
            media = {**stored, "width": 0, "height": 0, "duration": 1, **named}
            # Telegram sends an animation (GIF) as a document too, for clients that predate animations
            return {self.kind: media, **({"document": {**stored, **named}} if self.kind == "animation" else {})}
        return {"document": {**stored, **named}}

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly view for the control API and for failure messages."""
        return {
            "seq": self.seq,
            "at": self.at,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "from": "bot" if self.from_bot else "user",
            "user_id": self.sender.id,
            "kind": self.kind,
            "text": self.text,
            "html": self.html,
            "buttons": self.buttons,
            "callback_data": self.callback_data,
            "edited": self.edited,
            "deleted": self.deleted,
            "filename": self.file.filename if self.file else None,
        }


@dataclass
class Event:
    """One line of the sandbox's log: everything the bot did and everything users did."""

    seq: int
    at: float  # sandbox wall clock
    kind: str  # bot_message, bot_edit, bot_delete, callback_answer, chat_action, user_*, ...
    chat_id: int | None
    message_id: int | None = None
    method: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "method": self.method,
            **self.data,
        }


@dataclass
class CallbackQuery:
    id: str
    user: UserInfo
    message: Message
    data: str
    answered: bool = False
    answer: dict[str, Any] | None = None  # text, show_alert, url, cache_time
