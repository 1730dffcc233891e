"""Extreme query and form values on the web console (hypothesis): a page or a 303, never a 5xx.

A signed-in staff member's browser sends every page's query parameters and
every form's fields with typos, huge numbers, the ends of the calendar, line
breaks and random text. Each answer must be a complete HTTP response below
500 (a dropped connection fails the request), and a redirect only ever names
one of the console's own pages.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.console import ConsoleClient, patient_with_history, signed_in
from tests.support.harness import Harness, running_bot, sqlite_url

ODD = ["", " ", "0", "-1", "99999999d", "99999999999999999999", "P99999999999D", "9999-12-31T23:00",
       "0001-01-01T00:00+14:00", "2026-02-30T10:00", "tomorrow 9am", "\r\nX-Evil: 1", "/console/\r\nSet-Cookie: a=b",
       "//evil.example/", "https://evil.example/", "/console//x", "%00", "\x00", "💉", "<script>", "R-0001",
       "x" * 500, "1e309", "nan", "../../etc/passwd", "Europe/Nowhere", "knee", "urgent", "emergency"]
VALUES = st.one_of(st.sampled_from(ODD), st.text(max_size=30))
PAGES = {
    "/console/audit": ["patient", "event", "level", "since", "until", "page"],
    "/console/patients": ["status", "area", "level", "flag", "page"],
    "/console/schedules": ["area", "first", "tz", "sessions"],
    "/console/": ["page"],
}
FORMS = {
    "book": ["when"], "reschedule": ["session", "when"], "done": ["session", "at"], "missed": ["session"],
    "cancel": ["session"],
}
_LOCATION = re.compile(r"/console/(?:patients(?:/[A-Z]{1,3}-\d{1,8})?|schedules|audit)?")


@dataclass
class Scene:
    harness: Harness
    browser: ConsoleClient
    alert_id: int


@pytest.fixture
async def scene(tmp_path: Path) -> AsyncIterator[Scene]:
    async with running_bot(sqlite_url(tmp_path)) as harness:
        await patient_with_history(harness)
        async with ConsoleClient(harness) as browser:
            await signed_in(harness, browser)
            await browser.get("/console/")
            yield Scene(harness, browser, alert_id=1)  # the scenario's one alert, on a fresh database


def assert_answered(status: int, headers: object, what: str) -> None:
    assert status < 500, what
    if status in (301, 302, 303, 307, 308):
        location = headers["Location"]  # type: ignore[index]
        assert _LOCATION.fullmatch(location), (what, location)


async def test_an_acknowledge_form_with_a_line_break_in_back_is_answered(scene: Scene) -> None:
    page = await scene.browser.post(f"/console/alerts/{scene.alert_id}/ack",
                                    {"back": "/console/patients/R-0001\r\nSet-Cookie: evil=1"})
    assert page.status == 303
    assert page.headers["Location"] == "/console/"
    assert "evil" not in str(page.headers.get("Set-Cookie", ""))


async def test_an_audit_filter_far_in_the_past_is_a_400_with_the_form(scene: Scene) -> None:
    page = await scene.browser.get("/console/audit?since=99999999d")
    assert page.status == 400
    assert 'name="since"' in page.text


async def test_every_odd_value_in_every_parameter_and_field(scene: Scene) -> None:
    for path, names in PAGES.items():
        for name in names:
            for value in ODD:
                url = f"{path}?{urlencode({name: value})}"
                page = await scene.browser.get(url)
                assert_answered(page.status, page.headers, url)
    await scene.browser.get("/console/patients/R-0001")
    for action, fields in [*FORMS.items(), ("ack", ["back"])]:
        path = f"/console/alerts/{scene.alert_id}/ack" if action == "ack" else f"/console/patients/R-0001/{action}"
        for name in fields:
            for value in ODD:
                page = await scene.browser.post(path, {name: value})
                assert_answered(page.status, page.headers, f"{path} {name}={value!r}")
                assert page.status != 403, "the CSRF token was refused: the form was never read"


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
async def test_query_parameters_never_cause_a_server_error(scene: Scene, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(sorted(PAGES)), label="page")
    names = data.draw(st.lists(st.sampled_from(PAGES[path]), min_size=1, max_size=4, unique=True), label="names")
    query = {name: data.draw(VALUES, label=name) for name in names}
    url = f"{path}?{urlencode(query)}"
    page = await scene.browser.get(url)
    assert_answered(page.status, page.headers, url)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
async def test_form_fields_never_cause_a_server_error(scene: Scene, data: st.DataObject) -> None:
    action = data.draw(st.sampled_from([*sorted(FORMS), "ack"]), label="form")
    await scene.browser.get("/console/patients/R-0001")  # a fresh CSRF token, as a browser has
    if action == "ack":
        path, fields = f"/console/alerts/{scene.alert_id}/ack", {"back": data.draw(VALUES, label="back")}
    else:
        path = f"/console/patients/{data.draw(st.sampled_from(['R-0001', 'R-0001x', 'r-1']), label='label')}/{action}"
        fields = {name: data.draw(VALUES, label=name) for name in FORMS[action]}
    page = await scene.browser.post(path, fields)
    assert_answered(page.status, page.headers, f"{path} {fields!r}")
