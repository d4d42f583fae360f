"""Shape checks for the recipient stanza types that age defines.

The rules match what the age reference implementation checks before or while
unwrapping a file key, so that the age test vectors classify as header
failures here too. Stanzas of unknown types are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from psdcli.crypto.base64_strict import decode_canonical
from psdcli.crypto.curve25519 import POINT_BYTES, is_low_order_point

# Stanza types that pyrage 1.4 can unwrap. scrypt needs a passphrase and the
# other three need a matching identity.
SUPPORTED_TYPES = frozenset({"X25519", "ssh-ed25519", "ssh-rsa", "scrypt"})

# A wrapped file key is the 16-byte key plus a 16-byte ChaCha20-Poly1305 tag.
WRAPPED_KEY_BYTES = 32
SCRYPT_SALT_BYTES = 16
SSH_TAG_BYTES = 4
# ML-KEM-768 ciphertext (1088 bytes) followed by the X25519 ephemeral share.
MLKEM768X25519_ENC_BYTES = 1088 + POINT_BYTES
_DECIMAL = re.compile(r"[1-9][0-9]*")


def check_stanza_shape(stanza_type: str, args: tuple[str, ...], body: bytes) -> None:
    """Raise ValueError naming the problem when a known stanza is malformed."""
    check = _CHECKS.get(stanza_type)
    if check is not None:
        check(args, body)


def _check_x25519(args: tuple[str, ...], body: bytes) -> None:
    _expect_arg_count(args, 1)
    _check_share(args[0], "share")
    _expect_wrapped_key(body)


def _check_ssh_ed25519(args: tuple[str, ...], body: bytes) -> None:
    _expect_arg_count(args, 2)
    _decode_exact(args[0], SSH_TAG_BYTES, "key tag")
    _check_share(args[1], "share")
    _expect_wrapped_key(body)


def _check_ssh_rsa(args: tuple[str, ...], body: bytes) -> None:
    _expect_arg_count(args, 1)
    _decode_exact(args[0], SSH_TAG_BYTES, "key tag")
    if not body:
        raise ValueError("the RSA-OAEP body is empty")


def _check_scrypt(args: tuple[str, ...], body: bytes) -> None:
    _expect_arg_count(args, 2)
    _decode_exact(args[0], SCRYPT_SALT_BYTES, "salt")
    if not _DECIMAL.fullmatch(args[1]):
        raise ValueError(
            "the work factor is not a decimal number from 1 up without leading zeros"
        )
    _expect_wrapped_key(body)


def _check_mlkem768x25519(args: tuple[str, ...], body: bytes) -> None:
    _expect_arg_count(args, 1)
    enc = _decode_exact(args[0], MLKEM768X25519_ENC_BYTES, "encapsulated key")
    if is_low_order_point(enc[-POINT_BYTES:]):
        raise ValueError("the X25519 part of the encapsulated key is a low-order point")
    _expect_wrapped_key(body)


def _check_share(encoded: str, name: str) -> None:
    share = _decode_exact(encoded, POINT_BYTES, name)
    if is_low_order_point(share):
        raise ValueError(f"the {name} is a low-order point")


def _decode_exact(encoded: str, size: int, name: str) -> bytes:
    try:
        decoded = decode_canonical(encoded.encode("ascii"), padded=False)
    except ValueError:
        raise ValueError(f"the {name} is not canonical unpadded base64") from None
    if len(decoded) != size:
        raise ValueError(f"the {name} is {len(decoded)} bytes instead of {size}")
    return decoded


def _expect_arg_count(args: tuple[str, ...], count: int) -> None:
    if len(args) != count:
        raise ValueError(
            f"it needs exactly {count} arguments after the type, but has {len(args)}"
        )


def _expect_wrapped_key(body: bytes) -> None:
    if len(body) != WRAPPED_KEY_BYTES:
        raise ValueError(
            f"its body is {len(body)} bytes instead of {WRAPPED_KEY_BYTES} "
            "(a 16-byte file key and its tag)"
        )


_CHECKS: dict[str, Callable[[tuple[str, ...], bytes], None]] = {
    "X25519": _check_x25519,
    "ssh-ed25519": _check_ssh_ed25519,
    "ssh-rsa": _check_ssh_rsa,
    "scrypt": _check_scrypt,
    "mlkem768x25519": _check_mlkem768x25519,
}
