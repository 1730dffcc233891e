"""The clinic web console: ``/console`` on the bot's own HTTP server (``bot.web.server``).

Server-rendered pages (Jinja2, autoescaped), one stylesheet; one small script
(``static/live.js``) makes Today live and everything works without it.
Mounted as an aiohttp sub-application so its middleware (sessions, CSRF,
security headers) only ever sees console requests. Routes, relative to
``/console``:

- ``GET /login/<token>``, ``POST /login/<token>`` sign in with a link from
  ``/console`` in Telegram (``auth``, ``views_login``); ``POST /logout``.
- ``GET /`` Today; ``POST /alerts/<id>/ack`` acknowledges an alert;
  ``GET /events`` Today's open alerts as server-sent events (``views_events``).
- ``GET /alerts/<id>`` one alert (report, reply, history);
  ``POST /alerts/<id>/<take|note|resolve>`` handles it (``views_alert``).
- ``GET /search?q=`` finds a patient by the start of the label (``views_search``).
- ``GET /patients`` (filters, paging), ``GET /patients/<label>``,
  ``GET /patients/<label>/chart.png``, ``POST /patients/<label>/<action>``
  (book, reschedule, done, missed, cancel).
- ``GET /schedules`` protocols and the message preview.
- ``GET /audit`` the clinic's audit trail.
- ``GET /outcomes`` figures across patients, ``GET /outcomes/<area>/<soreness|followups>.png``
  their charts, ``POST /outcomes/export`` the clinic's CSV files as one ZIP.
- ``/static/`` the stylesheet and the live page's script.

Every page view and form action is an audit event with the staff member's id
(``staff:<id>``, ``channel=console``); pages and URLs name patients only by
clinic label. Every form but Sign out is refused to a ``viewer`` (``page.staff_only``).
See ``docs/CONSOLE.md``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.core import audit
from bot.core.clinic_config import ClinicRegistry
from bot.core.services import Services
from bot.staff import console_login
from bot.staff.console_login import base_url
from bot.web.console import (
    csrf,
    outcomes_cache,
    views_actions,
    views_alert,
    views_audit,
    views_events,
    views_login,
    views_outcomes,
    views_patient,
    views_patients,
    views_schedules,
    views_search,
    views_today,
)
from bot.web.console.live_feed import AlertFeed
from bot.web.console.page import (
    STATE,
    ConsoleState,
    RequestState,
    begin_request,
    message_page,
    state_of,
)
from bot.web.console.sessions import COOKIE, COOKIE_PATH, SessionCodec, StaffSession, cookie_options, secret_key
from bot.web.server import CONTEXT, WebContext
from messages.bidi import neutralise_bidi

HERE = Path(__file__).resolve().parent
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # sign-in URLs carry a token; never leak a console URL
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
                                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
}


def _live_session(clinics: ClinicRegistry, staff: StaffSession | None, now: datetime,
                  idle_minutes: int) -> tuple[StaffSession | None, str]:
    """The session if it may still act (fresh, and its holder still staff there), else why not."""
    if staff is None:
        return None, ""
    clinic = clinics.get(staff.clinic_id)
    if clinic is None or not clinic.is_staff(staff.staff_user_id):
        return None, "revoked"
    if not staff.fresh(now, timedelta(minutes=idle_minutes)):
        return None, "expired"
    return staff, ""


async def _not_signed_out(services: Services, staff: StaffSession | None) -> tuple[StaffSession | None, str]:
    """The cookie is signed by us, but Sign out (on any replica) ends it: the database says whether it did."""
    if staff is None:
        return None, ""
    async with services.db.session() as session:
        ended = await console_login.session_ended(session, staff.login_id)
    return (None, "signed_out") if ended else (staff, "")


@web.middleware
async def console_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the session, refuse forged forms, run the view, then re-issue the cookie and add headers."""
    state = state_of(request)
    if request.path.startswith(f"{COOKIE_PATH}/static/"):
        response = await handler(request)
        response.headers.update(SECURITY_HEADERS)
        return response
    services = state.services
    now = services.clock.now()
    raw = request.cookies.get(COOKIE)
    staff, problem = _live_session(services.clinics, state.codec.load(raw), now,
                                   services.settings.console_idle_minutes)
    if staff is not None:
        staff, problem = await _not_signed_out(services, staff)
    found = begin_request(staff, problem)
    response = await _guarded(request, handler, staff)
    _write_cookie(found, response, state, raw, now)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _guarded(request: web.Request, handler: Handler, staff: StaffSession | None) -> web.StreamResponse:
    """The view's response; a POST without the session's CSRF token never reaches it."""
    is_login = request.path.startswith(f"{COOKIE_PATH}/login/")
    forged = (request.method == "POST" and staff is not None and not is_login
              and not csrf.matches(staff, await csrf.submitted_token(request)))
    if forged and staff is not None:
        services = state_of(request).services
        async with services.db.session() as session:
            audit.record(session, "console_csrf_rejected", clinic_id=staff.clinic_id,
                         actor=audit.staff_actor(staff.staff_user_id), level="warning", path=request.path)
        return message_page(request, 403, "csrf_title", "csrf_body")
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return message_page(request, 404, "not_found_title", "not_found_body")
    except web.HTTPMethodNotAllowed:
        return message_page(request, 405, "not_found_title", "not_found_body")


