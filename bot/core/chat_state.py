"""Per-chat conversation state (which flow, which step), kept in the database.

Keeping it in the database rather than in memory means a restart, a crash or a
second replica resumes the conversation exactly where the patient was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm.util import identity_key
from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.db import dialect_insert, dialect_of
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
) -> None:
    """Create or replace the chat's state (``user_id`` None keeps the stored one).

    One ``INSERT ... ON CONFLICT DO UPDATE`` instead of a read and then an
    insert or update: this runs on every check-in's Done press, and a
    statement per round trip was most of the bot's database cost under load
    (``bench/load.py``). A row this session already holds as an object is
    changed through it instead, so the session's copy never goes stale.
    """
    values: dict[str, Any] = {"flow": flow, "step": step, "data": dict(data or {}), "message_id": message_id,
                              "updated_at": datetime.now(UTC)}
    if user_id is not None:
        values["user_id"] = user_id
    held = session.sync_session.identity_map.get(identity_key(ChatState, chat_id))
    if isinstance(held, ChatState):
        for name, value in values.items():
            setattr(held, name, value)
        return
    await session.exec(_upsert(dialect_of(session), frozenset(values)), params={"chat_id": chat_id, **values})


async def clear(session: AsyncSession, chat_id: int, flow: str | None = None) -> None:
    await session.exec(_delete(flow is not None), params={"chat_id": chat_id, "flow": flow})


@cache
def _upsert(dialect: str, columns: frozenset[str]) -> Any:
    """``INSERT ... ON CONFLICT (chat_id) DO UPDATE`` of ``columns``, built once per dialect and column set."""
    table = ChatState.__table__  # type: ignore[attr-defined]
    insert = dialect_insert(dialect)
    names = ["chat_id", *sorted(columns)]
    statement = insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in names})
    return statement.on_conflict_do_update(index_elements=["chat_id"],
                                           set_={name: statement.excluded[name] for name in sorted(columns)})


@cache
def _delete(of_flow: bool) -> Any:
    """The chat's state, or only if it is in the given flow; built once each."""
    table = ChatState.__table__  # type: ignore[attr-defined]
    statement = delete(table).where(table.c.chat_id == bindparam("chat_id"))
    return statement.where(table.c.flow == bindparam("flow")) if of_flow else statement
