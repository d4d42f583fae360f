"""The content digest: the fast orjson path gives the bytes of canonical JSON."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from psdcli.core.prepare import (
    PreparedReport,
    ReportInput,
    _canonical_digest,
    canonical_json,
    content_digest,
    prepare_report,
)
from psdcli.core.settings import ImportLimits
from psdcli.intake.reports import parse_report
from tests.bundles import SAMPLE_RECIPIENT, reports

# Every code point but the surrogates, which strict JSON parsing rejects.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
INTEGERS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
JSON_WITHOUT_FLOATS = st.recursive(
    st.none() | st.booleans() | INTEGERS | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4)
    ),
    max_leaves=20,
)


def _expected(fields: Any) -> str:
    return hashlib.sha256(canonical_json(fields)).hexdigest()


@settings(max_examples=500)
@given(st.dictionaries(TEXT, JSON_WITHOUT_FLOATS, max_size=6))
def test_fast_digest_matches_canonical_json(fields: dict[str, Any]) -> None:
    assert _canonical_digest(fields, may_hold_floats=False) == _expected(fields)


def test_integer_beyond_64_bits_falls_back() -> None:
    fields = {"count": 2**70, "name": "Siân"}
    assert _canonical_digest(fields, may_hold_floats=False) == _expected(fields)


def test_canonical_json_format() -> None:
    fields = {"b": [1, True, None], "a": "Łódź\n"}
    assert canonical_json(fields) == '{"a":"Łódź\\n","b":[1,true,null]}'.encode()


def _prepared(report: dict[str, Any]) -> PreparedReport:
    raw = json.dumps(report).encode()
    path = f"reports/{report['reference']}.json"
    prepared = prepare_report(
        ReportInput(path, raw, ()), [SAMPLE_RECIPIENT], ImportLimits()
    )
    assert isinstance(prepared, PreparedReport)
    return prepared


def test_prepared_digest_equals_content_digest() -> None:
    for report in reports(20):
        path = f"reports/{report['reference']}.json"
        parsed = parse_report(path, json.dumps(report).encode(), (), ImportLimits())
        assert _prepared(report).digest == content_digest(parsed)


def test_float_in_unknown_field_uses_canonical_json() -> None:
    (report,) = reports(1)
    report["exporter_score"] = 1e16
    path = f"reports/{report['reference']}.json"
    parsed = parse_report(path, json.dumps(report).encode(), (), ImportLimits())
    prepared = _prepared(report)
    assert prepared.digest == content_digest(parsed)
    assert b'"exporter_score":1e+16' in canonical_json(
        parsed.model_dump(mode="json", by_alias=True, exclude={"contact"})
    )
