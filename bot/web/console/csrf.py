"""Cross-site request forgery: every console form carries the session's token, checked on POST.

The synchroniser-token pattern: the token is random per session, lives in the
signed session cookie (so it cannot be planted by another site), is rendered
into each form as a hidden ``csrf`` field and compared in constant time on
every POST. SameSite=Strict already keeps the cookie off cross-site requests;
the token is the second, independent lock (older browsers, same-site
subdomains, a future relaxation of the cookie). The sign-in POST has no
session yet; it is protected by its own one-time token instead.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.web.console.sessions import StaffSession

FIELD = "csrf"


async def submitted_token(request: web.Request) -> str:
    """The token the form sent (``request.post()`` is cached, so handlers can read the form again)."""
    form = await request.post()
    value = form.get(FIELD)
    return value if isinstance(value, str) else ""


def matches(staff: StaffSession, submitted: str) -> bool:
    return bool(submitted) and hmac.compare_digest(staff.csrf.encode(), submitted.encode())
