"""``aftercare triage --file FILE.tsv``: a clinic tests its own wordings against the rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.test_triage_cli import run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CONFIG = ROOT / "config" / "clinic.example.yaml"
HELD_OUT = Path(__file__).with_name("triage_heldout.tsv")


@pytest.fixture(autouse=True)
def _example_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.chdir(tmp_path)


def tsv(tmp_path: Path, *rows: str, header: bool = True) -> Path:
    path = tmp_path / "wordings.tsv"
    lines = ["# our patients' own words", "language\texpected\ttext"] if header else []
    path.write_text("\n".join([*lines, *rows]) + "\n", encoding="utf-8")
    return path


def test_report_has_a_matrix_every_miss_and_every_over_triage(capsys: pytest.CaptureFixture[str],
                                                              tmp_path: Path) -> None:
    path = tsv(tmp_path, "en\turgent\tthe knee is hot to the touch", "en\tok\ta bit sore today",
               "en\turgent\tfeeling a bit off", "es\tok\ttengo fiebre", "", "en\twatch\tI feel dizzy")
    code, out, _ = run(capsys, "--file", str(path))
    assert code == 1, "an urgent line triaged lower fails the file"
    lines = out.splitlines()
    assert lines[0] == "5 messages: 3 at the expected level, 1 lower (1 urgent or emergency), 1 higher"
    assert lines[2].split() == ["expected", "\\", "got", "ok", "watch", "urgent", "emergency"]
    assert lines[3].split() == ["ok", "1", "0", "1", "0"]
    assert lines[5].split() == ["urgent", "0", "1", "1", "0"]
    assert "  line 5 [en] expected urgent, got watch (vague_worry): feeling a bit off" in lines
    assert "  line 6 [es] expected ok, got urgent (fever): tengo fiebre" in lines


def test_a_file_with_no_dangerous_miss_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tsv(tmp_path, "en\twatch\tno fever, just worried", "en\tok\tI think it is infected", header=False)
    code, out, _ = run(capsys, "--file", str(path))
    assert code == 0 and "1 higher" in out.splitlines()[0]


def test_json_gives_every_line_with_its_mentions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tsv(tmp_path, "en\tok\tmy daughter had chills at the weekend", "es\turgent\tme sale pus")
    code, out, _ = run(capsys, "--file", str(path), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 2 and data["misses"] == [] and data["dangerous_misses"] == []
    assert data["matrix"]["urgent"]["urgent"] == 1
    first = data["lines"][0]
    assert first["line"] == 3 and first["level"] == "ok"
    assert [(m["words"], m["decision"]) for m in first["mentions"]] == [("chills", "other_person")]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["en\turgent"], "line 3: expected 3 tab-separated columns (language, expected level, text), found 2"),
        (["en\turgent\tfever\textra"], "line 3: expected 3 tab-separated columns"),
        (["fr\turgent\tfièvre"], "line 3: unknown language 'fr' (supported: en, es)"),
        (["en\tok\tfine", "en\tsevere\tfever"], "line 4: unknown level 'severe' (known: ok, watch, urgent, emergency)"),
        (["en\tok\t   "], "line 3: the text column is empty"),
        ([], "no messages"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_line_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: list[str], message: str
) -> None:
    path = tsv(tmp_path, *rows)
    code, out, err = run(capsys, "--file", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err and str(path) in err


def test_a_missing_file_and_text_with_file_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--file", str(tmp_path / "nope.tsv"))
    assert code == 2 and "file not found" in err
    path = tsv(tmp_path, "en\tok\tfine")
    code, _, err = run(capsys, "fever", "--file", str(path))
    assert code == 2 and "either TEXT or --file" in err


def test_the_held_out_set_has_no_red_flag_triaged_lower(capsys: pytest.CaptureFixture[str]) -> None:
    """Fresh phrasings written apart from the rules: every urgent and emergency line comes out at least as high."""
    code, out, _ = run(capsys, "--file", str(HELD_OUT))
    total, exact = (int(part.split()[0]) for part in out.splitlines()[0].split(":")[:2])
    assert code == 0, out
    assert total >= 250 and exact / total >= 0.98


def test_clinic_wordings_are_used_with_clinic(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    config = EXAMPLE_CONFIG.read_text(encoding="utf-8").replace('["knee is like a radiator"]',
                                                                '["knee is like a toaster"]')
    path = tmp_path / "clinic.yaml"
    path.write_text(config, encoding="utf-8")
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(path))
    assert run(capsys, "my knee is like a toaster")[1].splitlines()[0] == "ok"
    assert run(capsys, "my knee is like a toaster", "--clinic", "riverside")[1].splitlines()[0] == "urgent"
    _, out, _ = run(capsys, "should I call if my knee is like a toaster?", "--clinic", "riverside")
    assert out.splitlines()[0] == "ok", "a clinic's wording goes through the same context rules"
