"""The demo's stage: sandbox users, a movable clock, and a transcript of everything said.

Scenes (``bot/demo/scenes``) call ``say``, ``press`` and ``advance``; after each
step the director waits until the bot has nothing left to do and prints what it sent.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import ShiftedClock
from bot.core.services import Services
from bot.demo.transcript import Transcript
from bot.runtime import BotRuntime
from tgsandbox import Sandbox
from tgsandbox.user import ChatView, MessagePredicate, SandboxUser

MAX_WAIT = 30.0
POLL = 0.02
STEP_WAIT = 20.0


@dataclass
class Director:
    sandbox: Sandbox
    runtime: BotRuntime
    clock: ShiftedClock
    transcript: Transcript
    patient: SandboxUser
    staff: SandboxUser
    staff_chat: ChatView
    _seen_seq: int = 0

    @property
    def services(self) -> Services:
        return self.runtime.services

    def _chat_name(self, chat_id: int | None) -> str | None:
        if chat_id == self.patient.id:
            return "patient"
        if chat_id in (self.staff.id, self.staff_chat.id):
            return "staff"
        return None

    async def settle(self) -> None:
        """Wait until the bot has nothing left to do, then print what it sent.

        A quiet moment on the wire is no proof: on a loaded machine a handler or a
        due message can take longer than any pause while it waits for the database,
        the rate limiter or the per-chat spacer, and the step (or the whole demo)
        would end without its replies. So the director asks where the work waits,
        in the order it flows: the sandbox has handed every update to the bot, PTB
        has finished handling each of them, and the dispatcher has nothing due at the
        demo clock's now. A pass in which the bot did anything is repeated, since a
        reply can lead to more. Raises TimeoutError after MAX_WAIT instead of
        printing a conversation with replies missing.
        """
        deadline = time.monotonic() + MAX_WAIT
        while True:
            mark = self.sandbox.state.last_seq
            await self._until_idle(deadline)
            if self.sandbox.state.last_seq == mark and not self.sandbox.state.updates:
                break
            if time.monotonic() > deadline:
                raise _still_busy("it kept sending")
        self.flush()

    async def _until_idle(self, deadline: float) -> None:
        """One pass over the bot's queues, upstream first, each bounded by ``deadline``.

        PTB calls ``task_done`` on its update queue only after the update processor
        has finished the handler, so joining the queue also covers an update taken
        off it whose task has not started yet (neither queued nor counted by
        ``PerChatUpdateProcessor`` at that moment).
        """
        state = self.sandbox.state
        fetched = await state.notifier.wait_for(lambda: True if not state.updates else None,
                                                deadline - time.monotonic())
        if fetched is None:
            raise _still_busy(f"{len(state.updates)} update(s) not yet fetched by the bot")
        try:
            await asyncio.wait_for(self.runtime.application.update_queue.join(), deadline - time.monotonic())
        except TimeoutError:
            raise _still_busy("an update still being handled") from None
        dispatcher = self.services.dispatcher
        while dispatcher is not None and not await dispatcher.is_idle():
            if time.monotonic() > deadline:
                raise _still_busy(f"messages due at {self.clock.now():%Y-%m-%d %H:%M} UTC not yet sent")
            await asyncio.sleep(POLL)

    def flush(self) -> None:
        for event in self.sandbox.events(self._seen_seq):
            self._seen_seq = max(self._seen_seq, event.seq)
            if event.kind not in ("bot_message", "bot_edit"):
                continue
            chat = self._chat_name(event.chat_id)
            if chat is None or event.chat_id is None or event.message_id is None:
                continue
            message = self.sandbox.state.chats[event.chat_id].messages[event.message_id]
            index = next((i for i, v in enumerate(message.versions) if v.seq == event.seq), -1)
            version = message.versions[index]
            buttons = _labels(version.reply_markup)
            text = version.text if message.kind == "text" else f"[{message.kind}] {message.text}".strip()
            if event.kind == "bot_edit" and not self.transcript.json_output and index > 0:
                text = _changed_lines(message.versions[index - 1].text, text)
            self.transcript.message(self.now(), chat, "bot", text, buttons, edited=event.kind == "bot_edit")

    def now(self) -> datetime:
        """The demo clock in the clinic's timezone, as the people in the demo read it."""
        clinic = next(iter(self.services.clinics))
        return self.clock.now().astimezone(clinic.tz)

    async def say(self, user: SandboxUser, text: str, chat: ChatView | None = None,
                  expect: MessagePredicate | None = None) -> None:
        """``user`` sends ``text``; with ``expect``, wait (bounded) for the matching reply."""
        self.flush()
        view = chat if chat is not None else user
        mark = view.mark()
        self.transcript.message(self.now(), self._speaker(user), "user", text, [])
        await user.send_text(text, chat=chat.id if chat is not None and chat is not user else None)
        if expect is not None:
            await view.wait_for_message(expect, timeout=STEP_WAIT, after=mark)
        await self.settle()

    async def press(self, user: SandboxUser, label: str, chat: ChatView | None = None,
                    expect: MessagePredicate | None = None) -> None:
        """``user`` presses ``label`` on the newest message that has it; ``expect`` as for ``say``."""
        self.flush()
        view = chat if chat is not None else user
        mark = view.mark()
        self.transcript.message(self.now(), self._speaker(user), "user", f"[{label}]", [])
        message = next(m for m in reversed(view.messages()) if label in m.callback_data)
        await user.press(label, message, chat=chat.id if chat is not None else None)
        if expect is not None:
            await view.wait_for_message(expect, timeout=STEP_WAIT, after=mark)
        await self.settle()

    def _speaker(self, user: SandboxUser) -> str:
        return "staff" if user is self.staff else "patient"

    async def tap(self, user: SandboxUser, label: str, chat: ChatView | None = None) -> None:
        """Press ``label`` as soon as the bot shows it (replies may trail a rate-limit pause)."""
        view = chat if chat is not None else user
        await _bounded(lambda: any(label in m.callback_data for m in view.messages()),
                       f"the bot never showed a {label!r} button")
        await self.press(user, label, chat=chat)

    async def expect(self, view: ChatView, text: str) -> None:
        """Wait until the bot has said ``text`` in ``view`` (sent or edited), then print it."""
        await _bounded(lambda: any(text in m.text for m in view.messages()), f"the bot never said {text!r}")
        await self.settle()

    async def advance_to(self, moment: datetime, note: str | None = None) -> None:
        """Move the clock to ``moment`` (never back) and let the scheduler catch up."""
        await self.advance(max(moment - self.clock.now(), timedelta(0)), note=note)

    async def advance(self, delta: timedelta, note: str | None = None) -> None:
        """Move the demo clock forward and let the scheduler catch up."""
        self.flush()
        self.clock.advance(delta)
        if note:
            self.transcript.note(note)
        if self.services.dispatcher is not None:
            self.services.dispatcher.poke()
        await self.settle()


def _still_busy(what: str) -> TimeoutError:
    return TimeoutError(f"demo: the bot was still busy after {MAX_WAIT:.0f}s: {what}")


async def _bounded(condition: Any, what: str) -> None:
    deadline = time.monotonic() + STEP_WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"demo: {what} within {STEP_WAIT:.0f}s")
        await asyncio.sleep(0.1)


def _labels(markup: dict[str, Any] | None) -> list[list[str]]:
    if not markup:
        return []
    return [[str(button.get("text", "")) for button in row] for row in markup.get("inline_keyboard", [])]


def _changed_lines(before: str, after: str) -> str:
    """For an edited message, only the lines that changed (the rest was printed already)."""
    old = set(before.splitlines())
    fresh = [line for line in after.splitlines() if line.strip() and line not in old]
    return "\n".join(["...", *fresh]) if fresh else "... (buttons removed)"
