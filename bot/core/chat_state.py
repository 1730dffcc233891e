"""Per-chat conversation state (which flow, which step), kept in the database.

Keeping it in the database rather than in memory means a restart, a crash or a
second replica resumes the conversation exactly where the patient was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import ChatState


async def get(session: AsyncSession, chat_id: int) -> ChatState | None:
    return (await session.exec(select(ChatState).where(ChatState.chat_id == chat_id))).first()


async def put(
    session: AsyncSession,
    chat_id: int,
    flow: str,
    step: str,
    data: dict[str, Any] | None = None,
    *,
    user_id: int | None = None,
    message_id: int | None = None,
) -> ChatState:
    """Create or replace the chat's state."""
    state = await get(session, chat_id)
    if state is None:
        state = ChatState(chat_id=chat_id, flow=flow, step=step)
        session.add(state)
    state.flow = flow
    state.step = step
    state.data = dict(data or {})
    state.user_id = user_id if user_id is not None else state.user_id
    state.message_id = message_id
    state.updated_at = datetime.now(UTC)
    return state


async def clear(session: AsyncSession, chat_id: int, flow: str | None = None) -> None:
    statement = delete(ChatState).where(ChatState.chat_id == chat_id)  # type: ignore[arg-type]
    if flow is not None:
        statement = statement.where(ChatState.flow == flow)  # type: ignore[arg-type]
    await session.exec(statement)
