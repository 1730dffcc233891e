"""``aftercare run`` with a malformed token says so at once (exit 2), not "cannot reach Telegram".

A token with a stray space, quotes or a missing part used to surface as a
network failure, because the token is part of every request URL. The API URL
here is a dead loopback port: before the check, that is what the bot reported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.settings import token_problem
from tests.support.harness import TOKEN
from tests.support.processes import child_env, free_port

GOOD = "7301234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"


@pytest.mark.parametrize(("token", "problem"), [
    (GOOD + " ", "space or a line break"),
    (GOOD + "\n", "space or a line break"),
    (f'"{GOOD}"', "quote marks"),
    ("bot" + GOOD, "starts with 'bot'"),
    ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_", "no ':' after the bot id"),
    ("7301234567:short", "about 35 letters"),
    ("7301234567:AAHdqTcvCH1vGWJx/SeofSAs0K5PALDsaw_", "about 35 letters"),
])
def test_token_problems_name_what_is_wrong_without_repeating_the_token(token: str, problem: str) -> None:
    found = token_problem(token)
    assert found is not None and problem in found
    assert "AAHdq" not in found


@pytest.mark.parametrize("token", [GOOD, TOKEN, "1:" + "a" * 35])
def test_tokens_shaped_like_botfathers_pass(token: str) -> None:
    assert token_problem(token) is None


@pytest.mark.parametrize(("token", "problem"), [
    ("7301234567:AAHdqTcvCH1vGWJx SeofSAs0K5PALDsaw_", "it contains a space or a line break"),
    ("'7301234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_'", "it contains quote marks"),
])
def test_run_refuses_a_malformed_token_with_exit_2(tmp_path: Path, token: str, problem: str) -> None:
    env = child_env({"AFTERCARE_BOT_TOKEN": token, "AFTERCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
                     "AFTERCARE_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",
                     "AFTERCARE_HTTP_HOST": "127.0.0.1", "AFTERCARE_HTTP_PORT": "0"})
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aftercare: AFTERCARE_BOT_TOKEN is malformed: "), lines
    assert problem in lines[0] and "AAHdq" not in lines[0] and "cannot reach" not in lines[0]
    assert not (tmp_path / "a.db").exists()  # refused before anything was touched
