"""What a photo or a voice note costs the bot, next to the same words typed. Prints figures; not a test.

    python bench/media.py                  # 100 patients, SQLite, PTB's pacing lifted
    python bench/media.py --patients 300
    python bench/media.py --patients 40 --production-limiter

N enrolled patients act at the same moment, three times over (each round
waits for the previous one to finish):

1. **typed**: each types a report, half of them with a red flag ("my knee is
   hot and red and there is pus coming out"), half without;
2. **photo**: each sends a photo with the same words as its caption;
3. **voice**: each sends a voice note (no caption).

For each message: from the moment the patient's update is queued at the
(sandbox) Bot API to the bot's first reply in the patient's chat, and, for
photos and voice notes, to the file's arrival in the staff chat; p50, p95,
max. Also counted: files in the staff chat (each must arrive exactly once)
and alerts raised. The bot runs in this process with the real wiring
(``bot.wiring.build_runtime``) against the in-process sandbox, flood limits
off, on a temporary SQLite database. PTB's own pacing (29 messages a second
overall, 20 a minute per group, as Telegram allows) is lifted too, so the
figures are the bot's work: with ``--production-limiter`` every post in the
staff chat (alerts and files alike) waits its turn at 20 a minute, which is
what a real clinic's burst would see. The machine is shared: run it twice
and read the lower figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.core.clinic_config import EXAMPLE_CONFIG, parse_clinics  # noqa: E402
from bot.core.db import Database  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.core.models import Alert, Patient  # noqa: E402
from bot.core.services import Services  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from bot.wiring import build_runtime  # noqa: E402
from tgsandbox import Message, Sandbox, SandboxUser  # noqa: E402

STAFF_CHAT = -100900
RED_FLAG = "my knee is hot and red and there is pus coming out"
FINE = "the knee is a bit sore today, about 3 out of 10"
WAIT = 120.0


def _clinics() -> object:
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["clinics"][0]["staff"] = {"chat_id": STAFF_CHAT, "user_ids": [900001]}
    data["clinics"][0]["quiet_hours"] = {"start": "00:00", "end": "00:00"}
    return parse_clinics(data, "<bench>")


async def _patients(db: Database, count: int) -> list[int]:
    ids = [700_000 + n for n in range(count)]
    async with db.session() as session:
        session.add_all(Patient(clinic_id="riverside", label=f"R-{n + 1:04d}", telegram_user_id=user_id,
                                chat_id=user_id, first_name="Pat", language="en", timezone="America/New_York")
                        for n, user_id in enumerate(ids))
    return ids


def _figures(name: str, delays: list[float]) -> str:
    if not delays:
        return f"{name:<28} (none)"
    ordered = sorted(delays)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"{name:<28} n={len(ordered):>4}  p50 {statistics.median(ordered) * 1000:7.1f} ms  "
            f"p95 {p95 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms")


async def _round(box: Sandbox, users: list[SandboxUser], kind: str) -> tuple[list[float], list[float], int]:
    """Everyone sends at once; returns (delays to the first reply, delays to the staff chat, files there)."""
    staff = box.group(chat_id=STAFF_CHAT, title="Staff")
    before = len([m for m in staff.messages() if m.kind != "text"])
    sent: list[Message] = []
    for n, user in enumerate(users):
        words = RED_FLAG if n % 2 == 0 else FINE
        if kind == "typed":
            sent.append(await user.send_text(words))
        elif kind == "photo":
            sent.append(await user.send_photo(b"knee", caption=words))
        else:
            sent.append(await user.send_voice())
    replies = [await user.wait_for_message(after=message.seq, timeout=WAIT) for user, message in zip(users, sent,
                                                                                                       strict=True)]
    first = [reply.at - message.at for reply, message in zip(replies, sent, strict=True)]
    if kind == "typed":
        return first, [], 0
    deadline = time.monotonic() + WAIT
    while len([m for m in staff.messages() if m.kind != "text"]) - before < len(users):
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    files = [m for m in staff.messages() if m.kind != "text"][before:]
    by_file = {m.file.file_id: m for m in files if m.file is not None}
    to_staff = [by_file[m.file.file_id].at - m.at for m in sent if m.file is not None and m.file.file_id in by_file]
    return first, to_staff, len(files)


def _lift_pacing() -> None:
    """PTB's limiter with the overall and per-group pacing off; retries on 429 stay."""
    from typing import Any

    from telegram.ext import AIORateLimiter

    import bot.ptb.application

    class Unpaced(AIORateLimiter):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**{**kwargs, "overall_max_rate": 0, "group_max_rate": 0})

    setattr(bot.ptb.application, "AIORateLimiter", Unpaced)  # noqa: B010 - patching the name build_application uses


async def main(patients: int, production_limiter: bool) -> None:
    if not production_limiter:
        _lift_pacing()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        async with Sandbox(limits=False) as box:
            settings = Settings(_env_file=None, bot_token="123456:BENCH", database_url=url,
                                telegram_api_url=box.url, http_host="127.0.0.1", http_port=0, log_level="WARNING")
            services = Services(settings=settings, clinics=_clinics(), db=Database(url))  # type: ignore[arg-type]
            ids = await _patients(services.db, patients)
            users = [box.user(user_id=user_id, first_name="Pat") for user_id in ids]
            runtime = build_runtime(services)
            await runtime.start()
            try:
                pacing = "PTB pacing as in production" if production_limiter else "PTB pacing lifted"
                print(f"{patients} patients at once, SQLite, sandbox flood limits off, {pacing}; load average "
                      f"{os.getloadavg()[0]:.2f}")
                for kind in ("typed", "photo", "voice"):
                    started = time.monotonic()
                    first, to_staff, files = await _round(box, users, kind)
                    took = time.monotonic() - started
                    print(_figures(f"{kind}: first reply", first))
                    if kind != "typed":
                        print(_figures(f"{kind}: file in staff chat", to_staff)
                              + f"  files {files}/{patients}")
                    print(f"{kind}: round took {took:.2f} s")
                async with services.db.session() as session:
                    from sqlmodel import func, select

                    alerts = (await session.exec(select(func.count()).select_from(Alert))).one()
                print(f"alerts raised: {alerts} (typed and photo rounds: {patients // 2 + patients % 2} red flags "
                      "each; a patient's second red-flag report raises its own alert)")
            finally:
                await runtime.stop()
                await services.db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--production-limiter", action="store_true",
                        help="keep PTB's pacing (20 posts a minute in the staff chat)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.patients, arguments.production_limiter))
