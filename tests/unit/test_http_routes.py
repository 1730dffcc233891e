"""The HTTP server is assembled from route modules; optional ones join once they exist."""

from __future__ import annotations

import importlib
import sys
import types
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web

from bot.settings import Settings
from bot.web import server


def _module(name: str, path: str | None) -> types.ModuleType:
    module = types.ModuleType(name)
    if path is not None:
        async def handler(_request: web.Request) -> web.Response:
            return web.Response(text=name)

        def setup(app: web.Application, _ctx: Any) -> None:
            app.router.add_get(path, handler)

        module.setup = setup  # type: ignore[attr-defined]
    return module


def test_required_and_present_optional_modules_are_mounted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fake_console", _module("fake_console", "/console"))
    monkeypatch.setitem(sys.modules, "fake_half_written", _module("fake_half_written", None))
    monkeypatch.setattr(server, "OPTIONAL_ROUTE_MODULES", ("fake_console", "fake_half_written", "fake_missing"))
    ctx = SimpleNamespace(services=SimpleNamespace(settings=Settings.model_validate({})))
    app = server.build_web_app(ctx)  # type: ignore[arg-type]
    paths = {resource.canonical for resource in app.router.resources()}
    assert {"/healthz", "/metrics", "/console"} <= paths


def test_a_broken_import_inside_an_optional_module_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_import(name: str) -> Any:
        raise ModuleNotFoundError("No module named 'jinja3'", name="jinja3")

    monkeypatch.setattr(server, "ROUTE_MODULES", ())
    monkeypatch.setattr(server, "OPTIONAL_ROUTE_MODULES", ("fake_console",))
    monkeypatch.setattr(importlib, "import_module", broken_import)
    with pytest.raises(ModuleNotFoundError, match="jinja3"):
        server.route_modules()
