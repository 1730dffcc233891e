"""The bot-facing HTTP endpoint: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``.

This module owns the request pipeline and nothing else: decode the body
(JSON, urlencoded or multipart), authenticate the token, count, apply
injected faults, run the method, and wrap the outcome in Telegram's envelope
with the matching HTTP status.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import BodyPartReader, web

from . import methods_bot, methods_messages, methods_updates  # noqa: F401  (register methods)
from .core import METHODS, MethodSpec, SandboxCore
from .errors import ApiError, server_error
from .faults import Fault
from .params import Params, Upload

log = logging.getLogger(__name__)


async def read_params(request: web.Request) -> Params:
    """Decode the parameters from the query string plus a JSON, form or multipart body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    ctype = request.content_type
    if request.method != "POST" or not request.can_read_body:
        return Params(values, files)
    if ctype == "application/json":
        try:
            body = await request.json(loads=json.loads)
        except ValueError:
            raise ApiError.bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise ApiError.bad_request("can't parse JSON object")
        values.update(body)
    elif ctype == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            data = await part.read()
            if part.filename is not None:
                files[part.name] = Upload(bytes(data), part.filename, part.headers.get("Content-Type", ""))
            else:
                values[part.name] = bytes(data).decode(part.get_charset("utf-8"))
    else:
        form = await request.post()
        values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(values, files)


def _chat_hint(params: Params) -> int | None:
    with contextlib.suppress(ApiError):
        chat_id = params.chat_id()
        return chat_id if isinstance(chat_id, int) else None
    return None


class BotApiEndpoint:
    def __init__(self, core: SandboxCore) -> None:
        self.core = core

    def routes(self) -> list[web.RouteDef]:
        return [
            web.route("*", "/bot{token}/{method}", self.handle),
            web.get("/file/bot{token}/{path:.+}", self.download),
        ]

    def _reply(self, status: int, body: dict[str, Any]) -> web.Response:
        stats = self.core.state.stats
        stats.responses[status] += 1
        if status == 429:
            stats.too_many_requests += 1
        return web.json_response(body, status=status)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        spec = METHODS.get(name.lower())
        self.core.state.stats.requests[spec.name if spec else name] += 1
        try:
            tokens = self.core.config.tokens
            if tokens is not None and request.match_info["token"] not in tokens:
                raise ApiError.unauthorized()
            if spec is None:
                raise ApiError.not_found()
            params = await read_params(request)
            fault = self.core.faults.take(spec.name, _chat_hint(params), is_send=spec.send)
            if fault is not None:
                return await self._faulty(request, spec, params, fault)
            result = await spec.handler(self.core, params)
        except ApiError as error:
            return self._reply(error.code, error.payload())
        except Exception:  # a sandbox bug must look like a Telegram 500, not hang the bot
            log.exception("sandbox method %s failed", name)
            return self._reply(500, server_error(500).payload())
        return self._reply(200, {"ok": True, "result": result})

    async def _faulty(self, request: web.Request, spec: MethodSpec, params: Params, fault: Fault) -> web.StreamResponse:
        self.core.state.log("fault", _chat_hint(params), method=spec.name, fault=fault.kind)
        if fault.kind == "429":
            raise ApiError.too_many_requests(fault.retry_after)
        if fault.kind == "5xx":
            raise server_error(fault.status)
        outcome: dict[str, Any] | None = None
        if fault.execute:
            try:
                outcome = {"ok": True, "result": await spec.handler(self.core, params)}
            except ApiError as error:
                outcome = error.payload()
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # never reaches the client: the socket is gone
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.core.closing.wait(), fault.delay)
        if outcome is None:
            raise server_error(504)
        return self._reply(int(outcome.get("error_code", 200)), outcome)

    async def download(self, request: web.Request) -> web.StreamResponse:
        tokens = self.core.config.tokens
        if tokens is not None and request.match_info["token"] not in tokens:
            return self._reply(401, ApiError.unauthorized().payload())
        path = request.match_info["path"]
        for stored in self.core.state.files.values():
            if stored.file_path == path and stored.data is not None:
                return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        return self._reply(404, ApiError.not_found().payload())
