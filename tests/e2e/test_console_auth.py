"""Signing in to the web console: a one-time link from ``/console``, a strict session cookie, CSRF on every form.

Each test drives the real bot (the link comes from the ``/console`` command in
the sandbox) and the real HTTP server over loopback, as a staff member's phone
and browser would.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.core.models import ConsoleLogin
from tests.support.clinic import OTHER_STAFF_USER_ID, STAFF_CHAT_ID, STAFF_USER_ID
from tests.support.clock import pinned_clock
from tests.support.console import LINK, ConsoleClient, console_link, signed_in
from tests.support.harness import Harness, running_bot, sqlite_url
from tests.support.staff_factories import audit_events, patient_mid_course, sessions_now

REFUSED = "This command is for clinic staff."


async def test_a_link_from_the_bot_signs_in_once_with_a_strict_cookie(harness: Harness) -> None:
    link = await console_link(harness)
    async with ConsoleClient(harness) as browser, ConsoleClient(harness) as other:
        landing = await browser.get(link)
        assert landing.status == 200 and "Sign in" in landing.text
        assert "Set-Cookie" not in landing.headers  # looking at the link (a chat preview) spends nothing
        signed = await browser.post(link, csrf=False)
        assert signed.status == 303 and signed.headers["Location"] == "/console/"
        cookie = signed.headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Strict", "Path=/console", "Max-Age=3600"):
            assert flag in cookie, cookie
        assert "Secure" not in cookie  # the public URL is plain http on this machine
        today = await browser.get("/console/")
        assert today.status == 200 and "Open alerts" in today.text and "Sign out" in today.text
        again = await other.post(link, csrf=False)
        assert again.status == 410 and "already used" in again.text
        assert (await other.get("/console/")).status == 401
    events = [e.event for e in await audit_events(harness.db) if e.actor == f"staff:{STAFF_USER_ID}"]
    assert events[:3] == ["console_link_issued", "console_signed_in", "console_today_viewed"]
    assert "console_login_refused" in events


async def test_the_link_message_and_what_is_stored(harness: Harness) -> None:
    staff = harness.staff()
    await staff.send_text("/console")
    message = await staff.wait_for_message("/console/login/", timeout=10)
    token = message.text.split("/console/login/")[1].split()[0]
    assert "Works once, for 10 minutes" in message.text and "Do not forward" in message.text
    assert message.options.get("link_preview_options", {}).get("is_disabled") or \
        message.options.get("disable_web_page_preview")
    async with harness.db.session() as session:
        row = (await session.exec(select(ConsoleLogin))).one()
    assert token not in row.token_hash and len(row.token_hash) == 64 and len(token) >= 43  # >= 256 bits
    assert row.staff_user_id == STAFF_USER_ID and row.staff_name == "Sam" and row.used_at is None
    assert timedelta(minutes=9) < row.expires_at - harness.services.clock.now() <= timedelta(minutes=10)


async def test_expired_and_unknown_links_get_a_friendly_page(tmp_path: Path) -> None:
    clock = pinned_clock()
    async with running_bot(sqlite_url(tmp_path), clock=clock) as harness:
        link = await console_link(harness)
        clock.advance(timedelta(minutes=11))
        async with ConsoleClient(harness) as browser:
            expired = await browser.get(link)
            assert expired.status == 410 and "expired" in expired.text and "/console" in expired.text
            assert (await browser.post(link, csrf=False)).status == 410
            unknown = await browser.get(link[:-5] + "AAAAA")
            assert unknown.status == 404 and "does not work" in unknown.text
            assert (await browser.get("/console/")).status == 401


async def test_non_staff_get_the_neutral_refusal_and_staff_groups_get_no_link(harness: Harness) -> None:
    patient = harness.patient(user_id=5123)
    await patient.send_text("/console")
    assert (await patient.wait_for_message(timeout=10)).text == REFUSED
    group = harness.staff_group()
    staff = harness.staff()
    await staff.send_text("/console", chat=STAFF_CHAT_ID)
    reply = await group.wait_for_message(timeout=10)
    assert "private chat" in reply.text and "/console/login/" not in reply.text
    async with harness.db.session() as session:
        assert (await session.exec(select(ConsoleLogin))).all() == []
    refused = await audit_events(harness.db, "staff_refused")
    assert [(e.actor, e.details["command"]) for e in refused] == [("user:5123", "console")]


async def test_an_idle_session_ends_and_activity_keeps_it_alive(tmp_path: Path) -> None:
    clock = pinned_clock()
    async with running_bot(sqlite_url(tmp_path), clock=clock) as harness, ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        for _ in range(2):
            clock.advance(timedelta(minutes=40))
            assert (await browser.get("/console/patients")).status == 200
        clock.advance(timedelta(minutes=61))
        ended = await browser.get("/console/patients")
        assert ended.status == 401 and "without activity" in ended.text
        assert browser.cookie() is None  # the dead cookie is dropped
        assert (await browser.get("/console/")).status == 401


async def test_forms_without_the_session_csrf_token_are_refused(harness: Harness) -> None:
    scenario = await patient_mid_course(harness.services)
    before = await sessions_now(harness.db, scenario.course.id)
    async with ConsoleClient(harness) as browser, ConsoleClient(harness) as stranger:
        await signed_in(harness, browser)
        form = {"when": "2030-01-02T10:00"}
        missing = await browser.post("/console/patients/R-0001/book", form, csrf=False)
        assert missing.status == 403 and "Nothing was changed" in missing.text
        forged = await browser.post("/console/patients/R-0001/book", {**form, "csrf": "x" * 32})
        assert forged.status == 403
        assert (await stranger.post("/console/patients/R-0001/book", form, csrf=False)).status == 401
        assert (await browser.post("/console/logout", csrf=False)).status == 403
    assert await sessions_now(harness.db, scenario.course.id) == before
    rejected = await audit_events(harness.db, "console_csrf_rejected")
    assert len(rejected) == 3 and all(e.actor == f"staff:{STAFF_USER_ID}" for e in rejected)


async def test_signing_out_ends_the_session(harness: Harness) -> None:
    async with ConsoleClient(harness) as browser:
        await signed_in(harness, browser)
        out = await browser.post("/console/logout")
        assert out.status == 200 and "signed out" in out.text
        assert browser.cookie() is None
        assert (await browser.get("/console/")).status == 401
    assert len(await audit_events(harness.db, "console_signed_out")) == 1


async def test_pages_without_a_valid_session_ask_to_sign_in(harness: Harness) -> None:
    async with ConsoleClient(harness) as browser:
        for path in ("/console", "/console/", "/console/patients", "/console/patients/R-0001",
                     "/console/patients/R-0001/chart.png", "/console/schedules", "/console/audit"):
            page = await browser.get(path) if not path.endswith(".png") else None
            status = page.status if page else (await browser.get_bytes(path))[0]
            assert status == 401, path
        browser.http.cookie_jar.update_cookies({"aftercare_console": "e30.forged"})
        page = await browser.get("/console/")
        assert page.status == 401 and "send /console" in page.text.lower()


async def test_https_public_url_makes_the_cookie_secure(tmp_path: Path) -> None:
    async with running_bot(sqlite_url(tmp_path), public_url="https://care.example.org") as harness:
        link = await console_link(harness)
        assert link.startswith("https://care.example.org/console/login/")
        async with ConsoleClient(harness) as browser:
            local = link.replace("https://care.example.org", browser.base)
            signed = await browser.post(local, csrf=False)
        assert signed.status == 303 and "Secure" in signed.headers["Set-Cookie"]


async def test_the_console_speaks_the_staff_members_language(harness: Harness) -> None:
    ana = harness.sandbox.user(user_id=OTHER_STAFF_USER_ID, first_name="Ana", language_code="es")
    await ana.send_text("/console")
    message = await ana.wait_for_message("/console/login/", timeout=10)
    assert "Consola web" in message.text and "Funciona una vez" in message.text
    found = LINK.search(message.text)
    assert found is not None
    async with ConsoleClient(harness) as browser:
        landing = await browser.get(found.group(0))
        assert '<html lang="es">' in landing.text and "Acceder" in landing.text
        today = await browser.submit(found.group(0))
        assert "Hoy ·" in today.text and "Alertas abiertas" in today.text and "Cerrar sesión" in today.text
