"""Errors of the audit trail, shown to the user by the CLI edge."""

from psdcli.core.errors import PsdError, UsageError


class InvalidAuditValueError(UsageError):
    """A value given for an audit event is not plain, bounded metadata."""


class ChainBrokenError(PsdError):
    """The audit chain in the database or in an export failed verification."""


class ExportError(PsdError):
    """An audit export cannot be written, for example because its file exists."""
