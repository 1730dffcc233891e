"""Enrolment: ``/start <invite token>`` walks a new patient to a course plan.

Steps (state in ``ChatState``, flow ``enrolment``; see ``enrolment_flow``):
language -> welcome, disclaimer and consent -> three screening questions ->
treated area (unless the invite set it) -> timezone -> first session date and
time (unless the clinic booked it) -> confirmation -> patient, course,
sessions and scheduled messages are created and the plan is sent.

This module is the Telegram edge: it checks that an update belongs to the
live flow (right chat, right prompt, right step) and hands it to the step
logic in ``enrolment_steps``. ``/cancel`` leaves at any step; nothing is
stored until the last step, so leaving costs nothing and the invite stays usable.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update, User
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core import audit, chat_state, patients
from bot.core.callbacks import decode, pattern
from bot.core.clinic_config import Clinic
from bot.core.models import ChatState, Invite
from bot.core.services import Services, services
from bot.enrolment import invites
from bot.enrolment.flow import ACTOR, FLOW, FlowData, Turn, retire_keyboard, turn_for
from bot.enrolment.steps import BUTTONS, STEPS, advance, typed_handler
from bot.ptb.chat import current_patient, reply_language
from bot.ptb.commands import Command, Menu

_INVITE_REPLIES = {
    invites.InviteProblem.MALFORMED: "invite_invalid",
    invites.InviteProblem.UNKNOWN: "invite_invalid",
    invites.InviteProblem.USED: "invite_used",
    invites.InviteProblem.EXPIRED: "invite_expired",
}


def first_language(user: User | None, clinic: Clinic) -> str:
    """The user's Telegram language if the clinic speaks it, else the clinic's first."""
    code = ((user.language_code or "") if user else "")[:2]
    return code if code in clinic.languages else clinic.default_language


def new_flow(invite: Invite, clinic: Clinic, user: User | None) -> FlowData:
    """What the invite already settles: clinic, maybe area, session count, a booked date."""
    assert invite.id is not None
    area = invite.area if invite.area in clinic.protocols else None
    return FlowData(
        invite_id=invite.id, clinic_id=clinic.id, language=first_language(user, clinic),
        language_chosen=len(clinic.languages) == 1, area=area, area_preset=area is not None,
        sessions=invite.sessions, first_at=invite.first_session_at,
        first_booked=invite.first_session_at is not None,
        first_confirmed=invite.first_session_at is not None,
    )


async def start_with_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/start <token>``: begin (or resume) enrolment, or say kindly why the link cannot."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    svc = services(context)
    token = context.args[0] if context.args and len(context.args) == 1 else ""
    async with svc.db.session() as session:
        enrolled = await patients.current_for_user(session, user.id)
        state = await chat_state.get(session, chat.id)
        invite: Invite | None = None
        problem: invites.InviteProblem | None = None
        try:
            invite = await invites.lookup(session, token, svc.clock.now())
        except invites.InviteError as error:
            invite, problem = error.invite, error.problem
            audit.record(session, "invite_rejected", level="warning", actor=ACTOR,
                         clinic_id=invite.clinic_id if invite else None,
                         invite_id=invite.id if invite else None, reason=problem.value)
    clinic = svc.clinics.get(invite.clinic_id) if invite is not None else None
    if enrolled is not None:
        await _already_enrolled(message, svc, enrolled.language, enrolled.clinic_id)
    elif problem is not None or invite is None or clinic is None:
        key = _INVITE_REPLIES.get(problem, "invite_invalid") if problem else "invite_invalid"
        language = first_language(user, clinic) if clinic else await reply_language(update, context)
        await message.reply_html(svc.text(f"enrolment.{key}", language, clinic,
                                          clinic_name=clinic.name if clinic else "",
                                          phone=clinic.contact.phone if clinic else ""))
    else:
        await _begin(update, context, svc, state, invite, clinic)


async def _begin(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services,
                 state: ChatState | None, invite: Invite, clinic: Clinic) -> None:
    """A fresh flow, or, for the same invite opened again mid-way, the current step again."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if state is not None and state.flow == FLOW:
        turn = turn_for(update, context, svc, state)
        if turn is not None:
            await retire_keyboard(turn, turn.message_id)
        if turn is not None and turn.flow.invite_id == invite.id:
            await advance(turn, preface=turn.t("resume"))
            return
    flow = new_flow(invite, clinic, user)
    turn = Turn(update, context, svc, chat.id, user.id, flow, clinic)
    await advance(turn, event="enrolment_started", area_preset=flow.area_preset,
                  booked=flow.first_booked)


