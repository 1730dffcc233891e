"""What every console view shares: who is signed in, phrasing, rendering, auditing.

A view decorated with ``staff_only`` receives a ``Console``: the signed-in
staff member, their clinic (the only clinic any query may touch), their
language, and helpers to render a template, audit what they did and leave a
notice for the next page. Texts come from ``messages/locales/*/console.yaml``
(and the ``staff.*`` texts the Telegram tools use for statuses, levels and
errors), already HTML-escaped by ``messages.render``, so they are passed to
Jinja as ``Markup``; everything else is autoescaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from aiohttp import web
from babel.dates import format_date
from jinja2 import Environment
from markupsafe import Markup
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import audit
from bot.core.clinic_config import Clinic, Role
from bot.core.services import Services
from bot.staff.staff_views import CheckInView, MediaView
from bot.web.console.sessions import SessionCodec, StaffSession
from bot.web.console.throttle import FailedSignIns
from bot.web.server import WebContext
from messages.render import LANGUAGES, Safe, format_clock, format_when


@dataclass
class RequestState:
    """The session as this request found it and leaves it; the middleware writes the cookie from it."""

    staff: StaffSession | None = None
    problem: str = ""  # why a cookie did not count: "expired" or "revoked"
    notice: str = ""  # for the next page
    signed_out: bool = False


_REQUEST: ContextVar[RequestState] = ContextVar("aftercare_console_request")
"""Per request (aiohttp runs each request in its own task, middleware and view alike)."""


def begin_request(staff: StaffSession | None, problem: str) -> RequestState:
    found = RequestState(staff, problem)
    _REQUEST.set(found)
    return found


def current() -> RequestState:
    return _REQUEST.get()


@dataclass
class ConsoleState:
    """Built once per server: the web context, the cookie codec, the templates, the sign-in throttle."""

    ctx: WebContext
    codec: SessionCodec
    templates: Environment
    failed_sign_ins: FailedSignIns = field(default_factory=FailedSignIns)

    @property
    def services(self) -> Services:
        return self.ctx.services


STATE = web.AppKey("aftercare.console", ConsoleState)


def state_of(request: web.Request) -> ConsoleState:
    return request.app[STATE]


class Texts:
    """Console and staff texts in one language, for one clinic (or none, before sign-in)."""

    def __init__(self, services: Services, language: str, clinic: Clinic | None) -> None:
        self.svc = services
        self.language = language if language in LANGUAGES else "en"
        self.clinic = clinic

    def t(self, key: str, **params: Any) -> Markup:
        """A ``console.*`` text, escaped parameters included, safe to insert as HTML."""
        return Markup(self.svc.text(f"console.{key}", self.language, self.clinic, **params))

    def staff(self, key: str, **params: Any) -> Markup:
        return Markup(self.svc.text(f"staff.{key}", self.language, self.clinic, **params))

    def has(self, key: str) -> bool:
        entries = self.svc.catalog.entries
        return key in entries.get(self.language, {}) or key in entries["en"]

    def named(self, prefix: str, value: str | None) -> Markup:
        """The name of a status, level, kind or flag: ``console.*``, else ``staff.*``, else the value."""
        shown = value or "none"
        if self.has(f"console.{prefix}{shown}"):
            return self.t(f"{prefix}{shown}")
        if self.has(f"staff.{prefix}{shown}"):
            return self.staff(f"{prefix}{shown}")
        return Markup.escape(shown)

    @property
    def zone(self) -> tzinfo:
        return self.clinic.tz if self.clinic is not None else UTC

    def day(self, day: date) -> str:
        return format_date(day, format="full", locale=self.language)

    def clock(self, moment: datetime) -> str:
        return format_clock(moment, self.zone, self.language).replace("\u202f", " ")

    def stamp(self, moment: datetime) -> str:
        """To the second, for the audit log."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def signs(self, signs: tuple[str, ...]) -> str:
        """The staff names of triage signs (the alert texts); unknown ones as stored."""
        return ", ".join(self.svc.text(f"alerts.sign_{sign}", self.language, self.clinic)
                         if self.has(f"alerts.sign_{sign}") else sign for sign in signs)

    def outcome(self, value: str | None) -> str:
        """How an alert ended, as the staff chat names it (``alerts.outcome_*``); empty when not resolved."""
        return self.svc.text(f"alerts.outcome_{value}", self.language, self.clinic) if value else ""

    def answers(self, item: CheckInView) -> Markup:
        """A check-in's answers in one line, as the Telegram timeline phrases them."""
        parts: list[str] = []
        if item.soreness is not None:
            key = "answer_pain" if item.kind == "followup" else "answer_soreness"
            parts.append(self.staff(key, value=item.soreness))
        if item.swelling:
            parts.append(self.staff("answer_swelling", value=Safe(self.named("swelling_", item.swelling))))
        if item.function:
            parts.append(self.staff("answer_function", value=Safe(self.named("function_", item.function))))
        if item.signs:
            parts.append(self.staff("answer_signs", value=self.signs(item.signs)))
        if item.note:
            parts.append(self.staff("answer_note", value=item.note[:300]))
        return Markup(", ".join(parts)) if parts else self.staff("answer_none")


    def media_sent(self, item: MediaView) -> Markup:
        """"photo sent", as the Telegram timeline says it."""
        return self.staff("media_sent", kind=Safe(self.named("media_", item.kind)))

    def media_triage(self, item: MediaView) -> Markup:
        """The triage of the caption sent with a file, or that the bot read none."""
        if item.caption_level is None:
            return self.staff("media_not_read")
        return self.staff("media_caption", level=Safe(self.named("level_", item.caption_level)))


