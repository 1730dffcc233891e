"""The people on the other side: a patient in a private chat, staff in a group.

Each action produces exactly the update Telegram would deliver (message,
edited_message, callback_query, my_chat_member) and logs it, so transcripts
show both sides. Reading is cursor-based: ``wait_for_message`` returns the
next bot message the caller has not consumed yet, so "send, then wait" never
races with a fast bot reply.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from .core import SandboxCore
from .formatting import utf16_len
from .models import CallbackQuery, ChatInfo, Message, UserInfo

MessagePredicate = Callable[[Message], bool] | str
ButtonPredicate = Callable[[dict[str, Any]], bool] | str
_query_ids = itertools.count(4_700_000_000_000_000_001)


class WaitTimeout(AssertionError, TimeoutError):
    """No matching bot message in time; the message lists what did arrive."""


def _matcher(predicate: MessagePredicate | None) -> Callable[[Message], bool]:
    if predicate is None:
        return lambda _message: True
    if isinstance(predicate, str):
        needle = predicate
        return lambda message: needle in message.text
    return predicate


class ChatView:
    """Read side of one chat: what the bot sent there, callback answers, waiting."""

    def __init__(self, core: SandboxCore, chat_id: int) -> None:
        self.core = core
        self.chat_id = chat_id
        self._cursor = 0

    @property
    def id(self) -> int:
        return self.chat_id

    @property
    def chat(self) -> ChatInfo:
        return self.core.state.chats[self.chat_id]

    def messages(self, *, include_deleted: bool = False, since: int = 0) -> list[Message]:
        """Bot messages in this chat, oldest first."""
        return self.core.state.messages(self.chat_id, include_deleted=include_deleted, since=since)

    def history(self, *, include_deleted: bool = True) -> list[Message]:
        """Both sides of the conversation, oldest first (for transcripts)."""
        return self.core.state.messages(self.chat_id, from_bot=None, include_deleted=include_deleted)

    def last_message(self) -> Message | None:
        messages = self.messages()
        return messages[-1] if messages else None

    def chat_actions(self) -> list[str]:
        return [
            str(e.data["action"])
            for e in self.core.state.events
            if e.kind == "chat_action" and e.chat_id == self.chat_id
        ]

    def callback_answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls for button presses on this chat's messages."""
        return self.core.state.callback_answers(chat_id=self.chat_id)

    def mark(self) -> int:
        """The current sequence number: pass as ``after=`` to wait only for what comes next."""
        return self.core.state.last_seq

    def skip_pending(self) -> None:
        """Treat every bot message so far as already read."""
        self._cursor = self.core.state.last_seq

    async def wait_for_message(
        self,
        predicate: MessagePredicate | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the documented test API
        after: int | Message | None = None,
        edits: bool = False,
    ) -> Message:
        """The next unread bot message (or edit, with ``edits=True``) matching ``predicate``.

        ``predicate`` is a callable or a substring of the plain text. ``after`` is a
        sequence number (see :meth:`mark`) or a message (only later sends, or later
        edits of any message, count); by default this view's read cursor, which
        moves past every message returned, so messages are consumed in order.
        Raises :class:`WaitTimeout` (an AssertionError and a TimeoutError) listing
        what did arrive.
        """
        if isinstance(after, Message):
            after = after.seq
        start = self._cursor if after is None else after
        matches = _matcher(predicate)
        kinds = {"bot_message", "bot_edit"} if edits else {"bot_message"}
        state = self.core.state

        def find() -> tuple[int, Message] | None:
            for event in state.events[start:]:
                if event.kind in kinds and event.chat_id == self.chat_id and event.message_id is not None:
                    message = self.chat.messages[event.message_id]
                    if matches(message):
                        return event.seq, message
            return None

        found = await state.notifier.wait_for(find, timeout)
        if found is None:
            arrived = [m.summary() for m in self.messages(include_deleted=True) if m.versions[-1].seq > start]
            lines = (
                "\n".join(f"  #{m['message_id']} seq={m['seq']}: {m['text']!r} buttons={m['buttons']}" for m in arrived)
                or "  (nothing)"
            )
            raise WaitTimeout(
                f"no bot message in chat {self.chat_id} matched {predicate or 'anything'!r} "
                f"within {timeout}s "
                f"(after seq {start}); arrived:\n{lines}"
            )
        self._cursor = max(self._cursor, found[0])
        return found[1]

    async def wait_for_callback_answer(
        self,
        query_id: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the documented test API
    ) -> dict[str, Any]:
        state = self.core.state

        def answered() -> dict[str, Any] | None:
            query = state.callback_queries.get(query_id)
            if query is None or not query.answered:
                return None
            return next(a for a in state.callback_answers() if a["callback_query_id"] == query_id)

        result = await self.core.state.notifier.wait_for(answered, timeout)
        if result is None:
            raise WaitTimeout(f"callback query {query_id} was not answered within {timeout}s")
        return result


