"""``psdcli stats``: the supervisor summary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from psdcli.cli.state import get_state


def stats_command(
    ctx: typer.Context,
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="Cases received on or after this date."
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Cases received before this date."),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Summarise cases: volumes, outcomes, safeguarding, timeliness, milestones.

    Example: psdcli stats --since 2026-01-01
    """
    from datetime import UTC

    from psdcli.cli import stats_view
    from psdcli.core import consult, stats

    state = get_state(ctx)
    analyst = state.require_analyst()
    period = stats.Period(
        since=None if since is None else since.replace(tzinfo=UTC),
        until=None if until is None else until.replace(tzinfo=UTC),
    )
    with state.database() as database, database.write_session() as session:
        data = stats.summary(session, period, datetime.now(UTC))
        consult.log_consultation(
            session,
            analyst,
            "stats.show",
            reason=None,
            details={"cases": data["cases_received"]},
        )
    stats_view.render(data, as_json=json_)
