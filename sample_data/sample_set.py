"""The committed sample set: four weekly bundles of reports for West Mercia.

``build_sample_bundles`` returns the plaintext content. ``generator`` zips and
encrypts it into sample_data/bundles/.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from synthetic_reports import (
    BASE_DATE,
    SAMPLE_FORCE,
    format_reference,
    format_timestamp,
    make_bundle_id,
    make_follow_up,
    make_message_log,
    make_png,
    make_report,
    make_revision,
    make_text_note,
)

SAMPLE_SEED = 2026


@dataclass
class SampleBundle:
    """One bundle of the sample set before it is zipped and encrypted."""

    bundle_id: str
    sequence: int
    exported_at: str
    reports: list[dict[str, Any]]
    attachments: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    armor: bool = False
    use_age_cli: bool = False


@dataclass(frozen=True)
class _Plan:
    """Requirements for one sample report. Fields left unset are random.

    ``label`` names a report so that a later plan can follow it up
    (``follow_up_of``) or correct it (``revision_of``).
    """

    themes: tuple[str, ...] = ()
    anonymous: bool = True
    subject_force: str = SAMPLE_FORCE
    subject_role: str | None = None
    subject_name: str | None = None
    reporter_name: str | None = None
    immediate_danger: bool | None = None
    attachments: tuple[str, ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()
    label: str | None = None
    follow_up_of: str | None = None
    revision_of: str | None = None


# Four weekly bundles for West Mercia, 40 reports in all.
SAMPLE_PLANS: tuple[tuple[_Plan, ...], ...] = (
    (
        _Plan(
            ("partner_abuse",),
            anonymous=False,
            reporter_name="Siân Tudur-Evans",
            immediate_danger=True,
            subject_role="officer",
            label="partner-abuse-first",
        ),
        _Plan(("information_for_reward",), subject_force="west-midlands"),
        _Plan(
            ("sexual_boundaries",),
            anonymous=False,
            subject_role="officer",
            label="boundaries-first",
        ),
        _Plan(("discrimination",), subject_role="staff", attachments=("note",)),
        _Plan(
            ("personal_advantage",),
            anonymous=False,
            reporter_name="Małgorzata Żmijewska",
            subject_force="warwickshire",
        ),
        _Plan(("partner_abuse",), subject_force="gloucestershire"),
        _Plan(("information_for_reward",), anonymous=False, subject_role="volunteer"),
        _Plan(("discrimination",), subject_force="unknown", subject_role="unknown"),
        _Plan(("sexual_boundaries", "personal_advantage"), subject_force="btp"),
        _Plan(("personal_advantage",), subject_force="dyfed-powys"),
    ),
    (
        _Plan(follow_up_of="boundaries-first"),
        _Plan(
            ("discrimination",),
            anonymous=False,
            reporter_name="Dafydd ap Hywel",
            extra=(("language_preference", "cy"),),
        ),
        _Plan(
            ("partner_abuse",),
            anonymous=False,
            reporter_name="نازیہ شفیق",
            immediate_danger=True,
            subject_role="officer",
            label="partner-abuse-second",
        ),
        _Plan(
            ("information_for_reward",),
            subject_force="metropolitan",
            attachments=("screenshot",),
        ),
        _Plan(("personal_advantage",), subject_force="north-wales"),
        _Plan(
            ("sexual_boundaries",),
            anonymous=False,
            reporter_name="Caoimhe Ní Fhlannagáin",
            subject_role="officer",
            label="boundaries-second",
        ),
        _Plan(
            ("discrimination",),
            subject_force="west-yorkshire",
            subject_role="officer",
            subject_name="Trần Minh Tuấn",
        ),
        _Plan(("information_for_reward",), subject_force="derbyshire"),
        _Plan(("partner_abuse",), subject_force="mod-police"),
    ),
    (
        _Plan(revision_of="partner-abuse-first"),
        _Plan(follow_up_of="partner-abuse-second"),
        _Plan(
            ("information_for_reward",),
            anonymous=False,
            subject_force="cheshire",
            attachments=("message-log", "note"),
            label="reward-with-log",
        ),
        _Plan(("personal_advantage",), subject_role="staff"),
        _Plan(
            ("discrimination",),
            anonymous=False,
            reporter_name="Phạm Thu Hương",
            subject_role="officer",
        ),
        _Plan(("sexual_boundaries",), subject_force="northern-ireland"),
        _Plan(
            ("partner_abuse",),
            anonymous=False,
            immediate_danger=True,
            subject_force="police-scotland",
        ),
        _Plan(("information_for_reward",), subject_force="cnc"),
        _Plan(
            ("personal_advantage", "information_for_reward"),
            subject_force="devon-and-cornwall",
        ),
        _Plan(("discrimination",), subject_force="unknown", subject_role="unknown"),
        _Plan(
            ("sexual_boundaries",),
            anonymous=False,
            reporter_name="Imran Qureshi",
            subject_role="staff",
            subject_name="Łukasz Dąbrowski",
        ),
    ),
    (
        _Plan(revision_of="boundaries-second"),
        _Plan(follow_up_of="reward-with-log", attachments=("screenshot",)),
        _Plan(("partner_abuse",), immediate_danger=True, subject_role="officer"),
        _Plan(("discrimination",), anonymous=False, subject_force="thames-valley"),
        _Plan(("information_for_reward",), subject_force="greater-manchester"),
        _Plan(("personal_advantage",), anonymous=False, subject_role="volunteer"),
        _Plan(("sexual_boundaries",), subject_force="south-wales"),
        _Plan(
            ("discrimination", "sexual_boundaries"),
            subject_role="officer",
            subject_name="Róisín Ní Chatháin",
        ),
        _Plan(("partner_abuse",), anonymous=False, subject_role="staff"),
        _Plan(("information_for_reward",), subject_force="northumbria"),
    ),
)

# Bundle number 4 is armored and encrypted by the Go age program, so that the
# sample set also exercises a second age implementation.
ARMORED_SEQUENCE = 4

_ATTACHMENT_FILES = {
    "note": ("reporter-note.txt", "text/plain"),
    "screenshot": ("screenshot-redacted.png", "image/png"),
    "message-log": ("message-times.json", "application/json"),
}


def _make_attachment(rng: random.Random, kind: str, report: Mapping[str, Any]) -> bytes:
    if kind == "note":
        return make_text_note(report)
    if kind == "screenshot":
        return make_png(rng)
    return make_message_log(rng, report["received_at"])


def _corrected_incident(
    rng: random.Random, report: Mapping[str, Any]
) -> dict[str, Any]:
    received = datetime.fromisoformat(report["received_at"]).date()
    start = received - timedelta(days=rng.randrange(20, 90))
    end = start + timedelta(days=rng.randrange(5, 15))
    location = report["incident"]["location"] or "a private address in Hereford"
    return {"from": start.isoformat(), "to": end.isoformat(), "location": location}


def _make_planned_report(
    rng: random.Random,
    plan: _Plan,
    reference: str,
    received_at: datetime,
    labelled: Mapping[str, dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, tuple[bytes, str]]]:
    """Return a new report for ``plan`` and its attachments by archive path."""
    paths = [
        f"attachments/{reference}/{_ATTACHMENT_FILES[kind][0]}"
        for kind in plan.attachments
    ]
    if plan.follow_up_of is not None:
        report = make_follow_up(
            rng,
            reference,
            labelled[plan.follow_up_of],
            received_at=received_at,
            attachments=paths,
        )
    else:
        report = make_report(
            rng,
            reference,
            received_at=received_at,
            themes=plan.themes,
            anonymous=plan.anonymous,
            subject_force=plan.subject_force,
            subject_role=plan.subject_role,
            subject_name=plan.subject_name,
            reporter_name=plan.reporter_name,
            immediate_danger=plan.immediate_danger,
            attachments=paths,
        )
    report.update(plan.extra)

    attachments = {}
    for kind, path in zip(plan.attachments, paths, strict=True):
        content = _make_attachment(rng, kind, report)
        attachments[path] = (content, _ATTACHMENT_FILES[kind][1])
    return report, attachments


def build_sample_bundles(seed: int = SAMPLE_SEED) -> list[SampleBundle]:
    """Build the reports and attachments of the sample set for west-mercia.

    The result depends only on ``seed``. Bundle n is exported n + 3 weeks
    after ``BASE_DATE`` at 07:00 UTC, so on Mondays from 2 February 2026, and
    its new reports were received in the week before.
    """
    rng = random.Random(seed)
    labelled: dict[str, dict[str, Any]] = {}
    reference_number = 4100
    bundles = []

    for index, plans in enumerate(SAMPLE_PLANS):
        sequence = index + 1
        exported = BASE_DATE + timedelta(weeks=3 + sequence, hours=-2)
        bundle = SampleBundle(
            bundle_id=make_bundle_id(rng),
            sequence=sequence,
            exported_at=format_timestamp(exported),
            reports=[],
            armor=sequence == ARMORED_SEQUENCE,
            use_age_cli=sequence == ARMORED_SEQUENCE,
        )

        # Receipt times are sorted so that references rise with them.
        new_report_count = sum(plan.revision_of is None for plan in plans)
        receipts = iter(
            sorted(
                exported - timedelta(seconds=rng.randrange(3600, 7 * 86400))
                for _ in range(new_report_count)
            )
        )
        for plan in plans:
            if plan.revision_of is not None:
                original = labelled[plan.revision_of]
                report = make_revision(
                    original,
                    incident=_corrected_incident(rng, original),
                    correction="the reporter called back to say the incident "
                    "dates in the first version were wrong. The dates above "
                    "replace them.",
                )
                bundle.reports.append(report)
                continue

            reference_number += rng.randrange(3, 60)
            report, attachments = _make_planned_report(
                rng, plan, format_reference(reference_number), next(receipts), labelled
            )
            bundle.reports.append(report)
            bundle.attachments.update(attachments)
            if plan.label is not None:
                labelled[plan.label] = report

        bundles.append(bundle)
    return bundles
