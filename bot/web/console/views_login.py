"""Signing in with a link from the bot, and signing out.

``GET /console/login/<token>`` shows who the link is for and a "Sign in"
button; it never spends the link (see ``bot.staff.console_login``). The button POSTs back to the
same URL, which spends it and opens the session. That second step matters for
the cookie too: a SameSite=Strict cookie set while following a link from a
chat app (a cross-site navigation) would not be sent on the redirect that
follows, whereas a POST from our own page is same-site, so the staff member
lands on Today signed in.

A dead link gets a page saying why and what to do: 404 when it never
existed, 410 when it was used or expired. Failed attempts are audited
(without the token) and counted per client: past the limit, the client gets
429 for a while (``throttle``), audited once when it starts.
"""

from __future__ import annotations

from aiohttp import web

from bot.core import audit
from bot.core.models import ConsoleLogin
from bot.staff import console_login
from bot.web.console.page import (
    Console,
    Texts,
    current,
    message_page,
    render,
    see_other,
    staff_only,
    state_of,
)
from bot.web.console.sessions import open_session
from bot.web.console.throttle import client_of

_DEAD_LINK = {
    console_login.LinkState.UNKNOWN: (404, "link_unknown_title", "link_unknown_body"),
    console_login.LinkState.USED: (410, "link_used_title", "link_used_body"),
    console_login.LinkState.EXPIRED: (410, "link_expired_title", "link_expired_body"),
}


def _client(request: web.Request) -> str:
    return client_of(request.remote, request.headers.get("X-Forwarded-For"))


def _throttled(request: web.Request) -> web.Response | None:
    """429 with a friendly page while this client has too many failed links behind it."""
    wait = state_of(request).failed_sign_ins.retry_after(_client(request))
    if wait is None:
        return None
    response = message_page(request, 429, "too_many_title", "too_many_body",
                            seconds=int(wait + 0.999))
    response.headers["Retry-After"] = str(int(wait + 0.999))
    return response


async def _dead_link(request: web.Request, state: console_login.LinkState, row: ConsoleLogin | None) -> web.Response:
    services = state_of(request).services
    blocked = state_of(request).failed_sign_ins.failed(_client(request))
    async with services.db.session() as session:
        audit.record(session, "console_login_refused", clinic_id=row.clinic_id if row else None,
                     actor=audit.staff_actor(row.staff_user_id) if row else "web", level="warning",
                     reason=str(state), login=row.id if row else None)
        if blocked:
            audit.record(session, "console_login_throttled", actor="web", level="warning",
                         failures=state_of(request).failed_sign_ins.limit)
    status, title, body = _DEAD_LINK[state]
    return message_page(request, status, title, body, minutes=int(console_login.LINK_VALIDITY.total_seconds() // 60))


def _usable(request: web.Request, state: console_login.LinkState, row: ConsoleLogin | None) -> console_login.LinkState:
    """The link's state, where a link for someone no longer staff there counts as unknown."""
    if row is None:
        return console_login.LinkState.UNKNOWN
    clinic = state_of(request).services.clinics.get(row.clinic_id)
    if state is console_login.LinkState.VALID and (clinic is None or not clinic.is_staff(row.staff_user_id)):
        return console_login.LinkState.UNKNOWN
    return state


async def login_page(request: web.Request) -> web.StreamResponse:
    """The link's landing page: whose link it is and a button to sign in (nothing spent yet)."""
    refused = _throttled(request)
    if refused is not None:
        return refused
    services = state_of(request).services
    async with services.db.session() as session:
        found, row = await console_login.inspect(session, request.match_info["token"], services.clock.now())
    state = _usable(request, found, row)
    if state is not console_login.LinkState.VALID or row is None:
        return await _dead_link(request, state, row)
    clinic = services.clinics[row.clinic_id]
    texts = Texts(services, row.language, clinic)
    return render(request, "login.html", texts, clinic=clinic, name=row.staff_name or "",
                  action=request.path)


async def login(request: web.Request) -> web.StreamResponse:
    """Spend the link and open the session; then Today."""
    refused = _throttled(request)
    if refused is not None:
        return refused
    services = state_of(request).services
    now = services.clock.now()
    async with services.db.session() as session:
        found, row = await console_login.redeem(session, request.match_info["token"], now)
        state = _usable(request, found, row)
        if state is console_login.LinkState.VALID and row is not None:
            audit.record(session, "console_signed_in", clinic_id=row.clinic_id,
                         actor=audit.staff_actor(row.staff_user_id), login=row.id, channel="console")
    if state is not console_login.LinkState.VALID or row is None:
        return await _dead_link(request, state, row)
    current().staff = open_session(row.staff_user_id, row.clinic_id, row.id or 0, row.language,
                                          row.staff_name or "", now)
    return see_other("/console/")


@staff_only
async def logout(console: Console) -> web.StreamResponse:
    """End the session everywhere (a copy of the cookie stops working too), not only in this browser."""
    async with console.svc.db.session() as session:
        await console_login.sign_out(session, console.staff_session.login_id, console.now)
        console.record(session, "console_signed_out")
    current().signed_out = True
    current().staff = None
    return message_page(console.request, 200, "signed_out_title", "signed_out_body", texts=Texts(
        console.svc, console.language, console.home_clinic))
