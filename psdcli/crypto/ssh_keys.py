"""SSH private keys as age identities: ssh-ed25519 and ssh-rsa, unencrypted only.

pyrage loads the key but cannot return its public key, so this module reads
the public key from the key file itself to build the age recipient string
(``ssh-ed25519 AAAA...``). Only public parts are parsed here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct

import pyrage

from psdcli.core.errors import IdentityFileError

OPENSSH_MAGIC = b"openssh-key-v1\x00"
SUPPORTED_KEY_TYPES = ("ssh-ed25519", "ssh-rsa")
_PEM_BOUNDARY = re.compile(r"-----(BEGIN|END) ([A-Z0-9 ]+)-----")


def load_ssh_identity(text: str, source: str) -> tuple[object, str]:
    """Load an SSH private key file and return its pyrage identity and recipient.

    Raises IdentityFileError for passphrase-protected keys, key types other
    than ssh-ed25519 and ssh-rsa, and damaged files. Messages name ``source``
    and never include key material.
    """
    label, headers, der = _parse_pem(text, source)
    if label == "OPENSSH PRIVATE KEY":
        recipient = _openssh_recipient(der, source)
    elif label == "RSA PRIVATE KEY":
        if any("ENCRYPTED" in header for header in headers):
            raise _protected(source)
        recipient = _pkcs1_recipient(der, source)
    elif label == "ENCRYPTED PRIVATE KEY":
        raise _protected(source)
    else:
        raise IdentityFileError(
            f"{source} is a PEM file of type '{label[:40]}', which this tool "
            "cannot use. Use an OpenSSH ssh-ed25519 or ssh-rsa key, or an age "
            "identity from 'psdcli keys generate'."
        )

    try:
        identity = pyrage.ssh.Identity.from_buffer(text.encode("utf-8"))
    except pyrage.IdentityError:
        raise _damaged(source) from None
    return identity, recipient


def ssh_fingerprint(recipient: str) -> str:
    """Return the SHA256 fingerprint of an SSH public key, as ssh-keygen -l shows."""
    blob = base64.b64decode(recipient.split(" ")[1])
    digest = base64.b64encode(hashlib.sha256(blob).digest()).rstrip(b"=")
    return "SHA256:" + digest.decode("ascii")


def _parse_pem(text: str, source: str) -> tuple[str, list[str], bytes]:
    lines = [line.strip() for line in text.strip().splitlines()]
    begin = _PEM_BOUNDARY.fullmatch(lines[0]) if lines else None
    end = _PEM_BOUNDARY.fullmatch(lines[-1]) if lines else None
    if begin is None or end is None or begin[1] != "BEGIN" or end[1] != "END":
        raise _damaged(source)
    if begin[2] != end[2]:
        raise _damaged(source)
    inner = lines[1:-1]
    headers = [line for line in inner if ":" in line]
    encoded = "".join(line for line in inner if line and ":" not in line)
    try:
        der = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise _damaged(source) from None
    return begin[2], headers, der


def _openssh_recipient(blob: bytes, source: str) -> str:
    if not blob.startswith(OPENSSH_MAGIC):
        raise _damaged(source)
    reader = _SshReader(blob[len(OPENSSH_MAGIC) :], source)
    cipher = reader.string()
    reader.string()  # KDF name
    reader.string()  # KDF options
    if cipher != b"none":
        raise _protected(source)
    if reader.uint32() != 1:
        raise IdentityFileError(
            f"{source} contains several SSH keys. Put one key in each identity file."
        )
    public_blob = reader.string()
    key_type = _SshReader(public_blob, source).string().decode("ascii", "replace")
    if key_type not in SUPPORTED_KEY_TYPES:
        raise _unsupported_type(key_type, source)
    return f"{key_type} {base64.b64encode(public_blob).decode('ascii')}"


def _pkcs1_recipient(der: bytes, source: str) -> str:
    # RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, ... }
    # (RFC 8017, appendix A.1.2). A DER INTEGER is encoded like an SSH mpint.
    sequence, _ = _der_element(der, 0, 0x30, source)
    _, offset = _der_element(sequence, 0, 0x02, source)
    modulus, offset = _der_element(sequence, offset, 0x02, source)
    exponent, _ = _der_element(sequence, offset, 0x02, source)
    public_blob = b"".join(
        _ssh_string(part) for part in (b"ssh-rsa", exponent, modulus)
    )
    return "ssh-rsa " + base64.b64encode(public_blob).decode("ascii")


def _der_element(data: bytes, offset: int, tag: int, source: str) -> tuple[bytes, int]:
    """Return the content of the DER element at ``offset`` and the offset after it."""
    if offset + 2 > len(data) or data[offset] != tag:
        raise _damaged(source)
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        size = length & 0x7F
        if size == 0 or size > 4 or start + size > len(data):
            raise _damaged(source)
        length = int.from_bytes(data[start : start + size], "big")
        start += size
    if start + length > len(data):
        raise _damaged(source)
    return data[start : start + length], start + length


def _ssh_string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


class _SshReader:
    """A reader for the uint32 values and length-prefixed strings of SSH keys."""

    def __init__(self, data: bytes, source: str) -> None:
        self._data = data
        self._offset = 0
        self._source = source

    def uint32(self) -> int:
        if self._offset + 4 > len(self._data):
            raise _damaged(self._source)
        (value,) = struct.unpack_from(">I", self._data, self._offset)
        self._offset += 4
        return int(value)

    def string(self) -> bytes:
        length = self.uint32()
        if self._offset + length > len(self._data):
            raise _damaged(self._source)
        value = self._data[self._offset : self._offset + length]
        self._offset += length
        return value


def _protected(source: str) -> IdentityFileError:
    return IdentityFileError(
        f"{source} is a passphrase-protected SSH key, which this tool cannot use. "
        "Make an unprotected copy in a folder only you can read "
        "(cp KEY COPY && ssh-keygen -p -N '' -f COPY) and use the copy, or use an "
        "age identity from 'psdcli keys generate'."
    )


def _unsupported_type(key_type: str, source: str) -> IdentityFileError:
    truncated_type = key_type[:40]
    return IdentityFileError(
        f"{source} is an SSH key of type {truncated_type}, but age supports "
        "only ssh-ed25519 and ssh-rsa keys. Use one of those, or an age identity "
        "from 'psdcli keys generate'."
    )


def _damaged(source: str) -> IdentityFileError:
    return IdentityFileError(
        f"{source} looks like an SSH private key but cannot be read, so it may "
        "be damaged or incomplete. Check that the whole key file was copied."
    )
