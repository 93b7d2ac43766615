"""CPJ's "journalists killed" CSV export (cpj.org/data), in its two known layouts.

One row is one killing; each becomes one canonical incident of type ``killing``. Every
canonical rule (dates, places, vocabularies, provenance, validation) is applied by
:func:`build_incidents` in lenient mode: CPJ's records are a publisher's, not ours to correct.

Quirks of the format, all handled here:

* Two layouts. The original export (1992-2020) has 43 columns and every non-empty field
  double-quoted. The Google Sheets re-export (1992-2022) is minimally quoted, drops
  ``photoUrl``/``photoCredit`` and appends a computed ``Type of journalist`` column
  (``=IF(type="Journalist", employedAs, type)``), which is not used.
* The re-export ends with junk rows that are blank except ``gender`` (1585, 1586): rows
  without name, year and country are left out, counted in ``rows_rejected`` and listed in
  the notes.
* The only date is ``year``: dates have year precision.
* ``N/A`` is a literal value (``motiveConfirmed`` for every media worker, ``typeOfDeath``
  for many); it is read as missing.
* Some ``fullName`` values have a leading space (the Sheets round trip removed it).
* Multi-valued fields (``organizations``, ``sourcesOfFire``) are comma-joined in one cell
  and kept as written.
* ``country`` is CPJ's own English name, resolved by :func:`indicators.sources.countries.resolve_labels`
  like every other source's: "Republic of Congo" and "Yugoslavia" are in
  ``data/countries/cpj.csv``. CPJ's combined "Israel and the Occupied Palestinian Territory"
  covers killings in Gaza and the West Bank and, from October 2023, in Israel: its country is
  read from ``location`` (``data/countries/row_dependent/places.csv``). A row whose place is
  missing or not listed, and any unknown name, is an error naming the row and the fix.
* ``type`` is Journalist or Media Worker (target types journalist / media worker);
  ``employedAs`` (Staff / Freelance) is only used when ``type`` is empty.
* The 2020 and 2022 exports describe the same killings, sometimes with edited fields
  (organizations, typeOfDeath, a place spelling). The incident id therefore depends only on
  the folded name, the year and the country, so ingesting both files updates rather than
  duplicates. Two killings in 2006 Iraq share a name with another ("Maher", "Unidentified");
  the second of a pair gets its occurrence number in the key (both files list them in the
  same order). A name re-spelled between exports makes a new id (one case: Lasantha
  Wickramatunga / Wickrematunge, 2009).
* ``status`` is Killed in every row; it is the incident type as written (-> killing).
* Imprisonment columns (charges, sentence ...) are empty: CPJ uses one schema for both lists.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from indicators.i18n import N_
from indicators.paths import embedded_data_dir
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, missing_columns_problem
from indicators.sources.countries import Resolved, name_key, resolve_labels
from indicators.sources.generic.incident_rows import RAW_FIELDS, build_incidents, stable_id
from indicators.sources.reading import TextTable

SOURCE_NAME = "CPJ"
SOURCE_URL = "https://cpj.org/data/"
ID_PREFIX = "cpj"
REQUIRED = ("fullName", "motiveConfirmed", "typeOfDeath", "year")
MISSING = {"", "N/A", "n/a"}


def _cell(value: object) -> str | None:
    """A cell as text, or None when empty or CPJ's literal N/A."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return None if text in MISSING else text


@lru_cache(maxsize=1)
def _cpj_labels() -> frozenset[str]:
    """CPJ's own names in data/countries/cpj.csv (folded), noted when a file uses them."""
    table = pd.read_csv(embedded_data_dir() / "countries" / "cpj.csv", dtype=str)
    return frozenset(name_key(a) for a in table["alias"].dropna())


def _country_notes(resolved: list[Resolved]) -> list[str]:
    """Notes, with row counts, for CPJ's own labels and labels read from the place."""
    counts: dict[str, int] = {}
    for found in resolved:
        if found.entity is None:
            continue
        if found.how:
            said = found.how
        elif name_key(found.value) in _cpj_labels():
            said = f"country {found.value!r} read as {found.entity.iso3}"
        else:
            continue
        counts[said] = counts.get(said, 0) + 1
    return [f"{said} ({n} rows)" for said, n in counts.items()]


def _join(*parts: tuple[str, str | None]) -> str | None:
    shown = [f"{label}{value}" for label, value in parts if value]
    return "; ".join(shown) or None


