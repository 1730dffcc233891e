"""Everything the sandbox remembers: users, chats, messages, files, the event log, counters.

State is plain data touched from one event loop, so there are no locks; every
mutation goes through :meth:`SandboxState.log`, which stamps a monotonically
increasing sequence number and wakes waiters (user-side ``wait_for_message``,
long-polling ``getUpdates``, control-API waits).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .models import BOT_ID, CallbackQuery, ChatInfo, Event, Message, StoredFile, UserInfo, Version
from .updates import Notifier, UpdateQueue


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)  # by canonical method name
    responses: Counter[int] = field(default_factory=Counter)  # by HTTP status
    too_many_requests: int = 0  # every 429 returned, whatever caused it
    flood_rejections: int = 0  # 429s from the flood limiter
    sent_texts: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def to_json(self, *, messages_sent: int) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "responses": {str(k): v for k, v in self.responses.items()},
            "messages_sent": messages_sent,
            "too_many_requests": self.too_many_requests,
            "flood_rejections": self.flood_rejections,
            "sent_texts": {str(chat): dict(texts) for chat, texts in self.sent_texts.items()},
            "duplicates": self.duplicates(),
        }

    def duplicates(self) -> dict[str, dict[str, int]]:
        """sendMessage texts sent more than once to the same chat."""
        found: dict[str, dict[str, int]] = {}
        for chat, texts in self.sent_texts.items():
            repeated = {text: n for text, n in texts.items() if n > 1}
            if repeated:
                found[str(chat)] = repeated
        return found


class SandboxState:
    def __init__(self, *, username: str, first_name: str, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.bot = UserInfo(BOT_ID, first_name, username=username, is_bot=True)
        self.notifier = Notifier()
        self.updates = UpdateQueue(self.notifier)
        self.users: dict[int, UserInfo] = {}
        self.chats: dict[int, ChatInfo] = {}
        self.files: dict[str, StoredFile] = {}
        self.events: list[Event] = []
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.profile: dict[str, dict[str, str]] = {}  # setMyName & co: field -> language -> text
        self.stats = Stats()
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._next_user_id = itertools.count(500001)
        self._next_group_id = itertools.count(1)

    # ---- log ---------------------------------------------------------------------------
    def log(
        self,
        kind: str,
        chat_id: int | None,
        *,
        message_id: int | None = None,
        method: str | None = None,
        **data: Any,
    ) -> Event:
        event = Event(next(self._seq), self.clock(), kind, chat_id, message_id, method, data)
        self.events.append(event)
        self.notifier.notify()
        return event

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    def unique_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    # ---- users and chats ---------------------------------------------------------------
    def add_user(
        self,
        user_id: int | None = None,
        first_name: str = "Patient",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> UserInfo:
        if user_id is None:
            user_id = next(self._next_user_id)
            while user_id in self.chats:
                user_id = next(self._next_user_id)
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = UserInfo(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        chat = self.chats.get(user_id)
        if chat is None:
            self.chats[user_id] = ChatInfo(user_id, "private", user=user)
        else:
            chat.user = user
        return user

    def add_group(self, chat_id: int | None = None, title: str = "Staff") -> ChatInfo:
        if chat_id is None:
            chat_id = -1001000000000 - next(self._next_group_id)
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = self.chats.get(chat_id)
        if chat is None:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = self.chats[chat_id] = ChatInfo(chat_id, kind, title=title)
        chat.title = title
        return chat

    def chat(self, chat_id: int | str) -> ChatInfo:
        """Resolve ``chat_id`` (or ``@username``) or fail with Telegram's 400."""
        if isinstance(chat_id, str):
            wanted = chat_id.lstrip("@").lower()
            for chat in self.chats.values():
                if chat.user and (chat.user.username or "").lower() == wanted:
                    return chat
            raise ApiError.bad_request("chat not found")
        found = self.chats.get(chat_id)
        if found is None:
            raise ApiError.bad_request("chat not found")
        return found

    def writable_chat(self, chat_id: int | str) -> ChatInfo:
        chat = self.chat(chat_id)
        if chat.blocked:
            raise ApiError.forbidden("bot was blocked by the user")
        return chat

    # ---- messages ----------------------------------------------------------------------
    def add_message(
        self,
        chat: ChatInfo,
        sender: UserInfo,
        *,
        from_bot: bool,
        kind: str = "text",
        text: str = "",
        html: str = "",
        method: str | None = None,
        **fields: Any,
    ) -> Message:
        message_id = chat.allocate_message_id()
        event = self.log(
            "bot_message" if from_bot else "user_message",
            chat.id,
            message_id=message_id,
            method=method,
            text=text,
            user_id=sender.id,
            message_kind=kind,
        )
        message = Message(
            chat.id,
            message_id,
            event.seq,
            event.at,
            from_bot,
            sender,
            chat,
            kind=kind,
            text=text,
            html=html or text,
            **fields,
        )
        message.versions.append(
            Version(event.seq, event.at, text, message.html, message.entities, message.reply_markup)
        )
        chat.messages[message_id] = message
        if from_bot and kind == "text":
            self.stats.sent_texts[chat.id][text] += 1
        return message

    def record_edit(self, message: Message, method: str) -> Event:
        event = self.log(
            "bot_edit" if message.from_bot else "user_edit",
            message.chat_id,
            message_id=message.message_id,
            method=method,
            text=message.text,
        )
        message.edit_date = int(event.at)
        message.versions.append(
            Version(
                event.seq,
                event.at,
                message.text,
                message.html,
                message.entities,
                message.reply_markup,
            )
        )
        return event

    def messages(
        self,
        chat_id: int,
        *,
        from_bot: bool | None = True,
        include_deleted: bool = False,
        since: int = 0,
    ) -> list[Message]:
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [
            m
            for m in chat.messages.values()
            if (from_bot is None or m.from_bot == from_bot) and (include_deleted or not m.deleted) and m.seq > since
        ]

    @property
    def messages_sent(self) -> int:
        return sum(1 for e in self.events if e.kind == "bot_message")

    def callback_answers(self, *, user_id: int | None = None, chat_id: int | None = None) -> list[dict[str, Any]]:
        """answerCallbackQuery results, optionally for one presser or one chat."""
        return [
            {
                "callback_query_id": q.id,
                "data": q.data,
                "user_id": q.user.id,
                "chat_id": q.message.chat_id,
                "message_id": q.message.message_id,
                **(q.answer or {}),
            }
            for q in self.callback_queries.values()
            if q.answered
            and (user_id is None or q.user.id == user_id)
            and (chat_id is None or q.message.chat_id == chat_id)
        ]

    # ---- files -------------------------------------------------------------------------
    def store_file(
        self,
        data: bytes | None,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
        type: str | None = None,
    ) -> StoredFile:
        number = next(self._ids)
        stored = StoredFile(f"SBXFILE{number:08d}", f"sbx{number}", data, filename, mime_type, url, type)
        self.files[stored.file_id] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
        return stored

    # ---- bot commands --------------------------------------------------------------------
    @staticmethod
    def command_key(scope: dict[str, Any] | None, language_code: str | None) -> str:
        scope = scope or {"type": "default"}
        return json.dumps({"scope": scope, "language_code": language_code or ""}, sort_keys=True)
