"""``check-config`` and ``migrate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, load_registry, load_settings
from bot.core.db import DatabaseUrlError


def check_config(
    path: Annotated[Path | None, typer.Argument(help="Clinic YAML (default: AFTERCARE_CLINIC_CONFIG)")] = None,
) -> None:
    """Validate a clinic configuration file."""
    settings = load_settings()
    registry = load_registry(path, settings)
    source = path or settings.clinic_config_path
    for clinic in registry:
        areas = ", ".join(clinic.protocols)
        typer.echo(f"{clinic.id}: {clinic.name} ({clinic.timezone}; {', '.join(clinic.languages)}; areas: {areas})")
    typer.echo(f"{source}: OK, {len(registry)} clinic{'s' if len(registry) != 1 else ''}")


def migrate() -> None:
    """Bring the database (AFTERCARE_DATABASE_URL) to the latest schema."""
    from bot.core.migrate import current_revision, upgrade

    settings = load_settings()
    try:
        upgrade(settings.database_url)
        typer.echo(f"database at revision {current_revision(settings.database_url)}")
    except DatabaseUrlError as exc:
        raise CliError(f"AFTERCARE_DATABASE_URL: {exc}", code=2) from None
    except Exception as exc:
        raise CliError(f"migration failed: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None

