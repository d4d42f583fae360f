"""Entry point of the ``psdcli`` command."""

from __future__ import annotations

import os


def main() -> None:
    """Run the command line with a private file-creation mask."""
    # Every file psdcli creates (database, kept bundles, exports, spilled
    # temporary files) must be private; a mask of 077 makes that the default
    # even where a library creates the file.
    os.umask(0o077)
    from psdcli.cli.app import app

    app(prog_name="psdcli")


if __name__ == "__main__":
    main()
