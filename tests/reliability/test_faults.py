"""Whole-system fault injection: the sandbox fails while many messages are due and a patient is answering.

``tests/e2e/test_dispatch_faults.py`` shows each error class on one message.
Here the faults hit a busy bot: ten check-ins come due *during* the fault,
one patient presses a button in the middle of it, strangers ask for /help.
After each fault, the same three promises are checked:

1. every due message was delivered exactly once, or recorded as failed with
   its reason (database verdict vs. what each patient's phone shows); the
   only allowed extra copies are the ones the kind's at-least-once policy
   makes when Telegram executed a request but the answer was lost, and they
   are counted and printed;
2. the answer given during the fault is in the database, and the patient can
   carry on with the check-in afterwards;
3. the bot still answers /help.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.db import async_url
from bot.core.models import MessageStatus, PatientStatus
from tests.reliability.ward import (
    NEXT_QUESTION,
    QUESTION,
    WAIT,
    Bed,
    Ward,
    assert_answers_help,
    checkin_of,
    delivery_report,
    fast_dispatch,
    open_ward,
    questions_in,
    settle_rows,
    shrink_read_timeout,
)
from tests.support.factories import reload
from tests.support.harness import Harness
from tests.support.logcapture import captured_logs

PATIENTS = 10


async def _ward(bot: Harness, patients: int = PATIENTS) -> Ward:
    await fast_dispatch(bot)
    return await open_ward(bot, patients)


async def _active_patient(ward: Ward) -> tuple[Bed, int]:
    """Bed 0 gets its check-in before the fault (it will answer during it); returns the message id."""
    bed = ward.bed(0)
    await ward.due_checkins([bed], in_seconds=0.05, tag="active")
    question = await bed.user.wait_for_message(QUESTION, timeout=WAIT)
    return bed, question.message_id


async def _carry_on(ward: Ward, bed: Bed, message_id: int) -> None:
    """After the fault the patient finishes the check-in, pressing again if the screen did not move on."""
    user = bed.user
    for _attempt in range(3):
        shown = user.chat.messages[message_id].text
        if NEXT_QUESTION in shown:
            break
        try:
            await user.wait_for_message(lambda m: m.message_id == message_id and NEXT_QUESTION in m.text,
                                        edits=True, after=0, timeout=3.0)
            break
        except AssertionError:
            await user.press("3", message_id)  # what a person does when the screen did not change
    else:
        raise AssertionError(f"check-in screen stuck after the fault: {user.chat.messages[message_id].text!r}")
    await user.press("Mild", message_id)
    await user.wait_for_message(lambda m: m.message_id == message_id and "Do you have any" in m.text,
                                edits=True, after=0, timeout=WAIT)


async def _assert_common_outcome(ward: Ward, rows: list[int], active: Bed, active_message: int,
                                 allowed_duplicates: int, label: str) -> None:
    final = await settle_rows(ward.harness, rows, within=30.0)
    report = delivery_report(ward, final)
    print(f"\n[{label}] {report.line()} errors_in_handlers={len(ward.errors.errors)} "
          f"sandbox_statuses={ward.sandbox.stats()['responses']}")
    assert not report.missing, f"rows marked sent but never delivered: {report.missing}"
    assert not report.phantom, f"rows marked failed although delivered: {report.phantom}"
    assert report.extra_copies <= allowed_duplicates, report.line()
    stored = await checkin_of(ward.harness, active.patient, active_message)
    assert stored is not None and stored.soreness == 3, "the answer given during the fault was lost"
    await _carry_on(ward, active, active_message)
    await assert_answers_help(ward.bed(1).user)
    await assert_answers_help(ward.harness.sandbox.user(user_id=620_001, first_name="Stranger"))


async def test_a_429_storm_delays_but_loses_and_repeats_nothing(bot: Harness) -> None:
    """A 3 s storm of 429s (retry_after=1) over ten due check-ins and a button press.

    PTB's rate limiter waits out each ``retry_after`` and the dispatcher
    reschedules what still escapes without counting an attempt, so flood
    control never turns into a failure, a loss or a duplicate.
    """
    ward = await _ward(bot)
    active, message_id = await _active_patient(ward)
    ward.sandbox.storm(3.0, retry_after=1)
    rows = await ward.due_checkins(ward.beds[1:], in_seconds=0.2)
    await active.user.press("3", message_id)
    await _assert_common_outcome(ward, rows, active, message_id, allowed_duplicates=0, label="429 storm")
    report = delivery_report(ward, await settle_rows(bot, rows))
    assert report.sent == len(rows) and not report.failed, "flood control must never fail a message"
    assert ward.sandbox.stats()["faults"]["triggered"].get("storm", 0) > 0, "the storm never hit the bot"
    assert ward.errors.errors == [], "a 429 escaped PTB's retry into a handler"


async def test_a_5xx_burst_is_retried_and_the_answer_survives(bot: Harness) -> None:
    """Twelve 502s on any method: sends, the press's answer and edit all fail for a while.

    Server errors mean "not executed", so retries cannot duplicate; a row
    that runs out of attempts is failed with the reason. The press stored its
    answer before the edit failed, and the patient can finish the check-in.
    """
    ward = await _ward(bot)
    active, message_id = await _active_patient(ward)
    ward.sandbox.inject("5xx", count=12, status=502)
    rows = await ward.due_checkins(ward.beds[1:], in_seconds=0.2)
    await active.user.press("3", message_id)
    await _assert_common_outcome(ward, rows, active, message_id, allowed_duplicates=0, label="5xx burst")
    for _row_id, reason in delivery_report(ward, await settle_rows(bot, rows)).failed:
        assert reason.startswith("gave up after"), reason


@pytest.mark.parametrize("kind", ["timeout", "drop"])
async def test_lost_answers_repeat_at_most_the_executed_sends(bot: Harness, kind: str) -> None:
    """Requests whose answer never comes back: timed out (answer too late) or connection dropped.

    Three of them are *not* executed by the server, two *are* (the message
    reached the patient, the bot never heard). Check-ins are at-least-once:
    the executed-but-unanswered ones may reach the patient twice, and nothing
    else may; every row still ends sent.
    """
    ward = await _ward(bot)
    shrink_read_timeout(bot, 1.0)
    active, message_id = await _active_patient(ward)
    delay = {"delay": 2.0} if kind == "timeout" else {}
    ward.sandbox.inject(kind, count=2, method="sendMessage", execute=True, **delay)
    ward.sandbox.inject(kind, count=3, method="sendMessage", execute=False, **delay)
    ward.sandbox.inject(kind, count=1, method="editMessageText", execute=False, **delay)
    rows = await ward.due_checkins(ward.beds[1:], in_seconds=0.2)
    await active.user.press("3", message_id)
    await _assert_common_outcome(ward, rows, active, message_id, allowed_duplicates=2, label=f"{kind}")
    report = delivery_report(ward, await settle_rows(bot, rows))
    assert report.sent == len(rows), report.line()
    assert ward.sandbox.stats()["faults"]["pending"] == [], "not every fault was exercised"


async def test_a_patient_who_blocks_mid_course_is_paused_and_nobody_else_notices(bot: Harness) -> None:
    """The patient answers one question, blocks the bot, and the next round of check-ins goes out.

    Their answer stays; their next check-in fails once with "blocked" (one
    403, no hammering), they are paused and their queue cancelled; every
    other patient gets theirs exactly once; the bot answers others and,
    once unblocked, the patient too.
    """
    ward = await _ward(bot)
    leaver, message_id = await _active_patient(ward)
    await leaver.user.press("3", message_id)
    await leaver.user.wait_for_message(NEXT_QUESTION, edits=True, after=0, timeout=WAIT)
    leaver.user.block()  # Telegram also sends the bot a my_chat_member update
    await asyncio.sleep(0.3)
    rows = await ward.due_checkins(in_seconds=0.2, tag="round2")
    final = await settle_rows(bot, rows, within=30.0)
    by_patient = {row.patient_id: row for row in final.values()}
    theirs = by_patient.pop(leaver.patient.id)
    assert theirs.status == MessageStatus.FAILED and "blocked" in (theirs.last_error or ""), theirs
    assert {row.status for row in by_patient.values()} == {MessageStatus.SENT}
    for bed in ward.beds[1:]:
        assert len(questions_in(bed.user)) == 1, f"{bed.patient.label} got {len(questions_in(bed.user))} questions"
    assert ward.sandbox.stats()["responses"].get("403", 0) == 1, "the bot kept writing to a blocked chat"
    fresh = await reload(bot.db, type(leaver.patient), leaver.patient.id)
    assert fresh.status == PatientStatus.PAUSED and "blocked" in fresh.flags
    stored = await checkin_of(bot, leaver.patient, message_id)
    assert stored is not None and stored.soreness == 3, "the answer given before blocking was lost"
    assert ward.errors.errors == [], ward.errors.errors
    await assert_answers_help(ward.bed(1).user)
    leaver.user.unblock()
    await assert_answers_help(leaver.user)


async def test_database_connections_killed_during_dispatch(pg_bot: Harness) -> None:
    """PostgreSQL: every connection of the bot is terminated twice while 30 check-ins go out.

    Transactions in flight fail; the pool reconnects (pre-ping); a sender
    whose database work failed is retried like an ambiguous send; a row whose
    outcome could not be recorded stays ``sending`` until its lease expires
    and is sent again (at-least-once). So duplicates are bounded by the sends
    in flight at each kill (dispatcher concurrency, 16). A press made right
    after the kills, while the pool is still full of dead connections, is
    stored.
    """
    with captured_logs("WARNING") as logs:  # production's JSON renderer (the dev console renders locals: slow)
        await _kill_connections_during_dispatch(pg_bot)
    failures = [e["event"] for e in logs.events() if e.get("level") == "error"]
    print(f"[pg kill] error log lines: {len(failures)} ({sorted(set(failures))})")


async def _kill_connections_during_dispatch(pg_bot: Harness) -> None:
    await fast_dispatch(pg_bot, lease=timedelta(seconds=3), safety_interval=0.5)
    ward = await open_ward(pg_bot, 30)
    ward.sandbox.set_limits(enabled=False)
    active, message_id = await _active_patient(ward)
    rows = await ward.due_checkins(ward.beds[1:], in_seconds=0.2)
    kill = text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    killer = create_async_engine(async_url(pg_bot.database_url))
    killed: list[int] = []
    try:
        await bot_first_sends(ward, 3)
        for _ in range(2):
            async with killer.connect() as connection:
                killed.append(int((await connection.execute(kill)).scalar_one()))
                await connection.commit()
            await asyncio.sleep(0.15)
        await active.user.press("3", message_id)
    finally:
        await killer.dispose()
    print(f"\n[pg kill] backends terminated per kill: {killed}")
    assert sum(killed) > 0, "nothing was connected when the kill ran"
    await _assert_common_outcome(ward, rows, active, message_id,
                                 allowed_duplicates=2 * 16, label="pg_terminate_backend")


async def bot_first_sends(ward: Ward, count: int, within: float = WAIT) -> None:
    """Wait until the dispatch burst is under way (``count`` question messages out)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while sum(len(questions_in(bed.user)) for bed in ward.beds[1:]) < count:
        if loop.time() > deadline:
            raise AssertionError("the dispatch burst never started")
        await asyncio.sleep(0.01)
