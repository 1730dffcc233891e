"""What every handler and job needs, built once per process and kept in ``bot_data``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.core.clinic_config import Clinic, ClinicRegistry
from bot.core.clock import Clock, SystemClock
from bot.core.db import Database
from bot.core.lifecycle import DueAlarm
from bot.core.settings import Settings
from messages.render import Catalog, default_catalog, render

SERVICES_KEY = "aftercare.services"


@dataclass
class Services:
    settings: Settings
    clinics: ClinicRegistry
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    catalog: Catalog = field(default_factory=default_catalog)
    bot_username: str = "aftercare_bot"
    dispatcher: DueAlarm | None = None
    http_port: int | None = None  # the port the HTTP server bound (``AFTERCARE_HTTP_PORT=0`` picks any)

    def text(self, key: str, language: str, clinic: Clinic | None = None, **params: Any) -> str:
        """Render a message with the clinic's overrides."""
        overrides = clinic.texts if clinic is not None else None
        return render(key, language, overrides, self.catalog, **params)


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    return services_of(context.application)


def services_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    found = application.bot_data.get(SERVICES_KEY)
    if not isinstance(found, Services):
        raise RuntimeError("application was built without services (use bot.ptb.application.build_application)")
    return found
