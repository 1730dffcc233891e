"""How ``/healthz`` decides, and how Bot API calls are observed, without a server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.ptb.request import TelegramWatch, method_of, outcome_of
from bot.web.health import OK, assess, scheduler_state, telegram_state, tick_age
from bot.web.server import HealthPolicy

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_all_ok_is_200_with_exactly_the_documented_body() -> None:
    assert assess({"database": OK, "scheduler": OK, "telegram": OK}) == (
        200, {"status": "ok", "database": "ok", "scheduler": "ok", "telegram": "ok"})


def test_failing_parts_are_named() -> None:
    status, body = assess({"database": "unreachable", "scheduler": OK, "telegram": "no answer for 400s"})
    assert status == 503
    assert body["status"] == "fail"
    assert body["failing"] == ["database", "telegram"]
    assert body["database"] == "unreachable"


@pytest.mark.parametrize(("age", "observed", "expected"), [
    (0.5, True, OK),
    (180.0, True, OK),
    (181.0, True, "no answer for 181s"),
    (None, True, "no answer yet"),
    (None, False, OK),
])
def test_telegram_state(age: float | None, observed: bool, expected: str) -> None:
    assert telegram_state(age, HealthPolicy(), observed=observed) == expected


@pytest.mark.parametrize(("tick", "expected"), [
    (None, None),
    ("yesterday", None),
    (True, None),
    (990.0, 10.0),
    (995, 5.0),
    (NOW - timedelta(seconds=42), 42.0),
    (NOW + timedelta(seconds=5), 0.0),
])
def test_tick_age_accepts_monotonic_floats_and_aware_datetimes(tick: Any, expected: float | None) -> None:
    assert tick_age(tick, NOW, 1000.0) == expected


@dataclass
class _Clock:
    def now(self) -> datetime:
        return NOW


@dataclass
class _Ctx:
    running: bool = True
    has_queue: bool = True
    last_tick: Any = None
    health: HealthPolicy = field(default_factory=HealthPolicy)

    @property
    def application(self) -> Any:
        queue = SimpleNamespace(scheduler=SimpleNamespace(running=self.running)) if self.has_queue else None
        return SimpleNamespace(job_queue=queue)

    @property
    def services(self) -> Any:
        dispatcher = SimpleNamespace(last_tick=self.last_tick)
        return SimpleNamespace(dispatcher=dispatcher, clock=_Clock())


@pytest.mark.parametrize(("ctx", "expected"), [
    (_Ctx(), OK),
    (_Ctx(has_queue=False), "absent"),
    (_Ctx(running=False), "stopped"),
    (_Ctx(last_tick=1000.0 - 299), OK),
    (_Ctx(last_tick=1000.0 - 301), "dispatcher idle for 301s"),
    (_Ctx(last_tick=NOW - timedelta(minutes=10)), "dispatcher idle for 600s"),
])
def test_scheduler_state(ctx: _Ctx, expected: str) -> None:
    assert scheduler_state(ctx, monotonic_now=1000.0) == expected  # type: ignore[arg-type]


def test_scheduler_without_a_dispatcher_is_judged_by_the_job_queue() -> None:
    ctx = _Ctx()
    ctx_no_dispatcher = SimpleNamespace(application=ctx.application, health=ctx.health,
                                        services=SimpleNamespace(dispatcher=None, clock=_Clock()))
    assert scheduler_state(ctx_no_dispatcher, monotonic_now=1000.0) == OK  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "method"), [
    ("https://api.telegram.org/bot123:SECRET/sendMessage", "sendMessage"),
    ("http://127.0.0.1:9/bot123:SECRET/getUpdates/", "getUpdates"),
    ("http://x/bot1:2/answerCallbackQuery?x=1", "answerCallbackQuery"),
])
def test_method_of_never_keeps_the_token(url: str, method: str) -> None:
    assert method_of(url) == method
    assert "SECRET" not in method_of(url)


@pytest.mark.parametrize(("status", "outcome"), [
    (200, "ok"), (400, "http_4xx"), (403, "http_4xx"), (429, "http_429"), (502, "http_5xx")])
def test_outcome_of(status: int, outcome: str) -> None:
    assert outcome_of(status) == outcome


def test_any_answer_below_500_proves_telegram_is_reachable() -> None:
    watch = TelegramWatch()
    assert watch.age() is None
    watch.record("http_5xx")
    assert watch.age() is None and watch.last_failure == "http_5xx"
    watch.record("http_429")
    age = watch.age()
    assert age is not None and age < 1.0
    watch.record("network_error")
    assert watch.age() is not None and watch.last_failure == "network_error"
