"""Check filter values given on the command line against the known ids."""

from __future__ import annotations

from psdcli.core import forces, themes
from psdcli.core.errors import UsageError
from psdcli.storage.queries import CaseFilters

CASE_STATUSES = ("new",)


def case_filters(
    *, status: str | None, theme: str | None, force: str | None, limit: int | None
) -> CaseFilters:
    """Return validated ``case list`` filters, or raise UsageError on an unknown id."""
    if status is not None and status not in CASE_STATUSES:
        raise UsageError(
            f"unknown status {status!r}; use one of: {', '.join(CASE_STATUSES)}."
        )
    if theme is not None and theme not in themes.THEMES:
        raise UsageError(
            f"unknown theme {theme!r}; use one of: {', '.join(themes.THEMES)}."
        )
    if force is not None:
        forces.check_force_id(force)
    return CaseFilters(status=status, theme=theme, force=force, limit=limit)
