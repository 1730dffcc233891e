"""Patients: the clinic's active and paused patients, filtered and paged.

The rows are ``bot.staff.staff_views.patient_rows`` (the same list as ``/patients``
and ``aftercare patients``); filters are applied to them in memory, which is
fine at clinic scale (hundreds of patients, a fixed number of queries).
Filter values arrive in the query string and anything not on offer is
ignored rather than refused, so a stale bookmark still shows the list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping

from bot.core.patients import LIVE_STATUSES
from bot.staff.staff_views import PatientRow, paginate, patient_rows
from bot.web.console.page import Console, staff_only

PAGE_SIZE = 20
LEVELS = ("emergency", "urgent", "watch", "ok", "none")
KNOWN_FLAGS = ("screen_bleeding", "screen_infection", "screen_allergy", "blocked")
ANY_FLAG = "any"


@dataclass(frozen=True)
class PatientFilter:
    """What the list is narrowed to; empty strings mean "any"."""

    status: str = ""
    area: str = ""
    level: str = ""
    flag: str = ""

    @classmethod
    def read(cls, query: MultiMapping[str], areas: list[str], flags: list[str]) -> PatientFilter:
        def pick(name: str, allowed: list[str] | tuple[str, ...]) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        return cls(pick("status", [str(s) for s in LIVE_STATUSES]), pick("area", areas), pick("level", LEVELS),
                   pick("flag", [ANY_FLAG, *flags]))

    def keeps(self, row: PatientRow) -> bool:
        level = row.last_checkin_level or "none"
        flag_ok = (not self.flag or (self.flag == ANY_FLAG and bool(row.flags)) or self.flag in row.flags)
        return ((not self.status or row.status == self.status) and (not self.area or row.area == self.area)
                and (not self.level or level == self.level) and flag_ok)

    @property
    def active(self) -> bool:
        return any((self.status, self.area, self.level, self.flag))

    def link(self, page: int) -> str:
        """The list URL for ``page`` (0-based) with these filters."""
        values = {key: value for key, value in vars(self).items() if value}
        if page:
            values["page"] = str(page + 1)
        return "/console/patients" + (f"?{urlencode(values)}" if values else "")

    def without(self, name: str) -> PatientFilter:
        return replace(self, **{name: ""})


def _page_number(text: str | None) -> int:
    """``?page=`` counts from 1 for people; anything odd is the first page."""
    return int(text) - 1 if text and text.isdigit() and 0 < int(text) < 100_000 else 0


@staff_only
async def patients_page(console: Console) -> web.StreamResponse:
    clinic = console.home_clinic
    async with console.svc.db.session() as session:
        rows = await patient_rows(session, clinic.id)
        flags = sorted({*KNOWN_FLAGS, *(flag for row in rows for flag in row.flags)})
        chosen = PatientFilter.read(console.request.query, list(clinic.protocols), flags)
        kept = [row for row in rows if chosen.keeps(row)]
        page = paginate(kept, _page_number(console.request.query.get("page")), PAGE_SIZE)
        console.record(session, "console_patients_viewed", page=page.number, shown=len(page.items),
                       total=len(rows), filtered=chosen.active)
    return console.render("patients.html", nav="patients", page=page, filter=chosen, flags=flags,
                          levels=LEVELS, statuses=[str(s) for s in LIVE_STATUSES], total=len(rows))
