"""Rewrite fields of a finished ZIP archive, to make archives zipfile will not write."""

from __future__ import annotations

import struct

CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
CENTRAL_SIGNATURE = b"PK\x01\x02"
# Positions of fields in CENTRAL_HEADER.unpack(...).
FIELDS = {
    "flag_bits": 5,
    "compress_type": 6,
    "compress_size": 10,
    "file_size": 11,
    "external_attr": 17,
    "header_offset": 18,
}


def patch_central_entry(archive: bytes, name: str, **changes: int) -> bytes:
    """Return ``archive`` with fields of the central entry for ``name`` changed."""
    data = bytearray(archive)
    position = data.find(CENTRAL_SIGNATURE)
    while position >= 0:
        fields = list(CENTRAL_HEADER.unpack_from(data, position))
        name_start = position + CENTRAL_HEADER.size
        entry_name = bytes(data[name_start : name_start + fields[12]])
        if entry_name.decode("utf-8", errors="replace") == name:
            for field_name, value in changes.items():
                fields[FIELDS[field_name]] = value
            CENTRAL_HEADER.pack_into(data, position, *fields)
            return bytes(data)
        position = data.find(CENTRAL_SIGNATURE, name_start)
    raise AssertionError(f"no central directory entry named {name!r}")