class SandboxGroup(ChatView):
    """A group or supergroup (the staff chat); users post into it with ``chat=group``."""

    @property
    def title(self) -> str:
        return self.chat.title or ""


ChatRef = ChatView | int | None


class SandboxUser(ChatView):
    """A Telegram user; the view reads their private chat with the bot (chat id == user id)."""

    def __init__(self, core: SandboxCore, user: UserInfo) -> None:
        super().__init__(core, user.id)
        self.user = user

    def __repr__(self) -> str:
        return f"SandboxUser(id={self.user.id}, first_name={self.user.first_name!r})"

    def callback_answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery results for this user's presses, in any chat."""
        return self.core.state.callback_answers(user_id=self.user.id)

    def _chat(self, chat: ChatRef) -> ChatInfo:
        chat_id = self.chat_id if chat is None else chat if isinstance(chat, int) else chat.chat_id
        found = self.core.state.chats.get(chat_id)
        if found is None:
            raise ValueError(f"unknown chat {chat_id}")
        return found

    def _post(self, chat: ChatInfo, kind: str = "text", text: str = "", **fields: Any) -> Message:
        message = self.core.state.add_message(chat, self.user, from_bot=False, kind=kind, text=text, **fields)
        self.core.state.updates.push("message", message.to_api())
        return message

    async def send_text(self, text: str, *, chat: ChatRef = None, reply_to: int | None = None) -> Message:
        """A text message; a leading /command gets its bot_command entity, as in Telegram."""
        entities: list[dict[str, Any]] = []
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        return self._post(self._chat(chat), text=text, entities=entities, reply_to_message_id=reply_to)

    async def send_sticker(self, emoji: str = "\N{THUMBS UP SIGN}", *, chat: ChatRef = None) -> Message:
        stored = self.core.state.store_file(b"RIFF-sticker", filename="sticker.webp", mime_type="image/webp",
                                           type="sticker")
        sticker = {
            **stored.to_api(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(self._chat(chat), kind="sticker", extra={"sticker": sticker})

    async def send_photo(
        self,
        data: bytes = b"\x89PNG\r\n\x1a\n",
        caption: str | None = None,
        *,
        chat: ChatRef = None,
        album: str | None = None,
    ) -> Message:
        """A photo; ``album`` is a media group id shared by the photos sent together."""
        return self._send_file("photo", data, "photo.jpg", "image/jpeg", caption, chat, album)

    async def send_document(
        self,
        data: bytes,
        filename: str = "file.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        *,
        chat: ChatRef = None,
    ) -> Message:
        return self._send_file("document", data, filename, mime_type, caption, chat)

    async def send_voice(self, data: bytes = b"OggS-voice", caption: str | None = None, *,
                         chat: ChatRef = None) -> Message:
        """A voice note recorded in the app (it may have a caption)."""
        return self._send_file("voice", data, None, "audio/ogg", caption, chat)

    async def send_audio(self, data: bytes = b"ID3-audio", caption: str | None = None, *,
                         chat: ChatRef = None) -> Message:
        """An audio file (music, a recording from another app)."""
        return self._send_file("audio", data, "recording.mp3", "audio/mpeg", caption, chat)

    async def send_video(self, data: bytes = b"\x00\x00\x00\x18ftypmp42", caption: str | None = None, *,
                         chat: ChatRef = None, album: str | None = None) -> Message:
        return self._send_file("video", data, "video.mp4", "video/mp4", caption, chat, album)

    async def send_video_note(self, data: bytes = b"\x00\x00\x00\x18ftypmp42", *, chat: ChatRef = None) -> Message:
        """A round video message: never a caption."""
        return self._send_file("video_note", data, None, "video/mp4", None, chat)

    async def send_animation(self, caption: str | None = None, *, chat: ChatRef = None) -> Message:
        """A GIF (Telegram sends it as an animation, and as a document for old clients)."""
        return self._send_file("animation", b"GIF89a", "funny.gif.mp4", "video/mp4", caption, chat)

    async def send_location(self, latitude: float = 40.4168, longitude: float = -3.7038, *,
                            chat: ChatRef = None) -> Message:
        location = {"latitude": latitude, "longitude": longitude}
        return self._post(self._chat(chat), kind="location", extra={"location": location})

    async def send_contact(self, phone_number: str = "+1 555 010 0000", first_name: str = "Alex", *,
                           chat: ChatRef = None) -> Message:
        contact = {"phone_number": phone_number, "first_name": first_name}
        return self._post(self._chat(chat), kind="contact", extra={"contact": contact})

    def _send_file(self, kind: str, data: bytes, filename: str | None, mime_type: str, caption: str | None,
                   chat: ChatRef, album: str | None = None) -> Message:
        stored = self.core.state.store_file(data, filename=filename, mime_type=mime_type, type=kind)
        extra = {"media_group_id": album} if album else {}
        return self._post(self._chat(chat), kind=kind, text=caption or "", file=stored, extra=extra)

    async def edit_text(self, message_id: int, new_text: str, *, chat: ChatRef = None) -> Message:
        """Edit one of this user's own text messages: the bot receives an edited_message."""
        target = self._chat(chat).messages.get(message_id)
        if target is None or target.from_bot or target.sender.id != self.user.id or target.kind != "text":
            raise ValueError(f"message {message_id} is not a text message of user {self.user.id}")
        return self._edited(target, new_text)

    async def edit_caption(self, message_id: int, new_caption: str, *, chat: ChatRef = None) -> Message:
        """Edit the caption of one of this user's own photos, videos, files...: an edited_message."""
        target = self._chat(chat).messages.get(message_id)
        if target is None or target.from_bot or target.sender.id != self.user.id or target.caption is None:
            raise ValueError(f"message {message_id} is not a captionable message of user {self.user.id}")
        return self._edited(target, new_caption)

    def _edited(self, target: Message, new_text: str) -> Message:
        target.text = target.html = new_text
        target.entities = []
        self.core.state.record_edit(target, "user")
        self.core.state.updates.push("edited_message", target.to_api())
        return target

    def _find_button(
        self, chat: ChatInfo, button: ButtonPredicate, message: Message | int | None
    ) -> tuple[Message, dict[str, Any]]:
        wanted = (lambda b: b.get("text") == button) if isinstance(button, str) else button
        if message is not None:
            target = chat.messages[message] if isinstance(message, int) else message
            candidates = [target]
        else:
            candidates = [m for m in reversed(list(chat.messages.values())) if m.from_bot and not m.deleted]
        for candidate in candidates:
            for row in (candidate.reply_markup or {}).get("inline_keyboard", []):
                for found in row:
                    if wanted(found):
                        return candidate, found
        shown = [(m.message_id, m.buttons) for m in candidates if m.buttons][:5]
        raise AssertionError(f"no inline button {button!r} in chat {chat.id}; latest keyboards: {shown}")

    async def press(
        self, button: ButtonPredicate, message: Message | int | None = None, *, chat: ChatRef = None
    ) -> str:
        """Press an inline button by label (or predicate on the button dict); returns query id."""
        target_chat = self._chat(chat if message is None or isinstance(message, int) else message.chat_id)
        target, found = self._find_button(target_chat, button, message)
        if "callback_data" not in found:
            raise AssertionError(f"button {found.get('text')!r} has no callback_data: {found}")
        return self._callback(target, str(found["callback_data"]), label=str(found.get("text")))

    async def press_data(self, callback_data: str, message_id: int | None = None, *, chat: ChatRef = None) -> str:
        """Send any callback data (even forged) as if pressed on ``message_id``.

        ``message_id`` defaults to the latest bot message in the chat.
        """
        target_chat = self._chat(chat)
        if message_id is None:
            bot_messages = [m for m in target_chat.messages.values() if m.from_bot]
            if not bot_messages:
                raise AssertionError(f"no bot message in chat {target_chat.id} to press on")
            target = bot_messages[-1]
        else:
            target = target_chat.messages[message_id]
        return self._callback(target, callback_data, label=None)

    def _callback(self, message: Message, data: str, *, label: str | None) -> str:
        query = CallbackQuery(str(next(_query_ids)), self.user, message, data)
        self.core.state.callback_queries[query.id] = query
        self.core.state.log(
            "user_press",
            message.chat_id,
            message_id=message.message_id,
            user_id=self.user.id,
            data=data,
            label=label,
            callback_query_id=query.id,
        )
        self.core.state.updates.push(
            "callback_query",
            {
                "id": query.id,
                "from": self.user.to_api(),
                "message": message.to_api(),
                "chat_instance": str(abs(message.chat_id) * 31 + 7),
                "data": data,
            },
        )
        return query.id

    def block(self, *, notify: bool = True) -> None:
        """Block the bot: sends now get 403; the bot receives my_chat_member (kicked)."""
        self._set_blocked(True, notify)

    def unblock(self, *, notify: bool = True) -> None:
        self._set_blocked(False, notify)

    def _set_blocked(self, blocked: bool, notify: bool) -> None:
        state = self.core.state
        chat = state.chats[self.user.id]
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        state.log("user_block" if blocked else "user_unblock", chat.id, user_id=self.user.id)
        if notify:
            bot = state.bot.to_api()
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            state.updates.push(
                "my_chat_member",
                {
                    "chat": chat.to_api(),
                    "from": self.user.to_api(),
                    "date": int(state.clock()),
                    "old_chat_member": {
                        "user": bot,
                        "status": old,
                        **({"until_date": 0} if old == "kicked" else {}),
                    },
                    "new_chat_member": {
                        "user": bot,
                        "status": new,
                        **({"until_date": 0} if new == "kicked" else {}),
                    },
                },
            )
