"""``aftercare demo`` runs offline and prints a transcript (text and JSON lines), the same every time.

``demo_transcript.jsonl`` is the conversation the demo holds, with what changes
from run to run masked (invite tokens, clock times, the timestamp below the
day). A change to what patients or staff read shows up here as a diff; when the
change is meant, regenerate the file with
``AFTERCARE_UPDATE_DEMO_TRANSCRIPT=1 python -m pytest tests/e2e/test_demo.py``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TRANSCRIPT = Path(__file__).with_name("demo_transcript.jsonl")
_TOKEN = re.compile(r"(?<=start=)[A-Za-z0-9_-]{20,}|(?<=/start )[A-Za-z0-9_-]{20,}|(?<=/login/)[A-Za-z0-9_-]{20,}")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?")


def masked(line: dict[str, Any]) -> dict[str, Any]:
    """One transcript line without what differs between runs."""
    def mask(text: str) -> str:
        return _CLOCK.sub("HH:MM", _TOKEN.sub("TOKEN", text))

    return {"day": line["at"][:10], "chat": line["chat"], "from": line["from"], "text": mask(line["text"]),
            "buttons": [mask(b) for b in line["buttons"]]}


@pytest.mark.timeout(600)  # the demo in its own interpreter; on a loaded machine it takes minutes
def test_demo_json_lines_have_the_contract_fields_and_the_known_conversation() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--json"], capture_output=True, text=True,
                            timeout=540, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert lines, "demo printed nothing"
    for line in lines:
        assert set(line) == {"at", "chat", "from", "text", "buttons"}
        assert line["chat"] in {"patient", "staff"}
        assert line["from"] in {"bot", "user"}
    bot_texts = [line["text"] for line in lines if line["from"] == "bot"]
    assert any("invite link" in text for text in bot_texts)
    assert any("/status" in text for text in bot_texts)
    got = [masked(line) for line in lines]
    if os.environ.get("AFTERCARE_UPDATE_DEMO_TRANSCRIPT"):
        TRANSCRIPT.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in got), encoding="utf-8")
    expected = [json.loads(line) for line in TRANSCRIPT.read_text(encoding="utf-8").splitlines()]
    assert got == expected, _diff(expected, got)


def _diff(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> str:
    """A unified diff of the masked lines: a timing flake shows which messages moved or went missing."""
    def lines(entries: list[dict[str, Any]]) -> list[str]:
        return [json.dumps(entry, ensure_ascii=False) for entry in entries]

    diff = difflib.unified_diff(lines(expected), lines(got), TRANSCRIPT.name, "demo --json (masked)", lineterm="")
    return f"{len(got)} lines, expected {len(expected)}:\n" + "\n".join(diff)


@pytest.mark.timeout(600)
def test_demo_text_transcript_names_speakers() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "bot -> patient:" in result.stdout
    assert "patient:\n    /help" in result.stdout
