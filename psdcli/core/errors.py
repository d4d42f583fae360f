"""Domain exceptions.

Every error the tool expects is a ``PsdError``. The CLI edge turns each one into
a single ``Error: ...`` line on stderr and the exit code below, so messages
must be complete sentences that name the value at fault and the next step.
Messages never contain report text or reporter details.
"""


class PsdError(Exception):
    """Base class for every error the tool reports to the user."""

    exit_code = 1


class UsageError(PsdError):
    """A command was called with missing or conflicting options."""

    exit_code = 2


class ConfigError(PsdError):
    """The configuration (database URL, data folder, analyst id) is unusable."""


class DatabaseError(PsdError):
    """The database cannot be opened, is out of date or is locked."""


class NotFoundError(PsdError):
    """A case, bundle or file named by the user does not exist."""


class IdentityFileError(PsdError):
    """An identity file cannot be read or holds no usable key."""


class BundleError(PsdError):
    """A bundle is rejected as a whole: nothing from it is stored."""


class ArmorError(BundleError):
    """The ASCII armor around an age file is malformed."""


class HeaderError(BundleError):
    """The age header is malformed or breaks a limit."""


class UnsupportedRecipientError(BundleError):
    """The bundle is encrypted only to recipient types this tool cannot decrypt."""


class NoMatchError(BundleError):
    """No recipient stanza in the bundle opens with the given identity."""


class HeaderMacError(BundleError):
    """The header MAC does not match: the header was altered or corrupted."""


class PayloadError(BundleError):
    """The encrypted payload is truncated or corrupted."""


class PlaintextLimitError(BundleError):
    """The decrypted bundle is larger than the configured limit."""


class ArchiveError(BundleError):
    """The ZIP archive inside the bundle is unsafe or malformed."""


class ManifestError(BundleError):
    """manifest.json is missing, malformed or does not match the archive."""


class ReportInvalidError(PsdError):
    """One report in an otherwise sound bundle fails validation.

    The importer quarantines the report instead of rejecting the bundle.
    """
