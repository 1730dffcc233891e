"""``/console``: a staff member gets a one-time sign-in link for the web console.

Who is staff, and for which clinic, is decided exactly as for the other staff
commands (``staff_access``): anyone else gets the same neutral "this command
is for clinic staff" and a ``staff_refused`` audit event, and a member of
several clinics adds ``--clinic ID``. The link itself only ever goes to the
member's private chat with the bot: posted in the staff group it would let
every guest of that group sign in as them. The message has no link preview,
so Telegram never fetches the URL (fetching only shows the sign-in page, it
does not spend the link; see ``bot.staff.console_login``).
"""

from __future__ import annotations

from bot.ptb.commands import Command, Menu
from bot.staff.access import StaffTurn, staff_command
from bot.staff.console_login import LINK_VALIDITY, issue_link


async def console(turn: StaffTurn) -> None:
    """Mint a link for this member and clinic and send it to them privately."""
    if turn.chat_id != turn.user_id:
        await turn.reply(turn.svc.text("console.private_only", turn.language, turn.clinic))
        return
    user = turn.update.effective_user
    async with turn.svc.db.session() as session:
        link = await issue_link(session, turn.svc, turn.clinic.id, turn.user_id, language=turn.language,
                                staff_name=user.full_name if user is not None else None)
    minutes = int(LINK_VALIDITY.total_seconds() // 60)
    await turn.reply(turn.svc.text("console.link_message", turn.language, turn.clinic, clinic_name=turn.clinic.name,
                                   link=link.url, minutes=minutes))


def commands() -> list[Command]:
    return [Command.listed("console", staff_command("console", console), Menu.STAFF)]