async def _already_enrolled(message: Message, svc: Services, language: str, clinic_id: str) -> None:
    clinic = svc.clinics.get(clinic_id)
    await message.reply_html(svc.text("enrolment.already_enrolled", language, clinic,
                                      clinic_name=clinic.name if clinic else ""))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every enrolment button: accepted only on the live prompt at the matching step."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    svc = services(context)
    callback = decode(query.data)
    async with svc.db.session() as session:
        state = await chat_state.get(session, chat.id)
    turn = turn_for(update, context, svc, state) if state and state.flow == FLOW else None
    pressed_on = query.message.message_id if query.message is not None else None
    live = (callback is not None and turn is not None and state is not None
            and state.message_id == pressed_on and state.step in STEPS.get(callback.action, ()))
    accepted = live and callback is not None and turn is not None and \
        await BUTTONS[callback.action](turn, callback)
    if accepted:
        await query.answer()
        return
    if turn is not None and state is not None and pressed_on is not None and pressed_on > (state.message_id or 0):
        # A prompt newer than the live one: the bot sent it but died (or the database failed)
        # before storing it and the answer before it. Ask the stored step again instead of
        # leaving the patient with only dead buttons (kill -9 tests).
        await query.answer()
        await retire_keyboard(turn, pressed_on)
        await advance(turn, preface=turn.t("resume"))
        return
    language = turn.flow.language if turn else await reply_language(update, context)
    await query.answer(svc.text("common.expired_button", language))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, state: ChatState | None) -> None:
    """Typed text mid-enrolment: a timezone or a date where asked, else a re-prompt."""
    message = update.effective_message
    if message is None or state is None or not message.text:
        return
    svc = services(context)
    turn = turn_for(update, context, svc, state)
    if turn is None:
        await _drop_unusable(update, context, svc, state)
        return
    await typed_handler(state.step)(turn, message.text)


async def _drop_unusable(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services,
                         state: ChatState) -> None:
    """State from an older version or a removed clinic: start over rather than guess."""
    async with svc.db.session() as session:
        await chat_state.clear(session, state.chat_id, FLOW)
    if update.effective_message is not None:
        language = await reply_language(update, context)
        await update.effective_message.reply_html(svc.text("enrolment.cancelled", language))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/cancel``: leave the enrolment (the invite stays usable) or any other flow.

    Flows keep everything in ``ChatState`` until their last step, so clearing
    it is all that leaving takes; other features rely on this one command.
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    svc = services(context)
    async with svc.db.session() as session:
        state = await chat_state.get(session, chat.id)
        turn = turn_for(update, context, svc, state) if state and state.flow == FLOW else None
        if state is not None:
            await chat_state.clear(session, chat.id)
        if turn is not None and state is not None:
            audit.record(session, "enrolment_cancelled", clinic_id=turn.clinic.id, actor=ACTOR,
                         invite_id=turn.flow.invite_id, step=state.step)
    if turn is not None:
        await retire_keyboard(turn, turn.message_id)
        await message.reply_html(turn.t("cancelled"))
        return
    key = "common.cancelled" if state is not None else "common.nothing_to_cancel"
    await message.reply_html(svc.text(key, await reply_language(update, context)))



async def start_without_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A bare /start: greet enrolled patients, explain invites to everyone else."""
    message = update.effective_message
    assert message is not None
    svc = services(context)
    patient = await current_patient(update, context)
    if patient is not None:
        clinic = svc.clinics.get(patient.clinic_id)
        await message.reply_html(svc.text("common.welcome_back", patient.language, clinic,
                                          clinic_name=clinic.name if clinic else ""))
        return
    language = await reply_language(update, context)
    await message.reply_html(svc.text("common.start_no_invite", language))

def commands() -> list[Command]:
    """``/start <token>`` (an invite), ``/cancel``, and a bare ``/start``."""
    private = filters.ChatType.PRIVATE
    return [
        Command("start", CommandHandler("start", start_with_invite, filters=private, has_args=True)),
        Command.listed("cancel", CommandHandler("cancel", cancel, filters=private), Menu.PATIENT),
        Command("start", CommandHandler("start", start_without_invite)),
    ]


def buttons() -> list[BaseHandler[Any, Any, Any]]:
    """The enrolment buttons (typed text comes through the text router, to ``on_text``)."""
    return [CallbackQueryHandler(on_button, pattern=pattern(action)) for action in BUTTONS]
