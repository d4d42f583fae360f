"""The canonical encoding of an event and the hash chain over it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from psdcli.audit import chain
from psdcli.storage import append_only


def _fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "sequence": 7,
        "event_id": "0b5e4f0a-9c1d-4e8f-8a43-4c2f6d1e9b70",
        "occurred_at": "2026-03-01T09:30:15.000120Z",
        "analyst": "A1234",
        "operation": "disclosure",
        "action": "audit.export",
        "case_reference": "CS-2026-004817",
        "bundle_id": None,
        "recipient": "/exports/case.jsonl",
        "reason": "IOPC request",
        "details": {"format": "jsonl", "count": 3, "bom": False, "note": None},
        "tool_version": "0.1.0",
        "prev_hash": "ab" * 32,
    }
    fields.update(changes)
    return fields


EXPECTED_BYTES = (
    b'{"action":"audit.export","analyst":"A1234","bundle_id":null,'
    b'"case_reference":"CS-2026-004817","details":{"bom":false,"count":3,'
    b'"format":"jsonl","note":null},'
    b'"event_id":"0b5e4f0a-9c1d-4e8f-8a43-4c2f6d1e9b70",'
    b'"occurred_at":"2026-03-01T09:30:15.000120Z","operation":"disclosure",'
    b'"prev_hash":"' + b"ab" * 32 + b'","reason":"IOPC request",'
    b'"recipient":"/exports/case.jsonl","sequence":7,"tool_version":"0.1.0"}'
)


def test_canonical_bytes_match_documented_form() -> None:
    assert chain.canonical_bytes(_fields()) == EXPECTED_BYTES


def test_hash_is_sha256_of_canonical_bytes() -> None:
    assert chain.event_hash(_fields()) == hashlib.sha256(EXPECTED_BYTES).hexdigest()


def test_encoding_ignores_key_order_of_input() -> None:
    reordered = dict(reversed(list(_fields().items())))
    assert chain.canonical_bytes(reordered) == EXPECTED_BYTES


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("analyst", "Siân"),
        ("analyst", "Łukasz"),
        ("reason", "Nguyễn asked for a review"),
        ("reason", "جائزہ کی درخواست"),
        ("case_reference", "CS-ÅÄÖ-1"),
    ],
    ids=["welsh", "polish", "vietnamese", "urdu", "swedish"],
)
def test_non_ascii_is_encoded_as_utf8_not_escaped(field: str, value: str) -> None:
    encoded = chain.canonical_bytes(_fields(**{field: value}))
    assert value.encode("utf-8") in encoded
    assert b"\\u" not in encoded


def test_non_ascii_changes_the_hash() -> None:
    plain = chain.event_hash(_fields(analyst="Sian"))
    accented = chain.event_hash(_fields(analyst="Siân"))
    assert plain != accented


def test_nulls_are_written_explicitly() -> None:
    decoded = json.loads(chain.canonical_bytes(_fields(reason=None)))
    assert "reason" in decoded
    assert decoded["reason"] is None


def test_encoding_has_no_whitespace_between_tokens() -> None:
    encoded = chain.canonical_bytes(_fields(reason="a b"))
    assert b", " not in encoded
    assert b": " not in encoded
    assert b"\n" not in encoded


def test_control_characters_use_short_json_escapes() -> None:
    encoded = chain.canonical_bytes(_fields(reason="line\tone\r\nline two"))
    assert b'"reason":"line\\tone\\r\\nline two"' in encoded


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            datetime(2026, 3, 1, 9, 30, 15, 120, tzinfo=UTC),
            "2026-03-01T09:30:15.000120Z",
        ),
        (datetime(2026, 3, 1, 9, 30, tzinfo=UTC), "2026-03-01T09:30:00.000000Z"),
        (
            datetime(2026, 7, 1, 10, 0, tzinfo=timezone(timedelta(hours=1))),
            "2026-07-01T09:00:00.000000Z",
        ),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02T03:04:05.000000Z"),
    ],
    ids=["microseconds", "whole-minute", "british-summer-time", "short-year"],
)
def test_timestamp_is_rfc3339_utc_with_microseconds(
    moment: datetime, text: str
) -> None:
    assert chain.format_timestamp(moment) == text


def test_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        chain.format_timestamp(datetime(2026, 3, 1, 9, 30))


def test_every_field_but_hash_is_chained() -> None:
    assert set(chain.CHAINED_FIELDS) == set(_fields())
    assert "hash" not in chain.CHAINED_FIELDS


@pytest.mark.parametrize("field", chain.CHAINED_FIELDS)
def test_changing_any_field_changes_the_hash(field: str) -> None:
    original = _fields()
    changed = dict(original)
    value = original[field]
    if isinstance(value, int):
        changed[field] = value + 1
    elif isinstance(value, dict):
        changed[field] = {**value, "count": 4}
    elif value is None:
        changed[field] = "x"
    else:
        changed[field] = str(value) + "x"
    assert chain.event_hash(changed) != chain.event_hash(original)


def test_export_line_is_canonical_with_hash() -> None:
    line = chain.export_line(_fields(), "cd" * 32)
    record = json.loads(line)
    stored_hash = record.pop("hash")
    assert stored_hash == "cd" * 32
    assert chain.canonical_bytes(record) == EXPECTED_BYTES


def test_trigger_uses_genesis_hash() -> None:
    assert chain.GENESIS_HASH == "0" * 64
    assert any(chain.GENESIS_HASH in sql for sql in append_only.sqlite_statements())
