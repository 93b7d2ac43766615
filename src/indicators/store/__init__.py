"""Versioned stores of canonical tables (local Parquet by default)."""

from indicators.store.base import Damage, FileRecord, StaleVersion, Store, StoreError, Version
from indicators.store.local import LocalStore

__all__ = ["Damage", "FileRecord", "LocalStore", "StaleVersion", "Store", "StoreError", "Version"]
