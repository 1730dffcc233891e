"""Clinic invites: the one-time deep links that start a patient's enrolment.

The token in ``https://t.me/<bot>?start=<token>`` is the only secret between
the clinic and the patient, so the database keeps just its SHA-256: a leaked
backup or log cannot be turned into a working link. Tokens carry 192 random
bits (``secrets.token_urlsafe(24)``: 32 characters of ``A-Za-z0-9_-``), well
inside Telegram's start-parameter rules (at most 64 of those characters).

An invite is single-use and expires. The expiry limits when a link may be
*opened*; a patient who opened it in time may finish enrolling after it, and
claiming (``claim``) is a conditional UPDATE so two people racing with one
link cannot both enrol. The CLI (``aftercare invite``) and the staff
``/invite`` command both call ``create_invite``, so validation lives here.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import audit
from bot.core.clinic_config import Clinic
from bot.core.models import Invite
from bot.domain.datetime_input import Problem
from bot.domain.durations import IsoDuration
from bot.domain.enrolment import first_session_problem

TOKEN_BYTES = 24
MAX_TOKEN_LENGTH = 64
DEFAULT_EXPIRY = IsoDuration(days=14)
MAX_EXPIRY = timedelta(days=366)
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_USERNAME_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class InviteProblem(StrEnum):
    """Why a token cannot start an enrolment; each has its own reply to the patient."""

    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


class InviteError(Exception):
    """A token that cannot be used; ``invite`` is set when the token was found."""

    def __init__(self, problem: InviteProblem, invite: Invite | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.invite = invite


class InviteRequestError(ValueError):
    """A bad request to create an invite, phrased as one line for the person asking."""


@dataclass(frozen=True)
class IssuedInvite:
    """A new invite: the link to hand to the patient (the raw token is never stored)."""

    link: str
    token: str
    invite: Invite

    @property
    def expires_at(self) -> datetime:
        return self.invite.expires_at


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a token: 64 hex characters of SHA-256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed(token: str) -> bool:
    return bool(_TOKEN_SHAPE.match(token))


def deep_link(bot_username: str, token: str) -> str:
    """``https://t.me/<bot>?start=<token>``: opening it sends ``/start <token>`` to the bot."""
    username = bot_username.removeprefix("@")
    if not _USERNAME_SHAPE.match(username):
        raise InviteRequestError(f"bot username {bot_username!r} is not a Telegram username")
    return f"https://t.me/{username}?start={token}"


def validate_request(
    clinic: Clinic,
    area: str | None,
    *,
    sessions: int | None,
    first_session_at: datetime | None,
    expires: IsoDuration,
    now: datetime,
) -> None:
    """Raise ``InviteRequestError`` naming the first problem with an invite request."""
    if area is not None and area not in clinic.protocols:
        known = ", ".join(clinic.protocols)
        raise InviteRequestError(f"clinic {clinic.id!r} has no area {area!r} (areas: {known})")
    if sessions is not None:
        if area is None:
            raise InviteRequestError("--sessions needs --area (the protocol sets the allowed range)")
        limits = clinic.protocol(area).sessions
        if not limits.min <= sessions <= limits.max:
            raise InviteRequestError(
                f"sessions must be {limits.min}..{limits.max} for {area!r}, got {sessions}"
            )
    if first_session_at is not None:
        problem = first_session_problem(first_session_at, now)
        if problem is not None:
            when = "in the past" if problem == Problem.PAST else "more than a year ahead"
            raise InviteRequestError(f"first session {_shown(first_session_at, clinic)} is {when}")
    if expires.negative or expires.is_zero:
        raise InviteRequestError(f"expiry {expires} must be a positive duration such as P14D")
    if expires.approx_timedelta() > MAX_EXPIRY:
        raise InviteRequestError(f"expiry {expires} is longer than a year")


def _shown(moment: datetime, clinic: Clinic) -> str:
    """``moment`` on the clinic's clock, or in UTC where that clock would pass the year 9999."""
    try:
        return f"{moment.astimezone(clinic.tz).isoformat(timespec='minutes')} ({clinic.timezone})"
    except OverflowError:
        return moment.astimezone(UTC).isoformat(timespec="minutes")


async def create_invite(
    session: AsyncSession,
    clinic: Clinic,
    area: str | None = None,
    *,
    bot_username: str,
    now: datetime,
    sessions: int | None = None,
    first_session_at: datetime | None = None,
    expires: IsoDuration = DEFAULT_EXPIRY,
    created_by: str = "cli",
) -> IssuedInvite:
    """Store a new invite (hashed) and return its deep link; the caller's session commits.

    ``first_session_at`` (aware) means the clinic booked it: the patient is not asked.
    """
    validate_request(clinic, area, sessions=sessions, first_session_at=first_session_at,
                     expires=expires, now=now)
    token = new_token()
    link = deep_link(bot_username, token)
    invite = Invite(
        token_hash=hash_token(token),
        clinic_id=clinic.id,
        area=area,
        sessions=sessions,
        first_session_at=first_session_at,
        expires_at=expires.apply(now, clinic.tz),
        created_by=created_by,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    audit.record(session, "invite_created", clinic_id=clinic.id, actor=created_by,
                 invite_id=invite.id, area=area, booked=first_session_at is not None)
    return IssuedInvite(link=link, token=token, invite=invite)


async def lookup(session: AsyncSession, token: str, now: datetime) -> Invite:
    """The unused, unexpired invite for ``token``, or ``InviteError`` saying why not."""
    if not is_well_formed(token):
        raise InviteError(InviteProblem.MALFORMED)
    statement = select(Invite).where(Invite.token_hash == hash_token(token))
    invite = (await session.exec(statement)).first()
    if invite is None:
        raise InviteError(InviteProblem.UNKNOWN)
    if invite.used_at is not None:
        raise InviteError(InviteProblem.USED, invite)
    if invite.expires_at <= now:
        raise InviteError(InviteProblem.EXPIRED, invite)
    return invite


async def get(session: AsyncSession, invite_id: int) -> Invite | None:
    return (await session.exec(select(Invite).where(Invite.id == invite_id))).first()


async def claim(session: AsyncSession, invite_id: int, patient_id: int, now: datetime) -> None:
    """Mark the invite used by ``patient_id``; ``InviteError(USED)`` if someone got there first.

    A conditional UPDATE rather than read-then-write: of two concurrent
    enrolments with one link, exactly one succeeds on every database.
    """
    statement = (
        update(Invite)
        .where(col(Invite.id) == invite_id, col(Invite.used_at).is_(None))
        .values(used_at=now, patient_id=patient_id)
    )
    result = await session.exec(statement)
    if result.rowcount != 1:
        raise InviteError(InviteProblem.USED)


async def redeem(session: AsyncSession, token: str, patient_id: int, now: datetime) -> Invite:
    """Look up ``token`` and claim it in one go (for callers that hold the raw token)."""
    invite = await lookup(session, token, now)
    assert invite.id is not None
    await claim(session, invite.id, patient_id, now)
    await session.refresh(invite)
    return invite
