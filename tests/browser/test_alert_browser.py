"""An alert handled from the console in a real browser: take, annotate, resolve; the staff chat follows.

A patient's emergency message raises a real alert (posted to the staff chat
in the Bot API sandbox); a clinician opens it from Today, takes it, adds a
note, is told beside the form when Resolve lacks an outcome, then resolves
it, and the sandbox's recorded edit of the staff-chat post shows who took it
and how it ended. A viewer of the same clinic sees the page read-only and
is refused a form posted anyway. Debian's chromium, headless, on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import WAIT_MS, needs_chromium
from tests.e2e.test_alert_handling import EMERGENCY_WORDS, VIEWER_ID, clinics_with_a_viewer
from tests.support.checkin_factories import WAIT, Scene, patient_scene
from tests.support.console import console_link
from tests.support.harness import running_bot, sqlite_url
from tgsandbox import Message

pytestmark = needs_chromium



@pytest.fixture
async def scene(tmp_path: Path) -> AsyncIterator[Scene]:
    async with running_bot(sqlite_url(tmp_path), clinics=clinics_with_a_viewer()) as harness:
        yield await patient_scene(harness)


async def _raised(scene: Scene) -> Message:
    await scene.user.send_text(EMERGENCY_WORDS)
    return await scene.staff_chat.wait_for_message("EMERGENCY", timeout=WAIT)


async def _signed_in(chromium: Any, link: str) -> tuple[Any, Any]:
    context = await chromium.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/console/")
    return context, page


async def test_take_note_resolve_in_the_console_edits_the_staff_chat_post(chromium: Any, scene: Scene,
                                                                         tmp_path: Path) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    post = await _raised(scene)
    context, page = await _signed_in(chromium, await console_link(scene.harness))
    try:
        await expect(page.locator("header .role")).to_have_text("clinician")
        alert = page.locator("ul.alerts > li")
        await expect(alert.locator(".alert-open")).to_have_text("open")
        await alert.get_by_role("link", name="Alert page").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(f"Alert for {scene.patient.label}")
        await expect(page.locator("blockquote.words").first).to_contain_text(EMERGENCY_WORDS)
        await expect(page.locator("blockquote.bot-reply")).to_contain_text("Call 911 now")
        history = page.locator("ol.history")
        await expect(history).to_contain_text("Alert raised")
        await expect(history).to_contain_text("Posted in the staff chat")
        await page.screenshot(path=str(tmp_path / "alert-open.png"), full_page=True)

        await page.get_by_role("button", name="Take (assign to me)").click()
        await expect(page.locator(".notice")).to_contain_text("The alert is yours")
        await expect(history).to_contain_text("Taken by Sam")
        taken = await scene.staff_chat.wait_for_message(
            lambda m: m.message_id == post.message_id and "Taken by Sam" in m.text, edits=True, after=post,
            timeout=WAIT)
        assert taken.buttons == [["Resolve"]]

        await page.get_by_label("Note", exact=True).fill("Rang twice, no answer yet")
        await page.get_by_role("button", name="Add note").click()
        await expect(history).to_contain_text("Rang twice, no answer yet")

        resolve = page.locator('form[action$="/resolve"]')
        await resolve.get_by_role("button", name="Resolve").click()  # no outcome chosen
        await expect(resolve.locator(".error")).to_have_text("Choose how the alert ended.")
        await resolve.get_by_label("advised a visit").check()
        await resolve.get_by_label("Resolution note (optional)").fill("Coming in at 3 pm")
        await resolve.get_by_role("button", name="Resolve").click()
        await expect(page.locator(".notice")).to_contain_text("Alert resolved")
        await expect(page.locator("h1 .alert-resolved")).to_have_text("resolved")
        await expect(history).to_contain_text("Resolved by Sam: advised a visit")
        await expect(page.locator('form[action$="/resolve"]')).to_have_count(0)
        await page.screenshot(path=str(tmp_path / "alert-resolved.png"), full_page=True)

        edited = await scene.staff_chat.wait_for_message(
            lambda m: m.message_id == post.message_id and "Resolved by Sam" in m.text, edits=True, after=post,
            timeout=WAIT)
        assert "advised a visit" in edited.text and "Coming in at 3 pm" in edited.text and not edited.buttons
    finally:
        await context.close()


async def test_a_viewer_reads_the_alert_and_is_refused_a_form(chromium: Any, scene: Scene) -> None:
    from playwright.async_api import expect

    expect.set_options(timeout=WAIT_MS)
    await _raised(scene)
    context, page = await _signed_in(chromium, await console_link(scene.harness, user_id=VIEWER_ID))
    try:
        await expect(page.locator("header .role")).to_have_text("viewer")
        await page.locator("ul.alerts > li").get_by_role("link", name="Alert page").click()
        await expect(page.locator("#handle-h ~ .hint")).to_contain_text("Your role is viewer")
        await expect(page.locator('form[action*="/console/alerts/"]')).to_have_count(0)
        csrf = await page.locator('input[name="csrf"]').first.input_value()
        base = page.url.rsplit("/console/", 1)[0]
        alert_path = page.url.removeprefix(base)
        refused = await context.request.post(f"{base}{alert_path}/take", form={"csrf": csrf}, max_redirects=0)
        assert refused.status == 403 and "Read only" in await refused.text()
        booking = await context.request.post(f"{base}/console/patients/{scene.patient.label}/book",
                                             form={"csrf": csrf, "when": "2030-01-01T10:00"}, max_redirects=0)
        assert booking.status == 403
        await page.reload()
        await expect(page.locator("h1 .alert-open")).to_have_text("open")  # nothing changed
    finally:
        await context.close()
