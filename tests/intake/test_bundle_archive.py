"""Bundle-level checks: every unsafe or inconsistent archive is rejected whole."""

from __future__ import annotations

import dataclasses
import io
import os
import stat
import unicodedata
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psdcli.core.errors import ArchiveError, BundleError, ManifestError
from psdcli.core.settings import ImportLimits
from psdcli.intake.archive import (
    AcceptedReport,
    QuarantinedReport,
    open_bundle,
)
from tests.intake.builders import (
    SMALL_LIMITS,
    BundleBuilder,
    Member,
    encode,
    report_document,
    valid_bundle,
    write_zip,
)
from tests.intake.zippatch import patch_central_entry

REFERENCE = "CS-2026-000001"
REPORT_PATH = f"reports/{REFERENCE}.json"
PHOTO_PATH = f"attachments/{REFERENCE}/photo.jpg"


def import_all(data: bytes, limits: ImportLimits = SMALL_LIMITS) -> list[object]:
    with open_bundle(io.BytesIO(data), limits) as bundle:
        return list(bundle.iter_reports())


def with_extra_member(name: str, data: bytes = b"x", **info_fields: int) -> bytes:
    builder = valid_bundle()
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o100644 << 16
    for field_name, value in info_fields.items():
        setattr(info, field_name, value)
    builder.extra_members.append(Member(name, data, info=info))
    return builder.build()


def with_manifest_changes(**changes: object) -> bytes:
    builder = valid_bundle()
    builder.manifest_changes.update(changes)
    return builder.build()


def with_manifest_bytes(manifest: bytes) -> bytes:
    return valid_bundle().build(manifest=manifest)


def without_manifest() -> bytes:
    members = [m for m in valid_bundle().members() if m.name != "manifest.json"]
    return write_zip(members)


def with_duplicate_report() -> bytes:
    builder = valid_bundle()
    members = builder.members()
    members.append(Member(REPORT_PATH, builder.reports[REPORT_PATH]))
    return write_zip(members)


def with_nfc_duplicate() -> bytes:
    builder = valid_bundle()
    composed = f"attachments/{REFERENCE}/café.jpg"
    decomposed = unicodedata.normalize("NFD", composed)
    builder.add_attachment(composed, b"one")
    builder.add_attachment(decomposed, b"two")
    return builder.build()


def with_nul_in_name() -> bytes:
    data = with_extra_member(f"attachments/{REFERENCE}/aXb.jpg")
    return data.replace(b"aXb.jpg", b"a\0b.jpg")


def with_encrypted_flag() -> bytes:
    return patch_central_entry(valid_bundle().build(), PHOTO_PATH, flag_bits=0x1)


def with_non_ascii_name_without_utf8_flag() -> bytes:
    builder = valid_bundle()
    name = f"attachments/{REFERENCE}/café.jpg"
    builder.add_attachment(name, b"jpeg")
    return patch_central_entry(builder.build(), name, flag_bits=0)


def with_bzip2_member() -> bytes:
    builder = valid_bundle()
    members = builder.members()
    photo = next(m for m in members if m.name == PHOTO_PATH)
    photo.compress_type = zipfile.ZIP_BZIP2
    return write_zip(members)


def with_zip_bomb() -> bytes:
    builder = valid_bundle()
    builder.add_attachment(f"attachments/{REFERENCE}/zeros.bin", bytes(3 * 1024 * 1024))
    return builder.build()


def with_size_larger_than_declared() -> bytes:
    # The data decompresses to 3 MiB but the central directory declares 1000
    # bytes, which passes the ratio check.
    builder = valid_bundle()
    name = f"attachments/{REFERENCE}/zeros.bin"
    builder.add_attachment(name, bytes(3 * 1024 * 1024))
    manifest = builder.manifest()
    for entry in manifest["attachments"]:
        if entry["path"] == name:
            entry["size"] = 1000
    return patch_central_entry(builder.build(encode(manifest)), name, file_size=1000)


def with_size_smaller_than_declared() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    actual = len(builder.attachments[PHOTO_PATH][0])
    for entry in manifest["attachments"]:
        entry["size"] = actual + 10
    return patch_central_entry(
        builder.build(encode(manifest)), PHOTO_PATH, file_size=actual + 10
    )


def with_overlapping_members() -> bytes:
    return patch_central_entry(valid_bundle().build(), PHOTO_PATH, header_offset=0)


