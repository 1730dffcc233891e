"""Races found while injecting faults, pinned down deterministically.

APScheduler removes a one-shot job from its store the moment it fires, a
little before PTB runs the callback. A poke landing in that gap used to call
``schedule_removal()`` on the fired job, and APScheduler's ``JobLookupError``
escaped from ``Dispatcher.poke``: out of the safety job, out of a handler's
``after_commit`` hook, and (worst) out of ``raise_alert`` after the alert was
committed, leaving the urgent messages unsent until the claim lease expired.
The tests recreate that gap on purpose: they drop the armed job from the
scheduler the way APScheduler does when it fires.
"""

from __future__ import annotations

from datetime import timedelta

from tests.reliability.ward import WAIT, open_ward
from tests.support.harness import Harness


def _fire_armed_job_behind_the_dispatchers_back(bot: Harness) -> None:
    """What APScheduler does to a due one-shot job before PTB calls back: remove it from the store."""
    queue = bot.runtime.application.job_queue
    assert queue is not None
    jobs = queue.get_jobs_by_name("aftercare.dispatch")
    assert jobs, "the dispatcher had no job armed"
    for job in jobs:
        job.job.remove()  # APScheduler's own removal; PTB's Job object still looks scheduled


async def test_a_poke_right_after_the_job_fired_does_not_raise(bot: Harness) -> None:
    dispatcher = bot.dispatcher
    dispatcher.poke(bot.services.clock.now() + timedelta(minutes=5))
    _fire_armed_job_behind_the_dispatchers_back(bot)
    dispatcher.poke()  # used to raise JobLookupError
    assert dispatcher.armed_at is not None


async def test_an_urgent_report_in_that_gap_still_reaches_patient_and_staff(bot: Harness) -> None:
    ward = await open_ward(bot, 1)
    dispatcher = bot.services.dispatcher
    assert dispatcher is not None
    dispatcher.poke(bot.services.clock.now() + timedelta(hours=1))  # later than the first re-alert
    _fire_armed_job_behind_the_dispatchers_back(bot)
    user = ward.bed(0).user
    await user.send_text("I have a fever of 39 and pus from the knee")
    await user.wait_for_message("contact your provider today", timeout=WAIT)
    await ward.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    assert ward.errors.errors == []
