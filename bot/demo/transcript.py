"""Prints the demo conversation: readable text, or one JSON object per message."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

Buttons = list[list[str]]


@dataclass
class Transcript:
    json_output: bool = False
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    lines: list[dict[str, Any]] = field(default_factory=list)

    def heading(self, title: str) -> None:
        """A section title (text mode only: JSON lines are messages and nothing else)."""
        if not self.json_output:
            print(f"\n=== {title} ===", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        if not self.json_output:
            print(f"    ({text})", file=self.stream, flush=True)

    def message(self, at: datetime, chat: str, sender: str, text: str, buttons: Buttons, edited: bool = False) -> None:
        entry = {"at": at.isoformat(timespec="seconds"), "chat": chat, "from": sender, "text": text,
                 "buttons": [label for row in buttons for label in row]}
        self.lines.append(entry)
        if self.json_output:
            print(json.dumps(entry, ensure_ascii=False), file=self.stream, flush=True)
            return
        arrow = "bot" if sender == "bot" else chat
        where = f" -> {chat}" if sender == "bot" else ""
        label = " (edited)" if edited else ""
        print(f"[{at:%a %b %d %H:%M}] {arrow}{where}{label}:", file=self.stream)
        for line in text.splitlines() or [""]:
            print(f"    {line}", file=self.stream)
        for row in buttons:
            print("    " + " ".join(f"[{label}]" for label in row), file=self.stream)
        self.stream.flush()