def with_oversized_member() -> bytes:
    builder = valid_bundle()
    builder.add_attachment(f"attachments/{REFERENCE}/big.bin", os.urandom(5000))
    return builder.build()


def with_hash_mismatch() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    manifest["attachments"][0]["sha256"] = "0" * 64
    return builder.build(encode(manifest))


def with_size_mismatch() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    manifest["reports"][1]["size"] += 1
    return builder.build(encode(manifest))


def with_content_swapped() -> bytes:
    # Same size, different bytes: only the SHA-256 can tell.
    builder = valid_bundle()
    manifest = builder.manifest()
    data, media_type = builder.attachments[PHOTO_PATH]
    builder.attachments[PHOTO_PATH] = (data.upper(), media_type)
    return builder.build(encode(manifest))


def with_unlisted_member() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    builder.add_attachment(f"attachments/{REFERENCE}/extra.jpg", b"extra")
    return builder.build(encode(manifest))


def with_missing_member() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    del builder.reports["reports/CS-2026-000002.json"]
    return builder.build(encode(manifest))


def with_entry_listed_twice() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    manifest["reports"].append(manifest["reports"][0])
    return builder.build(encode(manifest))


def with_attachment_listed_as_report() -> bytes:
    builder = valid_bundle()
    manifest = builder.manifest()
    manifest["reports"].append(manifest["attachments"].pop())
    return builder.build(encode(manifest))


