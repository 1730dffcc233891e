"""A Bot API failure in the middle of a check-in press: the answer, the screen and the escalation survive.

A press stores its answer first, then answers the button's spinner
(answerCallbackQuery) and edits the message to the next question. Either
call can fail (5xx, timeout, dropped connection). Found by the fault tests:

- a failed edit left the message on the old question while the database
  had moved on, so every later press on it was "expired": the patient could
  never finish the check-in;
- a failed spinner answer or edit on *Done* skipped the outcome, so an
  urgent answer (pus, fever) produced neither the patient's instructions
  nor the staff alert, against docs/CLINICAL.md's first rule.

Each test fails one specific call once (deterministic), then checks what
the patient and the staff chat see.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.models import Alert
from tests.reliability.ward import NEXT_QUESTION, QUESTION, WAIT, Bed, Ward, checkin_of, fast_dispatch, open_ward
from tests.support.harness import Harness
from tgsandbox import Message


async def _asked(bot: Harness) -> tuple[Ward, Bed, int]:
    await fast_dispatch(bot)
    ward = await open_ward(bot, 1)
    bed = ward.bed(0)
    await ward.due_checkins([bed], in_seconds=0.05)
    question = await bed.user.wait_for_message(QUESTION, timeout=WAIT)
    return ward, bed, question.message_id


def _screen(bed: Bed, message_id: int, marker: str) -> Callable[[Message], bool]:
    return lambda m: m.message_id == message_id and marker in m.text


async def _to_checklist(bed: Bed, message_id: int) -> None:
    await bed.user.press("3", message_id)
    await bed.user.wait_for_message(_screen(bed, message_id, NEXT_QUESTION), edits=True, after=0, timeout=WAIT)
    await bed.user.press("Mild", message_id)
    await bed.user.wait_for_message(_screen(bed, message_id, "Do you have any"), edits=True, after=0, timeout=WAIT)


async def test_a_failed_edit_does_not_strand_the_checkin(bot: Harness) -> None:
    ward, bed, message_id = await _asked(bot)
    ward.sandbox.inject("5xx", count=1, method="editMessageText", chat_id=bed.user.chat_id, status=502)
    await bed.user.press("3", message_id)
    stored = None
    for _ in range(100):
        stored = await checkin_of(bot, bed.patient)
        if stored is not None and stored.soreness == 3:
            break
        await bot.sandbox.state.notifier.wait(0.05)
    assert stored is not None and stored.soreness == 3, "the answer was lost with the edit"
    assert QUESTION in bed.user.chat.messages[message_id].text  # the edit failed: still the old screen
    again = await bed.user.press("3", message_id)  # the patient tries again
    answer = await bed.user.wait_for_callback_answer(again, timeout=WAIT)
    assert answer.get("text"), "the repeated press should be told it already counted"
    shown = await bed.user.wait_for_message(_screen(bed, message_id, NEXT_QUESTION), edits=True, after=0,
                                            timeout=WAIT)
    assert "Soreness: 3/10" in shown.text
    await bed.user.press("Mild", message_id)
    await bed.user.wait_for_message(_screen(bed, message_id, "Do you have any"), edits=True, after=0, timeout=WAIT)


async def _urgent_done_while(bot: Harness, method: str) -> None:
    ward, bed, message_id = await _asked(bot)
    await _to_checklist(bed, message_id)
    await bed.user.press(lambda b: "Pus or discharge" in b["text"], message_id)
    await bed.user.wait_for_message(lambda m: m.message_id == message_id and
                                    any("✅ Done" in label for row in m.buttons for label in row),
                                    edits=True, after=0, timeout=WAIT)
    ward.sandbox.inject("5xx", count=1, method=method, chat_id=None if method == "answerCallbackQuery"
                        else bed.user.chat_id, status=502)
    await bed.user.press("✅ Done", message_id)
    told = await bed.user.wait_for_message("contact your provider today", timeout=WAIT)
    assert "+1 555 010 2030" in told.text
    await ward.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    async with bot.db.session() as session:
        from sqlmodel import select

        alerts = (await session.exec(select(Alert).where(Alert.patient_id == bed.patient.id))).all()
    assert [a.level for a in alerts] == ["urgent"]


async def test_urgent_done_escalates_when_the_spinner_answer_fails(bot: Harness) -> None:
    await _urgent_done_while(bot, "answerCallbackQuery")


async def test_urgent_done_escalates_when_the_edit_fails(bot: Harness) -> None:
    await _urgent_done_while(bot, "editMessageText")


async def test_forged_values_on_a_real_checkin_are_refused_not_crashed(bot: Harness) -> None:
    """Found by the fuzzer: an out-of-range value made an UPDATE with an empty SET (a handler crash)."""
    ward, bed, message_id = await _asked(bot)
    stored = await checkin_of(bot, bed.patient)
    assert stored is not None
    for value in ("s:-1", "s:11", "s:x", "w:bogus", "t:nonsense", "f:x", "p:99", "d", "k"):
        query = await bed.user.press_data(f"1:ci:{stored.id}:{value}", message_id)
        answer = await bed.user.wait_for_callback_answer(query, timeout=WAIT)
        assert "expired" in answer.get("text", "") or "already" in answer.get("text", ""), (value, answer)
    after = await checkin_of(bot, bed.patient)
    assert after is not None and (after.step, after.soreness, after.swelling) == (stored.step, None, None)
    assert ward.errors.errors == [], ward.errors.errors
