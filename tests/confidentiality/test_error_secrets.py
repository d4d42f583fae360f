"""Unexpected errors show only the exception type, and debug tracebacks no locals.

The real program runs in a subprocess. A small driver patches one function
of the core before psdcli starts, to raise where reporter details are in
local variables or in the exception's message.
"""

from __future__ import annotations

import json

import pyrage
import pytest

from tests.bundles import SAMPLE_KEY, SAMPLE_RECIPIENT
from tests.confidentiality.conftest import Cli, audit_events, execute, query
from tests.confidentiality.leak_scan import (
    SAMPLE_BUNDLE_DIR,
    Scanner,
    contact_values,
    describe,
    sample_reports,
)

CASE = "CS-2026-004552"
REASON = "Arrange a call back"

# Decrypts the contact, then fails with a message that quotes it.
QUOTING_DRIVER = """
import psdcli.core.reveal as reveal
real_unseal = reveal.unseal

def unseal_then_fail(blob, identities):
    plaintext = real_unseal(blob, identities)
    raise ValueError("cannot use " + plaintext.decode())

reveal.unseal = unseal_then_fail
from psdcli.__main__ import main
main()
"""

# Fails after decryption with a plain message, while reveal_contact's local
# variables hold the decrypted contact details.
LOCALS_DRIVER = """
import psdcli.core.reveal as reveal

def failing_record_event(session, **fields):
    raise RuntimeError("the audit store is unavailable")

reveal.record_event = failing_record_event
from psdcli.__main__ import main
main()
"""


@pytest.fixture
def imported(cli: Cli) -> Cli:
    """A data folder holding the sample bundles, sealed to the sample key."""
    cli.run("init")
    cli.run("import", "-i", SAMPLE_KEY, SAMPLE_BUNDLE_DIR)
    return cli


def reveal_args() -> tuple[str, ...]:
    """Return the arguments of a reveal that would succeed."""
    return ("reporter", "show", CASE, "--reason", REASON, "-i", str(SAMPLE_KEY))


def contact_scanner() -> Scanner:
    """Return a scanner for the contact values of ``CASE``."""
    return Scanner(contact_values([sample_reports()[CASE]]))


def test_unexpected_error_shows_only_type(imported: Cli) -> None:
    result = imported.run(*reveal_args(), expect=1, driver=QUOTING_DRIVER)

    assert "unexpected internal error (ValueError)" in result.err
    assert "PSDCLI_DEBUG=1" in result.err
    assert "Traceback" not in result.err
    assert "cannot use" not in result.err
    leaks = contact_scanner().in_output("stdout", result.stdout)
    leaks += contact_scanner().in_output("stderr", result.stderr)
    assert not leaks, describe(leaks)
    assert audit_events(imported.db, "reporter.show") == []


def test_debug_traceback_shows_no_locals(imported: Cli) -> None:
    result = imported.run(
        *reveal_args(),
        expect=1,
        driver=LOCALS_DRIVER,
        env={"PSDCLI_DEBUG": "1"},
    )

    assert "Traceback" in result.err
    assert "RuntimeError: the audit store is unavailable" in result.err
    assert "reveal_contact" in result.err
    leaks = contact_scanner().in_output("stdout", result.stdout)
    leaks += contact_scanner().in_output("stderr", result.stderr)
    assert not leaks, describe(leaks)
    assert audit_events(imported.db, "reporter.show") == []


def corrupt_contact(cli: Cli, values: list[str]) -> None:
    """Seal contact details that are not valid JSON into the row of ``CASE``."""
    broken = json.dumps({"name": values[0]}, ensure_ascii=False)[:-1]
    broken += ', "email": "' + values[1] + '" "phone": '
    sealed = pyrage.encrypt(
        broken.encode(), [pyrage.x25519.Recipient.from_str(SAMPLE_RECIPIENT)]
    )
    (row,) = query(
        cli.db,
        'SELECT r.id FROM report_revision r JOIN "case" c ON c.id = r.case_id '
        "WHERE c.reference = ?",
        CASE,
    )
    execute(
        cli.db,
        "UPDATE report_revision SET contact_sealed = ? WHERE id = ?",
        sealed,
        row[0],
    )


@pytest.mark.parametrize("debug", [False, True], ids=["default", "psdcli-debug"])
def test_undecodable_contact_error_has_no_values(imported: Cli, debug: bool) -> None:
    values = ["Ffion ferch Hywel-Okafor", "ffion.okafor@example.net"]
    corrupt_contact(imported, values)
    env = {"PSDCLI_DEBUG": "1"} if debug else {}

    result = imported.run(*reveal_args(), expect=1, env=env)

    # A damaged sealed value is an expected error, with or without debug.
    assert "sealed contact details of case" in result.err
    assert "are damaged" in result.err
    assert "Traceback" not in result.err
    scanner = Scanner(values)
    leaks = scanner.in_output("stdout", result.stdout)
    leaks += scanner.in_output("stderr", result.stderr)
    assert not leaks, describe(leaks)
    assert audit_events(imported.db, "reporter.show") == []
