"""Parse JSON strictly: the input must be interoperable RFC 8259 JSON.

Python's ``json`` module accepts several things that other parsers read
differently or that break later processing. Duplicate object keys are
accepted and the last one wins. ``NaN`` and ``Infinity`` are accepted. Lone
UTF-16 surrogate escapes become strings that cannot be encoded as UTF-8 or
stored in SQLite. Integers beyond 2^53 - 1 are kept exactly, but other
languages round them, and numbers that overflow a float become infinity.
The parser also recurses once per nesting level, so a deeply nested document
raises ``RecursionError``. ``loads_strict`` rejects all of these with one exception
class whose message names the source and the line and column.

Nesting depth is checked before ``json.loads`` runs, so that it never
recurses deeper than the limit. Most documents pass two quick checks on the
whole text: the nesting is shallow enough, and no escape can be a surrogate.
They are then parsed at once, and hooks of the parser reject duplicate keys,
constants and numbers out of range. Any other document, and any document that
the parser rejects, is first scanned token by token with a regular
expression, which finds the first problem and its line and column.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

# Integers in this range survive a round trip through an IEEE 754 double, the
# number type of JavaScript and of many JSON parsers.
MAX_SAFE_INTEGER = 2**53 - 1
# Maximum length of a number, in characters. Python's repr of any double,
# the shortest text that converts back to it exactly, has at most 24.
MAX_NUMBER_CHARS = 100

_BOM = b"\xef\xbb\xbf"
_MAX_SHOWN_KEY_CHARS = 40

_TOKEN = re.compile(
    r"""
      (?P<string> " [^"\\]* (?: \\. [^"\\]* )* "? )
    | (?P<open> [\[{] )
    | (?P<close> [\]}] )
    | (?P<constant> -?Infinity | NaN )
    | (?P<number> -? [0-9] [0-9.eE+-]* )
    """,
    re.VERBOSE | re.DOTALL,
)
_COLON_AFTER_KEY = re.compile(r"[ \t\n\r]*:")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_INTEGER = re.compile(r"-?[0-9]+")
# A complete string token, the same as the string group of _TOKEN when that
# ends with its closing quote.
_COMPLETE_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_BRACKET_DEPTH_CHANGE = {"[": 1, "{": 1, "]": -1, "}": -1}
# A \u escape of a UTF-16 surrogate (D800 to DFFF). It also matches text
# after an escaped backslash, such as \\ud800, which only costs a full scan.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class StrictJsonError(ValueError):
    """A document is not strict JSON; the message names source and position."""

    def __init__(
        self,
        source: str,
        problem: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        self.column = column
        where = "" if line is None else f" at line {line}, column {column}"
        super().__init__(f"{source}: invalid JSON{where}: {problem}")


def loads_strict(data: bytes, *, max_depth: int, source: str) -> Any:
    """Parse UTF-8 JSON bytes, raising StrictJsonError for anything not strict.

    ``max_depth`` counts nested arrays and objects: ``[]`` has depth 1 and a
    bare scalar depth 0. ``source`` names the input in messages, usually a
    member path such as ``reports/CS-2026-004817.json``. Messages never quote
    string values or numbers, only keys and positions.
    """
    return loads_strict_text(
        decode_utf8(data, source), max_depth=max_depth, source=source
    )


def loads_strict_text(text: str, *, max_depth: int, source: str) -> Any:
    """Parse JSON text that ``decode_utf8`` returned, as ``loads_strict`` does.

    Decoding first lets a caller free the bytes before a large document is
    parsed.
    """
    if not _passes_quick_checks(text, max_depth):
        _Scanner(text, max_depth=max_depth, source=source).scan()
        return _parse(text, source)
    try:
        return _parse(text, source)
    except StrictJsonError:
        # The scanner finds the same problems as the parser and its hooks,
        # and gives the position. It raises for the first one, as it would
        # have before parsing. Only a fault it does not look for, such as a
        # missing comma, keeps the parser's message.
        _Scanner(text, max_depth=max_depth, source=source).scan()
        raise


def _parse(text: str, source: str) -> Any:
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise StrictJsonError(source, error.msg, error.lineno, error.colno) from None
    except StrictJsonError as error:
        raise StrictJsonError(source, error.problem) from None
    except RecursionError:
        raise StrictJsonError(source, "nesting is too deep to parse") from None


def _passes_quick_checks(text: str, max_depth: int) -> bool:
    """Return whether ``text`` needs no token scan before it is parsed.

    True means that the nesting outside strings is at most ``max_depth``
    and that no \\u escape in the text is a surrogate. When the parser then
    accepts the text, the scanner would have accepted it too.
    """
    if _SURROGATE_ESCAPE.search(text):
        return False
    # Every container opens with a bracket, so the number of opening
    # brackets, counted in strings too, is a bound on the depth.
    if text.count("[") + text.count("{") <= max_depth:
        return True
    return _bracket_depth(text) <= max_depth


def _bracket_depth(text: str) -> int:
    """Return the maximum nesting of the brackets outside complete strings.

    Like the scanner, a closing bracket with nothing open changes nothing.
    For text that the parser accepts, the result is the nesting depth. It is
    never less than the depth that the scanner counts, because the scanner
    reads an unterminated string to the end of the text and so counts no
    bracket after it.
    """
    outside_strings = _COMPLETE_STRING.sub("", text)
    changes = map(_BRACKET_DEPTH_CHANGE.__getitem__, _BRACKET.findall(outside_strings))
    depths = accumulate(
        changes, lambda depth, change: max(depth + change, 0), initial=0
    )
    return max(depths, default=0)


def decode_utf8(data: bytes, source: str) -> str:
    """Decode JSON bytes, raising StrictJsonError for a BOM or invalid UTF-8."""
    if data.startswith(_BOM):
        raise StrictJsonError(
            source, "the file starts with a UTF-8 byte order mark; save it without one"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StrictJsonError(
            source,
            f"the bytes are not valid UTF-8 (first bad byte at offset {error.start})",
        ) from None


class _Scanner:
    """One pass over the text that checks what ``json.loads`` lets through."""

    def __init__(self, text: str, *, max_depth: int, source: str) -> None:
        self.text = text
        self.max_depth = max_depth
        self.source = source
        # One entry per open container: the keys seen so far in an object,
        # or None for an array.
        self.open_containers: list[set[str] | None] = []

    def scan(self) -> None:
        for match in _TOKEN.finditer(self.text):
            kind = match.lastgroup
            if kind == "string":
                self._check_string(match)
            elif kind == "open":
                self._open(match)
            elif kind == "close":
                if self.open_containers:
                    self.open_containers.pop()
            elif kind == "constant":
                self._fail(match.start(), f"{match.group()} is not a valid JSON value")
            else:
                self._check_number(match)

    def _open(self, match: re.Match[str]) -> None:
        if len(self.open_containers) >= self.max_depth:
            self._fail(
                match.start(),
                f"nesting is deeper than the maximum of {self.max_depth} levels",
            )
        self.open_containers.append(set() if match.group() == "{" else None)

    def _check_string(self, match: re.Match[str]) -> None:
        token = match.group()
        if "\\u" in token:
            self._check_surrogates(token, match.start())
        keys = self.open_containers[-1] if self.open_containers else None
        if keys is None or not _COLON_AFTER_KEY.match(self.text, match.end()):
            return
        key = _decode_key(token)
        if key is None:
            return
        if key in keys:
            quoted = repr(key[:_MAX_SHOWN_KEY_CHARS])
            self._fail(match.start(), f"duplicate key {quoted} in an object")
        keys.add(key)

    def _check_surrogates(self, token: str, offset: int) -> None:
        pending_high: re.Match[str] | None = None
        for escape in _ESCAPE.finditer(token):
            code = int(escape.group(1), 16) if escape.group(1) else None
            if pending_high is not None:
                is_low = code is not None and 0xDC00 <= code <= 0xDFFF
                if is_low and escape.start() == pending_high.end():
                    pending_high = None
                    continue
                self._fail_surrogate(pending_high, offset)
            if code is not None and 0xD800 <= code <= 0xDBFF:
                pending_high = escape
            elif code is not None and 0xDC00 <= code <= 0xDFFF:
                self._fail_surrogate(escape, offset)
        if pending_high is not None:
            self._fail_surrogate(pending_high, offset)

    def _fail_surrogate(self, escape: re.Match[str], offset: int) -> None:
        self._fail(
            offset + escape.start(),
            f"lone UTF-16 surrogate escape {escape.group()}; "
            "a surrogate must be part of a high-low pair",
        )

    def _check_number(self, match: re.Match[str]) -> None:
        token = match.group()
        if _INTEGER.fullmatch(token):
            if not _is_safe_integer(token):
                self._fail(match.start(), _INTEGER_RANGE_PROBLEM)
            return
        if len(token) > MAX_NUMBER_CHARS:
            self._fail(
                match.start(), f"number is longer than {MAX_NUMBER_CHARS} characters"
            )
        try:
            value = float(token)
        except ValueError:
            return  # Malformed: json.loads reports it with its own message.
        if math.isinf(value):
            self._fail(match.start(), _FLOAT_RANGE_PROBLEM)

    def _fail(self, offset: int, problem: str) -> None:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - self.text.rfind("\n", 0, offset)
        raise StrictJsonError(self.source, problem, line, column)


_INTEGER_RANGE_PROBLEM = (
    "integer is outside the range -(2^53 - 1) to 2^53 - 1 that JSON parsers "
    "keep exactly"
)
_FLOAT_RANGE_PROBLEM = "number is too large for a 64-bit floating-point value"


def _is_safe_integer(token: str) -> bool:
    # Counting digits first keeps int() clear of CPython's limit on integer
    # string conversion (sys.set_int_max_str_digits).
    digits = token.removeprefix("-")
    return len(digits) <= len(str(MAX_SAFE_INTEGER)) and int(digits) <= MAX_SAFE_INTEGER


def _decode_key(token: str) -> str | None:
    if "\\" not in token:
        return token[1:-1]
    try:
        key: str = json.loads(token)
    except json.JSONDecodeError:
        return None  # Malformed: json.loads reports it later.
    return key


# The hooks below repeat the scanner's checks, so that a gap in the regular
# expression cannot let a value through. They know no position.


def _build_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise StrictJsonError("", "duplicate key in an object")
    return result


def _reject_constant(name: str) -> Any:
    raise StrictJsonError("", f"{name} is not a valid JSON value")


def _parse_int(token: str) -> int:
    if not _is_safe_integer(token):
        raise StrictJsonError("", _INTEGER_RANGE_PROBLEM)
    return int(token)


def _parse_float(token: str) -> float:
    if len(token) > MAX_NUMBER_CHARS:
        raise StrictJsonError(
            "", f"number is longer than {MAX_NUMBER_CHARS} characters"
        )
    value = float(token)
    if math.isinf(value):
        raise StrictJsonError("", _FLOAT_RANGE_PROBLEM)
    return value


_DECODER = json.JSONDecoder(
    object_pairs_hook=_build_object,
    parse_constant=_reject_constant,
    parse_int=_parse_int,
    parse_float=_parse_float,
)
