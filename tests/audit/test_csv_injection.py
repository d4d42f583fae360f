"""CSV exports neutralise cells that a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest
from audit_helpers import add_events

from psdcli.audit.csvsafe import neutralise_leading_control
from psdcli.audit.export import export_csv
from psdcli.audit.filters import AuditFilter
from psdcli.storage.database import Database

# (value as recorded, cell as written): the rule in psdcli.audit.csvsafe.
PAYLOADS = [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+1", "'+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("|calc", "'\\|calc"),
    ("%0A", "'%0A"),
    ("=A1|B1", "'=A1\\|B1"),
    ("-12", "-12"),
    ("a=b", "a=b"),
    ("'quoted", "'quoted"),
]
PAYLOAD_IDS = [
    "hyperlink",
    "plus",
    "minus-expression",
    "at",
    "leading-tab",
    "leading-carriage-return",
    "pipe",
    "percent",
    "pipe-inside",
    "plain-negative-number",
    "equals-later",
    "leading-apostrophe",
]

TEXT_FIELDS = ("analyst", "reason", "recipient", "case_reference", "bundle_id")


def _export_rows(database: Database) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    with database.read_session() as session:
        export_csv(session, AuditFilter(), out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


@pytest.mark.parametrize(("value", "cell"), PAYLOADS, ids=PAYLOAD_IDS)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_text_field_is_neutralised(
    database: Database, field: str, value: str, cell: str
) -> None:
    add_events(database, 1, **{field: value})
    (row,) = _export_rows(database)
    assert row[field] == cell


@pytest.mark.parametrize(("value", "cell"), PAYLOADS, ids=PAYLOAD_IDS)
def test_details_cell_starts_with_brace(
    database: Database, value: str, cell: str
) -> None:
    del cell  # the details cell is a JSON object, so its first character is "{"
    add_events(database, 1, details={"note": value, "count": 2})
    (row,) = _export_rows(database)
    assert row["details"].startswith("{")
    assert json.loads(row["details"]) == {"note": value, "count": 2}


def test_every_cell_of_a_hostile_event_is_safe(database: Database) -> None:
    hostile = '=HYPERLINK("http://x")'
    add_events(
        database,
        1,
        analyst=hostile,
        reason=hostile,
        recipient=hostile,
        case_reference=hostile,
        bundle_id=hostile,
        details={"note": hostile},
    )
    (row,) = _export_rows(database)
    for column, cell in row.items():
        assert not cell.startswith(("=", "+", "-", "@", "|", "%", "\t", "\r")), column


def test_leading_control_rule_scope() -> None:
    assert neutralise_leading_control("\tx") == "'\tx"
    assert neutralise_leading_control("\rx") == "'\rx"
    assert neutralise_leading_control("x\t") == "x\t"
    assert neutralise_leading_control("") == ""
