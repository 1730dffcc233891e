"""``GET /console/events``: Today's open alerts as server-sent events, while the page is open.

The stream is a console request like any other: the session cookie signs it
in (no session, no stream: 401), and it carries only the signed-in clinic's
alerts. Each event is the alerts section already rendered for this staff
member (their language, their CSRF token in the Acknowledge forms) and the
window title with the open-alert count, so the page's script only swaps HTML
the server escaped. Its ``id`` is the clinic's mark, so a reconnecting browser
(``Last-Event-ID``) gets news only if something changed meanwhile.

The stream ends with ``event: end`` when the session does (idle or lifetime
limit, Sign out on any replica, removed from the clinic's staff): the page
then reloads and shows the sign-in page. On server shutdown it just closes and
the browser reconnects to whichever server is up. Opening a stream is not
audited (browsers reconnect on their own); viewing Today is.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
from datetime import timedelta
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.web.console.live_feed import AlertFeed, FeedClosed, FeedFull, Listener, Mark, Snapshot
from bot.web.console.page import Console, staff_only, state_of

FEED = web.AppKey("aftercare.console.live", AlertFeed)
RETRY_MS = 5000


def feed_of(request: web.Request) -> AlertFeed:
    return request.app[FEED]


def window_title(console: Console, open_alerts: int) -> Markup:
    """"(2) Today – Riverside": the count first, so it shows in a narrow browser tab."""
    clinic = console.home_clinic.name
    if open_alerts:
        return console.t("today_window_title_alerts", count=open_alerts, clinic_name=clinic)
    return console.t("today_window_title", clinic_name=clinic)


class _AnyMember:
    """A console as the alerts section sees it, with a stand-in for the member's own CSRF token.

    The section is the same for every member of a clinic who reads the same
    language but for that token, so it is rendered once per language and the
    token put in per stream (tokens are URL-safe base64: nothing to escape).
    """

    csrf = "\x00csrf\x00"

    def __init__(self, console: Console) -> None:
        self._console = console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console, name)


def alerts_html(console: Console, snapshot: Snapshot) -> str:
    """The alerts section for this member, from the snapshot's rendering in their language."""
    shared = snapshot.rendered.get(console.language)
    if shared is None:
        template = state_of(console.request).templates.get_template("_today_alerts.html")
        shared = snapshot.rendered[console.language] = template.render(c=_AnyMember(console), data=snapshot)
    return shared.replace(_AnyMember.csrf, console.csrf)


def alerts_event(console: Console, snapshot: Snapshot) -> bytes:
    """One ``alerts`` event: the section's HTML, the title, the count, and the news for screen readers."""
    body = {
        "html": alerts_html(console, snapshot),
        "title": html.unescape(window_title(console, len(snapshot.alerts))),  # text, not HTML
        "open": len(snapshot.alerts),
        "news": html.unescape(console.t("open_alerts", count=len(snapshot.alerts))),
    }
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return f"id: {snapshot.mark.token}\nevent: alerts\ndata: {data}\n\n".encode()


def _session_over(console: Console, listener: Listener) -> bool:
    """Whether this stream's session may no longer see the clinic's alerts."""
    staff = console.staff_session
    idle = timedelta(minutes=console.svc.settings.console_idle_minutes)
    return (listener.ended or not staff.fresh(console.now, idle)
            or not console.home_clinic.is_staff(staff.staff_user_id))


@staff_only
async def events(console: Console) -> web.StreamResponse:
    request = console.request
    feed = feed_of(request)
    try:
        listener = feed.join(console.home_clinic.id, console.staff_session.login_id)
    except (FeedFull, FeedClosed):
        return web.Response(status=503, text="busy", headers={"Retry-After": "60", "Cache-Control": "no-store"})
    try:
        return await _stream(console, feed, listener)
    finally:
        feed.leave(listener)


async def _stream(console: Console, feed: AlertFeed, listener: Listener) -> web.StreamResponse:
    request = console.request
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Content-Type-Options": "nosniff",
                                           "X-Accel-Buffering": "no"})  # a proxy must not hold events back
    await response.prepare(request)
    seen = Mark.parse(request.headers.get("Last-Event-ID")) or Mark.parse(request.query.get("mark"))
    with contextlib.suppress(ConnectionError):
        await response.write(f"retry: {RETRY_MS}\n\n".encode())
        while not feed.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(listener.wake.wait(), feed.policy.heartbeat)
            listener.wake.clear()
            if feed.closed:
                break
            if _session_over(console, listener):
                await response.write(b"event: end\ndata: signed_out\n\n")
                break
            snapshot = feed.snapshots.get(listener.clinic_id)
            if snapshot is not None and snapshot.mark != seen:
                await response.write(alerts_event(console, snapshot))
                seen = snapshot.mark
            else:
                await response.write(b": keep-alive\n\n")
    return response


def attach(console_app: web.Application, feed: AlertFeed) -> None:
    """Keep the feed on the console app and end every stream when the server shuts down."""
    console_app[FEED] = feed

    async def close(_app: web.Application) -> None:
        await feed.close()

    console_app.on_shutdown.append(close)
