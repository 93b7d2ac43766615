"""Named mapping profiles: saved atomically, read back, names checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.accounts.profiles import Profile, load_profiles, save_profile


def test_round_trip(tmp_path: Path) -> None:
    """A saved profile is read back with its mapping, kind and defaults."""
    save_profile(
        tmp_path, Profile("Monthly KZ", "incidents", {"date": "Дата", "place": "Город"}, "KAZ")
    )
    got = load_profiles(tmp_path)["Monthly KZ"]
    assert (got.kind, got.mapping["date"], got.country) == ("incidents", "Дата", "KAZ")


@pytest.mark.parametrize("name", ["../evil", "", "a/b", "x" * 61])
def test_bad_names_refused(tmp_path: Path, name: str) -> None:
    """Path-like or empty profile names are refused."""
    with pytest.raises(ValueError):
        save_profile(tmp_path, Profile(name, "rankings", {}))
