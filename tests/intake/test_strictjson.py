"""Strict JSON parsing: every construct Python's json accepts but the format forbids."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psdcli.intake.strictjson import MAX_SAFE_INTEGER, StrictJsonError, loads_strict

SOURCE = "reports/CS-2026-000001.json"


def parse(data: bytes, max_depth: int = 32) -> Any:
    return loads_strict(data, max_depth=max_depth, source=SOURCE)


@pytest.mark.parametrize(
    ("data", "expected_message"),
    [
        (b'\xef\xbb\xbf{"a": 1}', "starts with a UTF-8 byte order mark"),
        (b'{"a": 1, "a": 2}', "line 1, column 10: duplicate key 'a'"),
        (b'{"a": 1, "\\u0061": 2}', "duplicate key 'a'"),
        (b'{"outer": {"k": 1,\n "k": 2}}', "line 2, column 2: duplicate key 'k'"),
        (b"[1, NaN]", "line 1, column 5: NaN is not a valid JSON value"),
        (b"[Infinity]", "Infinity is not a valid JSON value"),
        (b'{"x": -Infinity}', "-Infinity is not a valid JSON value"),
        (b'["\\ud800"]', "lone UTF-16 surrogate escape \\ud800"),
        (b'["\\udc00"]', "lone UTF-16 surrogate escape \\udc00"),
        (b'["\\ud800x\\udc00"]', "lone UTF-16 surrogate escape \\ud800"),
        (b'["\\ud800\\u0041"]', "lone UTF-16 surrogate escape \\ud800"),
        (b"[" * 100_000 + b"]" * 100_000, "nesting is deeper than the maximum of 32"),
        (b"1" + b"0" * 400, "integer is outside the range"),
        (b"[9007199254740992]", "integer is outside the range"),
        (b"[-9007199254740992]", "integer is outside the range"),
        (b"[1e999]", "too large for a 64-bit floating-point value"),
        (b"[-1.5E+400]", "too large for a 64-bit floating-point value"),
        (b"[0." + b"1" * 200 + b"]", "number is longer than 100 characters"),
        (b'{"a": "\xff"}', "not valid UTF-8 (first bad byte at offset 7)"),
        (b'["\xed\xa0\x80"]', "not valid UTF-8"),
        (b'{"a": [1, 2,]}', "line 1, column 13: Expecting value"),
        (b'{"a": "unterminated', "Unterminated string"),
        (b"", "Expecting value"),
    ],
    ids=[
        "bom",
        "duplicate-key",
        "duplicate-key-escaped",
        "duplicate-key-nested-line-2",
        "nan",
        "infinity",
        "minus-infinity",
        "lone-high-surrogate",
        "lone-low-surrogate",
        "high-surrogate-not-adjacent",
        "high-surrogate-then-non-surrogate",
        "nesting-100000-deep",
        "integer-10-to-400",
        "integer-just-above-safe",
        "integer-just-below-safe",
        "float-overflow",
        "float-overflow-negative",
        "number-too-long",
        "invalid-utf8",
        "utf8-encoded-surrogate",
        "trailing-comma",
        "unterminated-string",
        "empty",
    ],
)
def test_loads_strict_rejects(data: bytes, expected_message: str) -> None:
    with pytest.raises(StrictJsonError) as caught:
        parse(data)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: invalid JSON"), message
    assert expected_message in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'["\\ud83d\\ude00"]', ["\U0001f600"]),
        (b'["\\\\ud800"]', ["\\ud800"]),
        (
            b"[9007199254740991, -9007199254740991]",
            [MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER],
        ),
        (b"[1.7976931348623157e308, 1e-400]", [1.7976931348623157e308, 0.0]),
        (b'{"a": {"a": 1}, "b": {"a": 2}}', {"a": {"a": 1}, "b": {"a": 2}}),
        (
            b'{"[": "{{{", "k": "NaN Infinity 1e999"}',
            {"[": "{{{", "k": "NaN Infinity 1e999"},
        ),
        (b' \n\t{"a" : 1} \r\n', {"a": 1}),
        (b'"caf\xc3\xa9"', "café"),
    ],
    ids=[
        "surrogate-pair",
        "escaped-backslash-before-u",
        "safe-integer-bounds",
        "largest-float-and-underflow",
        "same-key-in-sibling-objects",
        "brackets-and-constants-inside-strings",
        "surrounding-whitespace",
        "utf8-text",
    ],
)
def test_loads_strict_accepts(data: bytes, expected: Any) -> None:
    assert parse(data) == expected


def test_depth_limit_counts_containers() -> None:
    assert parse(b"[[[]]]", max_depth=3) == [[[]]]
    with pytest.raises(StrictJsonError, match="deeper than the maximum of 2 levels"):
        parse(b"[[[]]]", max_depth=2)


def test_duplicate_key_message_names_only_key() -> None:
    with pytest.raises(StrictJsonError) as caught:
        parse(b'{"phone": "07700 900461", "phone": "07700 900462"}')
    assert "07700" not in str(caught.value)
    assert caught.value.line == 1
    assert caught.value.column == 27


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(database=None, max_examples=300, deadline=None)
@given(value=json_values, ensure_ascii=st.booleans())
def test_round_trip_of_valid_json(value: Any, ensure_ascii: bool) -> None:
    data = json.dumps(value, ensure_ascii=ensure_ascii).encode("utf-8")
    assert parse(data, max_depth=64) == value


@settings(database=None, max_examples=500, deadline=None)
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_raise_strict_json_error(data: bytes) -> None:
    message = SOURCE
    try:
        parse(data, max_depth=8)
    except StrictJsonError as error:
        message = str(error)
    assert message.startswith(SOURCE)


json_alphabet = st.sampled_from(
    ['{', '}', '[', ']', '"', "\\", "u", "d800", "dc00", ":", ",", "1", "e999",
     "-", ".", "NaN", "Infinity", "true", "null", " ", "\n", "a", "é", "0"]
)  # fmt: skip


@settings(database=None, max_examples=500, deadline=None)
@given(pieces=st.lists(json_alphabet, max_size=40))
def test_json_like_text_raises_strict_json_error(pieces: list[str]) -> None:
    data = "".join(pieces).encode("utf-8")
    try:
        value = parse(data, max_depth=8)
    except StrictJsonError:
        return
    # Whatever passes must be plain, finite, UTF-8-encodable JSON.
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    text.encode("utf-8")
    assert all(
        not isinstance(number, float) or math.isfinite(number)
        for number in _numbers(value)
    )


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [number for item in value.values() for number in _numbers(item)]
    if isinstance(value, list):
        return [number for item in value for number in _numbers(item)]
    return [value] if isinstance(value, int | float) else []
