"""The console's outcomes page and CSV download over HTTP, as a signed-in staff member sees them.

Riverside holds ``tests.support.outcomes_seed``'s history (figures worked out
by hand in ``tests/integration/test_outcomes_figures.py``); Hillside, the
other clinic, has a patient of its own that Riverside's staff must never see.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import delete

from bot.core.models import Alert, CheckIn
from bot.demo.cohort_store import seed_demo_cohort
from bot.outcomes.export import FILES
from tests.support.clinic import STAFF_USER_ID
from tests.support.console import OTHER_STAFF_ID, ConsoleClient, signed_in, two_clinics
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.outcomes_seed import NOTE, seed_history
from tests.support.staff_factories import audit_events

PAGE = "/console/outcomes"


@pytest.fixture
async def clinics(tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sqlite_url(tmp_path), clinics=two_clinics()) as harness:
        await seed_history(harness.db)
        yield harness


def section(html: str, area_heading: str) -> str:
    """One area's card of the page."""
    return html.split(f">{area_heading}</h2>")[1].split("</section>")[0]


async def test_the_page_shows_each_area_s_figures_with_charts_and_tables(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get(PAGE)
    assert page.status == 200
    assert '<a href="/console/outcomes" aria-current="page">Outcomes</a>' in page.text
    knee = section(page.text, "Knee")
    assert "Injections given: <strong>7</strong>" in knee
    assert "7 of 10 (70%)" in knee and "4 of 5 (80%)" in knee
    assert "<th scope=\"col\">Day 0 · 6 hours</th>" in knee and "Day 7 · 1 week" in knee
    assert "4.5 (2.5–7) <span class=\"muted\">· 4 answers</span>" in knee
    assert "5 (3.5–5)" in knee and "8 (8–8)" in knee
    assert "3 (2.5–4)" in knee and "better 2 · same 1 · worse 0" in knee  # six weeks
    urgent = knee.split("level-urgent")[1].split("</tr>")[0]
    assert ">3<" in urgent and "42.9" in urgent and "10 min" in urgent and "14 min" in urgent
    assert 'src="/console/outcomes/knee/soreness.png"' in knee and 'src="/console/outcomes/knee/followups.png"' in knee
    assert 'alt="Chart of median soreness by day after injection in Knee' in knee
    low_back = section(page.text, "Low back")
    assert "soreness.png" in low_back and "followups.png" not in low_back  # no follow-up answered there
    assert ">Shoulder</h2>" not in page.text  # nothing happened there
    assert "Hillside" not in page.text


async def test_charts_are_pngs_and_there_is_none_without_figures(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        status, body, headers = await browser.get_bytes("/console/outcomes/knee/soreness.png")
        assert (status, headers["Content-Type"]) == (200, "image/png")
        assert Image.open(io.BytesIO(body)).size == (800, 400)
        narrow = await browser.get_bytes("/console/outcomes/knee/soreness.png?size=narrow")
        assert Image.open(io.BytesIO(narrow[1])).size == (500, 440)  # for phones
        assert (await browser.get_bytes("/console/outcomes/knee/followups.png?since=2026-03-01"))[0] == 200
        for path in ("/console/outcomes/low_back/followups.png", "/console/outcomes/shoulder/soreness.png",
                     "/console/outcomes/elbow/soreness.png", "/console/outcomes/knee/soreness.png?since=2026-13-01",
                     "/console/outcomes/knee/soreness.png?since=2031-01-01"):
            assert (await browser.get_bytes(path))[0] == 404, path


async def test_the_charts_show_the_figures_their_page_just_showed(clinics: Harness) -> None:
    """Each image reuses the page's figures (rather than reading every check-in again), for a short while."""
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        await browser.get(f"{PAGE}?since=2026-03-01")
        async with clinics.db.session() as session:
            await session.exec(delete(Alert))
            await session.exec(delete(CheckIn))
        assert (await browser.get_bytes("/console/outcomes/knee/soreness.png?since=2026-03-01"))[0] == 200
        assert (await browser.get_bytes("/console/outcomes/knee/soreness.png?since=2026-03-02"))[0] == 404


async def test_filters_narrow_the_page_to_an_area_and_days(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get(f"{PAGE}?area=knee&since=2026-03-02&until=2026-03-03")
    assert page.status == 200
    assert '<span class="sub">Mar 2, 2026 to Mar 3, 2026</span>' in page.text
    assert ">Low back</h2>" not in page.text
    knee = section(page.text, "Knee")
    assert "Injections given: <strong>4</strong>" in knee and "6 of 8 (75%)" in knee
    assert 'src="/console/outcomes/knee/soreness.png?since=2026-03-02&amp;until=2026-03-03"' in knee
    assert '<option value="knee" selected>' in page.text and 'value="2026-03-02"' in page.text
    events = await audit_events(clinics.db, "console_outcomes_viewed")
    assert events[-1].details["area"] == "knee" and events[-1].details["filtered"] is True


@pytest.mark.parametrize(("query", "message"), [
    ("since=2026-13-01", "“2026-13-01” is not a date. Type it as YYYY-MM-DD, for example 2026-03-01."),
    ("since=2026-05-01&until=2026-04-01", "The end date (2026-04-01) is before the start date (2026-05-01)."),
    ("area=elbow", "There is no area “elbow” in this clinic"),
])
async def test_a_bad_filter_gets_the_form_again_with_the_reason(clinics: Harness, query: str, message: str) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        page = await browser.get(f"{PAGE}?{query}")
    assert page.status == 400
    assert f'<p class="error" role="alert">{message}' in page.text
    assert 'method="get" action="/console/outcomes"' in page.text  # the form, to fix it
    assert "Injections given" not in page.text  # nothing computed
    assert (await audit_events(clinics.db, "console_outcomes_viewed"))[-1].details["refused"] is True


async def test_an_empty_period_says_what_to_do(harness: Harness) -> None:
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        page = await browser.get(PAGE)
    assert page.status == 200
    assert "No check-ins answered yet in this period: the figures appear once patients answer" in page.text
    assert "<h2 id=\"area-" not in page.text
    assert "Download CSV export (ZIP)" in page.text  # the export is there all the same


async def test_signed_out_visitors_are_sent_to_sign_in(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        page = await browser.get(PAGE)
        status, _, _ = await browser.get_bytes("/console/outcomes/knee/soreness.png")
    assert page.status == 401 and "Please sign in" in page.text
    assert status == 401


def _files(body: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
                for name in archive.namelist()}


async def test_the_export_downloads_the_clinic_s_csv_files_and_is_audited(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser)
        await browser.get(PAGE)
        forged = await browser.post(f"{PAGE}/export", csrf=False)
        assert forged.status == 403 and await audit_events(clinics.db, "outcomes_exported") == []
        async with browser.http.post(browser.base + f"{PAGE}/export", data={"csrf": browser.csrf}) as response:
            assert response.status == 200 and response.content_type == "application/zip"
            disposition = response.headers["Content-Disposition"]
            body = await response.read()
    assert disposition.startswith('attachment; filename="aftercare-riverside-') and disposition.endswith('.zip"')
    files = _files(body)
    assert sorted(files) == sorted(FILES)
    assert [row["patient"] for row in files["patients.csv"]] == ["R-0001", "R-0002", "R-0003", "R-0005", "R-0004"]
    text = body.decode("latin-1")  # the archive is deflated: look at the parsed cells instead
    cells = {value for rows in files.values() for row in rows for value in row.values()}
    assert not {"Alexandra", NOTE, "7001", "H-0001"} & cells and "Alexandra" not in text
    (event,) = await audit_events(clinics.db, "outcomes_exported")
    assert event.actor == f"staff:{STAFF_USER_ID}" and event.details["channel"] == "console"
    assert event.details["rows"] == {name.removesuffix(".csv"): len(rows) for name, rows in files.items()}


async def test_each_clinic_exports_only_its_own_patients(clinics: Harness) -> None:
    async with ConsoleClient(clinics) as browser:
        await signed_in(clinics, browser, OTHER_STAFF_ID)
        await browser.get(PAGE)
        async with browser.http.post(browser.base + f"{PAGE}/export", data={"csrf": browser.csrf}) as response:
            files = _files(await response.read())
    assert [row["patient"] for row in files["patients.csv"]] == ["H-0001"]
    assert [row["acknowledged_by"] for row in files["alerts.csv"]] == ["staff-former"]  # not Hillside's staff


async def test_the_demo_cohort_fills_every_area(harness: Harness) -> None:
    cohort = await seed_demo_cohort(harness.services, harness.clinic)
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        page = await browser.get(PAGE)
        for area in harness.clinic.protocols:
            assert (await browser.get_bytes(f"/console/outcomes/{area}/soreness.png"))[0] == 200
    assert page.status == 200 and "No check-ins answered yet" not in page.text
    for heading in ("Knee", "Low back", "Shoulder"):
        assert "answers</span>" in section(page.text, heading)
    assert len(cohort.patients) == 60 and all(row["telegram_user_id"] is None for row in cohort.patients)
    assert not any(row["status"] == "pending" for row in cohort.messages)
