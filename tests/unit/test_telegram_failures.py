"""How Telegram failures are reported: reasons without the token, PTB's backoff mirrored, no tracebacks."""

from __future__ import annotations

import logging

from telegram.error import InvalidToken, NetworkError

from bot.ptb.polling import PollingErrors, QuietNetworkErrors, next_wait
from bot.ptb.request import TOKEN_REFUSED, TelegramWatch, scrub_token, token_of
from bot.web.health import telegram_state
from bot.web.server import HealthPolicy
from tests.support.logcapture import captured_logs

TOKEN = "7301234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"


def test_the_health_state_names_the_reason_of_the_last_failure() -> None:
    policy = HealthPolicy()
    assert telegram_state(240.0, policy, reason="httpx.ConnectError: refused") == \
        "no answer for 240s: httpx.ConnectError: refused"
    assert telegram_state(None, policy, reason=TOKEN_REFUSED) == f"no answer yet: {TOKEN_REFUSED}"
    assert telegram_state(5.0, policy, reason="stale") == "ok"


def test_the_watch_counts_failures_until_telegram_answers_again() -> None:
    watch = TelegramWatch()
    watch.record("network_error", "httpx.ConnectError: refused")
    watch.record("http_5xx", "HTTP 502")
    assert (watch.failures, watch.reason, watch.age()) == (2, "HTTP 502", None)
    watch.record("http_4xx")  # a refusal is an answer: Telegram is there
    assert (watch.failures, watch.reason) == (0, None) and watch.age() is not None


def test_a_refused_token_is_no_sign_of_health() -> None:
    watch = TelegramWatch()
    watch.record("http_401", TOKEN_REFUSED)
    assert watch.age() is None and watch.reason == TOKEN_REFUSED


def test_reasons_never_carry_the_token() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    assert token_of(url) == TOKEN
    assert scrub_token(f"The token `{TOKEN}` was rejected\nmore", TOKEN) == "The token `<token>` was rejected"


def test_next_wait_follows_ptbs_network_loop() -> None:
    waits = [0.0]
    for _ in range(12):
        waits.append(next_wait(waits[-1]))
    assert waits[1:5] == [1.0, 1.5, 2.25, 3.375] and waits[-1] == 30.0


def test_polling_errors_log_one_warning_per_step_and_start_over_after_an_answer() -> None:
    watch = TelegramWatch()
    callback = PollingErrors(watch, TOKEN)
    with captured_logs() as logs:
        for _ in range(3):
            callback(NetworkError("httpx.ConnectError: All connection attempts failed"))
        watch.record("ok")
        callback(NetworkError("httpx.ReadError: "))
    failed = logs.named("telegram_poll_failed")
    assert [(e["failed_polls"], e["retry_in_s"]) for e in failed] == [(1, 1.0), (2, 1.5), (3, 2.25), (1, 1.0)]
    assert all(e["level"] == "warning" and "exception" not in e for e in failed)
    assert failed[0]["reason"] == "httpx.ConnectError: All connection attempts failed"


def test_ptbs_own_network_tracebacks_become_one_line_without_the_token() -> None:
    logger = logging.getLogger("test.ptb.quiet")
    quiet = QuietNetworkErrors(TOKEN)
    logger.addFilter(quiet)
    with captured_logs() as logs:
        for error in (NetworkError("httpx.ConnectError: refused"), InvalidToken(f"The token `{TOKEN}` was rejected")):
            try:
                raise error
            except (NetworkError, InvalidToken):
                logger.exception("Polling failed")
        try:
            raise ValueError("a bug")
        except ValueError:
            logger.exception("Something else")
    logger.removeFilter(quiet)
    first, second, bug = logs.events()
    assert (first["level"], first["event"]) == ("warning", "Polling failed (NetworkError: httpx.ConnectError: refused)")
    assert "exception" not in first and "exception" not in second
    assert "<token>" in second["event"] and TOKEN not in logs.text
    assert bug["level"] == "error" and "ValueError: a bug" in bug["exception"]  # other errors keep their traceback