def _write_cookie(found: RequestState, response: web.StreamResponse, state: ConsoleState, raw: str | None,
                  now: datetime) -> None:
    """Slide the idle expiry (and carry a notice to the next page), or drop a dead cookie."""
    final = found.staff
    if found.signed_out or (raw and final is None):
        response.del_cookie(COOKIE, path=COOKIE_PATH)
        return
    if final is not None and not response.prepared:
        value = state.codec.dump(final.touched(now, found.notice))
        response.set_cookie(COOKIE, value, **cookie_options(state.services.settings, base_url(state.services)))


def visible(value: Any) -> Any:
    """Every value a page shows, bidirectional controls made visible (``messages.bidi``).

    Texts from the catalog have had it done to their parameters already; this
    catches what a template prints directly (names, typed form values, audit
    details) before autoescaping.
    """
    if isinstance(value, Markup):
        return Markup(neutralise_bidi(str(value)))
    return neutralise_bidi(value) if isinstance(value, str) else value


def templates() -> Environment:
    """Autoescaping on for every template; a missing variable is an error, not an empty string."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, finalize=visible)
    return env


def routes(console: web.Application) -> None:
    """The console's routes, relative to ``/console`` (listed in the module docstring)."""
    router = console.router
    router.add_get("", views_today.today_page)
    router.add_get("/", views_today.today_page)
    router.add_get("/login/{token}", views_login.login_page)
    router.add_post("/login/{token}", views_login.login)
    router.add_post("/logout", views_login.logout)
    router.add_post(r"/alerts/{alert_id:\d{1,12}}/ack", views_today.acknowledge)
    router.add_get(r"/alerts/{alert_id:\d{1,12}}", views_alert.alert_page)
    router.add_post(r"/alerts/{alert_id:\d{1,12}}/{action:take|note|resolve}", views_alert.alert_action)
    router.add_get("/events", views_events.events)
    router.add_get("/search", views_search.search_page)
    router.add_get("/patients", views_patients.patients_page)
    router.add_get("/patients/{label}", views_patient.patient_page)
    router.add_get("/patients/{label}/chart.png", views_patient.chart)
    router.add_post("/patients/{label}/{action}", views_actions.act)
    router.add_get("/schedules", views_schedules.schedules_page)
    router.add_get("/audit", views_audit.audit_page)
    router.add_get("/outcomes", views_outcomes.outcomes_page)
    router.add_get(r"/outcomes/{area}/{kind:soreness|followups}.png", views_outcomes.outcomes_chart)
    router.add_post("/outcomes/export", views_outcomes.export_download)
    outcomes_cache.attach(console)
    router.add_static("/static", HERE / "static", append_version=True, name="static")


def setup(app: web.Application, ctx: WebContext) -> None:
    """Called by ``bot.web.server.build_web_app``: mount the console under ``/console``."""
    console = web.Application(middlewares=[console_middleware], client_max_size=64 * 1024)
    console[CONTEXT] = ctx
    console[STATE] = ConsoleState(ctx, SessionCodec(secret_key(ctx.services.settings)), templates())
    routes(console)
    views_events.attach(console, AlertFeed(ctx.services, ctx.live))
    app.add_subapp(COOKIE_PATH, console)
