"""Where configuration and the cache live by default (platformdirs), and the demo cache."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from noc_console import APP_ID
from noc_console.models.errors import StoreError


def default_config_path() -> Path:
    return user_config_path(APP_ID, appauthor=False) / "config.toml"


def data_folder() -> Path:
    """The user's data folder (the cache, a team console's desk spool)."""
    return user_data_path(APP_ID, appauthor=False)


def default_cache_url() -> str:
    """The cache in the user's data folder, created for its owner only (0700)."""
    folder = data_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the data folder {folder}: {exc.strerror}; fix its permissions "
            "or choose another cache with --db sqlite:///PATH"
        ) from exc
    return f"sqlite:///{folder / 'cache.sqlite3'}"


def demo_cache_url() -> str:
    """A throwaway cache for the demo feed, removed at exit.

    The demo is a simulation that starts afresh every run; keeping it apart means it
    never mixes with, or lingers in, the cache of real connectors.
    """
    folder = Path(tempfile.mkdtemp(prefix="noc-console-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return f"sqlite:///{folder / 'demo.sqlite3'}"


def secrets_file() -> Path:
    """Where secrets go only if the config opts into plain text (services/secrets.py)."""
    return user_config_path(APP_ID, appauthor=False) / "secrets.json"
