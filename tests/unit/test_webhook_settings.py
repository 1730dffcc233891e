"""Webhook settings: a URL without a usable secret is refused before anything starts."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from bot.core.settings import Settings
from bot.web.webhook import webhook_path


def _settings(**values: Any) -> Settings:
    return Settings.model_validate(values)


def test_polling_by_default_and_empty_values_mean_polling() -> None:
    assert not _settings().webhook_enabled
    assert not _settings(webhook_url="", webhook_secret="").webhook_enabled


def test_webhook_with_secret() -> None:
    settings = _settings(webhook_url="https://bot.example.org/tg/hook", webhook_secret="abc_DEF-123")
    assert settings.webhook_enabled
    assert webhook_path(settings.webhook_url or "") == "/tg/hook"
    assert webhook_path("https://bot.example.org") == "/"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8081/hook", "http://localhost/hook", "http://[::1]:88/hook"])
def test_plain_http_is_only_for_this_machine(url: str) -> None:
    """The local sandbox or a self-hosted Bot API server beside the bot; Telegram itself needs https."""
    assert _settings(webhook_url=url, webhook_secret="ok").webhook_enabled


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"webhook_url": "https://bot.example.org/hook"}, "webhook_secret", "required with AFTERCARE_WEBHOOK_URL"),
    ({"webhook_url": "https://bot.example.org/hook", "webhook_secret": ""}, "webhook_secret", "required"),
    ({"webhook_url": "https://b.example/h", "webhook_secret": "has spaces"}, "webhook_secret", "A-Z a-z"),
    ({"webhook_url": "https://b.example/h", "webhook_secret": "x" * 257}, "webhook_secret", "1-256"),
    ({"webhook_url": "bot.example.org/hook", "webhook_secret": "ok"}, "webhook_url", "https:// URL"),
    ({"webhook_url": "http://bot.example.org/hook", "webhook_secret": "ok"}, "webhook_url", "https:// URL"),
    ({"webhook_url": "ftp://bot.example.org/hook", "webhook_secret": "ok"}, "webhook_url", "https:// URL"),
])
def test_bad_webhook_settings(values: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _settings(**values)
    error = raised.value.errors()[0]
    assert error["loc"] == (field,)
    assert message in error["msg"]


def test_aftercare_run_refuses_a_webhook_without_secret_in_one_line(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    env.update(AFTERCARE_BOT_TOKEN="123:abc", AFTERCARE_WEBHOOK_URL="https://bot.example.org/hook",
               AFTERCARE_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "aftercare: AFTERCARE_WEBHOOK_SECRET: required with AFTERCARE_WEBHOOK_URL: 1-256 characters of "
        "A-Z a-z 0-9 _ -"]
    assert not (tmp_path / "a.db").exists()
