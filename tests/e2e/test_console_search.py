"""Finding a patient by label from the console's search box: prefix, any case, one clinic only.

Staff type a label from a patient's card (``r-0012``) and land on the patient's
page; the start of a label lists the matches; nothing typed and nothing found
each say what to do; Hillside's patients are never found from Riverside, nor
an erased patient whose label is kept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.models import PatientStatus
from tests.support.console import ConsoleClient, signed_in, two_clinics
from tests.support.factories import make_patient
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.staff_factories import audit_events


@pytest.fixture
async def clinics(tmp_path: Path) -> AsyncIterator[Harness]:
    """Riverside R-0012, R-0013, R-0120 and an erased R-0014; Hillside H-0012."""
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics()) as harness:
        for number, label in enumerate(("R-0012", "R-0013", "R-0120")):
            await make_patient(harness.db, label=label, user_id=6100 + number)
        await make_patient(harness.db, label="R-0014", user_id=6200, status=PatientStatus.DELETED)
        await make_patient(harness.db, clinic_id="hillside", label="H-0012", user_id=6300)
        yield harness


async def test_an_exact_label_in_any_case_opens_the_patient(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        today = await signed_in(clinics, browser)
        assert 'action="/console/search"' in today.text and 'name="q"' in today.text
        assert 'action="/console/search"' in (await browser.get("/console/patients")).text
        found = await browser.get("/console/search?q=+r-0012+")
        assert found.status == 303 and found.headers["Location"] == "/console/patients/R-0012"
        assert (await browser.get(found.headers["Location"])).status == 200
        assert [e.details.get("exact") for e in await audit_events(clinics.db, "console_patients_searched")] == [True]


async def test_the_start_of_a_label_lists_the_clinics_matches(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get("/console/search?q=r-001")
        assert page.status == 200
        assert "2 labels start with “R-001”" in page.text
        assert 'href="/console/patients/R-0012"' in page.text and 'href="/console/patients/R-0013"' in page.text
        assert "R-0120" not in page.text and "R-0014" not in page.text, "only prefixes; erased never found"
        assert 'value="R-001"' in page.text, "the box keeps what was typed"


async def test_empty_and_unmatched_searches_say_what_to_do(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        empty = await browser.get("/console/search?q=")
        assert empty.status == 200 and "Type a label to search" in empty.text
        assert "for example R-00" in empty.text
        for query in ("H-0012", "h-00", "R-9", "%", "<b>x</b>"):
            page = await browser.get(f"/console/search?q={query}")
            assert page.status == 200, query
            assert "No label starts with" in page.text and "H-0012</a>" not in page.text, query
            assert 'href="/console/patients">all patients</a>' in page.text
        assert "<b>X</b>" not in page.text and "&lt;B&gt;X&lt;/B&gt;" in page.text


async def test_search_needs_a_session(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as stranger:
        page = await stranger.get("/console/search?q=R-0012")
        assert page.status == 401 and "R-0012" not in page.text
