"""The web console from the outside: a sign-in link from the real ``/console`` command, a browser-like client.

``ConsoleClient`` is one browser: its own cookie jar (which, unlike aiohttp's
default, keeps cookies for 127.0.0.1), no automatic redirects (tests look at
the 303s), and the CSRF token read from the last page, as a form would send it.
Also: a configuration with a second clinic for isolation tests, and a patient
with answers and alerts to look at.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from bot.core.clinic_config import ClinicRegistry
from tests.support.clinic import STAFF_USER_ID, clinic_data, registry
from tests.support.harness import Harness
from tests.support.staff_factories import Scenario, add_alert, add_checkin, patient_mid_course

WAIT = 10.0
LINK = re.compile(r"https?://[\w.:-]+/console/login/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
OTHER_CLINIC = "hillside"
OTHER_STAFF_ID = 900003
OTHER_STAFF_CHAT = -100901
PATIENT_TELEGRAM_ID = 8675309  # distinctive, so "no Telegram ids in pages" cannot pass by luck
OTHER_PATIENT_TELEGRAM_ID = 7734501


def two_clinics() -> ClinicRegistry:
    """Riverside (R-labels, the usual test staff) and Hillside (H-labels, its own staff and chat)."""
    data = clinic_data()
    other = copy.deepcopy(data["clinics"][0])
    other.update(id=OTHER_CLINIC, name="Hillside Physio", label_prefix="H", timezone="Europe/Madrid",
                 staff={"chat_id": OTHER_STAFF_CHAT, "user_ids": [OTHER_STAFF_ID]})
    data["clinics"].append(other)
    return registry(data)


async def console_link(harness: Harness, user_id: int = STAFF_USER_ID, text: str = "/console") -> str:
    """Ask the bot for a sign-in link in the member's private chat, as a person would."""
    staff = harness.staff(user_id)
    await staff.send_text(text)
    message = await staff.wait_for_message(lambda m: "/console/login/" in m.text, timeout=WAIT)
    found = LINK.search(message.text)
    assert found is not None, message.text
    return found.group(0)


@dataclass
class Page:
    status: int
    text: str
    headers: Any

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.text)
        assert found is not None, "no CSRF field on the page"
        return found.group(1)


class ConsoleClient:
    """A browser for the console on the harness's HTTP port."""

    def __init__(self, harness: Harness) -> None:
        self.base = f"http://127.0.0.1:{harness.services.http_port}"
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=WAIT))
        self.csrf = ""

    async def __aenter__(self) -> ConsoleClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.http.close()

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    async def get(self, path: str) -> Page:
        async with self.http.get(self._url(path), allow_redirects=False) as response:
            page = Page(response.status, await response.text(), response.headers)
        if 'name="csrf"' in page.text:
            self.csrf = page.csrf
        return page

    async def get_bytes(self, path: str) -> tuple[int, bytes, Any]:
        async with self.http.get(self._url(path), allow_redirects=False) as response:
            return response.status, await response.read(), response.headers

    async def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True) -> Page:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf", self.csrf)
        async with self.http.post(self._url(path), data=form, allow_redirects=False) as response:
            return Page(response.status, await response.text(), response.headers)

    async def submit(self, path: str, data: dict[str, str] | None = None) -> Page:
        """POST a form and, like a browser, follow the 303 to the page it names."""
        posted = await self.post(path, data)
        if posted.status != 303:
            return posted
        return await self.get(posted.headers["Location"])

    async def sign_in(self, link: str) -> Page:
        """Open the link, press "Sign in", land on Today."""
        landing = await self.get(link)
        assert landing.status == 200, landing.text
        return await self.submit(link)

    def cookie(self, name: str = "aftercare_console") -> Any:
        return next((c for c in self.http.cookie_jar if c.key == name), None)


async def signed_in(harness: Harness, client: ConsoleClient, user_id: int = STAFF_USER_ID) -> Page:
    return await client.sign_in(await console_link(harness, user_id))


async def patient_with_history(harness: Harness, *, label: str = "R-0001", user_id: int = PATIENT_TELEGRAM_ID,
                               alert_level: str = "urgent", note: str = "Hot <b>knee</b> & red",
                               signs: tuple[str, ...] = ("fever",)) -> Scenario:
    """Session 1 given 2 days 20 hours ago (its day-3 check-in still ahead), sessions 2-3 four weeks
    apart, two easing check-ins, then one answered today that flared (fever), and the open alert it raised."""
    now = harness.services.clock.now()
    local = now.astimezone(harness.clinic.tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    first_at = now - timedelta(days=2, hours=20)
    recently = now - min(timedelta(minutes=20), (local - midnight) / 2)  # still "today" on the clinic's clock
    scene = await patient_mid_course(harness.services, label=label, user_id=user_id, flags=["screen_bleeding"],
                                     first_at=first_at)
    session_id = scene.sessions[0].id
    for after, soreness, swelling, level in ((timedelta(hours=6), 6, "moderate", "watch"),
                                             (timedelta(days=1, minutes=5), 4, "mild", "ok")):
        await add_checkin(harness.db, scene.patient, first_at + after, soreness=soreness,
                          swelling=swelling, level=level, session_id=session_id)
    flare = await add_checkin(harness.db, scene.patient, recently, soreness=8, swelling="severe", level=alert_level,
                              signs=signs, session_id=session_id, note=note)
    await add_alert(harness.db, scene.patient, recently, level=alert_level, signs=signs, checkin_id=flare.id)
    return scene
