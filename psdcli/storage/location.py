"""Where the database and kept bundle files live."""

from __future__ import annotations

import os
from pathlib import Path

from psdcli.core.errors import ConfigError

APP_NAME = "psdcli"
DB_FILE_NAME = "psdcli.db"


def data_dir() -> Path:
    """Return ``PSDCLI_DATA_DIR`` or else the platform's user data folder."""
    override = os.environ.get("PSDCLI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents with mode 0700.

    An existing folder is left as it is, but one that other users can read or
    write is rejected, because the database and kept bundles live in it.
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"cannot create the data folder {path}: {error.strerror}; "
            "set PSDCLI_DATA_DIR or --db to a writable location."
        ) from None
    if not path.is_dir():
        raise ConfigError(f"{path} exists but is not a folder; choose another path.")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(
            f"the folder {path} is readable by other users (mode {mode:o}); "
            f"run `chmod 700 {path}` and try again."
        )
    return path


def database_url(db_option: str | None) -> str:
    """Return the SQLAlchemy URL for ``--db``, ``PSDCLI_DB`` or the default file.

    A value containing ``://`` is taken as a URL; anything else is a file path.
    """
    value = db_option or os.environ.get("PSDCLI_DB")
    if not value:
        return sqlite_url(data_dir() / DB_FILE_NAME)
    if "://" in value:
        return value
    return sqlite_url(Path(value).expanduser())


def sqlite_url(path: Path) -> str:
    """Return the URL of an SQLite database file."""
    return f"sqlite:///{path.resolve()}"


def sqlite_path(url: str) -> Path | None:
    """Return the file of an SQLite URL, or None for other databases."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise ConfigError(
            f"the database URL {url!r} names no file; give a file path with --db."
        )
    return Path(parsed.database)


def bundle_store_dir(url: str) -> Path:
    """Return the folder that keeps imported bundle files.

    An SQLite database keeps them in a folder beside its file, so that the
    database and the files that prove its imports move together. Other
    databases use ``bundles`` in the data folder.
    """
    path = sqlite_path(url)
    if path is None:
        return data_dir() / "bundles"
    return path.parent / f"{path.stem}-bundles"
