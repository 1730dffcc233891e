"""Process settings from ``AFTERCARE_*`` environment variables and ``.env``."""

from __future__ import annotations

import sys
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.clinic_config import default_config_path


class Settings(BaseSettings):
    """The configuration contract of DESIGN.md; every field is ``AFTERCARE_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="AFTERCARE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///./aftercare.db"
    clinic_config: Path | None = None
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    http_host: str = "0.0.0.0"
    http_port: int = 8080
    log_format: Literal["console", "json"] | None = None
    log_level: str = "INFO"
    bot_username: str | None = None
    console_idle_minutes: int = 60

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @cached_property
    def clinic_config_path(self) -> Path:
        return default_config_path(self.clinic_config)

    @property
    def resolved_log_format(self) -> Literal["console", "json"]:
        if self.log_format is not None:
            return self.log_format
        return "console" if sys.stderr.isatty() else "json"

    @property
    def webhook_enabled(self) -> bool:
        return bool(self.webhook_url)
