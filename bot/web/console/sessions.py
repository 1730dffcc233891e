"""Console sessions: a signed cookie, so any replica with the same secret can serve any request.

The cookie holds who is signed in (staff user id, clinic, the login row that
opened the session, their name and language), the session's CSRF token, when
it was opened and when it was last used, and at most one short notice for the
next page ("session 2 booked"). It is signed, not encrypted: the only person
who can read it is the staff member it describes. HMAC-SHA256 over the JSON
with ``AFTERCARE_SECRET_KEY``; without one, a random key per process is used
and a warning says that sessions end when the process restarts (and do not
survive a request landing on another replica).

Expiry is checked on the server, on the bot's clock: a session ends
``console_idle_minutes`` after its last request, and ``MAX_LIFETIME`` after
sign-in whatever happens. Every response re-issues the cookie with the new
"last used" time. Cookie flags: HttpOnly, SameSite=Strict, Path=/console, and
Secure when the public URL is https.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.core.logging import get_logger
from bot.core.settings import Settings

log = get_logger("aftercare.web.console")

COOKIE = "aftercare_console"
COOKIE_PATH = "/console"
MAX_LIFETIME = timedelta(hours=12)
_CONTEXT = b"aftercare-console-session:v1|"


@dataclass(frozen=True)
class StaffSession:
    """A signed-in staff member; times are POSIX seconds on the bot's clock."""

    staff_user_id: int
    clinic_id: str
    login_id: int
    language: str
    name: str
    csrf: str
    opened_at: int
    seen_at: int
    notice: str = ""

    def fresh(self, now: datetime, idle: timedelta) -> bool:
        """Used within the idle limit, and younger than ``MAX_LIFETIME``."""
        moment = now.timestamp()
        return moment - self.seen_at <= idle.total_seconds() and moment - self.opened_at <= MAX_LIFETIME.total_seconds()

    def touched(self, now: datetime, notice: str = "") -> StaffSession:
        return replace(self, seen_at=int(now.timestamp()), notice=notice)


def open_session(staff_user_id: int, clinic_id: str, login_id: int, language: str, name: str,
                 now: datetime) -> StaffSession:
    stamp = int(now.timestamp())
    return StaffSession(staff_user_id, clinic_id, login_id, language, name, secrets.token_urlsafe(24), stamp, stamp)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    """Turns a ``StaffSession`` into a cookie value and back; a bad signature reads as no session."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, _CONTEXT + payload.encode("ascii"), hashlib.sha256).digest())

    def dump(self, staff: StaffSession) -> str:
        payload = _b64(json.dumps(asdict(staff), separators=(",", ":"), ensure_ascii=True).encode("ascii"))
        return f"{payload}.{self._sign(payload)}"

    def load(self, value: str | None) -> StaffSession | None:
        if not value or value.count(".") != 1 or len(value) > 4000:
            return None
        payload, signature = value.split(".")
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            data = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        return _from_dict(data)


def _from_dict(data: Any) -> StaffSession | None:
    """A signed payload is ours, but a format change between versions must not raise."""
    if not isinstance(data, dict):
        return None
    try:
        staff = StaffSession(**data)
    except TypeError:
        return None
    ints = (staff.staff_user_id, staff.login_id, staff.opened_at, staff.seen_at)
    texts = (staff.clinic_id, staff.language, staff.name, staff.csrf, staff.notice)
    if not all(isinstance(v, int) for v in ints) or not all(isinstance(v, str) for v in texts):
        return None
    return staff


def secret_key(settings: Settings) -> bytes:
    """The configured key, or a random one for this process only (with a warning saying so)."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return hashlib.sha256(settings.secret_key.get_secret_value().encode("utf-8")).digest()
    log.warning("console_secret_random",
                hint="set AFTERCARE_SECRET_KEY: without it console sessions end when the process restarts")
    return secrets.token_bytes(32)


def cookie_options(settings: Settings, base_url: str) -> dict[str, Any]:
    """``set_cookie`` keyword arguments; Max-Age follows the idle limit (the server checks it too)."""
    return {
        "path": COOKIE_PATH, "httponly": True, "samesite": "Strict",
        "secure": base_url.startswith("https://"), "max_age": settings.console_idle_minutes * 60,
    }
