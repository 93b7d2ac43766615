"""The data version a brief or an export is made from: the store version and its date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indicators.i18n import _, format_date, language
from indicators.store import Store


@dataclass(frozen=True)
class DataVersion:
    """The store version a brief was made from: its number and the date it was stored."""

    number: int | None
    stored: str  # YYYY-MM-DD, '' when unknown

    @property
    def line(self) -> str:
        """'Data version 3 (stored 2026-12-01)'."""
        if self.number is None:
            return _("Data version: empty store")
        if not self.stored:
            return _("Data version {number}").format(number=self.number)
        when = self.stored if language() == "en" else format_date(date.fromisoformat(self.stored))
        return _("Data version {number} (stored {date})").format(number=self.number, date=when)


def data_version(store: Store, number: int | None = None) -> DataVersion:
    """The store's current version (or ``number``) with the date of its commit."""
    head = store.head() if number is None else number
    if head is None:
        return DataVersion(None, "")
    return DataVersion(int(head), str(store.version(int(head)).created_at)[:10])
