"""Force ids and reporting themes."""

from __future__ import annotations

import pytest

from psdcli.core.errors import UsageError
from psdcli.core.forces import (
    FORCE_IDS,
    FORCE_NAMES,
    UNKNOWN_FORCE,
    UnknownForceError,
    check_force_id,
    force_name,
    lookup_force,
    suggest_force_ids,
)
from psdcli.core.themes import THEME_LABELS, THEMES, Theme

NON_TERRITORIAL = {"northern-ireland", "police-scotland", "btp", "mod-police", "cnc"}


def test_force_ids_cover_every_force() -> None:
    territorial = set(FORCE_IDS) - NON_TERRITORIAL - {UNKNOWN_FORCE}
    assert len(territorial) == 43
    assert len(FORCE_IDS) == 49
    for force_id in FORCE_IDS:
        assert force_id == force_id.lower()
        assert " " not in force_id


def test_lookup_force_returns_name() -> None:
    force = lookup_force("west-mercia")
    assert force.id == "west-mercia"
    assert force.name == "West Mercia Police"
    assert force_name("northern-ireland") == "Police Service of Northern Ireland"
    assert check_force_id("btp") == "btp"
    assert FORCE_NAMES[UNKNOWN_FORCE] == "Unknown force"


@pytest.mark.parametrize(
    ("value", "expected_message"),
    [
        ("west-mercai", "unknown force id 'west-mercai'; did you mean west-mercia?"),
        ("West Mercia", "did you mean west-mercia?"),
        ("Devon & Cornwall Police", "did you mean devon-and-cornwall?"),
        ("met", "did you mean metropolitan?"),
        ("scotland", "did you mean police-scotland?"),
        ("", "use a lowercase id such as west-mercia or metropolitan"),
        ("q" * 200, "'" + "q" * 40 + "…'"),
    ],
    ids=[
        "typo",
        "display-case",
        "full-name",
        "prefix",
        "part-of-id",
        "empty",
        "long-value",
    ],
)
def test_lookup_force_suggests_near_matches(value: str, expected_message: str) -> None:
    with pytest.raises(UnknownForceError) as caught:
        lookup_force(value)
    assert expected_message in str(caught.value)


def test_unknown_force_error_classes() -> None:
    with pytest.raises(UsageError):
        check_force_id("nowhere")
    with pytest.raises(ValueError, match="unknown force id"):
        check_force_id("nowhere")


def test_suggestions_limited() -> None:
    assert len(suggest_force_ids("police", limit=2)) == 2
    assert suggest_force_ids("zzzz") == []


def test_themes_have_labels() -> None:
    assert THEMES == (
        "information_for_reward",
        "personal_advantage",
        "sexual_boundaries",
        "partner_abuse",
        "discrimination",
    )
    assert set(THEME_LABELS) == set(Theme)
    assert Theme("partner_abuse").label.startswith("Abuse or control of a partner")
