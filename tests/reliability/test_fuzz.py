"""Hostile and random updates against the running bot (hypothesis).

Each example is a short burst of things real Telegram clients (and people
poking at a medical bot) send: 4096+ character texts, emoji and RTL text,
unknown and staff-only commands with another patient's label, edited
messages, group chatter, stickers and photos, and callback data that is
stale, forged, malformed or aimed at another patient's check-in, session or
alert, from the enrolled patient, from strangers and from a non-staff member
of the staff group. After each example:

- no update made a handler raise (the error handler was never invoked);
- patient B, who never acts, has exactly the rows they had before (patient,
  course, sessions, check-ins, scheduled messages, alert, chat state) and
  got no message;
- every bot message is a sensible text (non-empty, within Telegram's 4096,
  no unrendered ``{placeholder}``, never the "something went wrong" apology);
- every button press got an answer (no spinner left turning).

The examples are derandomized by default so CI is repeatable; run with
``FUZZ_EXPLORE=1 FUZZ_EXAMPLES=500`` to explore new ground.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st
from sqlmodel import SQLModel, col, select

from bot.core.models import Alert, ChatState, CheckIn, Course, Patient, ScheduledMessage, TreatmentSession
from tests.reliability.ward import QUESTION, WAIT, Ward, fast_dispatch, open_ward
from tests.support.harness import Harness
from tgsandbox import SandboxUser

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
EXPLORE = os.environ.get("FUZZ_EXPLORE") == "1"
APOLOGY = "something went wrong"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")

# ---- what to send -----------------------------------------------------------------------------

SAMPLES = [
    "", " ", "\n\n", "hi", "0", "10", "-1", "99999999999999999999", "yes", "No", "sí",
    "😀🔥💉🦵🏽👨‍👩‍👧‍👦", "ﷺ مرحبا، ركبتي تؤلمني", "שלום, הברך שלי נפוחה", "\u202eevil\u202c", "\u200b\u200d",
    "<b>bold</b> <script>alert(1)</script> &amp; {phone} {{name}} %s", "I have a fever of 39 and pus",
    "no fever, no redness", "my lips are swelling and I can't breathe", "soreness 4/10, a bit swollen",
    "DROP TABLE patient; --", "../../etc/passwd", "\x00\x01\x7f", "ｆｕｌｌｗｉｄｔｈ", "İıŞşĞğ",
]
COMMANDS = [
    "/start", "/help", "/status", "/history", "/pause", "/resume", "/language", "/export", "/stop",
    "/delete", "/cancel", "/invite", "/book", "/done", "/missed", "/reschedule", "/cancel_session",
    "/patients", "/patient", "/alerts", "/console", "/foo", "/START", "/help@aftercare_sandbox_bot",
    "/help@someone_else_bot", "/", "//", "/ä",
]
LONG = st.builds(lambda chunk, n: (chunk * n)[:n], st.sampled_from(["a", "😀", "ب", "x y ", "\n"]),
                 st.integers(4090, 5000))
TEXT = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=60), LONG)


@dataclass
class Targets:
    """Ids the fuzzer aims at: the victim's (B) rows and the attacker's (A) own."""

    victim_label: str
    victim_checkin: int
    victim_session: int
    victim_alert: int
    own_checkin: int
    own_session: int


def callback_data(t: Targets) -> st.SearchStrategy[str]:
    ids = st.sampled_from([t.victim_checkin, t.own_checkin, 0, -1, 2**62, 10**30])
    codes = st.sampled_from(["s", "w", "t", "d", "k", "c", "p", "f", "x", ""])
    values = st.sampled_from(["3", "10", "11", "-1", "mild", "severe", "bogus", "yes", "fever", "pus", ""])
    actions = st.sampled_from(["lang", "consent", "scr", "area", "tz", "first", "okdate", "rem", "ci", "fu",
                               "ack", "pause", "stop", "del", "setlang", "st", "page", "cancel", "zz"])
    return st.one_of(
        st.builds(lambda i, c, v: f"1:ci:{i}:{c}:{v}", ids, codes, values),  # check-in, mine or theirs
        st.just(f"1:ci:{t.victim_checkin}:s:9"), st.just(f"1:ci:{t.victim_checkin}:d:"),
        st.just(f"1:rem:ok:{t.victim_session}"), st.just(f"1:rem:rs:{t.victim_session}"),
        st.just(f"1:ack:{t.victim_alert}"), st.just(f"1:ci:{t.victim_checkin}:c:yes"),
        st.just(f"1:ci:{t.own_checkin}:s:3"),  # a real button of mine, likely stale after the first press
        st.builds(lambda a, rest: f"1:{a}:{rest}", actions, st.text(max_size=30)),  # malformed args
        st.builds(lambda a: f"2:{a}:1", actions),  # another version
        st.text(max_size=80),  # anything, including more than 64 bytes
    )


@dataclass(frozen=True)
class Action:
    actor: str  # "patient" (A), "stranger", "impostor" (not staff, in the staff group)
    kind: str  # text, command, edit, sticker, photo, press, group_text
    payload: str = ""


def actions(t: Targets) -> st.SearchStrategy[list[Action]]:
    """1-4 actions; presses are weighted up (they carry the forged and foreign ids)."""
    command = st.builds(lambda c, arg: f"{c} {arg}".strip(), st.sampled_from(COMMANDS),
                        st.sampled_from(["", t.victim_label, f"{t.victim_label} 1", "tomorrow 10:00",
                                         f"{t.victim_label} tomorrow 10:00", "R-9999", "x" * 70]))
    payloads: dict[str, st.SearchStrategy[str]] = {
        "text": TEXT, "command": command, "edit": TEXT, "sticker": st.just(""),
        "photo": st.sampled_from(["", "my knee", "I have pus"]), "press": callback_data(t),
        "group_text": st.one_of(TEXT, command),
    }
    kinds = st.sampled_from(["text", "command", "edit", "sticker", "photo", "group_text",
                             "press", "press", "press", "press"])
    actor = st.sampled_from(["patient", "patient", "stranger", "impostor"])
    one = st.tuples(actor, kinds).flatmap(lambda ak: payloads[ak[1]].map(lambda p: Action(ak[0], ak[1], p)))
    return st.lists(one, min_size=1, max_size=4)


# ---- the scene ------------------------------------------------------------------------------------

@dataclass
class Scene:
    ward: Ward
    attacker: SandboxUser
    impostor: SandboxUser
    targets: Targets
    victim_id: int
    victim: SandboxUser
    strangers: list[SandboxUser] = field(default_factory=list)

    @property
    def harness(self) -> Harness:
        return self.ward.harness


async def _victim_rows(h: Harness, patient_id: int) -> dict[str, Any]:
    """Every row that belongs to patient B, as plain data."""
    async with h.db.session() as session:
        def dump(rows: Any) -> list[dict[str, Any]]:
            return sorted((row.model_dump() for row in rows), key=lambda r: repr(sorted(r.items())))

        patient = await session.get(Patient, patient_id)
        assert patient is not None
        courses = (await session.exec(select(Course).where(Course.patient_id == patient_id))).all()
        course_ids = [c.id for c in courses]
        sessions = (await session.exec(select(TreatmentSession)
                                       .where(col(TreatmentSession.course_id).in_(course_ids)))).all()
        snapshot: dict[str, Any] = {
            "patient": patient.model_dump(),
            "courses": dump(courses),
            "sessions": dump(sessions),
        }
        for name, model in (("checkins", CheckIn), ("messages", ScheduledMessage), ("alerts", Alert)):
            table: type[SQLModel] = model
            rows = (await session.exec(select(table).where(table.patient_id == patient_id))).all()  # type: ignore[attr-defined]
            snapshot[name] = dump(rows)
        state = await session.get(ChatState, patient.chat_id)
        snapshot["chat_state"] = state.model_dump() if state else None
    return snapshot


@pytest.fixture
async def scene(bot: Harness) -> Scene:
    await fast_dispatch(bot)
    bot.sandbox.set_limits(enabled=False)  # hostile input, not flood control
    ward = await open_ward(bot, 2, first_user=630_001)
    attacker, victim = ward.bed(0), ward.bed(1)
    await ward.due_checkins(in_seconds=0.05)
    for bed in (attacker, victim):
        await bed.user.wait_for_message(QUESTION, timeout=WAIT)
    await victim.user.send_text("I have pus from the knee")
    await ward.staff_chat.wait_for_message("URGENT", timeout=WAIT)
    async with bot.db.session() as session:
        def first(rows: Any) -> int:
            return int(rows.first() or 0)

        targets = Targets(
            victim_label=victim.patient.label,
            victim_checkin=first(await session.exec(select(CheckIn.id).where(CheckIn.patient_id == victim.patient.id))),
            victim_session=int(victim.session_id or 0),
            victim_alert=first(await session.exec(select(Alert.id).where(Alert.patient_id == victim.patient.id))),
            own_checkin=first(await session.exec(select(CheckIn.id).where(CheckIn.patient_id == attacker.patient.id))),
            own_session=int(attacker.session_id or 0),
        )
    impostor = bot.sandbox.user(user_id=639_999, first_name="Not Staff")
    return Scene(ward, attacker.user, impostor, targets, victim.patient.id or 0, victim.user)


# ---- running one example ------------------------------------------------------------------------

class Runner:
    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.queries: list[tuple[SandboxUser, str]] = []
        self._next_stranger = 631_000

    def user_for(self, actor: str) -> SandboxUser:
        if actor == "patient":
            return self.scene.attacker
        if actor == "impostor":
            return self.scene.impostor
        self._next_stranger += 1
        return self.scene.harness.sandbox.user(user_id=self._next_stranger, first_name="Stranger",
                                               language_code="es" if self._next_stranger % 2 else "en")

    async def run(self, action: Action) -> None:
        user = self.user_for(action.actor)
        group = self.scene.ward.staff_chat if action.actor == "impostor" else None
        if action.kind in ("text", "command"):
            await user.send_text(action.payload or " ", chat=group)
        elif action.kind == "group_text":
            await user.send_text(action.payload or " ", chat=self.scene.ward.staff_chat)
        elif action.kind == "edit":
            mine = [m for m in user.history() if not m.from_bot and m.sender.id == user.user.id and m.kind == "text"]
            target = mine[-1] if mine else await user.send_text("hello")
            await user.edit_text(target.message_id, action.payload or ".", chat=target.chat_id)
        elif action.kind == "sticker":
            await user.send_sticker(chat=group)
        elif action.kind == "photo":
            await user.send_photo(caption=action.payload or None, chat=group)
        elif action.kind == "press":
            chat = group or user
            if not chat.messages():
                await user.send_text("/help")
                await user.wait_for_message(timeout=WAIT)
            self.queries.append((user, await user.press_data(action.payload, chat=chat)))


async def settle(h: Harness, quiet: float = 0.15, within: float = 20.0) -> None:
    """Wait until the bot fetched every update, handled them all, and the sandbox went quiet."""
    application = h.runtime.application
    sandbox = h.sandbox
    deadline = time.monotonic() + within
    last_seq, quiet_since = sandbox.state.last_seq, time.monotonic()
    while time.monotonic() < deadline:
        busy = (sandbox.stats()["pending_updates"] > 0 or application.update_queue.qsize() > 0
                or application.update_processor.current_concurrent_updates > 0)
        if sandbox.state.last_seq != last_seq or busy:
            last_seq, quiet_since = sandbox.state.last_seq, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the bot did not settle within {within}s")


@pytest.mark.timeout(max(120, EXAMPLES))  # about 0.4 s an example; exploring runs take longer
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not EXPLORE,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
async def test_hostile_updates_never_crash_leak_or_touch_another_patient(scene: Scene, data: st.DataObject) -> None:
    h = scene.harness
    script = data.draw(actions(scene.targets), label="actions")
    await settle(h)
    scene.ward.errors.clear()
    before = await _victim_rows(h, scene.victim_id)
    victim_seen = len(scene.victim.messages(include_deleted=True))
    mark = h.sandbox.state.last_seq
    runner = Runner(scene)
    for action in script:
        tally(f"{action.actor} {action.kind}")
        await runner.run(action)
    await settle(h)

    assert scene.ward.errors.errors == [], f"a handler raised: {scene.ward.errors.errors}"
    assert await _victim_rows(h, scene.victim_id) == before, "another patient's data changed"
    assert len(scene.victim.messages(include_deleted=True)) == victim_seen, "another patient got a message"
    typed = " ".join(action.payload for action in script)
    for event in h.sandbox.events(since=mark, kinds=["bot_message", "bot_edit"]):
        message = h.sandbox.chat(event.chat_id or 0).chat.messages.get(event.message_id or 0)
        if message is None or message.kind != "text":
            continue
        text = message.text
        assert 0 < len(text) <= 4096, f"reply of length {len(text)}"
        assert APOLOGY not in text, "the bot hit an internal error (it apologised)"
        leftover = [p for p in PLACEHOLDER.findall(text) if p not in typed]
        assert not leftover, f"unrendered placeholders {leftover} in {text[:200]!r}"
    for user, query_id in runner.queries:
        await user.wait_for_callback_answer(query_id, timeout=5.0)  # no spinner left turning
