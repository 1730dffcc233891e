"""What a CSV cell of the export holds: text that displays as it reads, nothing a spreadsheet would run."""

from __future__ import annotations

import csv
import io

import pytest

from bot.outcomes.export import cell, write_table
from bot.outcomes.export_tables import Table, staff_label
from tests.support.clinic import OTHER_STAFF_USER_ID, STAFF_USER_ID, registry


@pytest.mark.parametrize(("value", "shown"), [
    ("R-0042", "R-0042"),
    ("evil\u202egnp.exe", "evilgnp.exe"),  # right-to-left override: would show "exe.png"
    ("a\u2066b\u2069c\u200fd\u061ce", "abcde"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1 555", "'+1 555"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\u202e=1+1", "'=1+1"),  # a hidden control in front does not smuggle a formula through
    (None, ""),
    (7, 7),
    (-3, -3),  # numbers stay numbers
])
def test_cells_are_neutralised(value: str | int | None, shown: str | int) -> None:
    assert cell(value) == shown


def test_a_table_is_a_header_and_rows_with_crlf() -> None:
    stream = io.StringIO(newline="")
    write_table(Table("x.csv", ("patient", "note"), [("R-0001", "a, \"b\"\nc"), ("R-0002", None)]), stream)
    assert stream.getvalue().startswith("patient,note\r\n")
    assert list(csv.reader(io.StringIO(stream.getvalue()))) == [["patient", "note"], ["R-0001", "a, \"b\"\nc"],
                                                                 ["R-0002", ""]]


def test_staff_are_named_by_their_place_in_the_clinic_list() -> None:
    clinic = registry()["riverside"]
    assert staff_label(clinic, STAFF_USER_ID) == "staff-1"
    assert staff_label(clinic, OTHER_STAFF_USER_ID) == "staff-2"
    assert staff_label(clinic, 42) == "staff-former"
    assert staff_label(clinic, None) is None
