"""Police force ids and display names.

The ids of the 43 territorial forces of England and Wales and of the Police
Service of Northern Ireland are the lowercase ids of the public police data
API (data.police.uk ``/api/forces``). That API has no ids for Police Scotland
and the three national special forces, so psdcli adds ``police-scotland``,
``btp``, ``mod-police`` and ``cnc``, plus ``unknown`` for a force that the
reporter could not name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from psdcli.core.errors import UsageError

UNKNOWN_FORCE = "unknown"

FORCE_NAMES: dict[str, str] = {
    "avon-and-somerset": "Avon and Somerset Constabulary",
    "bedfordshire": "Bedfordshire Police",
    "cambridgeshire": "Cambridgeshire Constabulary",
    "cheshire": "Cheshire Constabulary",
    "city-of-london": "City of London Police",
    "cleveland": "Cleveland Police",
    "cumbria": "Cumbria Constabulary",
    "derbyshire": "Derbyshire Constabulary",
    "devon-and-cornwall": "Devon & Cornwall Police",
    "dorset": "Dorset Police",
    "durham": "Durham Constabulary",
    "dyfed-powys": "Dyfed-Powys Police",
    "essex": "Essex Police",
    "gloucestershire": "Gloucestershire Constabulary",
    "greater-manchester": "Greater Manchester Police",
    "gwent": "Gwent Police",
    "hampshire": "Hampshire and Isle of Wight Constabulary",
    "hertfordshire": "Hertfordshire Constabulary",
    "humberside": "Humberside Police",
    "kent": "Kent Police",
    "lancashire": "Lancashire Constabulary",
    "leicestershire": "Leicestershire Police",
    "lincolnshire": "Lincolnshire Police",
    "merseyside": "Merseyside Police",
    "metropolitan": "Metropolitan Police Service",
    "norfolk": "Norfolk Constabulary",
    "north-wales": "North Wales Police",
    "north-yorkshire": "North Yorkshire Police",
    "northamptonshire": "Northamptonshire Police",
    "northumbria": "Northumbria Police",
    "nottinghamshire": "Nottinghamshire Police",
    "south-wales": "South Wales Police",
    "south-yorkshire": "South Yorkshire Police",
    "staffordshire": "Staffordshire Police",
    "suffolk": "Suffolk Constabulary",
    "surrey": "Surrey Police",
    "sussex": "Sussex Police",
    "thames-valley": "Thames Valley Police",
    "warwickshire": "Warwickshire Police",
    "west-mercia": "West Mercia Police",
    "west-midlands": "West Midlands Police",
    "west-yorkshire": "West Yorkshire Police",
    "wiltshire": "Wiltshire Police",
    "northern-ireland": "Police Service of Northern Ireland",
    "police-scotland": "Police Scotland",
    "btp": "British Transport Police",
    "mod-police": "Ministry of Defence Police",
    "cnc": "Civil Nuclear Constabulary",
    UNKNOWN_FORCE: "Unknown force",
}

FORCE_IDS: tuple[str, ...] = tuple(FORCE_NAMES)

# Longer values are cut in messages: a force id is short, so anything longer
# is probably free text that does not belong in an error line.
_MAX_SHOWN_CHARS = 40
# Shorter fragments ("a", "po") are contained in too many names to help.
_MIN_CONTAINED_CHARS = 3


class UnknownForceError(UsageError, ValueError):
    """A value is not one of the known force ids.

    It is a ``UsageError`` for command-line options and a ``ValueError`` so that
    pydantic validators turn it into a validation error.
    """


@dataclass(frozen=True)
class Force:
    """A police force: its id and its display name."""

    id: str
    name: str


def lookup_force(force_id: str) -> Force:
    """Return the force with this id, or raise UnknownForceError with near matches.

    Ids are case-sensitive, as in the police data API, but the suggestions
    also match names and ids in other cases (``West Mercia`` suggests
    ``west-mercia``).
    """
    name = FORCE_NAMES.get(force_id)
    if name is not None:
        return Force(force_id, name)
    raise UnknownForceError(_describe_unknown(force_id))


def check_force_id(force_id: str) -> str:
    """Return ``force_id`` unchanged if it is known, else raise UnknownForceError."""
    return lookup_force(force_id).id


def force_name(force_id: str) -> str:
    """Return the display name of a force id, or raise UnknownForceError."""
    return lookup_force(force_id).name


def suggest_force_ids(value: str, limit: int = 3) -> list[str]:
    """Return up to ``limit`` force ids that look like ``value``, best first.

    A value that matches an id or name apart from case and punctuation
    suggests that force alone. Otherwise ids and names that contain the value
    come first (``met`` suggests ``metropolitan``), then close spellings
    found by difflib.
    """
    requested = _normalise(value)
    if not requested:
        return []
    keys = {_normalise(id_): id_ for id_ in FORCE_IDS}
    keys |= {_normalise(name): id_ for id_, name in FORCE_NAMES.items()}
    if requested in keys:
        return [keys[requested]]
    containing = []
    if len(requested) >= _MIN_CONTAINED_CHARS:
        containing = [key for key in keys if requested in key or key in requested]
    close = difflib.get_close_matches(requested, keys, n=limit * 2)
    suggestions: list[str] = []
    for key in containing + close:
        force_id = keys[key]
        if force_id not in suggestions:
            suggestions.append(force_id)
    return suggestions[:limit]


def _normalise(value: str) -> str:
    words = re.split(r"[^a-z0-9]+", value.lower().replace("&", "and"))
    return "-".join(word for word in words if word)


def _describe_unknown(value: str) -> str:
    shortened = (
        value if len(value) <= _MAX_SHOWN_CHARS else value[:_MAX_SHOWN_CHARS] + "…"
    )
    message = f"unknown force id {shortened!r}"
    suggestions = suggest_force_ids(value[:100])
    if suggestions:
        return f"{message}; did you mean {' or '.join(suggestions)}?"
    return f"{message}; use a lowercase id such as west-mercia or metropolitan"
