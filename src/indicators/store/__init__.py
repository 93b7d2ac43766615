"""Versioned stores of canonical tables (local Parquet by default).

The names below are loaded when first used, so a module that needs only a small part of the
store (``store.atomic``, ``store.locks``: the server's sign-in route) does not load pandas, pyarrow
and the whole local store before the server listens.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indicators.store.base import Damage, FileRecord, StaleVersion, Store, StoreError, Version
    from indicators.store.local import LocalStore

_WHERE = {
    "Damage": "indicators.store.base",
    "FileRecord": "indicators.store.base",
    "StaleVersion": "indicators.store.base",
    "Store": "indicators.store.base",
    "StoreError": "indicators.store.base",
    "Version": "indicators.store.base",
    "LocalStore": "indicators.store.local",
}

__all__ = ["Damage", "FileRecord", "LocalStore", "StaleVersion", "Store", "StoreError", "Version"]


def __getattr__(name: str) -> object:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'indicators.store' has no attribute {name!r}")
