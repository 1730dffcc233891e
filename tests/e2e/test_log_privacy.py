"""No patient text, name or Telegram id in the logs, through as much of a course as exists.

The logs are captured exactly as production writes them (``bot.core.logging.configure``,
JSON, INFO). A patient with a unique first name and Telegram id enrols with an
invite, answers a check-in with a note and writes free text, each carrying a
unique marker; none of those may appear in any log line. Stages whose feature
has not landed yet are skipped (and listed), so the test grows with the bot:
add a stage for each new patient-facing feature.
"""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bot.core.models import CheckIn, Patient
from tests.support.harness import Harness, running_bot
from tests.support.logcapture import CapturedLogs, captured_logs
from tgsandbox import Sandbox

WAIT = 15.0


@dataclass
class Secrets:
    """What must never be logged, all unique to this run."""

    mark: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    user_id: int = 7_391_846_205  # a realistic 10-digit Telegram user id

    @property
    def first_name(self) -> str:
        return f"Quimby{self.mark[:5]}"

    @property
    def note(self) -> str:
        return f"my neighbour helps me, note-{self.mark}"

    @property
    def free_text(self) -> str:
        return f"the knee feels a bit stiff this morning, free-{self.mark}"

    @property
    def caption(self) -> str:
        return f"the knee is hot and red, caption-{self.mark}"

    file_ids: list[str] = field(default_factory=list)  # Telegram's ids of the files the patient sent

    def forbidden(self) -> dict[str, str]:
        files = {f"file id {n}": file_id for n, file_id in enumerate(self.file_ids)}
        return {"first name": self.first_name, "telegram user id": str(self.user_id),
                "note marker": f"note-{self.mark}", "free-text marker": f"free-{self.mark}",
                "caption marker": f"caption-{self.mark}", **files}


@dataclass
class Journey:
    harness: Harness
    secrets: Secrets
    user: Any
    patient: Patient | None = None
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


