"""The strict age header parser and the checks that run before decryption."""

from __future__ import annotations

import io
import os

import pytest

from psdcli.core.errors import HeaderError, UnsupportedRecipientError
from psdcli.crypto.base64_strict import encode_unpadded
from psdcli.crypto.header import (
    MAX_HEADER_BYTES,
    check_header,
    describe_stanza_types,
    parse_header,
)

MAC_LINE = "--- " + encode_unpadded(bytes(32))


def x25519_stanza() -> str:
    """Return an X25519 stanza with a random share and body."""
    share = encode_unpadded(os.urandom(32))
    return f"-> X25519 {share}\n{encode_unpadded(os.urandom(32))}\n"


def scrypt_stanza(work_factor: str) -> str:
    salt = encode_unpadded(os.urandom(16))
    return f"-> scrypt {salt} {work_factor}\n{encode_unpadded(os.urandom(32))}\n"


def age_file(*stanzas: str, nonce: bytes = bytes(16)) -> bytes:
    """Return a header with the given stanzas, followed by ``nonce``."""
    text = "age-encryption.org/v1\n" + "".join(stanzas) + MAC_LINE + "\n"
    return text.encode("ascii") + nonce


def parse(data: bytes) -> None:
    check_header(parse_header(io.BytesIO(data)), scrypt_max_log2=18)


def test_parse_header_reads_stanzas_and_length() -> None:
    data = age_file(x25519_stanza(), "-> grease a b\n\n")

    header = parse_header(io.BytesIO(data))

    assert [stanza.type for stanza in header.stanzas] == ["X25519", "grease"]
    assert header.stanzas[1].args == ("a", "b")
    assert header.stanzas[1].body == b""
    assert len(header.stanzas[0].body) == 32
    assert header.length == len(data) - 16
    assert header.mac == bytes(32)


def test_parse_header_joins_multiline_body() -> None:
    body = os.urandom(48 + 10)
    encoded = encode_unpadded(body)
    data = age_file(f"-> grease\n{encoded[:64]}\n{encoded[64:]}\n", x25519_stanza())

    header = parse_header(io.BytesIO(data))

    assert header.stanzas[0].body == body


def test_check_header_accepts_grease_next_to_x25519() -> None:
    parse(age_file("-> grease-1 x\n\n", x25519_stanza(), "-> zz~\n\n"))


def test_parse_header_rejects_crlf_with_clear_message() -> None:
    data = age_file(x25519_stanza()).replace(b"\n", b"\r\n", 1)

    with pytest.raises(HeaderError, match="CRLF"):
        parse(data)


def test_parse_header_rejects_missing_nonce() -> None:
    with pytest.raises(HeaderError, match="payload nonce"):
        parse(age_file(x25519_stanza(), nonce=bytes(15)))


def test_parse_header_rejects_header_without_stanzas() -> None:
    with pytest.raises(HeaderError, match="no recipient stanza"):
        parse(age_file())


def test_parse_header_rejects_oversized_header() -> None:
    huge = "-> grease " + " ".join(["x" * 60] * (MAX_HEADER_BYTES // 60)) + "\n\n"

    with pytest.raises(HeaderError, match=f"longer than {MAX_HEADER_BYTES} bytes"):
        parse(age_file(huge, x25519_stanza()))


def test_parse_header_rejects_non_age_file() -> None:
    with pytest.raises(HeaderError, match=r"first line is not age-encryption\.org/v1"):
        parse(b"PK\x03\x04" + bytes(100))


def test_parse_header_rejects_empty_file() -> None:
    with pytest.raises(HeaderError, match="the file is empty"):
        parse(b"")


def test_check_header_rejects_only_unknown_types() -> None:
    data = age_file("-> piv-p256 abc\n\n", "-> mlkem768x25519-typo x\n\n")

    with pytest.raises(UnsupportedRecipientError) as raised:
        parse(data)
    message = str(raised.value)
    assert "piv-p256" in message
    assert "mlkem768x25519-typo" in message
    assert "age1" in message


def test_check_header_rejects_hybrid_only_header() -> None:
    enc = encode_unpadded(os.urandom(1120))
    body = encode_unpadded(os.urandom(32))
    data = age_file(f"-> mlkem768x25519 {enc}\n{body}\n")

    with pytest.raises(UnsupportedRecipientError, match="mlkem768x25519"):
        parse(data)


def test_check_header_rejects_low_order_share() -> None:
    stanza = f"-> X25519 {encode_unpadded(bytes(32))}\n{encode_unpadded(bytes(32))}\n"

    with pytest.raises(HeaderError, match="low-order point"):
        parse(age_file(stanza))


def test_scrypt_work_factor_at_limit_accepted() -> None:
    header = parse_header(io.BytesIO(age_file(scrypt_stanza("18"))))

    check_header(header, scrypt_max_log2=18)


def test_scrypt_work_factor_19_rejected_under_default() -> None:
    header = parse_header(io.BytesIO(age_file(scrypt_stanza("19"))))

    with pytest.raises(HeaderError) as raised:
        check_header(header, scrypt_max_log2=18)
    message = str(raised.value)
    assert "2^19" in message
    assert "2^18" in message
    assert "PSDCLI_SCRYPT_MAX_LOG2" in message
    assert "22" in message


def test_scrypt_work_factor_22_accepted_when_raised() -> None:
    header = parse_header(io.BytesIO(age_file(scrypt_stanza("22"))))

    check_header(header, scrypt_max_log2=22)


def test_scrypt_work_factor_23_rejected_at_hard_maximum() -> None:
    header = parse_header(io.BytesIO(age_file(scrypt_stanza("23"))))

    with pytest.raises(HeaderError) as raised:
        check_header(header, scrypt_max_log2=22)
    message = str(raised.value)
    assert "2^23" in message
    assert "maximum of 2^22" in message
    assert "PSDCLI_SCRYPT_MAX_LOG2" not in message


def test_scrypt_work_factor_huge_rejected_without_int_overflow() -> None:
    header = parse_header(io.BytesIO(age_file(scrypt_stanza("9" * 5000))))

    with pytest.raises(HeaderError, match="maximum of 2"):
        check_header(header, scrypt_max_log2=18)


def test_scrypt_stanza_must_be_alone() -> None:
    with pytest.raises(HeaderError, match="must be the only stanza"):
        parse(age_file(scrypt_stanza("10"), "-> grease\n\n"))


def test_describe_stanza_types_counts_and_truncates() -> None:
    long_type = "t" * 100
    stanzas = [x25519_stanza(), x25519_stanza(), f"-> {long_type}\n\n"]
    header = parse_header(io.BytesIO(age_file(*stanzas)))

    summary = describe_stanza_types(header)

    assert "X25519 (2)" in summary
    assert "t" * 40 + "..." in summary
    assert long_type not in summary
