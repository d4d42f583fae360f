"""The ASCII armor decoder and encoder."""

from __future__ import annotations

import base64
import io
import os
import tracemalloc
from pathlib import Path

import pytest

from psdcli.core.errors import ArmorError
from psdcli.crypto.armor import armor, dearmor, is_armored

BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
END = "-----END AGE ENCRYPTED FILE-----"


def armored_lines(data: bytes) -> list[str]:
    """Return the armor of ``data`` as lines without line endings."""
    return armor(data).decode("ascii").splitlines()


def decode(text: str | bytes) -> bytes:
    raw = text.encode("ascii") if isinstance(text, str) else text
    output = io.BytesIO()
    dearmor(io.BytesIO(raw), output)
    return output.getvalue()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 47, 48, 49, 95, 96, 1000])
def test_armor_round_trip(size: int) -> None:
    data = os.urandom(size)

    assert decode(armor(data)) == data


def test_armor_lines_are_64_columns() -> None:
    lines = armored_lines(os.urandom(200))

    assert lines[0] == BEGIN
    assert lines[-1] == END
    assert [len(line) for line in lines[1:-1]] == [64, 64, 64, 64, 12]


def test_armor_of_full_line_ends_with_footer() -> None:
    lines = armored_lines(os.urandom(96))

    assert [len(line) for line in lines[1:-1]] == [64, 64]


def test_armor_of_empty_data_has_no_body() -> None:
    assert armor(b"") == f"{BEGIN}\n{END}\n".encode("ascii")


def test_dearmor_accepts_crlf() -> None:
    data = os.urandom(100)
    text = "\r\n".join(armored_lines(data)) + "\r\n"

    assert decode(text) == data


def test_dearmor_accepts_mixed_line_endings() -> None:
    data = os.urandom(100)
    lines = armored_lines(data)
    text = lines[0] + "\r\n" + "\n".join(lines[1:])

    assert decode(text) == data


def test_dearmor_accepts_surrounding_whitespace() -> None:
    data = os.urandom(100)
    text = "\n \t\r\n\n" + armor(data).decode("ascii") + "  \n\t\r\n"

    assert decode(text) == data


def test_dearmor_accepts_missing_final_newline() -> None:
    data = os.urandom(10)

    assert decode(armor(data).rstrip(b"\n")) == data


def test_dearmor_rejects_too_much_leading_whitespace() -> None:
    text = " \n" * 600 + armor(b"abc").decode("ascii")

    with pytest.raises(ArmorError, match="whitespace come before the BEGIN line"):
        decode(text)


def test_dearmor_rejects_too_much_trailing_whitespace() -> None:
    text = armor(b"abc").decode("ascii") + " " * 1024

    with pytest.raises(ArmorError, match="whitespace follow the END line"):
        decode(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{BEGIN}\nAAAA\n{END}\ngarbage\n", "data after the END line"),
        (f"{BEGIN}\n\n{END}\n", "line 2 is empty"),
        (f"{BEGIN}\nAAAA \n{END}\n", "line 2 is not canonical"),
        (f"{BEGIN}\nAAB=\n{END}\n", "line 2 is not canonical"),
        (f"{BEGIN}\nAAE\n{END}\n", "line 2 is not canonical"),
        (f"{BEGIN}\nAAAA\nAAAA\n{END}\n", "line 3 must be -----END"),
        (f"{BEGIN}\n{'A' * 68}\n{END}\n", "line 2 is longer than 64 columns"),
        (f"{BEGIN}\nAAAA\n", "the file ends"),
        (f"{BEGIN}\n", "the file ends"),
        (f"x{BEGIN}\nAAAA\n{END}\n", "line 1 must be exactly"),
        (f"{BEGIN}\nVersion: 1\n\nAAAA\n{END}\n", "line 2 is not canonical"),
        ("", "the file is empty"),
    ],
    ids=[
        "trailing-garbage",
        "empty-line",
        "trailing-space",
        "non-canonical-padding",
        "missing-padding",
        "short-line-in-middle",
        "long-line",
        "missing-end-line",
        "only-begin-line",
        "garbage-before-begin",
        "pem-headers",
        "empty-file",
    ],
)
def test_dearmor_rejects_malformed_armor(text: str, message: str) -> None:
    with pytest.raises(ArmorError, match=message):
        decode(text)


def test_dearmor_rejects_embedded_carriage_return() -> None:
    line = base64.b64encode(os.urandom(48)).decode("ascii")
    text = f"{BEGIN}\n{line[:10]}\r{line[10:63]}\n{END}\n"

    with pytest.raises(ArmorError):
        decode(text)


def test_dearmor_streams_large_input_in_bounded_memory(tmp_path: Path) -> None:
    data = os.urandom(8 * 1024 * 1024)
    armored = tmp_path / "large.age.asc"
    armored.write_bytes(armor(data))
    del data
    sizes: list[int] = []

    class CountingWriter:
        def write(self, chunk: bytes) -> int:
            sizes.append(len(chunk))
            return len(chunk)

    tracemalloc.start()
    try:
        with armored.open("rb") as reader:
            written = dearmor(reader, CountingWriter())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert written == 8 * 1024 * 1024
    assert sum(sizes) == written
    assert max(sizes) <= 64 * 1024 + 48
    assert peak < 1024 * 1024


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (b"-----BEGIN AGE ENCRYPTED FILE-----\n", True),
        (b"\r\n  -----BEGIN AGE ENCRYPTED FILE-----\n", True),
        (b"----- BEGIN AGE ENCRYPTED FILE -----\n", True),
        (b"garbage\n-----BEGIN AGE ENCRYPTED FILE-----\n", True),
        (b"age-encryption.org/v1\n-> X25519 abc\n", False),
        (b"PK\x03\x04", False),
        (b"", False),
    ],
    ids=[
        "begin",
        "whitespace",
        "spaced-begin",
        "leading-garbage",
        "binary",
        "zip",
        "empty",
    ],
)
def test_is_armored(start: bytes, expected: bool) -> None:
    assert is_armored(start) is expected
