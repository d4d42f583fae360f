"""Generate synthetic, encrypted intake bundles for psdcli demos, tests and benchmarks.

Everything written is invented (see ``synthetic_reports``). Report content
depends only on the seed, but age encryption is randomised, so the encrypted
bytes differ on every run.

    python sample_data/generator.py samples
    python sample_data/generator.py large --reports 20000 --output bench/out/20k.age

The first command rewrites the committed sample set in sample_data/bundles/
and needs the Go ``age`` program. The second writes one benchmark bundle.
Import this module with sample_data/ on ``sys.path``, as pytest does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pyrage
from sample_set import SAMPLE_SEED, SampleBundle, build_sample_bundles
from synthetic_reports import (
    BASE_DATE,
    FORCE_IDS,
    SAMPLE_FORCE,
    THEMES,
    format_reference,
    format_timestamp,
    make_bundle_id,
    make_follow_up,
    make_report,
    make_revision,
)

__all__ = [
    "BASE_DATE",
    "FORCE_IDS",
    "SAMPLE_FORCE",
    "SAMPLE_SEED",
    "THEMES",
    "SampleBundle",
    "build_bundle_zip",
    "build_sample_bundles",
    "encrypt_file",
    "iter_large_reports",
    "make_follow_up",
    "make_report",
    "make_revision",
    "read_identity_recipient",
    "write_large_bundle",
    "write_sample_set",
]

SAMPLE_DIR = Path(__file__).resolve().parent
SAMPLE_IDENTITY = SAMPLE_DIR / "sample-identity.txt"
SAMPLE_BUNDLE_DIR = SAMPLE_DIR / "bundles"

EXPORTER = "psdcli-sample-generator 1.0"
FORMAT_NAME = "psd-intake-bundle"
FORMAT_VERSION = 1

# Regular file, rw-r--r--, in the Unix mode bits of a ZIP member's external
# attributes. Importers that reject symbolic links read these bits, but only
# when the member's create_system is 3 (Unix).
ZIP_FILE_MODE = 0o100644 << 16
ZIP_CREATE_SYSTEM_UNIX = 3

# A reference has six digits, so a large bundle numbered from 1 fits this many.
MAX_LARGE_REPORTS = 999_999


# --- Bundles ------------------------------------------------------------------


def _member_info(
    name: str, date_time: tuple[int, int, int, int, int, int]
) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = ZIP_CREATE_SYSTEM_UNIX
    info.external_attr = ZIP_FILE_MODE
    return info


def _write_manifest(
    stream: IO[bytes],
    header: Mapping[str, Any],
    report_entries: Iterable[tuple[str, str, int]],
    attachment_entries: Iterable[tuple[str, str, int, str]],
) -> None:
    """Write manifest.json to ``stream`` one entry at a time.

    A manifest of 100,000 entries is never built as one string in memory.
    """

    def write(text: str) -> None:
        stream.write(text.encode("utf-8"))

    write("{\n")
    for key, value in header.items():
        write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")

    write('  "reports": [')
    for index, (path, digest, size) in enumerate(report_entries):
        entry = {"path": path, "sha256": digest, "size": size}
        write(("," if index else "") + "\n    " + json.dumps(entry))
    write("\n  ],\n")

    write('  "attachments": [')
    for index, (path, digest, size, media_type) in enumerate(attachment_entries):
        entry = {"path": path, "sha256": digest, "size": size, "media_type": media_type}
        write(("," if index else "") + "\n    " + json.dumps(entry))
    write("\n  ]\n}\n")


def build_bundle_zip(
    out: IO[bytes],
    *,
    bundle_id: str,
    sequence: int,
    recipient_force: str,
    exported_at: str,
    reports: Iterable[Mapping[str, Any]],
    attachments: Mapping[str, tuple[bytes, str]] | None = None,
    exporter: str = EXPORTER,
) -> int:
    """Write a bundle's ZIP archive to ``out`` and return the number of reports.

    ``reports`` is consumed one report at a time, so memory does not grow with
    report size. It grows by the manifest entry and zipfile's central
    directory entry of each member, about 0.7 KB per report as measured with
    100,000 reports. ``attachments`` maps archive paths under
    ``attachments/<reference>/`` to ``(content, media_type)``.

    Raises ValueError on a duplicate member or an attachment path outside
    ``attachments/``.
    """
    # Every member is stamped with the export time, so equal input gives equal bytes.
    moment = datetime.fromisoformat(exported_at)
    date_time = (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    names: set[str] = set()
    report_entries: list[tuple[str, str, int]] = []
    attachment_entries: list[tuple[str, str, int, str]] = []

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add_member(name: str, data: bytes) -> tuple[str, str, int]:
            if name in names:
                raise ValueError(f"duplicate bundle member: {name}")
            names.add(name)
            archive.writestr(_member_info(name, date_time), data)
            return name, hashlib.sha256(data).hexdigest(), len(data)

        for report in reports:
            path = f"reports/{report['reference']}.json"
            text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            report_entries.append(add_member(path, text.encode("utf-8")))

        for path, (data, media_type) in (attachments or {}).items():
            parts = path.split("/")
            if len(parts) != 3 or parts[0] != "attachments" or "" in parts:
                raise ValueError(
                    f"invalid attachment path {path!r}: expected "
                    "attachments/<reference>/<file name>"
                )
            attachment_entries.append((*add_member(path, data), media_type))

        header = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "bundle_id": bundle_id,
            "sequence": sequence,
            "exported_at": exported_at,
            "exporter": exporter,
            "recipient_force": recipient_force,
        }
        with archive.open(_member_info("manifest.json", date_time), "w") as stream:
            _write_manifest(stream, header, report_entries, attachment_entries)

    return len(report_entries)


# --- Encryption ---------------------------------------------------------------


def _parse_recipient(recipient: str) -> Any:
    if recipient.startswith("age1"):
        return pyrage.x25519.Recipient.from_str(recipient)
    if recipient.startswith(("ssh-ed25519 ", "ssh-rsa ")):
        return pyrage.ssh.Recipient.from_str(recipient)
    raise ValueError(
        f"unsupported recipient {recipient[:20]!r}: expected age1..., "
        "ssh-ed25519 or ssh-rsa"
    )


def encrypt_file(
    zip_path: Path | str,
    out_path: Path | str,
    recipients: Sequence[str],
    armor: bool = False,
    *,
    use_age_cli: bool = False,
) -> None:
    """Encrypt ``zip_path`` to ``recipients`` and write the age file ``out_path``.

    By default pyrage streams the file. With ``use_age_cli`` the Go ``age``
    program on PATH does it instead, which shows that bundles from another age
    implementation import too. Raises FileNotFoundError when ``age`` is
    missing and subprocess.CalledProcessError when it fails.
    """
    if not recipients:
        raise ValueError("at least one recipient is required")

    if use_age_cli:
        age = shutil.which("age")
        if age is None:
            raise FileNotFoundError("the Go age program is not on PATH")
        command = [age]
        for recipient in recipients:
            command += ["-r", recipient]
        if armor:
            command.append("-a")
        command += ["-o", str(out_path), str(zip_path)]
        subprocess.run(command, check=True, capture_output=True)
        return

    parsed = [_parse_recipient(recipient) for recipient in recipients]
    with open(zip_path, "rb") as source, open(out_path, "wb") as target:
        pyrage.encrypt_io(source, target, parsed, armored=armor)


def read_identity_recipient(identity_path: Path | str) -> str:
    """Return the age1... recipient of the first X25519 key in an identity file.

    Comment lines starting with ``#`` and blank lines are skipped, as age does.
    """
    for line in Path(identity_path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            identity = pyrage.x25519.Identity.from_str(line)
            return str(identity.to_public())
    raise ValueError(f"no AGE-SECRET-KEY line found in {identity_path}")


# --- The committed sample set -------------------------------------------------


def write_sample_set(
    output_dir: Path, recipient: str, seed: int = SAMPLE_SEED
) -> list[Path]:
    """Zip and encrypt the sample set into ``output_dir`` as <bundle_id>.age.

    Every bundle is written to a temporary folder first. Only when all of them
    succeed are the existing ``*.age`` files in ``output_dir`` deleted and the
    new ones moved in, so a failure leaves the old set intact. Returns the
    written paths in sequence order.
    """
    written = []
    with tempfile.TemporaryDirectory(prefix="psd-samples-") as work_dir:
        staged = []
        for bundle in build_sample_bundles(seed):
            zip_path = Path(work_dir) / f"{bundle.bundle_id}.zip"
            with open(zip_path, "wb") as out:
                build_bundle_zip(
                    out,
                    bundle_id=bundle.bundle_id,
                    sequence=bundle.sequence,
                    recipient_force=SAMPLE_FORCE,
                    exported_at=bundle.exported_at,
                    reports=bundle.reports,
                    attachments=bundle.attachments,
                )
            encrypted = Path(work_dir) / f"{bundle.bundle_id}.age"
            encrypt_file(
                zip_path,
                encrypted,
                [recipient],
                armor=bundle.armor,
                use_age_cli=bundle.use_age_cli,
            )
            staged.append(encrypted)

        output_dir.mkdir(parents=True, exist_ok=True)
        for stale in output_dir.glob("*.age"):
            stale.unlink()
        for encrypted in staged:
            target = output_dir / encrypted.name
            shutil.move(encrypted, target)
            written.append(target)
    return written


# --- Large bundles for benchmarks ---------------------------------------------


def iter_large_reports(
    rng: random.Random, count: int, recipient_force: str, exported_at: datetime
) -> Iterator[dict[str, Any]]:
    """Yield ``count`` random reports numbered from CS-2026-000001.

    Reports were received in the year before ``exported_at``, in reference
    order. They carry no follow-ups, revisions or attachments.
    """
    # Receipt times rise with the reference number, as at the reporting line.
    step = 365 * 86400 / count
    start = exported_at - timedelta(days=365)
    for number in range(1, count + 1):
        offset = (number - 1 + rng.random()) * step
        received = start + timedelta(seconds=offset)
        yield make_report(
            rng,
            format_reference(number),
            received_at=received,
            recipient_force=recipient_force,
        )


def write_large_bundle(
    output: Path,
    *,
    report_count: int,
    recipient: str,
    seed: int,
    recipient_force: str = SAMPLE_FORCE,
    sequence: int = 1,
    armor: bool = False,
    use_age_cli: bool = False,
) -> str:
    """Write an encrypted bundle of ``report_count`` random reports to ``output``.

    The plaintext ZIP goes to a temporary file beside ``output`` and is
    deleted after encryption. Returns the bundle id.
    """
    if not 1 <= report_count <= MAX_LARGE_REPORTS:
        raise ValueError(
            f"report count {report_count} is out of range: use 1 to {MAX_LARGE_REPORTS}"
        )

    rng = random.Random(seed)
    bundle_id = make_bundle_id(rng)
    exported = BASE_DATE
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=output.parent, prefix=".plain-", suffix=".zip"
    ) as plain:
        build_bundle_zip(
            plain,
            bundle_id=bundle_id,
            sequence=sequence,
            recipient_force=recipient_force,
            exported_at=format_timestamp(exported),
            reports=iter_large_reports(rng, report_count, recipient_force, exported),
        )
        plain.flush()
        encrypt_file(
            plain.name, output, [recipient], armor=armor, use_age_cli=use_age_cli
        )
    return bundle_id


# --- Command line -------------------------------------------------------------


def _resolve_recipient(args: argparse.Namespace) -> str:
    if args.recipient:
        return str(args.recipient)
    return read_identity_recipient(args.identity or SAMPLE_IDENTITY)


def _command_samples(args: argparse.Namespace) -> int:
    recipient = _resolve_recipient(args)
    written = write_sample_set(args.output_dir, recipient, seed=args.seed)
    for path in written:
        print(path)
    return 0


def _command_large(args: argparse.Namespace) -> int:
    recipient = _resolve_recipient(args)
    bundle_id = write_large_bundle(
        args.output,
        report_count=args.reports,
        recipient=recipient,
        seed=args.seed,
        recipient_force=args.recipient_force,
        sequence=args.sequence,
        armor=args.armor,
        use_age_cli=args.age_cli,
    )
    size = args.output.stat().st_size
    print(
        json.dumps(
            {
                "output": str(args.output),
                "bundle_id": bundle_id,
                "reports": args.reports,
                "bytes": size,
            }
        )
    )
    return 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def _add_recipient_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--recipient", help="age1... or ssh recipient to encrypt the bundles to"
    )
    group.add_argument(
        "--identity",
        type=Path,
        help="identity file whose public key is the recipient "
        "(default: sample_data/sample-identity.txt)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generator.py",
        description="Write synthetic, encrypted psdcli intake bundles.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    samples = commands.add_parser(
        "samples",
        help="rewrite the committed sample set (needs the Go age program)",
    )
    samples.add_argument(
        "--output-dir",
        type=Path,
        default=SAMPLE_BUNDLE_DIR,
        help="folder for the .age files, whose existing .age files are replaced "
        "(default: sample_data/bundles)",
    )
    samples.add_argument("--seed", type=int, default=SAMPLE_SEED, help="random seed")
    _add_recipient_options(samples)
    samples.set_defaults(handler=_command_samples)

    large = commands.add_parser("large", help="write one large benchmark bundle")
    large.add_argument(
        "--reports",
        type=_positive_int,
        required=True,
        help=f"number of reports to generate, at most {MAX_LARGE_REPORTS}",
    )
    large.add_argument(
        "--output", type=Path, required=True, help="path of the .age file to write"
    )
    large.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    large.add_argument(
        "--recipient-force",
        default=SAMPLE_FORCE,
        choices=[f for f in FORCE_IDS if f != "unknown"],
        help=f"force id of the receiving force (default: {SAMPLE_FORCE})",
    )
    large.add_argument(
        "--sequence",
        type=_positive_int,
        default=1,
        help="bundle sequence number (default: 1)",
    )
    large.add_argument("--armor", action="store_true", help="ASCII-armor the output")
    large.add_argument(
        "--age-cli",
        action="store_true",
        help="encrypt with the Go age program instead of pyrage",
    )
    _add_recipient_options(large)
    large.set_defaults(handler=_command_large)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (ValueError, OSError, pyrage.RecipientError, pyrage.EncryptError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode("utf-8", "replace").strip() if error.stderr else ""
        print(
            f"Error: age failed with exit code {error.returncode}: {detail}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
