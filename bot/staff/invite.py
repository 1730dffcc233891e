"""``/invite [AREA]``: a one-time enrolment link and its QR code, ready to hand to a patient.

Without an area the member picks one with buttons (or lets the patient
choose at enrolment). The invite itself is made by ``bot.enrolment.invites.create_invite``
(the same validation and audit as ``aftercare invite``), recorded as created
by the staff member; only the link's hash is stored.
"""

from __future__ import annotations

import asyncio

from bot.core.callbacks import Action, Callback, encode
from bot.enrolment.invites import InviteRequestError, create_invite
from bot.staff.access import Buttons, StaffTurn
from bot.staff.qr import qr_png
from bot.staff.staff_actions import StaffError

INVITE_OP = "inv"


async def invite(turn: StaffTurn) -> None:
    """With an area: the invite at once. Without: one button per area, plus "patient chooses"."""
    if len(turn.args) > 1:
        raise StaffError("usage_invite")
    if turn.args:
        area = turn.args[0].lower()
        if area not in turn.clinic.protocols:
            raise StaffError("unknown_area", value=turn.args[0][:32])
        await issue(turn, area)
        return
    buttons = area_buttons(turn)
    if buttons is None:  # ids too long for a button payload: typing the area still works
        raise StaffError("usage_invite")
    await turn.reply(turn.t("invite_pick_area"), buttons)


def area_buttons(turn: StaffTurn) -> Buttons | None:
    """Two areas a row, then "patient chooses"; ``None`` if a payload would exceed 64 bytes."""
    try:
        choices = [(turn.area_name(area), encode(Action.STAFF, INVITE_OP, turn.clinic.id, area))
                   for area in turn.clinic.protocols]
        anyone = (turn.t("invite_any_area"), encode(Action.STAFF, INVITE_OP, turn.clinic.id))
    except ValueError:
        return None
    rows = [choices[index:index + 2] for index in range(0, len(choices), 2)]
    return [*rows, [anyone]]


async def invite_button(turn: StaffTurn, callback: Callback) -> None:
    """An area was picked: the chooser loses its buttons (no second invite by a double tap)."""
    query = turn.update.callback_query
    area = callback.arg(2) or None
    if area is not None and area not in turn.clinic.protocols:
        if query is not None:
            await query.answer(turn.svc.text("common.expired_button", turn.language), show_alert=True)
        return
    if query is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)
    await issue(turn, area)


async def issue(turn: StaffTurn, area: str | None) -> None:
    """Store the invite and send the QR code with the link and its expiry as the caption."""
    try:
        async with turn.svc.db.session() as session:
            issued = await create_invite(session, turn.clinic, area, bot_username=turn.svc.bot_username,
                                         now=turn.now, created_by=turn.actor)
    except InviteRequestError as exc:
        raise StaffError("invite_failed", bad_input=False, reason=str(exc)) from None
    png = await asyncio.to_thread(qr_png, issued.link)
    area_text = turn.area_name(area) if area is not None else turn.t("invite_area_any")
    caption = turn.t("invite_caption", area=area_text, link=issued.link, expires=turn.when(issued.expires_at))
    await turn.photo(png, caption)
