"""The reporting themes that a member of the public chooses for a report.

A theme is the subject that the reporter chose for the report. The analyst's
own assessment uses the national counter-corruption categories, which are kept
separately and never overwrite the theme.
"""

from __future__ import annotations

from enum import StrEnum


class Theme(StrEnum):
    """A public reporting theme, as named in intake bundles."""

    INFORMATION_FOR_REWARD = "information_for_reward"
    PERSONAL_ADVANTAGE = "personal_advantage"
    SEXUAL_BOUNDARIES = "sexual_boundaries"
    PARTNER_ABUSE = "partner_abuse"
    DISCRIMINATION = "discrimination"

    @property
    def label(self) -> str:
        """Human-readable description of the theme."""
        return THEME_LABELS[self]


THEME_LABELS: dict[Theme, str] = {
    Theme.INFORMATION_FOR_REWARD: (
        "Information or influence given in return for money or favours"
    ),
    Theme.PERSONAL_ADVANTAGE: (
        "Use of a policing position for personal advantage, financial or otherwise"
    ),
    Theme.SEXUAL_BOUNDARIES: (
        "Crossing professional boundaries or abuse of position for a sexual purpose"
    ),
    Theme.PARTNER_ABUSE: (
        "Abuse or control of a partner or someone in a relationship with them"
    ),
    Theme.DISCRIMINATION: (
        "Racist, homophobic, misogynistic or disablist conduct, on or off duty"
    ),
}

THEMES: tuple[str, ...] = tuple(theme.value for theme in Theme)
