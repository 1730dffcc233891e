"""The logging safety net and context helpers of ``bot.core.logging``."""

from __future__ import annotations

import structlog

from bot.core.logging import (
    REDACTED,
    bind_contextvars,
    bind_patient,
    clear_contextvars,
    get_logger,
    job_context,
    logged_job,
    redact_private,
)
from tests.support.logcapture import captured_logs


def test_private_keys_are_redacted_at_info_and_above_even_nested() -> None:
    event = {"event": "x", "level": "info", "text": "I have a fever", "patient": "R-0001",
             "details": {"note": "secret", "kind": "checkin", "rows": [{"first_name": "Ann"}]}}
    out = redact_private(None, "info", event)
    assert out["text"] == REDACTED
    assert out["patient"] == "R-0001"
    assert out["details"] == {"note": REDACTED, "kind": "checkin", "rows": [{"first_name": REDACTED}]}
    assert event["text"] == "I have a fever"  # the caller's dict is not modified


def test_debug_is_left_alone_and_exc_info_tuples_survive() -> None:
    event = {"event": "x", "level": "debug", "chat_id": 42}
    assert redact_private(None, "debug", event) == event
    exc_info = (ValueError, ValueError("boom"), None)
    assert redact_private(None, "error", {"event": "x", "exc_info": exc_info})["exc_info"] is exc_info


def test_configured_logs_redact_and_render_tracebacks() -> None:
    log = get_logger("test.privacy")
    with captured_logs(level="DEBUG") as logs:
        log.info("patient_wrote", text="MARKER-1", telegram_user_id=555123, chat_id=555123, answer="MARKER-2")
        log.debug("developer_detail", text="visible-at-debug")
        try:
            raise RuntimeError("kaput")
        except RuntimeError:
            log.exception("it_failed")
    assert "MARKER-1" not in logs.text and "MARKER-2" not in logs.text and "555123" not in logs.text
    (wrote,) = logs.named("patient_wrote")
    assert wrote["text"] == REDACTED and wrote["chat_id"] == REDACTED
    assert logs.named("developer_detail")[0]["text"] == "visible-at-debug"
    failed = logs.named("it_failed")[0]
    assert "RuntimeError: kaput" in failed["exception"] and "Traceback" in failed["exception"]


def test_job_context_gives_a_fresh_correlation_id_and_restores_the_caller() -> None:
    clear_contextvars()
    bind_contextvars(correlation_id="update-cid", update_id=7)
    bind_patient("riverside", "R-0009")
    with job_context("dispatch", batch=3) as cid:
        inner = structlog.contextvars.get_contextvars()
        assert inner == {"correlation_id": cid, "job": "dispatch", "batch": 3}
        assert cid != "update-cid" and len(cid) == 12
    assert structlog.contextvars.get_contextvars() == {
        "correlation_id": "update-cid", "update_id": 7, "clinic": "riverside", "patient": "R-0009"}
    clear_contextvars()


async def test_logged_job_binds_the_job_name_for_each_run() -> None:
    seen: list[dict[str, object]] = []

    @logged_job("digest")
    async def job(value: int) -> int:
        seen.append(dict(structlog.contextvars.get_contextvars()))
        return value * 2

    clear_contextvars()
    assert await job(2) == 4
    assert await job(3) == 6
    assert [s["job"] for s in seen] == ["digest", "digest"]
    assert seen[0]["correlation_id"] != seen[1]["correlation_id"]
    assert structlog.contextvars.get_contextvars() == {}
