"""Writing a simulated cohort (``bot.demo.cohort``) into a database that may already hold patients.

Ids are given explicitly (the next free ones), so rows can be written with
a few multi-row INSERTs instead of one ORM object each; on PostgreSQL the id
sequences are moved past them afterwards so the bot's own inserts go on
numbering after the cohort.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clinic_config import Clinic
from bot.core.db import Database
from bot.core.models import Alert, CheckIn, Course, Patient, ScheduledMessage, TreatmentSession
from bot.core.services import Services
from bot.demo.cohort import Cohort, Ids, generate

CHUNK = 2000
DEMO_PATIENTS = 60
_TABLES: tuple[tuple[type[SQLModel], str], ...] = (
    (Patient, "patients"), (Course, "courses"), (TreatmentSession, "sessions"), (ScheduledMessage, "messages"),
    (CheckIn, "checkins"), (Alert, "alerts"))


async def next_ids(session: AsyncSession, clinic: Clinic) -> Ids:
    """The first free id of every table, and the clinic's first free label number."""
    connection = await session.connection()

    async def top(model: type[SQLModel]) -> int:
        found = (await connection.execute(select(func.max(model.id)))).scalar()  # type: ignore[attr-defined]
        return int(found or 0) + 1

    labels = (await connection.execute(select(col(Patient.label)).where(col(Patient.clinic_id) == clinic.id))
              ).scalars()
    numbers = [int(m.group(1)) for label in labels if (m := re.search(r"-(\d+)$", label))]
    return Ids(patient=await top(Patient), course=await top(Course), session=await top(TreatmentSession),
               message=await top(ScheduledMessage), checkin=await top(CheckIn), alert=await top(Alert),
               label=max(numbers, default=0) + 1)


async def seed_demo_cohort(services: Services, clinic: Clinic, count: int = DEMO_PATIENTS) -> Cohort:
    """``count`` simulated patients whose history ends at the demo clock's "now"."""
    async with services.db.session() as session:
        ids = await next_ids(session, clinic)
    cohort = generate(clinic, count, services.clock.now(), ids=ids)
    await insert_cohort(services.db, cohort)
    return cohort


async def insert_cohort(db: Database, cohort: Cohort) -> None:
    """Every row of ``cohort`` in one transaction, parents first."""
    async with db.session() as session:
        connection = await session.connection()
        for model, name in _TABLES:
            rows: list[dict[str, Any]] = getattr(cohort, name)
            table: Any = model.__table__  # type: ignore[attr-defined]
            for start in range(0, len(rows), CHUNK):
                await connection.execute(insert(table), rows[start:start + CHUNK])
        if connection.dialect.name == "postgresql":
            for model, _ in _TABLES:
                name = model.__table__.name  # type: ignore[attr-defined]
                await connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))")