class CpjKilled:
    """CPJ's export of journalists and media workers killed (1992-2020 or 1992-2022 layout)."""

    name = "cpj_killed"
    kind = "incidents"
    description = "CPJ journalists killed export (cpj.org/data, CSV; 2020 or Sheets 2022 layout)"

    def sniff(self, table: TextTable) -> float:
        """Sure when CPJ's own column names are all present."""
        return 0.95 if set(REQUIRED) <= set(table.frame.columns) else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """One incident per killing; junk rows are dropped and counted."""
        frame = table.frame
        missing = [c for c in (*REQUIRED, "country") if c not in frame.columns]
        if missing:
            raise ValidationFailed(
                [missing_columns_problem(table.source.name, N_("CPJ"), missing, frame.columns)]
            )
        resolved = resolve_labels(
            frame["country"].tolist(),
            frame["location"].tolist() if "location" in frame.columns else None,
            options.country_index(),
        )
        records, junk = self._records(table, resolved)
        raw = pd.DataFrame.from_records(records, columns=list(RAW_FIELDS))
        built = build_incidents(
            raw, table, columns=_COLUMNS, today=options.today, strict=False, id_prefix=ID_PREFIX
        )
        notes = list(built.notes)
        if junk:
            notes.append(
                f"{len(junk)} rows with no name, year or country left out: rows "
                + ", ".join(map(str, junk))
            )
        notes += _country_notes(resolved)
        layout = "Sheets re-export" if "Type of journalist" in frame.columns else "CPJ export"
        return Parsed(
            "incidents",
            self.name,
            built.frame,
            {"source": SOURCE_NAME, "layout": f"{layout}, {len(frame.columns)} columns"},
            notes=notes,
            rows_read=len(frame),
            rows_rejected=len(junk),
        )

    def _records(
        self, table: TextTable, resolved: list[Resolved]
    ) -> tuple[list[dict[str, str | None]], list[int]]:
        """Raw incident cells per row, and the junk rows; unresolved countries stop the file."""
        problems: list[Problem] = []
        records: list[dict[str, str | None]] = []
        junk: list[int] = []
        seen: dict[tuple[str, str, str], int] = {}
        for pos, row in enumerate(table.frame.to_dict("records")):
            c = {str(k): _cell(v) for k, v in row.items()}
            name, year, country = c.get("fullName"), c.get("year"), c.get("country")
            if not (name or year or country):
                junk.append(table.row_number(pos))
                records.append(dict.fromkeys(RAW_FIELDS))  # all empty: build_incidents skips it
                continue
            found = resolved[pos]
            iso3 = found.entity.iso3 if found.entity else None
            if found.problem:
                problems.append(
                    Problem(
                        table.source.name,
                        found.problem,
                        table.row_number(pos),
                        "country",
                        country or "",
                        fix=found.fix or "",
                    ),
                )
            key = (name_key(name or ""), year or "", iso3 or country or "")
            seen[key] = seen.get(key, 0) + 1
            records.append(self._raw(c, iso3 or country, key, seen[key]))
        if problems:
            raise ValidationFailed(problems)
        return records, junk

    @staticmethod
    def _raw(
        c: dict[str, str | None], country: str | None, key: tuple[str, str, str], occurrence: int
    ) -> dict[str, str | None]:
        parts = key if occurrence == 1 else (*key, str(occurrence))
        return {
            "id": stable_id(ID_PREFIX, *parts).removeprefix(f"{ID_PREFIX}-"),
            "date": c.get("year"),
            "country": country,
            "place": c.get("location"),
            "target_name": c.get("fullName"),
            "target_type": c.get("type") or c.get("employedAs"),
            "outlet": c.get("organizations"),
            "incident_type": c.get("status") or "killing",  # "Killed": vocabulary alias
            "case_stage": _join(
                ("motive ", (c.get("motiveConfirmed") or "").lower() or None),
                ("", c.get("typeOfDeath")),
            ),
            "summary": _join(
                ("", c.get("typeOfDeath")), ("source of fire: ", c.get("sourcesOfFire"))
            ),
            "source_name": SOURCE_NAME,
            "source_url": SOURCE_URL,
        }


_COLUMNS = {
    **{f: f for f in RAW_FIELDS},
    "date": "year",
    "place": "location",
    "target_name": "fullName",
    "target_type": "type",
    "outlet": "organizations",
    "case_stage": "motiveConfirmed",
    "summary": "typeOfDeath",
}


ADAPTERS = [CpjKilled()]
