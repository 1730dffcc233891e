"""The error table of ``jobs.telegram_send`` and the per-chat pacing of ``jobs.pacing``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.models import MessageKind, MessageStatus
from jobs.claims import Due
from jobs.pacing import ChatSpacer
from jobs.telegram_send import RetryPolicy, is_ambiguous, outcome_for_error

NOW = datetime(2026, 4, 6, 14, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=3, base=2.0, cap=5.0)


def due(kind: str = MessageKind.CHECKIN, attempts: int = 1) -> Due:
    return Due(1, 2, "riverside", None, kind, "k", NOW, attempts, {})


def caused(error: NetworkError, cause: BaseException) -> NetworkError:
    error.__cause__ = cause
    return error


SERVER_ERROR = NetworkError("Bad Gateway (502)")
REFUSED = caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused"))
DROPPED = caused(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("closed"))
READ_TIMEOUT = caused(TimedOut(), httpx.ReadTimeout("slow"))
CONNECT_TIMEOUT = caused(TimedOut(), httpx.ConnectTimeout("slow"))


@pytest.mark.parametrize(("error", "ambiguous"), [
    (SERVER_ERROR, False), (REFUSED, False), (CONNECT_TIMEOUT, False), (DROPPED, True), (READ_TIMEOUT, True),
])
def test_which_errors_may_have_delivered(error: NetworkError, ambiguous: bool) -> None:
    assert is_ambiguous(error) is ambiguous


@pytest.mark.parametrize("error", [SERVER_ERROR, REFUSED, DROPPED, READ_TIMEOUT])
def test_transient_errors_back_off_exponentially_for_at_least_once_kinds(error: NetworkError) -> None:
    delays = [outcome_for_error(error, due(attempts=n), NOW, POLICY).retry_at for n in (1, 2)]
    assert delays == [NOW + timedelta(seconds=2), NOW + timedelta(seconds=4)]
    capped = outcome_for_error(error, due(attempts=3), NOW, RetryPolicy(max_attempts=9, base=2.0, cap=5.0))
    assert capped.retry_at == NOW + timedelta(seconds=5)


def test_attempts_are_capped_then_failed_with_the_reason() -> None:
    outcome = outcome_for_error(SERVER_ERROR, due(attempts=3), NOW, POLICY)
    assert outcome.status == MessageStatus.FAILED
    assert outcome.reason == "gave up after 3 attempts: NetworkError: Bad Gateway (502)"


def test_escalations_never_give_up() -> None:
    outcome = outcome_for_error(SERVER_ERROR, due(MessageKind.ESCALATION, attempts=50), NOW, POLICY)
    assert outcome.status == MessageStatus.PENDING and outcome.retry_at is not None


def test_ambiguous_errors_fail_at_most_once_kinds_but_not_unambiguous_ones() -> None:
    assert outcome_for_error(DROPPED, due(MessageKind.NUDGE), NOW, POLICY).status == MessageStatus.FAILED
    assert outcome_for_error(REFUSED, due(MessageKind.NUDGE), NOW, POLICY).status == MessageStatus.PENDING


def test_flood_control_waits_retry_after_without_spending_an_attempt() -> None:
    outcome = outcome_for_error(RetryAfter(7), due(attempts=3), NOW, POLICY)
    assert outcome.status == MessageStatus.PENDING and outcome.retry_at == NOW + timedelta(seconds=7)
    assert outcome.count_attempt is False


def test_blocked_and_bad_requests_fail_at_once() -> None:
    blocked = outcome_for_error(Forbidden("Forbidden: bot was blocked by the user"), due(), NOW, POLICY)
    assert (blocked.status, blocked.blocked) == (MessageStatus.FAILED, True)
    bad = outcome_for_error(BadRequest("Bad Request: chat not found"), due(), NOW, POLICY)
    assert (bad.status, bad.blocked, bad.reason) == (MessageStatus.FAILED, False, "BadRequest: Chat not found")
    bug = outcome_for_error(KeyError("oops"), due(), NOW, POLICY)
    assert bug.status == MessageStatus.FAILED and bug.reason == "KeyError: 'oops'"


def test_chat_spacer_hands_out_slots_a_gap_apart_per_chat() -> None:
    now = [100.0]
    spacer = ChatSpacer(gap=1.0, clock=lambda: now[0])
    assert [spacer.reserve(1) for _ in range(3)] == [0.0, 1.0, 2.0]
    assert spacer.reserve(2) == 0.0  # other chats are not held up
    now[0] = 105.0
    assert spacer.reserve(1) == 0.0  # a free slot is not saved up