async def _poll_until(check: Callable[[], Awaitable[int]]) -> None:
    """Bounded: fails after ``WAIT`` seconds."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"{check.__name__} not true within {WAIT}s"
        await asyncio.sleep(0.05)


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _label(clinic_text: Callable[..., str], key: str) -> str:
    return clinic_text(key, "en")


async def stage_basics(j: Journey) -> None:
    """Commands anyone can send before enrolling."""
    for command in ("/start", "/help"):
        await j.user.send_text(command)
        await j.user.wait_for_message(timeout=WAIT)
    await j.user.send_sticker()
    await j.user.wait_for_message(timeout=WAIT)


async def stage_enrol(j: Journey) -> None:
    """``/start <token>`` and the whole enrolment conversation (tests/support/enrolment.py)."""
    from tests.support.enrolment import enrol

    j.patient = await enrol(j.harness, j.user)


def _with_button(label: str) -> Callable[[Any], bool]:
    return lambda message: any(label in row for row in message.buttons)


async def _checkin_message(j: Journey) -> Any:
    def has_scale(message: Any) -> bool:
        return any("10" in row for row in message.buttons)

    return await j.user.wait_for_message(has_scale, timeout=WAIT)


async def stage_checkin(j: Journey) -> None:
    """Session 1 is marked done; the check-in arrives; soreness, swelling, no signs, a note."""
    from bot.courses import course_ops

    assert j.patient is not None
    async with j.harness.db.session() as session:
        patient = await session.get(Patient, j.patient.id)
        assert patient is not None
        await course_ops.mark_done(session, j.harness.services, patient, actor="staff:900001")
    message = await _checkin_message(j)
    text = j.harness.services.text
    mild = _label(text, "checkin.swelling_mild")
    done_label = "✅ " + _label(text, "checkin.done_none_button")
    skip = _label(text, "checkin.skip_button")
    await j.user.press("3", message)
    await j.user.wait_for_message(_with_button(mild), edits=True, timeout=WAIT)
    await j.user.press(mild, message)
    await j.user.wait_for_message(_with_button(done_label), edits=True, timeout=WAIT)
    await j.user.press(done_label, message)
    await j.user.wait_for_message(_with_button(skip), edits=True, timeout=WAIT)
    await j.user.send_text(j.secrets.note)

    async def note_saved() -> int:
        async with j.harness.db.session() as session:
            statement = select(func.count()).select_from(CheckIn).where(col(CheckIn.note).is_not(None))
            return int((await session.exec(statement)).one())

    await _poll_until(note_saved)


async def stage_free_text(j: Journey) -> None:
    """Text outside any flow: triaged, stored as a report, never logged."""
    mark = j.user.mark()
    await j.user.send_text(j.secrets.free_text)
    await j.user.wait_for_message(after=mark, timeout=WAIT)


async def stage_media(j: Journey) -> None:
    """A photo with a red flag in its caption and a voice note: triaged, passed on to staff, never logged."""
    for send in (j.user.send_photo(caption=j.secrets.caption), j.user.send_voice()):
        mark = j.user.mark()
        sent = await send
        j.secrets.file_ids.append(sent.file.file_id)
        await j.user.wait_for_message(after=mark, timeout=WAIT)
    staff_chat = j.harness.staff_group()
    await staff_chat.wait_for_message(lambda m: m.kind == "voice", timeout=WAIT)


async def stage_self_service(j: Journey) -> None:
    """What a patient can look at: status and history."""
    for command in ("/status", "/history"):
        mark = j.user.mark()
        await j.user.send_text(command)
        await j.user.wait_for_message(after=mark, timeout=WAIT)


async def stage_export_and_delete(j: Journey) -> None:
    """A copy of the data (a JSON document with the note in it), then erasure after confirming."""
    mark = j.user.mark()
    await j.user.send_text("/export")
    await j.user.wait_for_message(lambda m: m.kind == "document", after=mark, timeout=WAIT)
    yes = _label(j.harness.services.text, "selfservice.delete_yes")
    await j.user.send_text("/delete")
    prompt = await j.user.wait_for_message(_with_button(yes), timeout=WAIT)
    mark = j.user.mark()
    await j.user.press(yes, prompt)
    await j.user.wait_for_message(after=mark, edits=True, timeout=WAIT)


STAGES: list[tuple[Callable[[Journey], Awaitable[None]], tuple[str, ...], bool]] = [
    # (stage, modules it needs, needs an enrolled patient)
    (stage_basics, (), False),
    (stage_enrol, ("bot.enrolment.invites", "bot.enrolment.handlers", "tests.support.enrolment"), False),
    (stage_checkin, ("bot.checkins.handlers", "bot.courses.course_ops", "jobs.dispatcher"), True),
    (stage_free_text, (), False),
    (stage_media, ("bot.checkins.media",), True),
    (stage_self_service, ("bot.selfservice.handlers",), True),
    (stage_export_and_delete, ("bot.selfservice.privacy_handlers",), True),  # last: it erases the patient
]


async def _walk(j: Journey) -> None:
    for stage, modules, needs_patient in STAGES:
        if not all(_has(m) for m in modules) or (needs_patient and j.patient is None):
            j.skipped.append(stage.__name__)
            continue
        await stage(j)
        j.done.append(stage.__name__)


def _assert_private(logs: CapturedLogs, secrets: Secrets, journey: Journey) -> None:
    text = logs.text
    leaks = {what: value for what, value in secrets.forbidden().items() if value in text}
    lines = [line for line in text.splitlines() if any(v in line for v in leaks.values())]
    assert not leaks, f"leaked {sorted(leaks)} (stages run: {journey.done}); lines:\n" + "\n".join(lines[:10])


async def test_a_patients_words_name_and_id_never_reach_the_logs(tmp_path: Path) -> None:
    from tests.support.factories import scheduling_clinics

    secrets = Secrets()
    clinics = scheduling_clinics(checkins_after=["PT2S"]) if _has("tests.support.factories") else None
    # Flood limits off: this test is about what is logged, not pacing, and runs many steps.
    with captured_logs() as logs:
        async with Sandbox(limits=False) as sandbox, \
                running_bot(f"sqlite:///{tmp_path / 'aftercare.db'}", clinics=clinics, sandbox=sandbox) as harness:
            user = sandbox.user(user_id=secrets.user_id, first_name=secrets.first_name, language_code="en")
            journey = Journey(harness, secrets, user)
            await _walk(journey)

    assert "stage_free_text" in journey.done and "stage_media" in journey.done
    events = logs.events()
    assert any(e.get("event") == "bot_started" for e in events), "log capture is not working"
    assert all("level" in e and "timestamp" in e for e in events)
    if journey.patient is not None:
        label = journey.patient.label
        assert any(e.get("patient") == label for e in events), "the patient label should say who, in the logs"
        assert any(e.get("correlation_id") for e in events if e.get("patient") == label)
    _assert_private(logs, secrets, journey)
    print(f"log privacy: stages run {journey.done}; skipped {journey.skipped}; {len(events)} log lines")


async def test_each_job_run_logs_under_its_own_correlation_id(tmp_path: Path) -> None:
    from bot.core.logging import bind_contextvars, clear_contextvars, get_logger

    log = get_logger("test.jobs")
    ran = asyncio.Event()

    async def job(_context: Any) -> None:
        log.info("probe_job_ran")
        if len(logs.named("probe_job_ran")) == 2:
            ran.set()

    with captured_logs() as logs:
        async with running_bot(f"sqlite:///{tmp_path / 'aftercare.db'}") as harness:
            bind_contextvars(correlation_id="armed-by-an-update")  # the context that schedules the job
            queue = harness.runtime.application.job_queue
            assert queue is not None
            queue.run_repeating(job, interval=0.05, first=0.01, name="probe")
            await asyncio.wait_for(ran.wait(), timeout=WAIT)
            clear_contextvars()
    first, second = logs.named("probe_job_ran")[:2]
    assert first["job"] == second["job"] == "probe"
    assert first["correlation_id"] != second["correlation_id"]
    assert "armed-by-an-update" not in {first["correlation_id"], second["correlation_id"]}
