"""Synthetic report content: people, narratives, reports and attachments.

Names are random combinations from ``sample_vocabulary``, phone numbers come
from Ofcom's drama ranges (07700 900000-900999 and 01632 960000-960999) and
e-mail addresses use the reserved example.org, example.com and example.net
domains. Output depends only on the ``random.Random`` passed in, because
timestamps are offsets from ``BASE_DATE`` and never read the clock.
"""

from __future__ import annotations

import copy
import json
import random
import struct
import unicodedata
import uuid
import zlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import sample_vocabulary as vocab

FORCE_IDS = vocab.FORCE_IDS
THEMES = vocab.THEMES
SAMPLE_FORCE = "west-mercia"

# Every timestamp is an offset from this instant, never from the clock.
BASE_DATE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
REFERENCE_YEAR = 2026


# --- Time ---------------------------------------------------------------------


def _last_sunday(year: int, month: int) -> datetime:
    first_of_next = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    last_day = first_of_next - timedelta(days=1)
    return last_day - timedelta(days=(last_day.weekday() + 1) % 7)


def to_uk_time(moment: datetime) -> datetime:
    """Convert an aware datetime to UK local time with a fixed offset.

    British Summer Time runs from 01:00 UTC on the last Sunday of March to
    01:00 UTC on the last Sunday of October. The rule is computed here so
    that the output does not depend on the host's time zone database.
    """
    utc = moment.astimezone(UTC)
    summer_start = _last_sunday(utc.year, 3).replace(hour=1)
    summer_end = _last_sunday(utc.year, 10).replace(hour=1)
    offset = timedelta(hours=1) if summer_start <= utc < summer_end else timedelta()
    return utc.astimezone(timezone(offset))


def format_timestamp(moment: datetime) -> str:
    """Format an aware datetime as RFC 3339 in UK local time, e.g. +01:00."""
    return to_uk_time(moment).isoformat(timespec="seconds")


def format_reference(number: int, year: int = REFERENCE_YEAR) -> str:
    return f"CS-{year}-{number:06d}"


def make_bundle_id(rng: random.Random) -> str:
    """Return a random (version 4) UUID drawn from ``rng``, so it is seeded."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- People -------------------------------------------------------------------


def make_person_name(rng: random.Random, gender: str | None = None) -> str:
    """Return an invented full name from a randomly chosen culture."""
    gender = gender or rng.choice(("male", "female"))
    cultures = list(vocab.NAME_CULTURES.values())
    culture = rng.choices(cultures, weights=[c["weight"] for c in cultures])[0]
    given_name = rng.choice(culture[gender])
    if "male_middle" in culture:
        middle = rng.choice(culture[f"{gender}_middle"])
        return f"{rng.choice(culture['family'])} {middle} {given_name}"

    family_names = list(culture.get("family", ())) + list(
        culture.get(f"{gender}_family", ())
    )
    return f"{given_name} {rng.choice(family_names)}"


def _fold_to_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(vocab.ASCII_FOLDING))
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == " "))


def make_email(rng: random.Random, name: str | None) -> str:
    """Return an address at example.org, example.com or example.net."""
    words = _fold_to_ascii(name or "").lower().split()
    domain = rng.choice(("example.org", "example.com", "example.net"))
    if len(words) < 2:
        return f"reporter{rng.randrange(100, 10000)}@{domain}"

    first, last = words[0], words[-1]
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first}{last}{rng.randrange(10, 100)}",
            f"{first[0]}.{last}",
        )
    )
    return f"{local}@{domain}"


def make_phone(rng: random.Random) -> str:
    """Return a number from Ofcom's ranges reserved for drama."""
    number = rng.randrange(1000)
    return rng.choice(
        (
            f"07700 900{number:03d}",
            f"+44 7700 900{number:03d}",
            f"01632 960{number:03d}",
        )
    )


