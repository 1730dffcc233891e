"""Clinic configurations for tests: the shipped example, with test staff and knobs."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from bot.core.clinic_config import EXAMPLE_CONFIG, ClinicRegistry, parse_clinics

STAFF_USER_ID = 900001
OTHER_STAFF_USER_ID = 900002
STAFF_CHAT_ID = -100900
CLINIC_ID = "riverside"


def clinic_data(**overrides: Any) -> dict[str, Any]:
    """The example clinic as a dict, with test staff ids and top-level fields replaced."""
    data = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    clinic = data["clinics"][0]
    clinic["staff"] = {"chat_id": STAFF_CHAT_ID, "user_ids": [STAFF_USER_ID, OTHER_STAFF_USER_ID]}
    for key, value in overrides.items():
        clinic[key] = copy.deepcopy(value)
    return data  # type: ignore[no-any-return]


def with_protocol(data: dict[str, Any], area: str = "knee", **fields: Any) -> dict[str, Any]:
    """Change one protocol's fields, e.g. ``interval="PT10S", checkins_after=["PT2S"]``."""
    data["clinics"][0]["protocols"][area].update(fields)
    return data


def registry(data: dict[str, Any] | None = None) -> ClinicRegistry:
    return parse_clinics(data or clinic_data(), "<test config>")
