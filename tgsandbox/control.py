"""HTTP control API under ``/sandbox/``: the user side for other processes.

Tests that kill the bot with SIGKILL, and benchmarks, run the sandbox as its
own process; they drive patients and read what the bot sent through these
JSON endpoints, which mirror the in-process :class:`SandboxUser` methods.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol

from aiohttp import web

from .core import SandboxCore
from .errors import ApiError
from .faults import Fault, FaultInjector
from .limits import FloodLimiter, FloodLimits
from .models import Event
from .state import SandboxState
from .user import ChatView, SandboxGroup, SandboxUser, WaitTimeout


class Host(Protocol):
    """What the control API drives: the :class:`Sandbox` (``server``), seen without importing it."""

    state: SandboxState
    core: SandboxCore

    @property
    def url(self) -> str: ...

    @property
    def faults(self) -> FaultInjector: ...

    @property
    def limiter(self) -> FloodLimiter: ...

    def user(self, user_id: int | None = None, first_name: str = "Patient", *, last_name: str | None = None,
             username: str | None = None, language_code: str | None = "en") -> SandboxUser: ...

    def get_user(self, user_id: int) -> SandboxUser: ...

    def group(self, chat_id: int | None = None, title: str = "Staff") -> SandboxGroup: ...

    def inject(self, kind: str, count: int = 1, **options: Any) -> Fault: ...

    def storm(self, duration: float, retry_after: int | None = None) -> None: ...

    def clear_faults(self) -> None: ...

    def set_limits(self, limits: FloodLimits | None = None, **changes: Any) -> FloodLimits: ...

    def events(self, since: int = 0, *, chat_id: int | None = None,
               kinds: Iterable[str] | None = None) -> list[Event]: ...

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]: ...

    def stats(self) -> dict[str, Any]: ...


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_LIMIT_FIELDS = set(FloodLimits.__dataclass_fields__)


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _ok(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, default=str))


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError(400, "body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlError(400, "body must be a JSON object")
    return data


def _int(value: Any, name: str, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


class ControlApi:
    def __init__(self, sandbox: Host) -> None:
        self.sandbox = sandbox

    def routes(self) -> list[web.RouteDef]:
        s = self._wrap
        return [
            web.get("/sandbox/health", s(self.health)),
            web.post("/sandbox/users", s(self.create_user)),
            web.post("/sandbox/groups", s(self.create_group)),
            web.get("/sandbox/chats", s(self.list_chats)),
            web.post("/sandbox/users/{user_id}/send", s(self.send)),
            web.post("/sandbox/users/{user_id}/press", s(self.press)),
            web.post("/sandbox/users/{user_id}/sticker", s(self.sticker)),
            web.post("/sandbox/users/{user_id}/photo", s(self.photo)),
            web.post("/sandbox/users/{user_id}/edit", s(self.edit)),
            web.post("/sandbox/users/{user_id}/block", s(self.block)),
            web.post("/sandbox/users/{user_id}/unblock", s(self.unblock)),
            web.get("/sandbox/chats/{chat_id}/messages", s(self.messages)),
            web.get("/sandbox/chats/{chat_id}/wait", s(self.wait)),
            web.get("/sandbox/callback_answers", s(self.callback_answers)),
            web.get("/sandbox/events", s(self.events)),
            web.get("/sandbox/faults", s(self.list_faults)),
            web.post("/sandbox/faults", s(self.add_fault)),
            web.delete("/sandbox/faults", s(self.clear_faults)),
            web.post("/sandbox/storm", s(self.storm)),
            web.get("/sandbox/limits", s(self.get_limits)),
            web.post("/sandbox/limits", s(self.set_limits)),
            web.get("/sandbox/stats", s(self.stats)),
            web.get("/sandbox/webhook", s(self.webhook)),
            web.get("/sandbox/commands", s(self.commands)),
        ]

    @staticmethod
    def _wrap(handler: Handler) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            try:
                return await handler(request)
            except ControlError as error:
                return _ok({"ok": False, "error": str(error)}, status=error.status)
            except (ValueError, KeyError, AssertionError, ApiError) as error:
                status = 408 if isinstance(error, WaitTimeout) else 400
                return _ok({"ok": False, "error": str(error)}, status=status)

        return wrapped

    def _user(self, request: web.Request) -> SandboxUser:
        user_id = _int(request.match_info["user_id"], "user_id")
        assert user_id is not None
        try:
            return self.sandbox.get_user(user_id)
        except KeyError:
            raise ControlError(404, f"no sandbox user {user_id}") from None

    def _chat_id(self, request: web.Request) -> int:
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        assert chat_id is not None
        if chat_id not in self.sandbox.state.chats:
            raise ControlError(404, f"no sandbox chat {chat_id}")
        return chat_id

    # ---- people ---------------------------------------------------------------------------
    async def health(self, request: web.Request) -> web.Response:
        return _ok({"ok": True, "url": self.sandbox.url, "bot": self.sandbox.state.bot.to_api()})

    async def create_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self.sandbox.user(
            _int(body.get("user_id"), "user_id"),
            str(body.get("first_name", "Patient")),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "en"),
        )
        return _ok({"ok": True, "user": user.user.to_api(), "chat_id": user.chat_id})

    async def create_group(self, request: web.Request) -> web.Response:
        body = await _body(request)
        group = self.sandbox.group(_int(body.get("chat_id"), "chat_id"), str(body.get("title", "Staff")))
        return _ok({"ok": True, "chat": group.chat.to_api(), "chat_id": group.chat_id})

    async def list_chats(self, request: web.Request) -> web.Response:
        chats = [{**c.to_api(), "blocked": c.blocked} for c in self.sandbox.state.chats.values()]
        return _ok({"ok": True, "chats": chats})

    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise ControlError(400, "text is required")
        message = await self._user(request).send_text(
            text,
            chat=_int(body.get("chat_id"), "chat_id"),
            reply_to=_int(body.get("reply_to"), "reply_to"),
        )
        return _ok({"ok": True, "message": message.summary()})

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        user = self._user(request)
        chat = _int(body.get("chat_id"), "chat_id")
        message_id = _int(body.get("message_id"), "message_id")
        if "callback_data" in body:
            query_id = await user.press_data(str(body["callback_data"]), message_id, chat=chat)
        elif "label" in body:
            query_id = await user.press(str(body["label"]), message_id, chat=chat)
        else:
            raise ControlError(400, "label or callback_data is required")
        return _ok({"ok": True, "callback_query_id": query_id})

    async def sticker(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = await self._user(request).send_sticker(
            str(body.get("emoji", "\N{THUMBS UP SIGN}")), chat=_int(body.get("chat_id"), "chat_id")
        )
        return _ok({"ok": True, "message": message.summary()})

    async def photo(self, request: web.Request) -> web.Response:
        body = await _body(request)
        data = base64.b64decode(body["data_base64"]) if "data_base64" in body else b"\x89PNG\r\n\x1a\n"
        message = await self._user(request).send_photo(
            data, body.get("caption"), chat=_int(body.get("chat_id"), "chat_id")
        )
        return _ok({"ok": True, "message": message.summary()})

    async def edit(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message_id = _int(body.get("message_id"), "message_id")
        if message_id is None or not isinstance(body.get("text"), str):
            raise ControlError(400, "message_id and text are required")
        message = await self._user(request).edit_text(
            message_id, body["text"], chat=_int(body.get("chat_id"), "chat_id")
        )
        return _ok({"ok": True, "message": message.summary()})

    async def block(self, request: web.Request) -> web.Response:
        self._user(request).block(notify=_flag(request.query.get("notify", "1")))
        return _ok({"ok": True})

    async def unblock(self, request: web.Request) -> web.Response:
        self._user(request).unblock(notify=_flag(request.query.get("notify", "1")))
        return _ok({"ok": True})

    # ---- reading ----------------------------------------------------------------------------
    async def messages(self, request: web.Request) -> web.Response:
        chat_id = self._chat_id(request)
        since = _int(request.query.get("since"), "since", 0) or 0
        from_bot = None if _flag(request.query.get("include_user", "0")) else True
        found = self.sandbox.state.messages(
            chat_id,
            from_bot=from_bot,
            since=since,
            include_deleted=_flag(request.query.get("include_deleted", "0")),
        )
        return _ok(
            {
                "ok": True,
                "messages": [m.summary() for m in found],
                "last_seq": self.sandbox.state.last_seq,
            }
        )

    async def wait(self, request: web.Request) -> web.Response:
        """Long-poll for the next bot message after ``after`` (408 with what arrived on timeout)."""
        chat_id = self._chat_id(request)
        query = request.query
        timeout = min(60.0, float(query.get("timeout", "5")))
        after = _int(query.get("after"), "after", 0) or 0
        contains = query.get("contains")
        view = ChatView(self.sandbox.core, chat_id)  # a fresh cursor: no in-process side effects
        message = await view.wait_for_message(
            contains, timeout=timeout, after=after, edits=_flag(query.get("edits", "0"))
        )
        return _ok({"ok": True, "message": message.summary(), "last_seq": self.sandbox.state.last_seq})

    async def callback_answers(self, request: web.Request) -> web.Response:
        user_id = _int(request.query.get("user_id"), "user_id")
        chat_id = _int(request.query.get("chat_id"), "chat_id")
        answers = self.sandbox.state.callback_answers(user_id=user_id, chat_id=chat_id)
        return _ok({"ok": True, "answers": answers})

    async def events(self, request: web.Request) -> web.Response:
        since = _int(request.query.get("since"), "since", 0) or 0
        chat_id = _int(request.query.get("chat_id"), "chat_id")
        kinds = request.query.get("kind")
        found = self.sandbox.events(since, chat_id=chat_id, kinds=kinds.split(",") if kinds else None)
        return _ok(
            {
                "ok": True,
                "events": [e.to_json() for e in found],
                "last_seq": self.sandbox.state.last_seq,
            }
        )

    # ---- faults, limits, counters -------------------------------------------------------------
    async def list_faults(self, request: web.Request) -> web.Response:
        return _ok({"ok": True, **self.sandbox.faults.to_json()})

    async def add_fault(self, request: web.Request) -> web.Response:
        body = await _body(request)
        try:
            fault = self.sandbox.inject(**body)
        except TypeError as error:
            raise ControlError(400, str(error)) from None
        return _ok({"ok": True, "fault": fault.to_json()})

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.sandbox.clear_faults()
        return _ok({"ok": True})

    async def storm(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.sandbox.storm(float(body.get("duration", 1.0)), _int(body.get("retry_after"), "retry_after"))
        return _ok({"ok": True})

    async def get_limits(self, request: web.Request) -> web.Response:
        return _ok({"ok": True, "limits": self.sandbox.limiter.limits.to_json()})

    async def set_limits(self, request: web.Request) -> web.Response:
        body = await _body(request)
        unknown = set(body) - _LIMIT_FIELDS
        if unknown:
            raise ControlError(400, f"unknown limit fields: {sorted(unknown)}")
        return _ok({"ok": True, "limits": self.sandbox.set_limits(**body).to_json()})

    async def stats(self, request: web.Request) -> web.Response:
        return _ok({"ok": True, **self.sandbox.stats()})

    async def webhook(self, request: web.Request) -> web.Response:
        return _ok({"ok": True, **self.sandbox.core.webhook.info()})

    async def commands(self, request: web.Request) -> web.Response:
        scope = json.loads(request.query["scope"]) if "scope" in request.query else None
        language = request.query.get("language_code", "")
        return _ok({"ok": True, "commands": self.sandbox.commands(scope, language)})
