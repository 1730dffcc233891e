"""Update delivery methods: getUpdates long polling and the webhook trio.

Long polling wakes as soon as an update is queued (tests would otherwise wait
out the poll timeout). As on Telegram, a second concurrent getUpdates
terminates the first with 409, and getUpdates is refused while a webhook is
set: both are how a misconfigured second bot instance shows up in production.
"""

from __future__ import annotations

import re
from typing import Any

from .core import SandboxCore, api_method
from .errors import ApiError
from .params import Params

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_SUPERSEDED: list[dict[str, Any]] = []  # identity marker, never returned


@api_method("getUpdates")
async def get_updates(core: SandboxCore, p: Params) -> Any:
    if core.webhook.active:
        raise ApiError.conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        )
    offset = p.integer("offset")
    limit = min(100, max(1, p.integer("limit", 100) or 100))
    timeout = max(0.0, p.number("timeout", 0.0) or 0.0)
    queue = core.state.updates
    if offset is not None and offset != 0:
        queue.confirm(offset)
    core.poll_generation += 1
    generation = core.poll_generation
    core.state.notifier.notify()  # wakes an older poll so it can give way

    def ready() -> list[dict[str, Any]] | None:
        if core.poll_generation != generation:
            return _SUPERSEDED
        if core.closing.is_set() or core.webhook.active:
            return []
        return queue.peek(limit) or None

    result = await core.state.notifier.wait_for(ready, timeout)
    if result is _SUPERSEDED:
        raise ApiError.conflict(
            "terminated by other getUpdates request; make sure that only one bot instance is running"
        )
    return result or []


@api_method("setWebhook")
async def set_webhook(core: SandboxCore, p: Params) -> Any:
    url = (p.text("url") or "").strip()
    drop = p.flag("drop_pending_updates")
    if not url:
        core.webhook.delete(drop_pending_updates=drop)
        return True
    if not url.startswith(("http://", "https://")):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    allowed = p.structured("allowed_updates")
    core.webhook.set(
        url,
        secret_token=secret,
        drop_pending_updates=drop,
        max_connections=p.integer("max_connections"),
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    core.state.log("webhook_set", None, method="setWebhook", url=url)
    return True


@api_method("deleteWebhook")
async def delete_webhook(core: SandboxCore, p: Params) -> Any:
    core.webhook.delete(drop_pending_updates=p.flag("drop_pending_updates"))
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(core: SandboxCore, p: Params) -> Any:
    return core.webhook.info()
