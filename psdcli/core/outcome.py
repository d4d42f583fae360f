"""The result of each bundle in an import run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class BundleStatus(StrEnum):
    """The result of importing one bundle file."""

    IMPORTED = "imported"
    ALREADY_IMPORTED = "already imported"
    REJECTED = "rejected"


@dataclass
class ReportCounts:
    """Counts of how the reports of one bundle were handled."""

    imported: int = 0
    revisions_added: int = 0
    unchanged: int = 0
    quarantined: int = 0


@dataclass
class BundleOutcome:
    """The result of one bundle file, as shown to the analyst and in ``--json``."""

    path: str
    status: BundleStatus
    bundle_id: str | None = None
    sequence: int | None = None
    recipient_force: str | None = None
    counts: ReportCounts = field(default_factory=ReportCounts)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # References that this bundle's follow-ups answer, checked at the end of a run.
    answered: set[str] = field(default_factory=set)

    @property
    def failed(self) -> bool:
        """Return True when a script should notice: rejected or quarantined."""
        return self.status is BundleStatus.REJECTED or self.counts.quarantined > 0

    def to_json(self) -> dict[str, Any]:
        """Return the machine-readable summary of this bundle."""
        return {
            "path": self.path,
            "bundle_id": self.bundle_id,
            "status": self.status.value,
            "sequence": self.sequence,
            "recipient_force": self.recipient_force,
            "reports_imported": self.counts.imported,
            "revisions_added": self.counts.revisions_added,
            "reports_unchanged": self.counts.unchanged,
            "reports_quarantined": self.counts.quarantined,
            "error": self.error,
            "warnings": list(self.warnings),
        }

    def counts_dict(self) -> dict[str, int]:
        """Return the report counts as a plain dictionary."""
        return asdict(self.counts)