class Console(Texts):
    """One request by a signed-in staff member."""

    def __init__(self, request: web.Request, staff: StaffSession, clinic: Clinic) -> None:
        self.request = request
        self.state = state_of(request)
        self.staff_session = staff
        super().__init__(self.state.services, staff.language, clinic)
        self.home_clinic = clinic

    @property
    def now(self) -> datetime:
        return self.svc.clock.now()

    @property
    def actor(self) -> str:
        return audit.staff_actor(self.staff_session.staff_user_id)

    @property
    def csrf(self) -> str:
        return self.staff_session.csrf

    @property
    def role(self) -> Role:
        """From the clinic file on every request, so a changed role applies at once."""
        return self.home_clinic.staff.role_of(self.staff_session.staff_user_id)

    @property
    def can_act(self) -> bool:
        return self.home_clinic.can_act(self.staff_session.staff_user_id)

    def when(self, moment: datetime | None, zone: tzinfo | None = None) -> str:
        """A date and time on the clinic's clock (or ``zone``), as the reader writes them."""
        if moment is None:
            return "–"
        text = format_when(moment, zone or self.home_clinic.tz, self.language)
        return text.replace("\u202f", " ")

    def area_name(self, area: str | None) -> str:
        if area is None:
            return "–"
        return self.home_clinic.area_name(area, self.language) if area in self.home_clinic.protocols else area

    def record(self, session: AsyncSession, event: str, patient_label: str | None = None, level: str = "info",
               **details: Any) -> None:
        """An audit row for what this staff member just saw or did (``channel=console``), in ``session``."""
        audit.record(session, event, clinic_id=self.home_clinic.id, patient_label=patient_label,
                     actor=self.actor, level=level, channel="console", **details)

    async def audit(self, event: str, patient_label: str | None = None, level: str = "info", **details: Any) -> None:
        """``record`` in a transaction of its own."""
        async with self.svc.db.session() as session:
            self.record(session, event, patient_label, level, **details)

    def notice(self, text: str) -> None:
        """Show ``text`` (already-escaped HTML) on the next page this browser loads."""
        current().notice = text

    @property
    def shown_notice(self) -> Markup | None:
        return Markup(self.staff_session.notice) if self.staff_session.notice else None

    def render(self, template: str, status: int = 200, **values: Any) -> web.Response:
        return render(self.request, template, self, status=status, **values)


def stylesheet(request: web.Request) -> str:
    """The stylesheet's URL with a content hash, so a new version is never served from a stale cache."""
    return str(request.app.router["static"].url_for(filename="console.css"))


def script(request: web.Request, name: str) -> str:
    """A script's URL under ``static/``, content-hashed like the stylesheet's."""
    return str(request.app.router["static"].url_for(filename=name))


def render(request: web.Request, template: str, texts: Texts, status: int = 200, **values: Any) -> web.Response:
    values.setdefault("nav", "")
    values.setdefault("signed_in", isinstance(texts, Console))
    html = state_of(request).templates.get_template(template).render(c=texts, css=stylesheet(request), **values)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def visitor_language(request: web.Request) -> str:
    """Before sign-in: the browser's first language we speak, else English."""
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "en"


def message_page(request: web.Request, status: int, title_key: str, body_key: str, *,
                 texts: Texts | None = None, **params: Any) -> web.Response:
    """A friendly full page for refusals and dead ends (expired link, unknown patient, ...)."""
    chosen = texts or Texts(state_of(request).services, visitor_language(request), None)
    return render(request, "message.html", chosen, status=status, title=chosen.t(title_key),
                  body=chosen.t(body_key, **params), signed_in=isinstance(chosen, Console))


_KNOWN_PATHS = re.compile(r"/console/(?:patients(?:/[A-Z]{1,3}-[0-9]{1,8})?|alerts/[0-9]{1,12}|schedules|audit)?")
"""Every page a form may send the browser back to; the label shape is ``bot.domain.staff_input``'s."""


def known_path(candidate: object) -> str:
    """``candidate`` if it is one of the console's own pages, else Today.

    A redirect is built only from these, so a form field (``back``) can neither
    send staff off-site nor put a line break into the ``Location`` header.
    """
    if isinstance(candidate, str) and _KNOWN_PATHS.fullmatch(candidate):
        return candidate
    return "/console/"


def see_other(location: str) -> web.Response:
    """Post/redirect/get: a reload after a form never repeats the action."""
    return web.Response(status=303, headers={"Location": known_path(location)})


View = Callable[[Console], Awaitable[web.StreamResponse]]


def staff_only(view: View) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Wrap a view: a request without a live session gets the "sign in from the bot" page (401).

    Every form (POST) but Sign out changes something, so it is for clinicians:
    a ``viewer``'s is refused here (403, audited), whichever view it was for.
    """

    @functools.wraps(view)
    async def handler(request: web.Request) -> web.StreamResponse:
        found = current()
        staff = found.staff
        if staff is None:
            key = "expired_body" if found.problem == "expired" else "signin_body"
            return message_page(request, 401, "signin_title", key)
        services = state_of(request).services
        console = Console(request, staff, clinic=services.clinics[staff.clinic_id])
        if request.method == "POST" and not console.can_act and not request.path.endswith("/logout"):
            await console.audit("console_action_refused", level="warning", path=request.path, reason="viewer")
            return message_page(request, 403, "viewer_title", "viewer_body", texts=console)
        return await view(console)

    return handler
