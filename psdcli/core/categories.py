"""The twelve national counter-corruption categories and the IOPC referral rule.

A category is the analyst's assessment and is kept beside the reporter's
themes, never in place of them. Police-perpetrated domestic abuse and
discriminatory conduct have no category of their own: they are recorded under
the nearest category with a free-form tag such as ``ppda`` or
``discrimination``.
"""

from __future__ import annotations

import os
import re

from psdcli.core.errors import ConfigError, UsageError

CATEGORIES: dict[str, str] = {
    "infiltration": "Infiltration",
    "disclosure-of-information": "Disclosure of information",
    "perverting-the-course-of-justice": "Perverting the course of justice",
    "sexual-misconduct": "Sexual misconduct, including abuse of position for a "
    "sexual purpose",
    "controlled-drugs": "Controlled drug use and supply",
    "theft-and-fraud": "Theft and fraud",
    "misuse-of-force-systems": "Misusing force systems",
    "abuse-of-authority": "Abuse of authority",
    "inappropriate-association": "Inappropriate association",
    "vulnerability": "Vulnerability",
    "assisting-offenders": "Committing, inciting, aiding or assisting an offender",
    "other": "Other",
}

# Matters that must be referred to the IOPC on the allegation as made: serious
# corruption (which includes abuse of position for a sexual purpose), serious
# sexual offences, serious assault, conduct aggravated by discrimination,
# offences carrying seven years or more, and death or serious injury.
IOPC_CATEGORIES = frozenset({"sexual-misconduct"})
DEFAULT_IOPC_TAGS = frozenset(
    {
        "serious-corruption",
        "abuse-of-position-sexual",
        "improper-emotional-relationship",
        "serious-sexual-offence",
        "serious-assault",
        "discrimination",
        "offence-7-years",
        "death-or-serious-injury",
    }
)

_TAG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def check_category(category: str) -> str:
    """Return a known category id, or raise UsageError listing them."""
    cleaned = category.strip().lower()
    if cleaned not in CATEGORIES:
        raise UsageError(
            f"unknown category {category!r}; use one of: {', '.join(CATEGORIES)}."
        )
    return cleaned


def check_tag(tag: str) -> str:
    """Return a tag in canonical form: lowercase letters, digits and hyphens."""
    cleaned = tag.strip().lower()
    if not _TAG.fullmatch(cleaned):
        raise UsageError(
            f"invalid tag {tag!r}; use 1-40 lowercase letters, digits and hyphens, "
            "for example ppda."
        )
    return cleaned


def iopc_tags() -> frozenset[str]:
    """Return the tags that require an IOPC decision; ``PSDCLI_IOPC_TAGS`` overrides."""
    configured = os.environ.get("PSDCLI_IOPC_TAGS")
    if configured is None:
        return DEFAULT_IOPC_TAGS
    try:
        return frozenset(check_tag(tag) for tag in configured.split(",") if tag.strip())
    except UsageError as error:
        raise ConfigError(
            f"PSDCLI_IOPC_TAGS={configured!r} is invalid: {error} Fix or unset it."
        ) from None


def iopc_decision_required(category: str | None, tags: set[str]) -> bool:
    """Return True when the category or a tag means an IOPC referral decision is due."""
    return category in IOPC_CATEGORIES or bool(tags & iopc_tags())
