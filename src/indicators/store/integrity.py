"""Checking a store's history: manifest digests, the chain of manifests, damaged objects.

Every manifest records the digest of its parent's manifest (``parent_digest``) and the head
pointer records the digest of the current one (``HEAD`` holds ``"7 <sha256>"``; PostgreSQL
keeps it in the ``head`` row). So every manifest but the current one is vouched for by the
manifest after it, and the current one by the head: an edited or truncated manifest anywhere
in the history is found. A digest is the SHA-256 of the manifest's canonical JSON (keys
sorted, no spaces), so it is the same whether the manifest is a file or a ``jsonb`` row.

Stores written before manifests were chained hold manifests without ``parent_digest`` and a
bare number in ``HEAD``: they still open; their manifests are reported as *legacy* (nothing
records their digest) rather than as damaged.

Pure: the backends read the bytes and hand them over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from indicators.store.base import Damage, Version, VersionState

# What a backend found for one version's manifest: the parsed JSON object, or why not.
Raw = dict[str, Any] | str


def manifest_digest(raw: Mapping[str, Any]) -> str:
    """The digest of a manifest: SHA-256 of its canonical JSON (the same on both backends)."""
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_manifest(number: int, raw: object) -> Version:
    """A manifest's JSON object as a version; ValueError saying why it is not one."""
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    try:
        version = Version.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"a field is missing or wrong ({exc})") from exc
    if version.number != number:
        raise ValueError(f"it names version {version.number}")
    if not isinstance(version.tables, dict) or not all(
        isinstance(e, dict) and isinstance(e.get("object"), str) for e in version.tables.values()
    ):
        raise ValueError("a table names no object")
    if not isinstance(version.files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in version.files
    ):
        raise ValueError("its list of files is not one")
    if not isinstance(version.changes, dict) or not all(
        isinstance(c, dict) for c in version.changes.values()
    ):
        raise ValueError("its changes are not counts")
    if not all(isinstance(x, str) for x in (version.user, version.message, version.created_at)):
        raise ValueError("who, when or why is not text")
    return version


def head_text(number: int, digest: str) -> str:
    """What the local store's HEAD file holds: the version number and its manifest's digest."""
    return f"{number} {digest}\n"


def parse_head(text: str) -> tuple[int, str | None] | None:
    """HEAD's version number and digest (None for a legacy HEAD); None if HEAD is damaged."""
    parts = text.split()
    if len(parts) not in (1, 2) or not parts[0].isascii() or not parts[0].isdigit():
        return None
    digest = parts[1] if len(parts) == 2 else None
    if digest is not None and (len(digest) != 64 or not _is_hex(digest)):
        return None
    number = int(parts[0])
    return (number, digest) if number >= 1 else None


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def check_history(
    head: int | None, head_digest: str | None, raws: Mapping[int, Raw]
) -> list[VersionState]:
    """Each version 1..head with its manifest's state, from the manifests the backend read.

    A manifest is damaged when it cannot be read, is not a manifest of its version, or its
    digest is not the one recorded by the manifest after it (by the head, for the current
    one). A digest recorded by nothing (legacy manifests) or by a manifest that is itself
    unreadable cannot be checked: the manifest is taken as it is.
    """
    states: list[VersionState] = []
    for number in range(1, (head or 0) + 1):
        raw = raws.get(number, "missing")
        if isinstance(raw, str):
            states.append(VersionState(number, None, raw))
            continue
        try:
            version = parse_manifest(number, raw)
        except ValueError as exc:
            states.append(VersionState(number, None, f"damaged ({exc})"))
            continue
        expected, by = _recorded_digest(number, head, head_digest, raws)
        problem = None
        if expected is not None and expected != manifest_digest(raw):
            problem = f"edited or damaged (its digest is not the one {by} records)"
        elif version.parent != (number - 1 or None):
            problem = f"damaged (it names version {version.parent} as its parent)"
        states.append(VersionState(number, None if problem else version, problem))
    return states


def _recorded_digest(
    number: int, head: int | None, head_digest: str | None, raws: Mapping[int, Raw]
) -> tuple[str | None, str]:
    if number == head:
        return head_digest, "HEAD"
    child = raws.get(number + 1)
    if isinstance(child, dict) and isinstance(child.get("parent_digest"), str):
        return child["parent_digest"], f"version {number + 1}"
    return None, ""


def find_damage(states: list[VersionState], checksums: Mapping[str, str]) -> list[Damage]:
    """Every damaged manifest, and every object of a readable manifest that is missing or
    fails its checksum, for every version (current version first).

    ``checksums`` maps each object id the backend found to the SHA-256 of its stored bytes;
    an id absent from it is missing.
    """
    damage: list[Damage] = []
    for state in reversed(states):
        if state.problem is not None:
            damage.append(Damage("manifest", "", state.problem, state.number))
        if state.version is None:
            continue
        for name, entry in state.version.tables.items():
            wanted = entry["object"]
            if wanted not in checksums:
                damage.append(Damage(name, wanted, "missing", state.number))
            elif checksums[wanted] != wanted:
                damage.append(Damage(name, wanted, "checksum mismatch", state.number))
    return damage


def object_ids(states: list[VersionState]) -> set[str]:
    """Every object id a readable manifest names."""
    return {
        entry["object"]
        for state in states
        if state.version is not None
        for entry in state.version.tables.values()
    }
