"""The HTTP server is assembled from the wired route modules: health, metrics, webhook and console."""

from __future__ import annotations

from types import SimpleNamespace

from bot.core.settings import Settings
from bot.web import server
from bot.wiring import web_routes


def test_every_route_module_is_mounted() -> None:
    ctx = SimpleNamespace(services=SimpleNamespace(settings=Settings.model_validate({})), live=server.LivePolicy())
    app = server.build_web_app(ctx, web_routes())  # type: ignore[arg-type]
    paths = {resource.canonical for resource in app.router.resources()}
    assert {"/healthz", "/metrics"} <= paths
    assert any(path.startswith("/console") for path in paths), paths
