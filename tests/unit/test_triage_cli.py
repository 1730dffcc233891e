"""``aftercare triage``: output format, --json, --clinic thresholds, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.wiring import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = ROOT / "config" / "clinic.example.yaml"


@pytest.fixture(autouse=True)
def _example_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.chdir(tmp_path)  # no stray .env or clinic.yaml from the working tree


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["triage", *args])
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_level_then_one_sign_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "I have a fever and the knee is hot")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "urgent",
        "fever (temperature 38.0 C / 100.4 F or higher, or chills)",
        "injection site hot to the touch",
    ]


def test_ok_message_prints_only_the_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "a bit sore today") == (0, "ok\n", "")


def test_doubtful_signs_are_marked(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "some redness?")
    level, sign = out.splitlines()
    assert level == "urgent"
    assert sign.startswith("redness spreading") and sign.endswith("[unsure: ask the patient]")


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "no puedo respirar y tengo fiebre", "--lang", "es", "--json")
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("level", "signs", "needs_follow_up", "doubtful_signs", "asks_when_to_call")} == {
        "level": "emergency",
        "signs": ["allergic_reaction", "fever"],
        "needs_follow_up": False,
        "doubtful_signs": [],
        "asks_when_to_call": False,
    }
    assert {(m["sign"], m["decision"]) for m in data["mentions"]} == {("allergic_reaction", "present"),
                                                                      ("fever", "present")}
    assert len(out.strip().splitlines()) == 1


def test_json_shows_each_mention_with_its_words_and_context(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "no fever, I had chills back in March, should I call if the knee gets hot?", "--json")
    data = json.loads(out)
    assert data["level"] == "ok" and data["asks_when_to_call"] is True
    seen = {(m["words"], m["decision"]) for m in data["mentions"]}
    assert ("fever", "negated") in seen and ("chills", "historical") in seen
    assert any(d == "hypothetical" and "hot" in w for w, d in seen)
    negated = next(m for m in data["mentions"] if m["decision"] == "negated")
    assert {"words": "no", "context": "negated"} in negated["cues"]


def test_hypothetical_question_says_it_gets_guidance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "should I call if it gets hot?")
    assert code == 0
    assert out.splitlines()[0] == "ok" and "when-to-call guidance" in out.splitlines()[1]


def test_json_follow_up(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "feels warm", "--json")
    data = json.loads(out)
    assert data["needs_follow_up"] is True and data["signs"] == ["hot_site"]


def test_clinic_thresholds_are_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace(
        "fever_celsius: 38.0", "fever_celsius: 37.5"
    )
    path = tmp_path / "clinic.yaml"
    path.write_text(config, encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(path))
    assert run(capsys, "temp 37.7")[1].splitlines()[0] == "ok"
    _, out, _ = run(capsys, "temp 37.7", "--clinic", "riverside")
    assert out.splitlines() == ["urgent", "fever (temperature 37.5 C / 99.5 F or higher, or chills)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fever", "--clinic", "nowhere"], "unknown clinic 'nowhere' (known: riverside)"),
        (["fever", "--lang", "fr"], "unsupported language 'fr' (supported: en, es)"),
        (["   "], "nothing to triage: TEXT is empty"),
        ([""], "nothing to triage: TEXT is empty"),
        ([], "nothing to triage: give TEXT or --file FILE.tsv"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err == f"aftercare: {message}\n"


def test_broken_config_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("clinics: [", encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(bad))
    code, _, err = run(capsys, "fever", "--clinic", "riverside")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "bad.yaml" in err


def test_python_dash_m_bot(tmp_path: Path) -> None:
    env = {"AFTERCARE_CLINIC_CONFIG": str(EXAMPLE_CONFIG), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "triage", "chest pain", "--clinic", "riverside"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["emergency", "chest pain or sudden shortness of breath"]
