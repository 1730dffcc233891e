"""``aftercare demo`` runs offline and prints a transcript (text and JSON lines)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_demo_json_lines_have_the_contract_fields() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--json"], capture_output=True, text=True,
                            timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})
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


def test_demo_text_transcript_names_speakers() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "demo"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "bot -> patient:" in result.stdout
    assert "patient:\n    /help" in result.stdout
