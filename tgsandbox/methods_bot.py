"""Bot-level Bot API methods: identity, command menus, profile texts, files, session."""

from __future__ import annotations

import re
from typing import Any

from .core import SandboxCore, api_method
from .errors import ApiError
from .params import Params

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}


@api_method("getMe")
async def get_me(core: SandboxCore, p: Params) -> Any:
    return {
        **core.state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _scope(p: Params) -> dict[str, Any]:
    scope = p.structured("scope")
    if scope is None:
        return {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    required = _SCOPES[str(scope["type"])]
    if any(scope.get(name) in (None, "") for name in required):
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return {"type": scope["type"], **{name: scope[name] for name in required}}


def _language(p: Params) -> str:
    language = p.text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise ApiError.bad_request("invalid language code specified")
    return language


@api_method("setMyCommands")
async def set_my_commands(core: SandboxCore, p: Params) -> Any:
    commands = p.structured("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError.bad_request("can't parse commands JSON object")
    cleaned: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise ApiError.bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command, "description": description})
    key = core.state.command_key(_scope(p), _language(p))
    if cleaned:
        core.state.commands[key] = cleaned
    else:
        core.state.commands.pop(key, None)
    core.state.log("set_commands", None, method="setMyCommands", key=key, count=len(cleaned))
    return True


@api_method("getMyCommands")
async def get_my_commands(core: SandboxCore, p: Params) -> Any:
    return core.state.commands.get(core.state.command_key(_scope(p), _language(p)), [])


@api_method("deleteMyCommands")
async def delete_my_commands(core: SandboxCore, p: Params) -> Any:
    core.state.commands.pop(core.state.command_key(_scope(p), _language(p)), None)
    return True


def _profile_text(name: str, field: str, limit: int) -> None:
    """setMyName/setMyDescription/...: stored per language, returned by the getter."""

    @api_method(f"setMy{name}")
    async def setter(core: SandboxCore, p: Params) -> Any:
        value = p.text(field) or ""
        if len(value) > limit:
            raise ApiError.bad_request(f"{field} is too long")
        core.state.profile.setdefault(field, {})[_language(p)] = value
        return True

    @api_method(f"getMy{name}")
    async def getter(core: SandboxCore, p: Params) -> Any:
        store = core.state.profile.get(field, {})
        fallback = store.get("", core.state.bot.first_name if field == "name" else "")
        return {field: store.get(_language(p), fallback)}


_profile_text("Name", "name", 64)
_profile_text("Description", "description", 512)
_profile_text("ShortDescription", "short_description", 120)


@api_method("getFile")
async def get_file(core: SandboxCore, p: Params) -> Any:
    stored = core.state.file(p.text("file_id") or "")
    return {**stored.to_api(), "file_path": stored.file_path}


@api_method("close")
async def close(core: SandboxCore, p: Params) -> Any:
    return True


@api_method("logOut")
async def log_out(core: SandboxCore, p: Params) -> Any:
    return True
