"""Read passphrases from a terminal prompt or a file descriptor, never from argv."""

from __future__ import annotations

import getpass
import os
import sys

from psdcli.core.errors import UsageError

MAX_PASSPHRASE_BYTES = 4096


def read_from_fd(fd: int) -> str:
    """Read a passphrase from an open file descriptor, up to its first newline."""
    try:
        data = os.read(fd, MAX_PASSPHRASE_BYTES + 1)
    except OSError as error:
        raise UsageError(
            f"cannot read a passphrase from file descriptor {fd}: {error.strerror}; "
            "open it for reading, for example `3< passphrase.txt`."
        ) from None
    if len(data) > MAX_PASSPHRASE_BYTES:
        raise UsageError(
            f"the passphrase on file descriptor {fd} is longer than "
            f"{MAX_PASSPHRASE_BYTES} bytes."
        )
    text = data.decode("utf-8", errors="strict").split("\n", 1)[0].rstrip("\r")
    if not text:
        raise UsageError(f"file descriptor {fd} gave an empty passphrase.")
    return text


def prompt(label: str, *, confirm: bool = False) -> str:
    """Ask for a passphrase on the terminal without echoing it."""
    if not sys.stdin.isatty():
        raise UsageError(
            "a passphrase is needed but standard input is not a terminal; "
            "pass it on a file descriptor with --passphrase-fd N."
        )
    first = getpass.getpass(f"{label}: ")
    if not first:
        raise UsageError("the passphrase is empty.")
    if confirm and getpass.getpass(f"{label} (again): ") != first:
        raise UsageError("the two passphrases differ; nothing was written.")
    return first


def passphrase_source(fd: int | None, label: str, *, confirm: bool = False) -> str:
    """Return a passphrase from ``fd`` when given, else from a prompt."""
    if fd is not None:
        return read_from_fd(fd)
    return prompt(label, confirm=confirm)
