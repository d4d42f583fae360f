"""Case numbers: given out at import, unique and consecutive, in a configurable form."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.bundles import write_bundle, zip_bytes
from tests.workflow.case_helpers import Desk, make_reports

YEAR = datetime.now(UTC).year


def test_import_gives_consecutive_numbers(desk: Desk) -> None:
    numbers = desk.import_reports(make_reports(3))
    assert sorted(numbers) == [f"PSD-{YEAR}-{n:04d}" for n in (1, 2, 3)]


def test_later_import_continues_the_sequence(desk: Desk) -> None:
    desk.import_reports(make_reports(3))
    numbers = desk.import_reports(make_reports(2, start=10))
    assert sorted(numbers) == [f"PSD-{YEAR}-0004", f"PSD-{YEAR}-0005"]


def test_every_case_number_is_unique(desk: Desk) -> None:
    desk.import_reports(make_reports(4))
    desk.import_reports(make_reports(4, start=10))
    numbers = [row["case_number"] for row in desk.listed()]
    assert len(numbers) == 8
    assert len(set(numbers)) == 8


def test_new_revision_keeps_case_number(desk: Desk) -> None:
    (original,) = make_reports(1)
    (number,) = desk.import_reports([original])
    corrected = {**original, "revision": 2, "narrative": "Corrected account."}
    desk.import_reports([corrected])
    detail = desk.show(number)
    assert detail["latest_revision"] == 2
    assert [row["case_number"] for row in desk.listed()] == [number]


def test_number_format_setting_changes_numbers(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_CASE_NUMBER_FORMAT", "wm/{year}/{number:05d}")
    numbers = desk.import_reports(make_reports(2))
    assert sorted(numbers) == [f"WM/{YEAR}/00001", f"WM/{YEAR}/00002"]


def test_custom_number_works_in_commands(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSDCLI_CASE_NUMBER_FORMAT", "WM/{year}/{number:05d}")
    desk.import_reports(make_reports(1))
    result = desk.do("note", f"wm/{YEAR}/00001")
    assert result["case_number"] == f"WM/{YEAR}/00001"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("PSD-{year}", "must contain {year} and {number}"),
        ("C-{number:04d}", "must contain {year} and {number}"),
        ("{region}-{number}", "is invalid ('region')"),
        ("X" * 40 + "-{number}", "numbers of at most 32 characters"),
    ],
    ids=["without-number", "without-year", "unknown-field", "too-long"],
)
def test_bad_number_format_rejects_import(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, template: str, expected: str
) -> None:
    bundle = write_bundle(desk.workspace.bundles, zip_bytes(make_reports(1)))
    monkeypatch.setenv("PSDCLI_CASE_NUMBER_FORMAT", template)
    result = desk.workspace.import_(bundle)
    assert result.exit_code == 1, result.output
    assert f"PSDCLI_CASE_NUMBER_FORMAT={template!r} " in result.stderr
    assert expected in result.stderr
    monkeypatch.delenv("PSDCLI_CASE_NUMBER_FORMAT")
    assert desk.listed() == []
