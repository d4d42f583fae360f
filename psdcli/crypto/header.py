"""A strict parser and checker for the binary age v1 header.

The grammar follows https://age-encryption.org/v1 and the Go reference parser:
the version line, one or more recipient stanzas, then the MAC line, all ending
in LF. The parser runs before pyrage reads a file, so that malformed headers,
expensive scrypt work factors and unsupported recipient types are rejected
before any key is tried.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from psdcli.core.errors import HeaderError, UnsupportedRecipientError
from psdcli.core.settings import MAX_SCRYPT_LOG2
from psdcli.crypto.base64_strict import decode_canonical
from psdcli.crypto.stanzas import SUPPORTED_TYPES, check_stanza_shape

VERSION_LINE = b"age-encryption.org/v1"
# A header to 30 X25519 recipients is about 3 KiB and one post-quantum stanza
# about 1.6 KiB, so 64 KiB leaves room for any real header while bounding what
# a hostile file can make the parser read.
MAX_HEADER_BYTES = 64 * 1024
BODY_COLUMNS = 64
MAC_BYTES = 32
NONCE_BYTES = 16
_DAMAGED = "The file is damaged or was not written by an age tool. Ask for a new copy."


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: its type, further arguments and decoded body."""

    type: str
    args: tuple[str, ...]
    body: bytes = field(repr=False)


@dataclass(frozen=True)
class Header:
    """A parsed age header and its length in bytes, MAC line included."""

    stanzas: tuple[Stanza, ...]
    mac: bytes = field(repr=False)
    length: int


def parse_header(reader: IO[bytes]) -> Header:
    """Read an age header from the start of ``reader`` and check its syntax.

    Also checks that the 16-byte payload nonce follows the header, so a file
    cut inside the nonce is a header error as in the age test vectors. Leaves
    ``reader`` after the nonce. Raises HeaderError on any violation.
    """
    lines = _HeaderLines(reader)
    _check_version(lines.read_first())

    stanzas: list[Stanza] = []
    while True:
        line = lines.read()
        if line.startswith(b"---"):
            mac = _parse_mac_line(line)
            break
        stanzas.append(_parse_stanza(line, lines, len(stanzas) + 1))
    if not stanzas:
        raise _malformed("the header has no recipient stanza")

    if len(reader.read(NONCE_BYTES)) < NONCE_BYTES:
        raise _malformed("the file ends inside the 16-byte payload nonce")
    return Header(stanzas=tuple(stanzas), mac=mac, length=lines.consumed)


def check_header(header: Header, scrypt_max_log2: int) -> None:
    """Check stanza shapes and limits before decryption is attempted.

    Raises HeaderError when an scrypt stanza is not alone, when a stanza of a
    known type has the wrong arguments or body, or when the scrypt work factor
    is above ``scrypt_max_log2``. Raises UnsupportedRecipientError when no
    stanza is of a type this tool can decrypt. Unknown stanzas beside a
    supported one are ignored, as age ignores them.
    """
    types = [stanza.type for stanza in header.stanzas]
    if "scrypt" in types and len(types) > 1:
        raise _malformed(
            "an scrypt (passphrase) stanza must be the only stanza in the header, "
            f"but the header has {len(types)} stanzas"
        )
    for index, stanza in enumerate(header.stanzas, start=1):
        try:
            check_stanza_shape(stanza.type, stanza.args, stanza.body)
        except ValueError as exc:
            raise _malformed(f"stanza {index} ({stanza.type}): {exc}") from None
        if stanza.type == "scrypt":
            _check_work_factor(stanza.args[1], scrypt_max_log2)

    if not SUPPORTED_TYPES.intersection(types):
        raise UnsupportedRecipientError(
            "The file is encrypted only to recipient types that this tool cannot "
            f"decrypt: {describe_stanza_types(header)}. Ask the sender to encrypt "
            "it to your X25519 recipient (age1...), which 'psdcli keys show' prints."
        )


def describe_stanza_types(header: Header) -> str:
    """Summarize the stanza types of a header for a message, as ``X25519 (2)``.

    Types come from the file, so each is cut to 40 characters and at most six
    distinct types are listed. Grease stanzas, which age implementations add
    with random types ending in ``-grease`` so that parsers stay tolerant,
    are left out: they mean nothing to the reader.
    """
    counts = Counter(
        stanza.type for stanza in header.stanzas if not stanza.type.endswith("-grease")
    )
    parts = []
    for stanza_type, count in counts.most_common(6):
        name = stanza_type if len(stanza_type) <= 40 else stanza_type[:40] + "..."
        parts.append(name if count == 1 else f"{name} ({count})")
    if len(counts) > 6:
        parts.append(f"{len(counts) - 6} more types")
    return ", ".join(parts)


