"""Every page of the web console, in one list: the browser checks (fit, accessibility) and the screenshots walk it.

A page added to the console is one line here. Paths are relative to the
console's base URL and are opened by a signed-in Riverside staff member in
the fixture of ``test_console_browser.py`` (R-0001 has answers and an alert,
Hillside's H-0001 belongs to another clinic). The sign-in page is not listed:
it needs a fresh link, so the walk checks it on the way in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsolePage:
    """One page to open: its screenshot name, its path, a text its first heading contains."""

    name: str
    path: str
    heading: str
    publish: bool = True  # written to docs/screenshots by docs/screenshots/make.py


PREVIEW_QUERY = "area=shoulder&first=2027-01-11T09:00&tz=Europe/Madrid&sessions=3"

PAGES: tuple[ConsolePage, ...] = (
    ConsolePage("today", "/console/", "Today"),
    ConsolePage("patients", "/console/patients", "Patients"),
    ConsolePage("patient", "/console/patients/R-0001", "R-0001"),
    ConsolePage("alert", "/console/alerts/1", "Alert for R-0001"),  # R-0001's alert is the fixture's first
    ConsolePage("search", "/console/search?q=r-", "Find a patient"),
    ConsolePage("schedules", f"/console/schedules?{PREVIEW_QUERY}", "Schedules"),
    ConsolePage("audit", "/console/audit", "Audit"),
    # Hillside's fuller charts (the demo cohort) are published by test_outcomes_browser.py.
    ConsolePage("outcomes", "/console/outcomes", "Outcomes", publish=False),
    ConsolePage("not-found", "/console/patients/H-0001", "No such patient"),
)
