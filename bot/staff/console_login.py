"""One-time sign-in links for the web console, minted by ``/console`` in Telegram.

Telegram already knows who is staff (the ids in the clinic YAML), so the
console asks nobody for a password: the bot hands a staff member a link
``<AFTERCARE_PUBLIC_URL>/console/login/<token>`` in their private chat and the
link opens a browser session. The token carries 256 random bits; the database
keeps only its SHA-256 (``ConsoleLogin.token_hash``), so a leaked backup or
log cannot be turned into a working link. A link lasts ``LINK_VALIDITY`` and
works once: ``redeem`` is a conditional UPDATE, so two tabs racing with one
link cannot both sign in.

Opening the link (GET) only *looks* at it (``inspect``); signing in is a POST
from the page it shows. Link previews, chat apps and mail scanners fetch URLs
on their own, and a GET that spent the token would sign them in instead of
the person (or leave the person with a "link already used" page).

The row then stands for the session the link opened: Sign out stamps
``signed_out_at`` (``sign_out``) and every console request checks it
(``session_ended``), so a copied cookie stops working on every replica.

No aiohttp code here: the ``/console`` command and the demo mint links with it too.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import audit
from bot.core.models import ConsoleLogin
from bot.core.services import Services

LINK_VALIDITY = timedelta(minutes=10)
TOKEN_BYTES = 32
LOGIN_PATH = "/console/login/"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class LinkState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IssuedLink:
    """A freshly minted link: the URL to hand over and when it stops working."""

    url: str
    expires_at: datetime
    login_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def base_url(services: Services) -> str:
    """``AFTERCARE_PUBLIC_URL``, else ``http://127.0.0.1:<port actually bound>``."""
    return services.settings.console_base_url(services.http_port)


async def issue_link(
    session: AsyncSession, services: Services, clinic_id: str, staff_user_id: int, *,
    language: str, staff_name: str | None, valid_for: timedelta = LINK_VALIDITY,
) -> IssuedLink:
    """Store a new single-use link for this staff member and clinic, and audit that it was issued."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = services.clock.now() + valid_for
    row = ConsoleLogin(token_hash=token_hash(token), staff_user_id=staff_user_id, clinic_id=clinic_id,
                       language=language, staff_name=staff_name[:128] if staff_name else None,
                       expires_at=expires_at, created_at=services.clock.now())
    session.add(row)
    await session.flush()
    audit.record(session, "console_link_issued", clinic_id=clinic_id, actor=audit.staff_actor(staff_user_id),
                 login=row.id, valid_minutes=int(valid_for.total_seconds() // 60))
    return IssuedLink(f"{base_url(services)}{LOGIN_PATH}{token}", expires_at, row.id or 0)


async def _find(session: AsyncSession, token: str) -> ConsoleLogin | None:
    if not _TOKEN_SHAPE.match(token):
        return None
    statement = select(ConsoleLogin).where(ConsoleLogin.token_hash == token_hash(token))
    return (await session.exec(statement)).first()


def _state(row: ConsoleLogin | None, now: datetime) -> LinkState:
    if row is None:
        return LinkState.UNKNOWN
    if row.used_at is not None:
        return LinkState.USED
    if row.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.VALID


async def inspect(session: AsyncSession, token: str, now: datetime) -> tuple[LinkState, ConsoleLogin | None]:
    """What the link is, without spending it."""
    row = await _find(session, token)
    return _state(row, now), row


async def redeem(session: AsyncSession, token: str, now: datetime) -> tuple[LinkState, ConsoleLogin | None]:
    """Spend the link: ``VALID`` for exactly one caller, however many try at once."""
    row = await _find(session, token)
    state = _state(row, now)
    if state is not LinkState.VALID or row is None:
        return state, row
    claimed = await session.exec(
        update(ConsoleLogin)
        .where(col(ConsoleLogin.id) == row.id, col(ConsoleLogin.used_at).is_(None))
        .values(used_at=now)
    )
    if not claimed.rowcount:
        return LinkState.USED, row
    return LinkState.VALID, row


async def sign_out(session: AsyncSession, login_id: int, now: datetime) -> None:
    """End the session this login opened, for every replica (its cookie may still exist somewhere)."""
    await session.exec(
        update(ConsoleLogin)
        .where(col(ConsoleLogin.id) == login_id, col(ConsoleLogin.signed_out_at).is_(None))
        .values(signed_out_at=now)
    )


async def session_ended(session: AsyncSession, login_id: int) -> bool:
    """Whether the session opened by ``login_id`` was signed out (or its login no longer exists).

    One primary-key lookup per console request (``bench/console_session.py`` measures it).
    """
    statement = select(ConsoleLogin.id, ConsoleLogin.signed_out_at).where(col(ConsoleLogin.id) == login_id)
    row = (await session.exec(statement)).first()
    return row is None or row[1] is not None
