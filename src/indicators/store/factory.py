"""Choose the store backend from configuration: a PostgreSQL URL, or a local folder.

The local Parquet store is the default. A shared PostgreSQL store is chosen by a connection
URL (``postgresql://user:password@host:5432/dbname``), either in the environment variable
``INDICATORS_DATABASE_URL`` or in Streamlit's secrets::

    [store]
    database_url = "postgresql://indicators:...@db.internal:5432/indicators"
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from indicators.paths import default_store_dir
from indicators.store.base import Store, StoreError, is_database_url
from indicators.store.local import LocalStore

DATABASE_URL_ENV = "INDICATORS_DATABASE_URL"


def _checked(url: object, where: str) -> str | None:
    if url is None or (isinstance(url, str) and not url.strip()):
        return None
    if not is_database_url(url):
        raise StoreError(f"{where} must be a postgresql:// URL")
    return str(url).strip()


def configured_database_url(secrets: Mapping[str, object] | None = None) -> str | None:
    """The configured database URL: ``$INDICATORS_DATABASE_URL``, else ``[store] database_url``
    in ``secrets`` (when given), else None (use the local store)."""
    from_env = _checked(os.environ.get(DATABASE_URL_ENV, "").strip(), DATABASE_URL_ENV)
    if from_env:
        return from_env
    return database_url_from_secrets(secrets) if secrets is not None else None


def database_url_from_secrets(secrets: Mapping[str, object]) -> str | None:
    """``[store] database_url`` from a secrets mapping (such as ``st.secrets``), or None.

    A missing secrets file, section or key means None; a value that is not a PostgreSQL URL
    is a :class:`StoreError`.
    """
    try:
        section = secrets.get("store")
    except FileNotFoundError:  # Streamlit raises this when there is no secrets.toml at all
        return None
    if not isinstance(section, Mapping):
        return None
    return _checked(section.get("database_url"), "[store] database_url in the secrets")


def open_store(location: str | Path | None = None) -> Store:
    """Open a store: a ``postgresql://`` URL opens the PostgreSQL store, anything else a
    local folder. Without a location: the configured database URL if any, else the local
    default store folder (``$INDICATORS_STORE`` or the user's data folder), unseeded."""
    if location is None:
        location = configured_database_url() or default_store_dir()
    if is_database_url(location):
        from indicators.store.postgres import PostgresStore  # psycopg only when it is used

        return PostgresStore(str(location))
    return LocalStore(location)
