"""Find a patient by label: ``GET /console/search?q=r-00``.

Labels are pseudonyms such as ``R-0042`` (an uppercase prefix, a dash,
digits), so the search is on the label alone: the start of a label, any case.
A query that is a whole label of the clinic opens that patient's page at once
(staff usually type the label from a card); otherwise the matching labels are
listed. Only the signed-in clinic's patients are searched, and erased
patients (whose label is kept so it is never reused) are never found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Patient, PatientStatus
from bot.web.console.page import Console, see_other, staff_only

LIMIT = 20
MAX_QUERY = 24
_LABEL_START = re.compile(r"[A-Z0-9-]{1,24}")
"""What may start a label; anything else cannot match one and never reaches the query."""


@dataclass(frozen=True)
class Found:
    label: str
    status: str


def cleaned(text: str | None) -> str:
    """The query as staff meant it: trimmed and uppercased (labels are uppercase)."""
    return (text or "").strip()[:MAX_QUERY].upper()


async def by_label_prefix(session: AsyncSession, clinic_id: str, prefix: str, limit: int = LIMIT) -> list[Found]:
    """The clinic's patients whose label starts with ``prefix``, in label order, at most ``limit`` (+1)."""
    if not _LABEL_START.fullmatch(prefix):
        return []
    statement = (select(Patient.label, Patient.status)
                 .where(Patient.clinic_id == clinic_id, Patient.status != PatientStatus.DELETED)
                 .where(col(Patient.label).startswith(prefix, autoescape=True))
                 .order_by(col(Patient.label)).limit(limit + 1))
    return [Found(label, str(status)) for label, status in (await session.exec(statement)).all()]


@staff_only
async def search_page(console: Console) -> web.StreamResponse:
    query = cleaned(console.request.query.get("q"))
    clinic = console.home_clinic
    async with console.svc.db.session() as session:
        rows = await by_label_prefix(session, clinic.id, query) if query else []
        exact = next((row for row in rows if row.label == query), None)
        console.record(session, "console_patients_searched", found=len(rows), exact=exact is not None)
    if exact is not None:
        return see_other(f"/console/patients/{exact.label}")
    return console.render("search.html", nav="patients", query=query, rows=rows[:LIMIT], more=len(rows) > LIMIT,
                          limit=LIMIT)
