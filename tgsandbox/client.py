"""A thin async client for the control API, for processes that do not host the sandbox.

Benchmarks and kill -9 tests run the sandbox with ``python -m tgsandbox`` and
the bot as separate processes; this client lets them act as patients and read
the results with the same vocabulary as the in-process :class:`SandboxUser`.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import aiohttp

from .user import WaitTimeout


class SandboxClient:
    def __init__(self, url: str, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))

    async def close(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        query = {
            k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (params or {}).items() if v is not None
        }
        async with self._session.request(method, f"{self.url}/sandbox/{path}", json=body, params=query) as response:
            data: dict[str, Any] = await response.json()
        if response.status == 408:
            raise WaitTimeout(data.get("error", "timeout"))
        if not data.get("ok"):
            raise RuntimeError(f"sandbox control {method} {path} failed ({response.status}): {data.get('error')}")
        return data

    async def _field(
        self,
        method: str,
        path: str,
        key: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        return (await self._call(method, path, body=body, params=params))[key]

    async def _object(self, method: str, path: str, key: str, **kw: Any) -> dict[str, Any]:
        value = await self._field(method, path, key, **kw)
        assert isinstance(value, dict)
        return value

    async def _list(self, method: str, path: str, key: str, **kw: Any) -> list[dict[str, Any]]:
        value = await self._field(method, path, key, **kw)
        assert isinstance(value, list)
        return value

    # ---- people ----------------------------------------------------------------------------
    async def create_user(
        self, user_id: int | None = None, first_name: str = "Patient", **fields: Any
    ) -> dict[str, Any]:
        body = {"user_id": user_id, "first_name": first_name, **fields}
        return await self._object("POST", "users", "user", body=body)

    async def create_group(self, chat_id: int | None = None, title: str = "Staff") -> dict[str, Any]:
        body = {"chat_id": chat_id, "title": title}
        return await self._object("POST", "groups", "chat", body=body)

    async def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> dict[str, Any]:
        body = {"text": text, "chat_id": chat_id}
        return await self._object("POST", f"users/{user_id}/send", "message", body=body)

    async def press(
        self,
        user_id: int,
        label: str | None = None,
        *,
        callback_data: str | None = None,
        message_id: int | None = None,
        chat_id: int | None = None,
    ) -> str:
        """Press by label, or send ``callback_data`` (possibly forged); returns the query id."""
        body: dict[str, Any] = {"message_id": message_id, "chat_id": chat_id}
        if callback_data is not None:
            body["callback_data"] = callback_data
        else:
            body["label"] = label
        return str(await self._field("POST", f"users/{user_id}/press", "callback_query_id", body=body))

    async def block(self, user_id: int) -> None:
        await self._call("POST", f"users/{user_id}/block")

    async def unblock(self, user_id: int) -> None:
        await self._call("POST", f"users/{user_id}/unblock")

    # ---- reading ----------------------------------------------------------------------------
    async def messages(self, chat_id: int, *, since: int = 0, include_user: bool = False) -> list[dict[str, Any]]:
        params = {"since": since, "include_user": include_user}
        return await self._list("GET", f"chats/{chat_id}/messages", "messages", params=params)

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        after: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109 - forwarded to the server-side wait
        contains: str | None = None,
        edits: bool = False,
    ) -> dict[str, Any]:
        """The first bot message with seq > ``after``; raises WaitTimeout on timeout."""
        params = {"after": after, "timeout": timeout, "contains": contains, "edits": edits}
        return await self._object("GET", f"chats/{chat_id}/wait", "message", params=params)

    async def callback_answers(self, *, user_id: int | None = None, chat_id: int | None = None) -> list[dict[str, Any]]:
        params = {"user_id": user_id, "chat_id": chat_id}
        return await self._list("GET", "callback_answers", "answers", params=params)

    async def events(
        self, since: int = 0, *, chat_id: int | None = None, kinds: list[str] | None = None
    ) -> list[dict[str, Any]]:
        params = {"since": since, "chat_id": chat_id, "kind": ",".join(kinds) if kinds else None}
        return await self._list("GET", "events", "events", params=params)

    # ---- faults, limits, counters -----------------------------------------------------------
    async def inject(self, kind: str, count: int = 1, **options: Any) -> dict[str, Any]:
        body = {"kind": kind, "count": count, **options}
        return await self._object("POST", "faults", "fault", body=body)

    async def clear_faults(self) -> None:
        await self._call("DELETE", "faults")

    async def storm(self, duration: float, retry_after: int | None = None) -> None:
        await self._call("POST", "storm", body={"duration": duration, "retry_after": retry_after})

    async def set_limits(self, **changes: Any) -> dict[str, Any]:
        return await self._object("POST", "limits", "limits", body=changes)

    async def stats(self) -> dict[str, Any]:
        return await self._call("GET", "stats")
