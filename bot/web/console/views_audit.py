"""Audit log: the clinic's trail with the filters of ``aftercare logs``, newest first, paged.

Filters are the CLI's: patient label, event names (comma-separated), minimum
level, since/until as an ISO time (on the clinic's clock, as the page shows
times, unless it carries an offset) or a duration
ago (``30m``, ``2h``, ``7d``), read by the same ``parse_moment`` as the CLI and
turned into the same ``bot.core.audit_log.AuditFilter``. The clinic filter is
not offered: it is always the signed-in staff member's clinic.

Events may name people by Telegram id (``actor=user:123``, a detail such as
``telegram_user_id``). The console never shows those: actors other than
``staff:<id>`` lose their number, and detail values that are a patient's
Telegram user or chat id, or sit under a key that names one, are masked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.audit_log import LEVELS, AuditFilter, newest, normalise_level, parse_moment
from bot.core.models import AuditEvent, Patient
from bot.staff.staff_actions import StaffError, label_of
from bot.web.console.page import Console, staff_only

PAGE_SIZE = 50
MASK = "•••"
_ACTOR_ID = re.compile(r"^(?P<kind>[a-z_]+):-?\d+$")
_SENSITIVE_KEY = re.compile(r"telegram|chat|user_id|from_id", re.IGNORECASE)


@dataclass(frozen=True)
class AuditQuery:
    """The filters as typed; ``page`` counts from 0."""

    patient: str = ""
    event: str = ""
    level: str = ""
    since: str = ""
    until: str = ""
    page: int = 0

    @classmethod
    def read(cls, query: MultiMapping[str]) -> AuditQuery:
        def typed(name: str) -> str:
            return query.get(name, "").strip()[:80]

        page = query.get("page", "")
        return cls(typed("patient"), typed("event"), typed("level"), typed("since"), typed("until"),
                   int(page) - 1 if page.isdigit() and 0 < int(page) < 100_000 else 0)

    def link(self, page: int) -> str:
        values = {k: v for k, v in vars(self).items() if k != "page" and v}
        if page:
            values["page"] = str(page + 1)
        return "/console/audit" + (f"?{urlencode(values)}" if values else "")


class FilterProblem(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def build_filter(console: Console, typed: AuditQuery, now: datetime) -> AuditFilter:
    """The CLI's filter for the clinic, or ``FilterProblem`` naming the field to fix."""
    try:
        label = label_of(typed.patient) if typed.patient else None
    except StaffError:
        raise FilterProblem(console.t("err_audit_patient", value=typed.patient)) from None
    try:
        level = normalise_level(typed.level) if typed.level else None
        zone = console.home_clinic.tz
        since = parse_moment("since", typed.since, now, zone) if typed.since else None
        until = parse_moment("until", typed.until, now, zone) if typed.until else None
    except ValueError:
        raise FilterProblem(console.t("err_audit_filter")) from None
    events = tuple(part for part in re.split(r"[\s,]+", typed.event) if part)
    return AuditFilter(clinic_id=console.home_clinic.id, patient_label=label, events=events, min_level=level,
                       since=since, until=until)


async def patient_ids(session: AsyncSession, clinic_id: str) -> set[str]:
    """Every Telegram user and chat id of the clinic's patients, as text, for masking."""
    rows = await session.exec(select(Patient.telegram_user_id, Patient.chat_id).where(Patient.clinic_id == clinic_id))
    return {str(value) for pair in rows.all() for value in pair if value is not None}


def shown_actor(actor: str) -> str:
    match = _ACTOR_ID.match(actor)
    if match is None or match["kind"] == "staff":
        return actor
    return f"{match['kind']}:{MASK}"


def masked(value: Any, ids: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: MASK if _SENSITIVE_KEY.search(str(key)) else masked(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item, ids) for item in value]
    if isinstance(value, int | str) and not isinstance(value, bool) and str(value) in ids:
        return MASK
    return value


def details_text(details: dict[str, Any], ids: set[str]) -> str:
    parts = []
    for key, value in masked(details, ids).items():
        simple = isinstance(value, str) and value and " " not in value
        parts.append(f"{key}={value if simple else json.dumps(value, default=str, ensure_ascii=False)}")
    return " ".join(parts)


@staff_only
async def audit_page(console: Console) -> web.StreamResponse:
    typed = AuditQuery.read(console.request.query)
    rows: list[AuditEvent] = []
    problem = ""
    async with console.svc.db.session() as session:
        try:
            flt = build_filter(console, typed, datetime.now(UTC))  # audit rows are stamped by the wall clock
            statement = newest(flt, PAGE_SIZE + 1).offset(typed.page * PAGE_SIZE)
            rows = list((await session.exec(statement)).all())
        except FilterProblem as exc:
            problem = exc.text
        ids = await patient_ids(session, console.home_clinic.id)
        console.record(session, "console_audit_viewed", page=typed.page, filtered=any(
            (typed.patient, typed.event, typed.level, typed.since, typed.until)))
    shown = [(row, shown_actor(row.actor), details_text(row.details, ids)) for row in rows[:PAGE_SIZE]]
    return console.render("audit.html", status=400 if problem else 200, nav="audit", typed=typed, rows=shown,
                          has_next=len(rows) > PAGE_SIZE, problem=problem, levels=LEVELS[1:])