class _HeaderLines:
    """LF-terminated header lines, counting bytes against MAX_HEADER_BYTES."""

    def __init__(self, reader: IO[bytes]) -> None:
        self._reader = reader
        self.consumed = 0

    def read_first(self) -> bytes:
        """Return the first line with its line ending, reading a few bytes at most."""
        line = self._reader.readline(len(VERSION_LINE) + 2)
        if not line:
            raise _malformed("the file is empty")
        self.consumed = len(line)
        return line

    def read(self) -> bytes:
        """Return the next line without its LF."""
        remaining = MAX_HEADER_BYTES - self.consumed
        line = self._reader.readline(remaining)
        self.consumed += len(line)
        if line.endswith(b"\n"):
            return line[:-1]
        if len(line) == remaining:
            raise _malformed(f"the header is longer than {MAX_HEADER_BYTES} bytes")
        raise _malformed("the file ends inside the header, before the MAC line")


def _check_version(line: bytes) -> None:
    if line == VERSION_LINE + b"\n":
        return
    if line == VERSION_LINE + b"\r\n":
        raise _malformed(
            "the header lines end in CRLF instead of LF, so the file was probably "
            "converted to Windows line endings in transit"
        )
    if line.startswith(b"age-encryption.org/"):
        raise _malformed("the file uses an age format version other than v1")
    raise _malformed("the first line is not age-encryption.org/v1")


def _check_work_factor(text: str, limit: int) -> None:
    # The shape check allows only decimal digits, so a long text is a huge factor.
    factor = int(text) if len(text) <= 3 else None
    if factor is not None and factor <= limit:
        return
    factor_text = text if len(text) <= 20 else text[:20] + "..."
    if factor is None or factor > MAX_SCRYPT_LOG2:
        raise HeaderError(
            f"The scrypt work factor is 2^{factor_text}, above the maximum of "
            f"2^{MAX_SCRYPT_LOG2} that this tool accepts, because decrypting it "
            "would take too much memory and time. Ask the sender to encrypt the "
            "file to your X25519 recipient (age1...) instead of a passphrase."
        )
    raise HeaderError(
        f"The scrypt work factor is 2^{factor}, above the limit of 2^{limit}. "
        "If you trust the sender, set PSDCLI_SCRYPT_MAX_LOG2 (at most "
        f"{MAX_SCRYPT_LOG2}) to {factor} and try again."
    )


def _parse_stanza(line: bytes, lines: _HeaderLines, index: int) -> Stanza:
    if not line.startswith(b"-> "):
        raise _malformed(f"stanza {index} does not start with '-> '")
    args = line[3:].split(b" ")
    for arg in args:
        if not arg or not all(0x21 <= byte <= 0x7E for byte in arg):
            raise _malformed(
                f"stanza {index} has an empty argument or one with characters "
                "other than printable ASCII"
            )
    body = _read_body(lines, index)
    texts = [arg.decode("ascii") for arg in args]
    return Stanza(type=texts[0], args=tuple(texts[1:]), body=body)


def _read_body(lines: _HeaderLines, index: int) -> bytes:
    body = bytearray()
    while True:
        line = lines.read()
        if len(line) > BODY_COLUMNS:
            raise _malformed(f"a body line of stanza {index} is longer than 64 columns")
        try:
            body += decode_canonical(line, padded=False)
        except ValueError:
            if line.startswith((b"---", b"->")):
                raise _malformed(
                    f"stanza {index} ends without a final body line shorter than "
                    "64 columns"
                ) from None
            raise _malformed(
                f"a body line of stanza {index} is not canonical unpadded base64"
            ) from None
        if len(line) < BODY_COLUMNS:
            return bytes(body)


def _parse_mac_line(line: bytes) -> bytes:
    parts = line.split(b" ")
    if len(parts) != 2 or parts[0] != b"---":
        raise _malformed("the MAC line must be '--- ' followed by the MAC")
    try:
        mac = decode_canonical(parts[1], padded=False)
    except ValueError:
        raise _malformed("the MAC is not canonical unpadded base64") from None
    if len(mac) != MAC_BYTES:
        raise _malformed(f"the MAC is {len(mac)} bytes instead of {MAC_BYTES}")
    return mac


def _malformed(detail: str) -> HeaderError:
    return HeaderError(f"Invalid age header: {detail}. {_DAMAGED}")
