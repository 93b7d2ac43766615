"""Named column-mapping profiles, so next month's file maps itself.

A profile is a kind of file plus a mapping from canonical field to column name, stored as JSON
in the store folder (``profiles/<name>.json``), written atomically. Names are restricted to
letters, digits, spaces, dots, dashes and underscores.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from indicators.i18n import msg
from indicators.store.atomic import atomic_write

_NAME = re.compile(r"^[\w .-]{1,60}$")


@dataclass(frozen=True)
class Profile:
    """A saved mapping."""

    name: str
    kind: str
    mapping: dict[str, str]
    country: str | None = None
    source_name: str | None = None


def _folder(store_root: Path) -> Path:
    return store_root / "profiles"


def _path(store_root: Path, name: str) -> Path:
    if not _NAME.match(name) or name.strip(" .") != name.strip():
        raise ValueError(
            msg("a profile name may use letters, digits, spaces, '.', '-' and '_' (at most 60)")
        )
    return _folder(store_root) / f"{name.strip()}.json"


def save_profile(store_root: Path, profile: Profile) -> Path:
    """Write a profile atomically; an existing one of that name is replaced."""
    path = _path(store_root, profile.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(profile.__dict__, ensure_ascii=False, indent=1).encode()
    atomic_write(path, data)
    return path


def load_profiles(store_root: Path) -> dict[str, Profile]:
    """Every saved profile by name (unreadable files are skipped)."""
    out: dict[str, Profile] = {}
    folder = _folder(store_root)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            out[raw["name"]] = Profile(
                raw["name"],
                raw["kind"],
                dict(raw["mapping"]),
                raw.get("country"),
                raw.get("source_name"),
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out
