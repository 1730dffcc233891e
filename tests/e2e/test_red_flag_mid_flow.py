"""An urgent report typed at a prompt that expects something else is never swallowed."""

from __future__ import annotations

from tests.support.harness import Harness


async def test_emergency_typed_at_the_enrolment_timezone_prompt_gets_the_emergency_pointer(harness: Harness) -> None:
    from tests.support.enrolment import new_invite

    patient = harness.patient(user_id=6101)
    token = await new_invite(harness)
    await patient.send_text(f"/start {token}")
    await patient.wait_for_message(timeout=10)
    await patient.press("English")
    await patient.wait_for_message("agree", timeout=10)
    await patient.send_text("my lips are swelling and I can't breathe")
    reply = await patient.wait_for_message("emergency", timeout=10)
    assert "emergency number now" in reply.text
    await patient.press("I agree")  # the flow is still where it was
    await patient.wait_for_message("Question 1", timeout=10)


async def test_urgent_typed_at_the_pause_prompt_reaches_staff(harness: Harness) -> None:
    from tests.support.enrolment import enrol

    patient = harness.patient(user_id=6102)
    await enrol(harness, patient)
    await patient.send_text("/pause")
    await patient.wait_for_message(timeout=10)
    await patient.send_text("I have a fever of 39 and pus from the knee")
    reply = await patient.wait_for_message("provider", timeout=10)
    assert harness.clinic.contact.phone in reply.text
    staff_chat = harness.staff_group()
    alert = await staff_chat.wait_for_message(timeout=10)
    assert "Acknowledge" in str(alert.buttons)
