"""Enrolment: the clinic's invite link, consent, screening, timezone, first session, course plan.

Leaves the demo patient enrolled (knee, first session Thursday Dec 3 at 10:30
clinic time) for the scenes that follow.
"""

from __future__ import annotations

from bot.demo.director import Director
from bot.enrolment.invites import create_invite

WAIT = 10.0


async def enrolment_scene(demo: Director) -> None:
    demo.transcript.heading("Enrolment: invite link -> consent -> screening -> course plan")
    clinic = next(iter(demo.services.clinics))
    async with demo.services.db.session() as session:
        issued = await create_invite(session, clinic, "knee", bot_username=demo.services.bot_username,
                                     now=demo.clock.now(), created_by="demo")
    demo.transcript.note(f"the clinic runs `aftercare invite --clinic {clinic.id} --area knee` "
                         "and gives the patient the link it prints")
    await demo.say(demo.patient, f"/start {issued.token}")
    await answer(demo, "choose your language", "English")
    await answer(demo, "Do you agree", "I agree")
    for number in (1, 2, 3):
        await answer(demo, f"Question {number} of 3", "No")
    await answer(demo, "Which time zone", "Same as clinic: New York (ET)")
    await prompt(demo, "When is your first session")
    await demo.say(demo.patient, "Feb 30 10:00")  # a date that does not exist: asked again
    await prompt(demo, "doesn't exist")
    await demo.say(demo.patient, "Dec 3 10:30")
    await answer(demo, "Is that right", "Yes, that's right")
    await prompt(demo, "What to expect after an injection")
    await demo.settle()


async def prompt(demo: Director, text: str) -> None:
    """Wait (bounded) for the bot's next question: replies can trail a rate-limit pause."""
    await demo.patient.wait_for_message(text, timeout=WAIT)


async def answer(demo: Director, text: str, label: str) -> None:
    await prompt(demo, text)
    await demo.press(demo.patient, label)
