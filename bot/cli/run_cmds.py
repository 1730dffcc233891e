"""``run`` (the bot) and ``demo`` (the bot against the built-in sandbox)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from bot.cli.common import CliError, load_registry, load_settings, runtime_builder


def run(ctx: typer.Context) -> None:
    """Run the bot: polling (or webhook), scheduler and HTTP server, until SIGTERM."""
    from bot.core.db import Database, DatabaseUrlError, is_sqlite
    from bot.core.lifecycle import StartupError
    from bot.core.logging import configure
    from bot.core.migrate import upgrade
    from bot.core.services import Services
    from bot.core.settings import token_problem
    from bot.runtime import serve_until_signalled

    build_runtime = runtime_builder(ctx)
    settings = load_settings()
    if settings.bot_token is None or not settings.bot_token.get_secret_value():
        raise CliError("AFTERCARE_BOT_TOKEN is not set (get a token from @BotFather)", code=2)
    problem = token_problem(settings.bot_token.get_secret_value())
    if problem is not None:
        raise CliError(f"AFTERCARE_BOT_TOKEN is malformed: {problem}", code=2)
    clinics = load_registry(settings=settings)
    configure(settings.resolved_log_format, settings.log_level)
    try:
        if is_sqlite(settings.database_url):
            upgrade(settings.database_url)
        database = Database(settings.database_url)
    except DatabaseUrlError as exc:
        raise CliError(f"AFTERCARE_DATABASE_URL: {exc}", code=2) from None
    except Exception as exc:
        raise CliError(f"database not usable: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None

    async def main() -> None:
        if not await database.ping():
            raise CliError(f"cannot connect to the database at {database.engine.url.render_as_string()}")
        runtime = build_runtime(Services(settings=settings, clinics=clinics, db=database))
        try:
            await serve_until_signalled(runtime)
        except StartupError as exc:
            raise CliError(str(exc)) from None
        finally:
            await database.dispose()

    asyncio.run(main())


def demo(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per message")] = False,
    serve: Annotated[bool, typer.Option("--serve", help="Keep running after the script (web console)")] = False,
) -> None:
    """Run a scripted patient and staff member through a course, offline."""
    from bot.core.lifecycle import StartupError
    from bot.demo import run_demo

    try:
        asyncio.run(run_demo(runtime_builder(ctx), json_output=json_output, serve=serve))
    except StartupError:  # the sandbox is local, so only --serve's fixed port can fail to start
        raise CliError("demo --serve: cannot serve the console on 127.0.0.1:8080 "
                       "(is another program using port 8080?)") from None

