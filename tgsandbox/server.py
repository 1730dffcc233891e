"""The :class:`Sandbox`: wires state, Bot API, control API and user side; starts and stops.

In-process use (tests, ``aftercare demo``)::

    async with Sandbox() as sandbox:
        app = ApplicationBuilder().token("123:abc").base_url(sandbox.base_url).build()
        patient = sandbox.user(first_name="Ann")
        await patient.send_text("/start")

The server binds loopback on an ephemeral port by default so parallel test
runs never collide.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from types import TracebackType
from typing import Any

from aiohttp import web

from .api import BotApiEndpoint
from .config import SandboxConfig
from .control import ControlApi
from .core import SandboxCore
from .faults import Fault, FaultInjector
from .limits import FloodLimiter, FloodLimits
from .models import Event
from .state import SandboxState
from .user import ChatView, SandboxGroup, SandboxUser
from .webhook import WebhookDelivery


class Sandbox:
    """A fake Telegram Bot API server plus the users who talk to the bot through it."""

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
        username: str | None = None,
        tokens: Iterable[str] | None = None,
        limits: FloodLimits | bool | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        config = config or SandboxConfig()
        changes: dict[str, Any] = {}
        if host is not None:
            changes["host"] = host
        if port is not None:
            changes["port"] = port
        if username is not None:
            changes["username"] = username
        if tokens is not None:
            changes["tokens"] = frozenset(tokens)
        if clock is not None:
            changes["clock"] = clock
        if isinstance(limits, FloodLimits):
            changes["limits"] = limits
        elif limits is not None:
            changes["limits"] = replace(config.limits, enabled=limits)
        self.config = replace(config, **changes)
        self.state = SandboxState(
            username=self.config.username,
            first_name=self.config.first_name,
            clock=self.config.clock,
        )
        self.core = SandboxCore(
            self.config,
            self.state,
            FloodLimiter(self.config.limits),
            FaultInjector(),
            WebhookDelivery(self.state, self.config),
        )
        self._users: dict[int, SandboxUser] = {}
        self._groups: dict[int, SandboxGroup] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ---- lifecycle -----------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.add_routes(BotApiEndpoint(self.core).routes())
        app.add_routes(ControlApi(self).routes())
        return app

    async def start(self) -> Sandbox:
        if self._runner is not None:
            return self
        self.core.closing.clear()
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=self.config.shutdown_timeout)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Stop serving: pending long polls return empty, injected delays end early."""
        self.core.closing.set()
        self.state.notifier.notify()
        await self.core.webhook.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            with contextlib.suppress(Exception):
                await runner.cleanup()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("sandbox not started")
        return self._port

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The Bot API root (AFTERCARE_TELEGRAM_API_URL).

        The bot calls ``<root>/bot<token>/<method>``.
        """
        return self.url

    @property
    def base_url(self) -> str:
        """What PTB's ``ApplicationBuilder().base_url()`` expects."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ---- people ------------------------------------------------------------------------------
    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Patient",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SandboxUser:
        """Create (or update and return) a user with a private chat whose id is the user id."""
        info = self.state.add_user(
            user_id, first_name, last_name=last_name, username=username, language_code=language_code
        )
        handle = self._users.get(info.id)
        if handle is None:
            handle = self._users[info.id] = SandboxUser(self.core, info)
        handle.user = info
        return handle

    def get_user(self, user_id: int) -> SandboxUser:
        handle = self._users.get(user_id)
        if handle is None:
            raise KeyError(f"no sandbox user {user_id}")
        return handle

    def group(self, chat_id: int | None = None, title: str = "Staff") -> SandboxGroup:
        chat = self.state.add_group(chat_id, title)
        handle = self._groups.get(chat.id)
        if handle is None:
            handle = self._groups[chat.id] = SandboxGroup(self.core, chat.id)
        return handle

    def chat(self, chat_id: int) -> ChatView:
        if chat_id in self._users:
            return self._users[chat_id]
        if chat_id in self._groups:
            return self._groups[chat_id]
        if chat_id not in self.state.chats:
            raise KeyError(f"no sandbox chat {chat_id}")
        return ChatView(self.core, chat_id)

    # ---- faults and limits ----------------------------------------------------------------------
    @property
    def faults(self) -> FaultInjector:
        return self.core.faults

    @property
    def limiter(self) -> FloodLimiter:
        return self.core.limiter

    def inject(self, kind: str, count: int = 1, **options: Any) -> Fault:
        """Fail the next ``count`` requests: kind "429", "5xx", "timeout" or "drop" (see Fault)."""
        return self.core.faults.inject(kind, count, **options)

    def storm(self, duration: float, retry_after: int | None = None) -> None:
        self.core.faults.storm(duration, retry_after)

    def clear_faults(self) -> None:
        self.core.faults.clear()

    def set_limits(self, limits: FloodLimits | None = None, **changes: Any) -> FloodLimits:
        return self.core.limiter.configure(limits, **changes)

    # ---- records --------------------------------------------------------------------------
    def events(self, since: int = 0, *, chat_id: int | None = None, kinds: Iterable[str] | None = None) -> list[Event]:
        """The log: bot_message, bot_edit, bot_delete, callback_answer, chat_action, user_*..."""
        wanted = set(kinds) if kinds is not None else None
        return [
            e
            for e in self.state.events[since:]
            if (chat_id is None or e.chat_id == chat_id) and (wanted is None or e.kind in wanted)
        ]

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        return self.state.commands.get(self.state.command_key(scope, language_code), [])

    def stats(self) -> dict[str, Any]:
        data = self.state.stats.to_json(messages_sent=self.state.messages_sent)
        data["faults"] = self.core.faults.to_json()
        data["limits"] = self.core.limiter.limits.to_json()
        data["pending_updates"] = len(self.state.updates)
        data["updates_total"] = self.state.updates.total
        data["webhook"] = {
            "url": self.core.webhook.url,
            "delivered": self.core.webhook.delivered,
            "failed_attempts": self.core.webhook.failed_attempts,
            "dropped": self.core.webhook.dropped,
        }
        return data
