"""Webhook delivery: POST queued updates to the bot's URL, in order, with bounded retries.

Telegram retries a failing webhook for a long time; tests need an answer
quickly, so the sandbox retries ``webhook_attempts`` times with exponential
backoff, then drops the update and records the error in getWebhookInfo (the
same place a real operator would look).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from .config import SandboxConfig
from .state import SandboxState


class WebhookDelivery:
    def __init__(self, state: SandboxState, config: SandboxConfig) -> None:
        self.state = state
        self.config = config
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.allowed_updates: list[str] | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.delivered = 0
        self.failed_attempts = 0
        self.dropped = 0
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def active(self) -> bool:
        return bool(self.url)

    def set(
        self,
        url: str,
        *,
        secret_token: str | None = None,
        drop_pending_updates: bool = False,
        max_connections: int | None = None,
        allowed_updates: list[str] | None = None,
    ) -> None:
        if drop_pending_updates:
            self.state.updates.clear()
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections or 40
        self.allowed_updates = allowed_updates
        self.last_error_date = self.last_error_message = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="sandbox-webhook")
        self.state.notifier.notify()

    def delete(self, *, drop_pending_updates: bool = False) -> None:
        self.url = ""
        self.secret_token = None
        if drop_pending_updates:
            self.state.updates.clear()
        self.state.notifier.notify()

    def info(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }
        if self.url:
            data["max_connections"] = self.max_connections
            data["ip_address"] = "127.0.0.1"
            if self.allowed_updates is not None:
                data["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        return data

    async def close(self) -> None:
        self.url = ""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while self.url:
            pending = self.state.updates.peek(1)
            if not pending:
                await self.state.notifier.wait(1.0)
                continue
            update = pending[0]
            if await self._deliver(self.url, update):
                self.state.updates.drop(update["update_id"])

    async def _deliver(self, url: str, update: dict[str, Any]) -> bool:
        """True when the update is done with (delivered, or dropped after the last attempt)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.config.webhook_timeout))
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret_token} if self.secret_token else {}
        delay = self.config.webhook_backoff
        for attempt in range(max(1, self.config.webhook_attempts)):
            if url != self.url:
                return False  # webhook changed or removed: the update stays queued
            try:
                async with self._session.post(url, json=update, headers=headers) as response:
                    await response.read()
                    if 200 <= response.status < 300:
                        self.delivered += 1
                        self.state.log("webhook_delivered", None, update_id=update["update_id"])
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            self.failed_attempts += 1
            self.last_error_date = int(self.state.clock())
            self.last_error_message = error
            if attempt + 1 < self.config.webhook_attempts:
                await asyncio.sleep(delay)
                delay *= 2
        self.dropped += 1
        self.state.log("webhook_dropped", None, update_id=update["update_id"], error=self.last_error_message)
        return True