def truncated() -> bytes:
    data = valid_bundle().build()
    return data[: len(data) // 2]


RejectCase = tuple[Callable[[], bytes], ImportLimits, type[BundleError], str]

REJECT_CASES: dict[str, RejectCase] = {
    "traversal-parent": (
        lambda: with_extra_member("../x"),
        SMALL_LIMITS,
        ArchiveError,
        "'../x' contains '..'",
    ),
    "traversal-absolute": (
        lambda: with_extra_member("/abs"),
        SMALL_LIMITS,
        ArchiveError,
        "is an absolute path",
    ),
    "traversal-inside-reports": (
        lambda: with_extra_member("reports/../../x"),
        SMALL_LIMITS,
        ArchiveError,
        "contains '..'",
    ),
    "dot-folder": (
        lambda: with_extra_member("reports/./a.json"),
        SMALL_LIMITS,
        ArchiveError,
        "'.' as a folder",
    ),
    "empty-folder-name": (
        lambda: with_extra_member("reports//a.json"),
        SMALL_LIMITS,
        ArchiveError,
        "empty folder name",
    ),
    "backslash": (
        lambda: with_extra_member("reports\\CS-2026-000009.json"),
        SMALL_LIMITS,
        ArchiveError,
        "contains a backslash",
    ),
    "backslash-traversal": (
        lambda: with_extra_member("attachments\\..\\..\\x"),
        SMALL_LIMITS,
        ArchiveError,
        "contains a backslash",
    ),
    "drive-letter": (
        lambda: with_extra_member("C:/x"),
        SMALL_LIMITS,
        ArchiveError,
        "starts with a drive letter",
    ),
    "control-character": (
        lambda: with_extra_member("reports/a\x01.json"),
        SMALL_LIMITS,
        ArchiveError,
        "'reports/a\\x01.json' contains a control character",
    ),
    "nul-in-name": (with_nul_in_name, SMALL_LIMITS, ArchiveError, "control character"),
    "bidi-override": (
        lambda: with_extra_member(f"attachments/{REFERENCE}/photo\u202egpj.exe"),
        SMALL_LIMITS,
        ArchiveError,
        "bidirectional formatting character",
    ),
    "symlink": (
        lambda: with_extra_member(
            f"attachments/{REFERENCE}/link",
            b"/etc/passwd",
            external_attr=(stat.S_IFLNK | 0o777) << 16,
        ),
        SMALL_LIMITS,
        ArchiveError,
        "is a symbolic link",
    ),
    "device-file": (
        lambda: with_extra_member(
            f"attachments/{REFERENCE}/dev",
            b"",
            external_attr=(stat.S_IFCHR | 0o600) << 16,
        ),
        SMALL_LIMITS,
        ArchiveError,
        "is a special file",
    ),
    "directory-outside-layout": (
        lambda: with_extra_member("other/", b""),
        SMALL_LIMITS,
        ArchiveError,
        "'other/' is a directory outside the layout",
    ),
    "directory-inside-reports": (
        lambda: with_extra_member("reports/sub/", b""),
        SMALL_LIMITS,
        ArchiveError,
        "is a directory outside the layout",
    ),
    "directory-mode-without-slash": (
        lambda: with_extra_member(
            f"attachments/{REFERENCE}/dir",
            b"",
            external_attr=(stat.S_IFDIR | 0o755) << 16,
        ),
        SMALL_LIMITS,
        ArchiveError,
        "is a directory without a trailing '/'",
    ),
    "unknown-top-level-member": (
        lambda: with_extra_member("notes.txt"),
        SMALL_LIMITS,
        ArchiveError,
        "'notes.txt' is outside the layout",
    ),
    "non-json-under-reports": (
        lambda: with_extra_member("reports/readme.txt"),
        SMALL_LIMITS,
        ArchiveError,
        "is outside the layout",
    ),
    "attachment-too-deep": (
        lambda: with_extra_member(f"attachments/{REFERENCE}/sub/x.jpg"),
        SMALL_LIMITS,
        ArchiveError,
        "is outside the layout",
    ),
    "duplicate-name": (
        with_duplicate_report,
        SMALL_LIMITS,
        ArchiveError,
        "appears twice",
    ),
    "duplicate-after-nfc": (
        with_nfc_duplicate,
        SMALL_LIMITS,
        ArchiveError,
        "appears twice",
    ),
    "encrypted-member-flag": (
        with_encrypted_flag,
        SMALL_LIMITS,
        ArchiveError,
        "is encrypted",
    ),
    "unsupported-compression-method": (
        with_bzip2_member,
        SMALL_LIMITS,
        ArchiveError,
        "uses compression method 12; only stored (0) and deflated (8)",
    ),
    "non-ascii-name-without-utf8-flag": (
        with_non_ascii_name_without_utf8_flag,
        SMALL_LIMITS,
        ArchiveError,
        "without the ZIP UTF-8 flag",
    ),
    "too-many-members": (
        lambda: valid_bundle(5).build(),
        dataclasses.replace(SMALL_LIMITS, max_members=4),
        ArchiveError,
        "has 7 archive members, over the limit of 4",
    ),
    "central-directory-too-large": (
        lambda: valid_bundle(5).build(),
        dataclasses.replace(SMALL_LIMITS, max_central_directory_bytes=100),
        ArchiveError,
        "central directory is",
    ),
    "zip-bomb-ratio": (
        with_zip_bomb,
        SMALL_LIMITS,
        ArchiveError,
        "over the compression ratio limit of 200",
    ),
    "zip-bomb-size-larger-than-declared": (
        with_size_larger_than_declared,
        SMALL_LIMITS,
        ArchiveError,
        "is damaged",
    ),
    "size-smaller-than-declared": (
        with_size_smaller_than_declared,
        SMALL_LIMITS,
        ArchiveError,
        "decompresses to 13 bytes, but the archive declares 23",
    ),
    "overlapping-members": (
        with_overlapping_members,
        SMALL_LIMITS,
        ArchiveError,
        "overlaps the data of",
    ),
    "oversized-member": (
        with_oversized_member,
        dataclasses.replace(SMALL_LIMITS, max_member_bytes=4000),
        ArchiveError,
        "is 5000 bytes, over the per-member limit of 4000",
    ),
    "total-size-over-limit": (
        lambda: valid_bundle(5).build(),
        dataclasses.replace(SMALL_LIMITS, max_uncompressed_bytes=1000),
        ArchiveError,
        "would decompress to",
    ),
    "not-a-zip": (
        lambda: b"age-encryption.org/v1 but not a zip" * 10,
        SMALL_LIMITS,
        ArchiveError,
        "not a ZIP archive",
    ),
    "truncated-zip": (truncated, SMALL_LIMITS, ArchiveError, "not a ZIP archive"),
    "manifest-missing": (
        without_manifest,
        SMALL_LIMITS,
        ManifestError,
        "the bundle has no manifest.json",
    ),
    "manifest-invalid-json": (
        lambda: with_manifest_bytes(b'{"format": '),
        SMALL_LIMITS,
        ManifestError,
        "manifest.json: invalid JSON at line 1, column 12",
    ),
    "manifest-duplicate-key": (
        lambda: with_manifest_bytes(b'{"version": 1, "version": 2}'),
        SMALL_LIMITS,
        ManifestError,
        "duplicate key 'version'",
    ),
    "manifest-not-object": (
        lambda: with_manifest_bytes(b"[]"),
        SMALL_LIMITS,
        ManifestError,
        "must be a JSON object, but it is an array",
    ),
    "manifest-version-2": (
        lambda: with_manifest_changes(version=2),
        SMALL_LIMITS,
        ManifestError,
        "the bundle uses format version 2, but this psdcli reads only version 1; "
        "upgrade psdcli",
    ),
    "manifest-version-string": (
        lambda: with_manifest_changes(version="1"),
        SMALL_LIMITS,
        ManifestError,
        "manifest.json has version '1'; it must be the integer 1",
    ),
    "manifest-version-true": (
        lambda: with_manifest_changes(version=True),
        SMALL_LIMITS,
        ManifestError,
        "has version true",
    ),
    "manifest-format-wrong": (
        lambda: with_manifest_changes(format="zip-export"),
        SMALL_LIMITS,
        ManifestError,
        "manifest.json has format 'zip-export', not 'psd-intake-bundle'",
    ),
    "manifest-format-missing": (
        lambda: with_manifest_changes(format=None),
        SMALL_LIMITS,
        ManifestError,
        "has format null",
    ),
    "manifest-sequence-string": (
        lambda: with_manifest_changes(sequence="7"),
        SMALL_LIMITS,
        ManifestError,
        "sequence: Input should be a valid integer",
    ),
    "manifest-naive-timestamp": (
        lambda: with_manifest_changes(exported_at="2026-03-02T09:00:00"),
        SMALL_LIMITS,
        ManifestError,
        "exported_at: Input has no UTC offset",
    ),
    "manifest-bad-bundle-id": (
        lambda: with_manifest_changes(bundle_id="not-a-uuid"),
        SMALL_LIMITS,
        ManifestError,
        "bundle_id: Input should be a UUID",
    ),
    "manifest-unknown-recipient": (
        lambda: with_manifest_changes(recipient_force="unknown"),
        SMALL_LIMITS,
        ManifestError,
        "recipient_force should name the receiving force",
    ),
    "manifest-misspelt-recipient": (
        lambda: with_manifest_changes(recipient_force="west-mercai"),
        SMALL_LIMITS,
        ManifestError,
        "did you mean west-mercia?",
    ),
    "hash-mismatch": (
        with_hash_mismatch,
        SMALL_LIMITS,
        ManifestError,
        f"'{PHOTO_PATH}' does not match manifest.json: its SHA-256 is",
    ),
    "hash-mismatch-same-size": (
        with_content_swapped,
        SMALL_LIMITS,
        ManifestError,
        "does not match manifest.json: its SHA-256 is",
    ),
    "size-mismatch": (
        with_size_mismatch,
        SMALL_LIMITS,
        ManifestError,
        "but the manifest lists",
    ),
    "member-missing-from-manifest": (
        with_unlisted_member,
        SMALL_LIMITS,
        ManifestError,
        f"'attachments/{REFERENCE}/extra.jpg' is not listed in manifest.json",
    ),
    "manifest-entry-missing-from-archive": (
        with_missing_member,
        SMALL_LIMITS,
        ManifestError,
        "lists 'reports/CS-2026-000002.json', but the archive has no such member",
    ),
    "manifest-entry-listed-twice": (
        with_entry_listed_twice,
        SMALL_LIMITS,
        ManifestError,
        "twice",
    ),
    "manifest-attachment-listed-as-report": (
        with_attachment_listed_as_report,
        SMALL_LIMITS,
        ManifestError,
        "as a report (reports/<reference>.json)",
    ),
}


@pytest.mark.parametrize(
    ("make", "limits", "error_class", "expected_message"),
    list(REJECT_CASES.values()),
    ids=list(REJECT_CASES),
)
def test_open_bundle_rejects(
    make: Callable[[], bytes],
    limits: ImportLimits,
    error_class: type[BundleError],
    expected_message: str,
) -> None:
    with pytest.raises(error_class) as caught:
        import_all(make(), limits)
    message = str(caught.value)
    assert expected_message in message
    assert "\n" not in message


def test_rejection_message_says_what_to_do() -> None:
    with pytest.raises(ArchiveError) as caught:
        import_all(with_extra_member("../x"))
    assert str(caught.value).endswith("ask the sender to export the bundle again")


def test_report_hash_mismatch_raised_on_read() -> None:
    # Each report is checked as it is read, before it is parsed. The importer
    # stores a bundle in one transaction, so nothing of the bundle is stored.
    builder = valid_bundle(3)
    manifest = builder.manifest()
    manifest["reports"][-1]["sha256"] = "f" * 64
    data = builder.build(encode(manifest))
    with open_bundle(io.BytesIO(data), SMALL_LIMITS) as bundle:
        files = bundle.iter_files()
        assert [next(files).path, next(files).path] == [
            entry["path"] for entry in manifest["reports"][:2]
        ]
        with pytest.raises(ManifestError, match=r"does not match manifest\.json"):
            next(files)


def test_attachment_hash_mismatch_rejects_at_open() -> None:
    builder = valid_bundle(2)  # the first report has one attachment
    manifest = builder.manifest()
    manifest["attachments"][0]["sha256"] = "f" * 64
    data = builder.build(encode(manifest))
    with pytest.raises(ManifestError, match=r"does not match manifest\.json"):
        open_bundle(io.BytesIO(data), SMALL_LIMITS)


def test_reports_follow_manifest_order() -> None:
    with open_bundle(io.BytesIO(valid_bundle(3).build()), SMALL_LIMITS) as bundle:
        assert bundle.report_count == 3
        assert bundle.manifest.bundle_id == "0f8fad5b-d9cb-469f-a165-70867728950e"
        items = list(bundle.iter_reports())
    assert [type(item) for item in items] == [AcceptedReport] * 3
    assert [item.path for item in items] == [
        "reports/CS-2026-000001.json",
        "reports/CS-2026-000002.json",
        "reports/CS-2026-000003.json",
    ]


def test_attachment_data_read_and_verified() -> None:
    with open_bundle(io.BytesIO(valid_bundle().build()), SMALL_LIMITS) as bundle:
        first = next(bundle.iter_reports())
        assert isinstance(first, AcceptedReport)
        (photo,) = first.attachments
        assert photo.path == PHOTO_PATH
        assert photo.name == "photo.jpg"
        assert photo.media_type == "image/jpeg"
        assert photo.size == len(b"\xff\xd8\xff fake jpeg")
        assert photo.data == b"\xff\xd8\xff fake jpeg"


def test_stored_members_and_directory_entries_accepted() -> None:
    builder = valid_bundle()
    members = builder.members()
    for member in members:
        member.compress_type = zipfile.ZIP_STORED
    for name in ("reports/", "attachments/", f"attachments/{REFERENCE}/"):
        info = zipfile.ZipInfo(name)
        info.external_attr = (stat.S_IFDIR | 0o755) << 16
        members.append(Member(name, b"", info=info))
    items = import_all(write_zip(members))
    assert [type(item) for item in items] == [AcceptedReport, AcceptedReport]


def test_bundle_without_reports_accepted() -> None:
    with open_bundle(io.BytesIO(BundleBuilder().build()), SMALL_LIMITS) as bundle:
        assert bundle.report_count == 0
        assert list(bundle.iter_reports()) == []


def test_orphan_attachment_listed_as_unreferenced() -> None:
    builder = valid_bundle()
    builder.add_attachment("attachments/CS-2026-009999/note.txt", b"note", "text/plain")
    with open_bundle(io.BytesIO(builder.build()), SMALL_LIMITS) as bundle:
        (orphan,) = bundle.unreferenced_attachments
        assert orphan.path == "attachments/CS-2026-009999/note.txt"
        assert orphan.data == b"note"
        items = list(bundle.iter_reports())
    assert all(isinstance(item, AcceptedReport) for item in items)


def test_small_repetitive_member_exempt_from_ratio() -> None:
    # 1 MiB of one byte compresses about 1000:1 but is too small to harm.
    builder = valid_bundle()
    builder.add_attachment(f"attachments/{REFERENCE}/blank.bmp", bytes(1024 * 1024))
    document = report_document(
        REFERENCE, attachments=[PHOTO_PATH, f"attachments/{REFERENCE}/blank.bmp"]
    )
    builder.add_report(document)
    items = import_all(builder.build())
    assert isinstance(items[0], AcceptedReport)


@settings(
    database=None,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    mutations=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=4,
    )
)
def test_corrupted_bundle_raises_bundle_error(
    mutations: list[tuple[int, int]],
) -> None:
    data = bytearray(valid_bundle().build())
    for position, value in mutations:
        data[position % len(data)] = value
    try:
        items = import_all(bytes(data))
    except BundleError as error:
        message = str(error)
    else:
        message = "accepted"
        assert all(
            isinstance(item, AcceptedReport | QuarantinedReport) for item in items
        )
    assert "\n" not in message
