"""``python -m tgsandbox --port 8081 [--no-limits]``: serve until SIGINT/SIGTERM.

Prints one line, ``sandbox listening on <url>``, once the port is bound, so a
parent process (benchmarks, kill -9 tests) can wait for it; with ``--port 0``
that line carries the chosen port.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from .config import DEFAULT_USERNAME, SandboxConfig
from .limits import FloodLimits
from .server import Sandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tgsandbox", description="Local fake Telegram Bot API server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--no-limits", action="store_true", help="disable flood limits (429)")
    parser.add_argument("--global-rate", type=float, default=30.0, help="messages/second for the whole bot")
    parser.add_argument("--chat-rate", type=float, default=1.0, help="messages/second per chat")
    parser.add_argument("--chat-burst", type=float, default=3.0, help="per-chat burst capacity")
    parser.add_argument("--token", action="append", dest="tokens", help="accept only this token (repeatable)")
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    parser.add_argument("--webhook-attempts", type=int, default=3)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    limits = FloodLimits(
        enabled=not args.no_limits,
        global_capacity=args.global_rate,
        global_rate=args.global_rate,
        chat_capacity=args.chat_burst,
        chat_rate=args.chat_rate,
    )
    config = SandboxConfig(
        host=args.host,
        port=args.port,
        username=args.username,
        limits=limits,
        tokens=SandboxConfig.token_set(args.tokens),
        webhook_attempts=args.webhook_attempts,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Sandbox(config) as sandbox:
        print(f"sandbox listening on {sandbox.url}", flush=True)
        await stop.wait()
    print("sandbox stopped", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
