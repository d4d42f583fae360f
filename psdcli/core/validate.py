"""Check filter values given on the command line against the known ids."""

from __future__ import annotations

from psdcli.core import categories, forces, themes
from psdcli.core.analyst import validate_analyst
from psdcli.core.dates import assessment_due_before
from psdcli.core.errors import UsageError
from psdcli.core.workflow import UNASSESSED, CaseStatus
from psdcli.storage.queries import SORT_ORDERS, CaseFilters

CASE_STATUSES = tuple(status.value for status in CaseStatus)


def case_filters(
    *,
    status: str | None,
    theme: str | None,
    force: str | None,
    limit: int | None,
    category: str | None = None,
    assigned_to: str | None = None,
    overdue: bool = False,
    safeguarding_open: bool = False,
    sort: str = "received",
    include_follow_ups: bool = False,
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
    if category is not None:
        category = categories.check_category(category)
    if assigned_to is not None:
        assigned_to = validate_analyst(assigned_to)
    if sort not in SORT_ORDERS:
        raise UsageError(
            f"unknown sort {sort!r}; use one of: {', '.join(SORT_ORDERS)}."
        )
    return CaseFilters(
        status=status,
        theme=theme,
        force=force,
        limit=limit,
        category=category,
        assigned_to=assigned_to,
        overdue_before=assessment_due_before() if overdue else None,
        unassessed_statuses=tuple(sorted(UNASSESSED)),
        safeguarding_open=safeguarding_open,
        sort=sort,
        include_attached=include_follow_ups,
    )
