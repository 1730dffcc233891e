"""reply_markup validation with Telegram's error texts.

The 64-byte ``callback_data`` limit is the one bots hit in practice (long
versioned payloads, non-ASCII ids), so it is checked in bytes, as Telegram
does. Reply keyboards given as bare strings are normalised to ``{"text": ...}``
so the user side can treat every keyboard alike.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError

_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_URL_SCHEMES = ("http://", "https://", "tg://")


def _rows(value: Any, field: str) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise ApiError.bad_request(f'field "{field}" must be an Array of Arrays')
    return value


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise ApiError.bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.startswith(_URL_SCHEMES):
            raise ApiError.bad_request("BUTTON_URL_INVALID")
    return button


def _reply_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        return {"text": button}
    if isinstance(button, dict) and isinstance(button.get("text"), str):
        return button
    raise ApiError.bad_request('can\'t parse keyboard button: Field "text" must be of type String')


def parse_reply_markup(value: Any) -> dict[str, Any] | None:
    """Validate and normalise a decoded reply_markup; ``None`` when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = _rows(value["inline_keyboard"], "inline_keyboard")
        return {**value, "inline_keyboard": [[_inline_button(b) for b in row] for row in rows]}
    if "keyboard" in value:
        rows = _rows(value["keyboard"], "keyboard")
        return {**value, "keyboard": [[_reply_button(b) for b in row] for row in rows]}
    if "remove_keyboard" in value or "force_reply" in value:
        return dict(value)
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def same_markup(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Equality as far as "message is not modified" is concerned (only inline keyboards show)."""
    return (a or {}).get("inline_keyboard") == (b or {}).get("inline_keyboard")