def make_contact(rng: random.Random, name: str | None = None) -> dict[str, Any]:
    """Return reporter contact details with a phone number, an e-mail or both."""
    if name is None:
        roll = rng.random()
        if roll < 0.03:
            name = rng.choice(vocab.URDU_SCRIPT_NAMES)
        elif roll < 0.88:
            name = make_person_name(rng)

    means = rng.choice(("phone", "email", "both", "both"))
    phone = make_phone(rng) if means in ("phone", "both") else None
    email = make_email(rng, name) if means in ("email", "both") else None
    preferred = means if means != "both" else rng.choice(("phone", "email", None))
    notes = list(vocab.CONTACT_NOTES)
    if phone:
        notes += vocab.PHONE_NOTES
    if email:
        notes += vocab.EMAIL_NOTES
    return {
        "name": name,
        "phone": phone,
        "email": email,
        "preferred_method": preferred,
        "safe_to_contact_times": rng.choice(vocab.SAFE_TO_CONTACT_TIMES),
        "notes": rng.choice(notes),
    }


def make_subject(
    rng: random.Random,
    force: str,
    *,
    role: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Return one subject: an officer, member of staff, volunteer or unknown."""
    role = (
        role
        or rng.choices(
            ("officer", "staff", "volunteer", "unknown"), weights=(70, 18, 6, 6)
        )[0]
    )
    gender = (name and _gender_of(name)) or rng.choice(("male", "male", "female"))
    rank = None
    collar_number = None
    description_parts = []

    if role == "officer":
        ranks = vocab.OFFICER_RANKS
        rank = rng.choices([r[0] for r in ranks], weights=[r[2] for r in ranks])[0]
        if rng.random() < 0.8:
            collar_number = str(rng.randrange(1000, 10000))
    elif role == "volunteer":
        rank = rng.choice(vocab.VOLUNTEER_RANKS)[0]
        description_parts.append(rng.choice(vocab.VOLUNTEER_JOBS))
        if rng.random() < 0.6:
            collar_number = str(rng.randrange(1000, 10000))
    elif role == "staff":
        description_parts.append(rng.choice(vocab.STAFF_JOBS))

    if role == "unknown":
        description_parts.append(rng.choice(vocab.UNKNOWN_SUBJECT_DESCRIPTIONS))
    else:
        description_parts.insert(0, rng.choice(vocab.APPEARANCES[gender]))
        if name is None and rng.random() < 0.75:
            name = make_person_name(rng, gender)
    if rng.random() < 0.3:
        description_parts.append(rng.choice(vocab.VEHICLES))

    stations = vocab.STATIONS.get(force, ())
    station = rng.choice(stations) if stations and rng.random() < 0.85 else None
    description = "; ".join(description_parts)
    return {
        "name": name,
        "role": role,
        "force": force,
        "rank": rank,
        "collar_number": collar_number,
        "station": station,
        "description": _capitalise(description),
    }


def _pick_subject_force(rng: random.Random, recipient_force: str) -> str:
    roll = rng.random()
    if roll < 0.75:
        return recipient_force
    if roll < 0.95:
        return rng.choice(
            [f for f in FORCE_IDS if f not in (recipient_force, "unknown")]
        )
    return "unknown"


def _short_rank(rank: str) -> str | None:
    for full, short, *_ in (*vocab.OFFICER_RANKS, *vocab.VOLUNTEER_RANKS):
        if full == rank:
            return short
    return None


def describe_subject(subject: Mapping[str, Any]) -> tuple[str, str]:
    """Return how a narrative names the subject first, and then later.

    A named officer or volunteer is "PC Tudur" both times, and named staff go
    by their full name. An unnamed officer is "an officer based in Hereford"
    and then "the officer".
    """
    role = subject["role"]
    later = {
        "officer": "the officer",
        "staff": "the staff member",
        "volunteer": "the volunteer",
        "unknown": "the subject",
    }[role]
    name = subject["name"]
    station = subject["station"]
    if name:
        short_rank = _short_rank(subject["rank"]) if subject["rank"] else None
        if short_rank:
            label = f"{short_rank} {_family_name(name)}"
            return label, label
        return name, name

    first = {
        "officer": "an officer",
        "staff": "a member of police staff",
        "volunteer": "a police volunteer",
        "unknown": "someone claiming to be police",
    }[role]
    if station and role != "unknown":
        first = f"{first} based in {station}"
    return first, later


def _family_name(name: str) -> str:
    """Return the family name of a generated full name.

    Generated given names are one word, and Vietnamese names put the family
    name first. Family names such as "ap Hywel" or "Ní Chatháin" keep their
    particle.
    """
    words = name.split()
    if words[0] in vocab.NAME_CULTURES["vietnamese"]["family"] or len(words) == 1:
        return words[0]
    return " ".join(words[1:])


def _gender_of(name: str) -> str | None:
    """Return "male" or "female" when a word of ``name`` is a known given name."""
    words = set(name.split())
    for culture in vocab.NAME_CULTURES.values():
        for gender in ("male", "female"):
            if words & set(culture[gender]):
                return gender
    return None


# --- Reports ------------------------------------------------------------------


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _narrative_fields(
    rng: random.Random, subject: Mapping[str, Any], place: str
) -> dict[str, str]:
    first, later = describe_subject(subject)
    return {
        "subject": first,
        "subject_short": later,
        "place": place,
        "station": subject["station"] or place,
        "period": rng.choice(vocab.PERIODS),
        "amount": rng.choice(vocab.AMOUNTS),
        "associate": rng.choice(vocab.ASSOCIATES),
        "benefit": rng.choice(vocab.BENEFITS),
        "platform": rng.choice(vocab.PLATFORMS),
        "business": rng.choice(vocab.BUSINESSES),
        "side_business": rng.choice(vocab.SIDE_BUSINESSES),
        "item": rng.choice(vocab.SEIZED_ITEMS),
        "target": rng.choice(vocab.LOOKUP_TARGETS),
        "month": rng.choice(vocab.MONTHS),
        "vehicle": rng.choice(vocab.VEHICLES),
    }


def compose_narrative(
    rng: random.Random,
    themes: Sequence[str],
    subject: Mapping[str, Any],
    channel: str,
    place: str,
) -> str:
    """Compose a sanitised account of a report about ``subject``.

    The account has an opening, one paragraph per theme, up to two details and
    a closing line.
    """
    fields = _narrative_fields(rng, subject, place)
    opening = " ".join(
        (
            rng.choice(vocab.OPENINGS[channel]),
            rng.choice(vocab.SOURCES).format(**fields),
        )
    )
    paragraphs = [opening]
    for theme in themes:
        template = rng.choice(vocab.THEME_TEMPLATES[theme])
        paragraphs.append(_capitalise(template.format(**fields)))
        # Later paragraphs name the subject the short way.
        fields["subject"] = fields["subject_short"]

    detail_count = rng.randrange(0, 3)
    details = [d.format(**fields) for d in rng.sample(vocab.DETAILS, detail_count)]
    closing = rng.choice(vocab.CLOSINGS).format(**fields)
    tail = " ".join(part for part in (*details, closing) if part)
    if tail:
        paragraphs.append(tail)
    return "\n\n".join(paragraphs)


def _pick_themes(rng: random.Random) -> list[str]:
    themes = [rng.choice(THEMES)]
    if rng.random() < 0.15:
        themes.append(rng.choice([t for t in THEMES if t != themes[0]]))
    return themes


def _pick_circumstances(rng: random.Random, theme: str) -> tuple[str, str]:
    """Return plausible (on_duty, setting) values for the main theme."""
    if theme == "partner_abuse":
        on_duty = rng.choice(("off", "off", "off", "both", "unknown"))
        setting = rng.choice(("in_person", "in_person", "both", "online"))
    elif theme == "discrimination":
        on_duty = rng.choice(("on", "off", "both", "unknown"))
        setting = rng.choice(("online", "in_person", "both"))
    else:
        on_duty = rng.choice(("on", "on", "off", "both", "unknown"))
        setting = rng.choice(("in_person", "in_person", "online", "both", "unknown"))
    return on_duty, setting


def make_incident(
    rng: random.Random, received_at: datetime, place: str
) -> dict[str, str | None]:
    """Return incident dates before the report was received, and a location."""
    received = received_at.date()
    roll = rng.random()
    start: date | None = None
    end: date | None = None
    if roll < 0.8:
        start = received - timedelta(days=rng.randrange(1, 400))
    if roll < 0.6 and start is not None:
        end = min(received, start + timedelta(days=rng.randrange(0, 120)))

    location = None
    if rng.random() < 0.75:
        location = rng.choice(vocab.LOCATIONS).format(place=place)
    return {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "location": location,
    }


def make_persons_at_risk(
    rng: random.Random, theme: str, immediate_danger: bool | None = None
) -> list[dict[str, Any]]:
    """Return the people at risk for a report whose main theme is ``theme``.

    ``immediate_danger=True`` forces at least one person in immediate danger.
    With None, partner abuse reports are in immediate danger about a third of
    the time and others rarely.
    """
    candidates = vocab.PERSONS_AT_RISK[theme]
    if immediate_danger and not candidates:
        candidates = (("The reporter, who fears reprisals", "reporter"),)
    chance = 0.9 if theme == "partner_abuse" else 0.35
    if immediate_danger:
        chance = 1.0
    if not candidates or rng.random() >= chance:
        return []

    count = 1 if len(candidates) == 1 or rng.random() < 0.7 else 2
    persons = []
    for description, relationship in rng.sample(candidates, count):
        if immediate_danger is None:
            danger = rng.random() < (0.35 if theme == "partner_abuse" else 0.05)
        else:
            danger = immediate_danger
        persons.append(
            {
                "description": description,
                "relationship": relationship,
                "immediate_danger": danger,
            }
        )
    return persons


def make_report(
    rng: random.Random,
    reference: str,
    *,
    received_at: datetime | None = None,
    recipient_force: str = SAMPLE_FORCE,
    themes: Sequence[str] | None = None,
    anonymous: bool | None = None,
    channel: str | None = None,
    subject_force: str | None = None,
    subject_role: str | None = None,
    subject_name: str | None = None,
    reporter_name: str | None = None,
    immediate_danger: bool | None = None,
    attachments: Sequence[str] = (),
) -> dict[str, Any]:
    """Return a valid synthetic report for ``recipient_force``.

    Every keyword left as None is drawn from ``rng``. ``received_at`` defaults
    to a moment in the year before ``BASE_DATE``. ``attachments`` are archive
    paths that the caller adds to the bundle.
    """
    if received_at is None:
        received_at = BASE_DATE - timedelta(seconds=rng.randrange(365 * 86400))
    themes = list(themes) if themes else _pick_themes(rng)
    if anonymous is None:
        anonymous = rng.random() < 0.55
    channel = channel or rng.choice(("online", "online", "online", "phone", "phone"))

    subject_force = subject_force or _pick_subject_force(rng, recipient_force)
    subjects = [make_subject(rng, subject_force, role=subject_role, name=subject_name)]
    if rng.random() < 0.12:
        subjects.append(make_subject(rng, subject_force, role="unknown"))

    places = vocab.STATIONS.get(subject_force) or vocab.STATIONS[recipient_force]
    place = subjects[0]["station"] or rng.choice(places)
    on_duty, setting = _pick_circumstances(rng, themes[0])
    incident = make_incident(rng, received_at, place)
    persons_at_risk = make_persons_at_risk(rng, themes[0], immediate_danger)
    narrative = compose_narrative(rng, themes, subjects[0], channel, place)
    contact = None if anonymous else make_contact(rng, reporter_name)

    return {
        "reference": reference,
        "revision": 1,
        "received_at": format_timestamp(received_at),
        "channel": channel,
        "anonymous": anonymous,
        "contact": contact,
        "themes": themes,
        "subjects": subjects,
        "on_duty": on_duty,
        "setting": setting,
        "incident": incident,
        "narrative": narrative,
        "persons_at_risk": persons_at_risk,
        "follow_up_to": None,
        "attachments": list(attachments),
    }


def make_follow_up(
    rng: random.Random,
    reference: str,
    original: Mapping[str, Any],
    *,
    received_at: datetime,
    attachments: Sequence[str] = (),
) -> dict[str, Any]:
    """Return a reporter's reply to questions about ``original``.

    The reply keeps the original's themes, subjects and contact details and
    sets ``follow_up_to`` to the original's reference.
    """
    subject = original["subjects"][0]
    place = subject["station"] or rng.choice(vocab.STATIONS[SAMPLE_FORCE])
    fields = _narrative_fields(rng, subject, place)
    fields["original"] = original["reference"]
    answers = rng.sample(vocab.FOLLOW_UP_ANSWERS, rng.randrange(2, 4))
    narrative = " ".join(
        (
            rng.choice(vocab.FOLLOW_UP_OPENINGS).format(**fields),
            *(answer.format(**fields) for answer in answers),
        )
    )
    return {
        **copy.deepcopy(dict(original)),
        "reference": reference,
        "revision": 1,
        "received_at": format_timestamp(received_at),
        "narrative": narrative,
        "persons_at_risk": [],
        "follow_up_to": original["reference"],
        "attachments": list(attachments),
    }


def make_revision(
    original: Mapping[str, Any], *, incident: Mapping[str, Any], correction: str
) -> dict[str, Any]:
    """Return the next revision of ``original`` with corrected incident details.

    The reference and ``received_at`` stay the same, because a revision
    corrects the same report. Attachments are not carried over.
    """
    revised = copy.deepcopy(dict(original))
    revised["revision"] = original["revision"] + 1
    revised["incident"] = dict(incident)
    revised["narrative"] = f"{original['narrative']}\n\nCorrection: {correction}"
    # Attachment paths point into the bundle that carries the report, and a
    # correction does not resend the earlier files.
    revised["attachments"] = []
    return revised


# --- Attachments --------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def make_png(rng: random.Random, width: int = 48, height: int = 32) -> bytes:
    """Return a small valid greyscale PNG that looks like a redacted message.

    The image has light grey "text" lines and one black redaction bar.
    """
    bar_row = rng.randrange(4, height - 8)
    rows = []
    for y in range(height):
        line_length = rng.randrange(width // 2, width - 2) if y % 4 == 1 else 0
        row = bytearray()
        for x in range(width):
            if bar_row <= y < bar_row + 5 and 3 <= x < width - 3:
                row.append(0)
            elif 2 <= x < line_length:
                row.append(150)
            else:
                row.append(235)
        # Filter type 0 (None) starts each scanline.
        rows.append(b"\x00" + bytes(row))

    # Bit depth 8, colour type 0 (greyscale), default compression and filter,
    # no interlace.
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9)),
            _png_chunk(b"IEND", b""),
        )
    )


def make_text_note(report: Mapping[str, Any]) -> bytes:
    """Return a plain-text note in the reporter's words for ``report``."""
    first, _ = describe_subject(report["subjects"][0])
    if report["channel"] == "online":
        origin = "Note typed by the reporter and uploaded with the online form."
    else:
        origin = "Note the reporter sent to the reporting line after the call."
    lines = [
        origin,
        "",
        f"It is about {first}.",
        "I wrote down the dates as they happened so I would not forget them.",
        "[Names of other people removed by the reporting line.]",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_message_log(rng: random.Random, received_at: str) -> bytes:
    """Return a JSON list of message times, as a reporter might export them."""
    end = datetime.fromisoformat(received_at)
    entries = []
    for _ in range(rng.randrange(3, 7)):
        sent = end - timedelta(minutes=rng.randrange(60, 60 * 24 * 40))
        entries.append(
            {
                "sent_at": format_timestamp(sent),
                "direction": rng.choice(("received", "received", "sent")),
                "summary": rng.choice(
                    (
                        "asks to meet",
                        "message deleted by sender",
                        "photo (removed by the reporting line)",
                        "asks who the reporter has spoken to",
                    )
                ),
            }
        )
    entries.sort(key=lambda entry: entry["sent_at"])
    return (json.dumps(entries, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
