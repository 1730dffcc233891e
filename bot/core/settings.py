"""Process settings from ``AFTERCARE_*`` environment variables and ``.env``."""

from __future__ import annotations

import re
import sys
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.clinic_config import default_config_path

_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # Telegram's rule for secret_token
_BOT_TOKEN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{30,64}")  # @BotFather: "<bot id>:<35 characters>"
TOKEN_SHAPE = "<bot id digits>:<about 35 letters, digits, - or _>, as @BotFather gives it"


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be a bot token, in words that never repeat it; ``None`` if it looks right.

    A mangled token otherwise surfaces as "cannot reach the Telegram Bot API":
    it is part of the request URL, and a space or a quote breaks the URL.
    """
    if _BOT_TOKEN.fullmatch(token):
        return None
    if any(char.isspace() for char in token):
        return "it contains a space or a line break (check for stray whitespace in .env)"
    if any(char in "\"'`" for char in token):
        return "it contains quote marks (write the token without quotes)"
    if token.lower().startswith("bot"):
        return f"it starts with 'bot' (leave that out); expected {TOKEN_SHAPE}"
    if ":" not in token:
        return f"there is no ':' after the bot id; expected {TOKEN_SHAPE}"
    return f"expected {TOKEN_SHAPE}"


class Settings(BaseSettings):
    """The configuration contract of docs/DESIGN.md; every field is ``AFTERCARE_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="AFTERCARE_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        env_ignore_empty=True,  # an empty line in .env means "use the default"
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///./aftercare.db"
    clinic_config: Path | None = None
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    # Loopback unless told otherwise: /healthz and /metrics have no authentication, and the console
    # belongs behind a TLS proxy. The Docker image sets 0.0.0.0 (inside its own network namespace).
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    log_format: Literal["console", "json"] | None = None
    log_level: str = "INFO"
    bot_username: str | None = None
    console_idle_minutes: int = Field(default=60, ge=1, le=24 * 60)
    public_url: str | None = None  # default: http://127.0.0.1:<bound http port> (see console_base_url)
    secret_key: SecretStr | None = None  # signs console cookies; unset = random per process


    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}  # the local sandbox, a Bot API server here
        if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and loopback)):
            raise PydanticCustomError("webhook_url", "must be an https:// URL (http:// only on this machine), "
                                                     "e.g. https://bot.example.org/telegram")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_needs_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """Webhook mode without a secret would let anyone who finds the URL inject updates."""
        if not info.data.get("webhook_url"):
            return value
        if value is None or not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise PydanticCustomError(
                "webhook_secret", "required with AFTERCARE_WEBHOOK_URL: 1-256 characters of A-Z a-z 0-9 _ -"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_shape(cls, value: str | None) -> str | None:
        """Where staff open the console: an http(s) origin; the console lives at ``/console`` under it."""
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/") or parts.query:
            raise PydanticCustomError("public_url", "must be an http(s) origin without a path, "
                                                    "e.g. https://care.example.org")
        return value.rstrip("/")

    def console_base_url(self, bound_port: int | None = None) -> str:
        """``AFTERCARE_PUBLIC_URL``, else this machine on the HTTP port actually bound (port 0 picks one)."""
        return self.public_url or f"http://127.0.0.1:{bound_port or self.http_port}"

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
