"""Translation of pyrage exceptions into psdcli errors.

pyrage 1.4 raises DecryptError for header and key problems and OSError, whose
errno is None, for payload problems found while streaming. Its messages are the
only way to tell the cases apart, so this module matches the messages that
pyrage 1.4.0 was seen to produce on the age test vectors.
"""

from __future__ import annotations

from psdcli.core.errors import (
    BundleError,
    HeaderError,
    HeaderMacError,
    NoMatchError,
    PayloadError,
    PsdError,
)

_MAC_MESSAGE = "Header MAC is invalid"
# "Decryption failed" is the scrypt stanza failing: a wrong passphrase or tag.
_NO_MATCH_MESSAGES = ("No matching keys found", "Decryption failed")
_PAYLOAD_MARKERS = (
    "decryption error",
    "age file is truncated",
    "last chunk has been processed",
    "Last STREAM chunk is empty",
)
_HEADER_MARKERS = (
    "Header is invalid",
    "Incomplete header",
    "Unknown age format",
    "failed to fill whole buffer",
)


def is_translatable(exc: BaseException) -> bool:
    """Return whether ``exc`` is an error to translate, not an interrupt or exit.

    A Rust panic inside pyrage arrives as pyo3's PanicException, which derives
    from BaseException and not from Exception.
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def translate_decrypt_error(
    exc: BaseException, subject: str, no_match: str
) -> PsdError:
    """Return the psdcli error for an exception raised while decrypting ``subject``,
    a file path or a short description used in messages.

    ``no_match`` is the full message to use when no identity or passphrase
    unwraps the file key.
    """
    message = str(exc).split("\n")[0].strip()
    if isinstance(exc, OSError) and exc.errno is not None:
        return PsdError(
            f"Cannot decrypt {subject}: {exc.strerror}. Check that the file is "
            "readable and that the temporary folder has free space."
        )
    if message == _MAC_MESSAGE:
        return HeaderMacError(
            f"{subject}: the header MAC does not match, so the header was changed "
            "or damaged after encryption. Ask the sender for a new copy."
        )
    if message in _NO_MATCH_MESSAGES:
        return NoMatchError(no_match)
    if any(marker in message for marker in _PAYLOAD_MARKERS):
        return PayloadError(
            f"{subject}: the encrypted payload is truncated or corrupted ({message}). "
            "Nothing from it was kept. Ask the sender for a new copy."
        )
    if any(marker in message for marker in _HEADER_MARKERS):
        return HeaderError(
            f"{subject}: the age header is invalid ({message}). "
            "Ask the sender for a new copy."
        )
    return BundleError(
        f"{subject}: decryption failed ({type(exc).__name__}: {message}). "
        "Ask the sender for a new copy."
    )
