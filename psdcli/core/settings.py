"""Limits and locations that a deployment can change, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from psdcli.core.errors import ConfigError

# The scrypt work factor is a base-2 logarithm: 18 means 2^18 iterations,
# about 256 MiB of memory and under a second of work. 22 is the hard maximum.
DEFAULT_SCRYPT_LOG2 = 18
MAX_SCRYPT_LOG2 = 22

MIB = 1024 * 1024


def _int_from_env(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    # int() also accepts digits of other scripts and underscores, as in
    # "1_0"; a setting takes ASCII digits only.
    text = raw.strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise ConfigError(
            f"{name}={raw!r} is not an integer; set a whole number between "
            f"{minimum} and {maximum}, or unset it."
        )
    value = int(text)
    if not minimum <= value <= maximum:
        raise ConfigError(
            f"{name}={value} is out of range; set a value between "
            f"{minimum} and {maximum}."
        )
    return value


@dataclass(frozen=True)
class ImportLimits:
    """Resource limits that protect the importer from hostile bundles."""

    scrypt_max_log2: int = DEFAULT_SCRYPT_LOG2
    # Decrypted bundles up to this size stay in memory; larger ones spill to
    # an unnamed temporary file that the kernel removes when it is closed.
    spool_bytes: int = 32 * MIB
    max_plaintext_bytes: int = 4096 * MIB
    max_members: int = 500_000
    # zipfile holds the whole ZIP central directory in memory. 64 MiB lists
    # max_members members with names of about 80 bytes.
    max_central_directory_bytes: int = 64 * MIB
    max_uncompressed_bytes: int = 8192 * MIB
    max_member_bytes: int = 64 * MIB
    max_compression_ratio: int = 200
    max_report_bytes: int = 2 * MIB
    max_json_depth: int = 32
    # Reports stored per batch. A batch of 250 held about 3 MB while it was
    # stored, half as much as 500, at no measurable cost in time.
    batch_size: int = 250
    # A batch also ends when its reports reach this many bytes, so that a
    # bundle of large reports (up to max_report_bytes each) keeps memory
    # bounded too.
    batch_bytes: int = 8 * MIB
    # Bundle files from the minimum to the maximum size have their reports
    # checked, digested and sealed by a second process while this one writes
    # to the database. Below the minimum, starting that process costs more
    # than it saves. It adds about 40 MiB at the peak, and above the maximum
    # the peak would pass 200 MiB: measured here, 157 MiB for a 42 MiB bundle
    # of 50,000 reports and 206 MiB for 100,000 reports (84 MiB).
    parallel_min_bytes: int = 1 * MIB
    parallel_max_bytes: int = 48 * MIB

    @classmethod
    def from_env(cls) -> ImportLimits:
        """Read overrides from ``PSDCLI_*`` variables, checking each range."""
        return cls(
            scrypt_max_log2=_int_from_env(
                "PSDCLI_SCRYPT_MAX_LOG2", DEFAULT_SCRYPT_LOG2, 1, MAX_SCRYPT_LOG2
            ),
            spool_bytes=_int_from_env("PSDCLI_SPOOL_MIB", 32, 0, 65536) * MIB,
            max_plaintext_bytes=_int_from_env(
                "PSDCLI_MAX_BUNDLE_MIB", 4096, 1, 1024 * 1024
            )
            * MIB,
            parallel_min_bytes=_int_from_env(
                "PSDCLI_PARALLEL_MIN_MIB", 1, 0, 1024 * 1024
            )
            * MIB,
            parallel_max_bytes=_int_from_env(
                "PSDCLI_PARALLEL_MAX_MIB", 48, 0, 1024 * 1024
            )
            * MIB,
        )


@dataclass(frozen=True)
class Settings:
    """The database location, the data folder and the acting analyst."""

    db_url: str
    data_dir: Path
    analyst: str | None = None
    limits: ImportLimits = field(default_factory=ImportLimits)
