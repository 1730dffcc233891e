"""Patient lookups shared by every feature."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Patient, PatientStatus

LIVE_STATUSES = (PatientStatus.ACTIVE, PatientStatus.PAUSED)


async def current_for_user(session: AsyncSession, telegram_user_id: int) -> Patient | None:
    """The user's active or paused enrolment (the newest, if several clinics)."""
    statement = (
        select(Patient)
        .where(Patient.telegram_user_id == telegram_user_id)
        .where(col(Patient.status).in_(LIVE_STATUSES))
        .order_by(col(Patient.id).desc())
    )
    return (await session.exec(statement)).first()


async def next_label(session: AsyncSession, clinic_id: str, prefix: str) -> str:
    """The next free clinic-side label, e.g. ``R-0007``."""
    statement = select(Patient.label).where(Patient.clinic_id == clinic_id)
    numbers = [int(label.split("-")[-1]) for label in (await session.exec(statement)).all()
               if label.split("-")[-1].isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1:04d}"
