"""Where the embedded data and the default store live."""

from __future__ import annotations

import os
from pathlib import Path


def embedded_data_dir() -> Path:
    """The project's own data folder: packaged copy in a wheel, else ``data/`` in the checkout."""
    override = os.environ.get("INDICATORS_DATA_DIR")
    if override:
        return Path(override)
    packaged = Path(__file__).resolve().parent / "_embedded"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def default_store_dir() -> Path:
    """The default store: ``$INDICATORS_STORE``, else the user's data folder."""
    override = os.environ.get("INDICATORS_STORE")
    if override:
        return Path(override)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "press-freedom-indicators" / "store"
