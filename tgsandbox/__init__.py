"""A local fake Telegram Bot API server for tests, the demo and benchmarks.

Bot side: the real Bot API wire format on ``/bot{token}/{method}`` (JSON, form
and multipart bodies), Telegram's validation and error texts, flood limits,
fault injection, getUpdates long polling and webhook delivery. User side:
:class:`SandboxUser` and :class:`SandboxGroup` in-process, or the JSON control
API under ``/sandbox/`` (:class:`SandboxClient`) from another process.
"""

from .client import SandboxClient
from .config import SandboxConfig
from .errors import ApiError
from .faults import Fault
from .limits import FloodLimits
from .models import BOT_ID, Event, Message
from .server import Sandbox
from .user import ChatView, SandboxGroup, SandboxUser, WaitTimeout

__all__ = [
    "BOT_ID",
    "ApiError",
    "ChatView",
    "Event",
    "Fault",
    "FloodLimits",
    "Message",
    "Sandbox",
    "SandboxClient",
    "SandboxConfig",
    "SandboxGroup",
    "SandboxUser",
    "WaitTimeout",
]
