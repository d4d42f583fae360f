"""Strict standard base64 (RFC 4648) as age uses it: canonical encodings only."""

from __future__ import annotations

import base64
import binascii


def decode_canonical(encoded: bytes, *, padded: bool) -> bytes:
    """Decode standard-alphabet base64, raising ValueError unless it is canonical.

    Canonical means the one encoding that ``base64.b64encode`` would produce for
    the decoded bytes: no whitespace, no unused bits set in the last character,
    and ``=`` padding exactly when ``padded`` is true.
    """
    text = encoded if padded else encoded + b"=" * (-len(encoded) % 4)
    try:
        decoded = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("invalid base64") from None

    canonical = base64.b64encode(decoded)
    if not padded:
        canonical = canonical.rstrip(b"=")
    if canonical != encoded:
        raise ValueError("non-canonical base64")
    return decoded


def encode_unpadded(data: bytes) -> str:
    """Encode bytes as standard base64 without ``=`` padding, as age headers do."""
    return base64.b64encode(data).rstrip(b"=").decode("ascii")
