"""Erasure keeps up with the schema: a new table that points at patient data must be handled."""

from __future__ import annotations

from sqlmodel import SQLModel

import bot.core.models  # noqa: F401  (registers every table)
from bot.selfservice.privacy import DETACHED_TABLES, ERASED_TABLES, TOMBSTONE_TABLES


def test_every_table_that_references_patient_data_is_erased_detached_or_tombstoned() -> None:
    handled = ERASED_TABLES | DETACHED_TABLES | TOMBSTONE_TABLES
    personal = {"patient", *ERASED_TABLES}
    for table in SQLModel.metadata.sorted_tables:
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if targets & personal:
            assert table.name in handled, (
                f"table {table.name!r} references {sorted(targets & personal)}: teach "
                "bot.selfservice.privacy.erase_user (and its table sets) what /delete does with it")


def test_the_table_sets_name_real_tables() -> None:
    names = {table.name for table in SQLModel.metadata.sorted_tables}
    assert names >= ERASED_TABLES | DETACHED_TABLES | TOMBSTONE_TABLES
