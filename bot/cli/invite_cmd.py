"""``aftercare invite``: a one-time enrolment link for a new patient, without Telegram.

Everything is validated before the database is touched, so a typo never
leaves a stray invite behind; the link goes to stdout alone (scripts can
capture it) and a human note about it to stderr.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import CliError, load_registry, load_settings
from bot.core.clinic_config import Clinic
from bot.core.clock import SystemClock
from bot.core.db import Database, DatabaseUrlError
from bot.core.logging import configure
from bot.core.settings import Settings, token_problem
from bot.domain.durations import DurationError, IsoDuration, resolve_local
from bot.enrolment.invites import InviteRequestError, IssuedInvite, create_invite, validate_request


def parse_first_session(text: str, clinic: Clinic) -> datetime:
    """An ISO date-time; without an offset it is the clinic's wall-clock time."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"--first-session {text!r} is not an ISO date-time such as "
                       "2026-03-02T10:30", code=2) from None
    try:
        if parsed.tzinfo is None:
            parsed = resolve_local(parsed, clinic.tz)
        return parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00 in a zone behind UTC is past the last datetime
        raise CliError(f"--first-session {text!r} is more than a year ahead", code=2) from None


def parse_expiry(text: str) -> IsoDuration:
    try:
        parsed = IsoDuration.parse(text)
    except DurationError as exc:
        raise CliError(f"--expires: {exc}", code=2) from None
    if parsed.negative or parsed.is_zero:
        raise CliError(f"--expires: {text!r} must be a positive duration such as P14D", code=2)
    return parsed


async def bot_username(settings: Settings) -> str:
    """``AFTERCARE_BOT_USERNAME``, else ask Telegram (getMe) when a token is configured."""
    if settings.bot_username:
        return settings.bot_username.removeprefix("@")
    if settings.bot_token is None:
        raise CliError("set AFTERCARE_BOT_USERNAME (or AFTERCARE_BOT_TOKEN, to ask Telegram) "
                       "so the link can name the bot", code=2)
    from telegram import Bot
    from telegram.error import TelegramError

    problem = token_problem(settings.bot_token.get_secret_value())
    if problem is not None:
        raise CliError(f"AFTERCARE_BOT_TOKEN is malformed: {problem}", code=2)
    api = settings.telegram_api_url
    bot = Bot(settings.bot_token.get_secret_value(), base_url=f"{api}/bot")
    try:
        async with bot:
            me = await bot.get_me()
    except (TelegramError, OSError) as exc:
        raise CliError(f"cannot ask Telegram for the bot's username ({type(exc).__name__}); "
                       "set AFTERCARE_BOT_USERNAME", code=2) from None
    if not me.username:
        raise CliError("Telegram returned no username for the bot; set AFTERCARE_BOT_USERNAME", 2)
    return me.username


async def _store(settings: Settings, clinic: Clinic, area: str | None, sessions: int | None,
                 first_session: datetime | None, expires: IsoDuration) -> IssuedInvite:
    username = await bot_username(settings)
    try:
        database = Database(settings.database_url)
    except DatabaseUrlError as exc:
        raise CliError(f"AFTERCARE_DATABASE_URL: {exc}", code=2) from None
    try:
        async with database.session() as session:
            return await create_invite(
                session, clinic, area, bot_username=username, now=SystemClock().now(),
                sessions=sessions, first_session_at=first_session, expires=expires,
                created_by="cli",
            )
    except InviteRequestError as exc:
        raise CliError(str(exc), code=2) from None
    except SQLAlchemyError as exc:
        first_line = str(exc.orig if hasattr(exc, "orig") else exc).splitlines()[0]
        raise CliError(f"database error ({first_line}); has `aftercare migrate` been run?") from None
    finally:
        await database.dispose()


def invite(
    clinic: Annotated[str, typer.Option("--clinic", help="Clinic id from the clinic config")],
    area: Annotated[str | None, typer.Option("--area", help="Treated area (else the patient picks)")] = None,
    sessions: Annotated[int | None, typer.Option("--sessions", help="Planned sessions (protocol min..max)")] = None,
    first_session: Annotated[str | None, typer.Option(
        "--first-session", help="Booked first session, ISO (clinic time unless an offset is given)")] = None,
    expires: Annotated[str, typer.Option("--expires", help="How long the link works (ISO duration)")] = "P14D",
) -> None:
    """Print a single-use enrolment link (https://t.me/<bot>?start=<token>) for a new patient."""
    settings = load_settings()
    # stdout carries the link alone; the audit row in the database is the record.
    configure(settings.resolved_log_format, "WARNING")
    registry = load_registry(settings=settings)
    found = registry.get(clinic)
    if found is None:
        raise CliError(f"unknown clinic {clinic!r} (clinics: {', '.join(registry.ids)})", code=2)
    expiry = parse_expiry(expires)
    first = parse_first_session(first_session, found) if first_session is not None else None
    try:
        validate_request(found, area, sessions=sessions, first_session_at=first, expires=expiry,
                         now=SystemClock().now())
    except InviteRequestError as exc:
        raise CliError(str(exc), code=2) from None
    issued = asyncio.run(_store(settings, found, area, sessions, first, expiry))
    typer.echo(issued.link)
    local_expiry = issued.expires_at.astimezone(found.tz).strftime("%Y-%m-%d %H:%M")
    typer.echo(f"single use; expires {local_expiry} {found.timezone}", err=True)

