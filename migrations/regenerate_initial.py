"""Developer helper: rebuild the initial migration from the models (before the first release).

    python -m migrations.regenerate_initial
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from bot.core.migrate import MIGRATIONS_DIR, alembic_config


def main() -> None:
    for old in (MIGRATIONS_DIR / "versions").glob("*_initial.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.db'}"
        command.revision(alembic_config(url), message="initial", autogenerate=True, rev_id="0001")


if __name__ == "__main__":
    main()
