"""The U.S. Press Freedom Tracker's all-incidents CSV export (pressfreedomtracker.us).

One row is one incident in the United States; each becomes one canonical incident (one row
per statute when charges are given). Every canonical rule (dates, vocabularies, provenance,
validation) is applied by :func:`build_incidents` in lenient mode.

Quirks of the format, all handled here:

* 62 columns, minimal quoting. The HTML ``body`` holds embedded newlines, so there are far
  more physical lines than records (449 in the March 2020 export). ``body``,
  ``image_caption`` and the other long fields are not kept: the raw HTML never reaches the
  canonical table. Every kept text field has its HTML tags removed and then its entities
  unescaped (repeated until nothing changes), and white space collapsed.
* Missing values are written as the string ``None`` as well as left empty.
* ``date`` is ISO (day precision). ``exact_date_unknown`` = True (19 rows in 2020-03) marks
  an approximate date such as the 1st of a month; the date is kept as published and those
  rows are listed in the notes.
* ``categories`` is comma-joined and may be empty (one row). The incident type is the FIRST
  category, resolved through data/vocabularies/incident_types.csv, whose aliases give:
  Physical Attack -> attack, Arrest / Criminal Charge -> detention, Subpoena / Legal Order ->
  subpoena, Prior Restraint -> subpoena (a court's legal order), Denial of Access ->
  obstruction, Border Stop -> border_stop, Equipment Search or Seizure -> search, Chilling
  Statement -> threat, Equipment Damage -> equipment_damage, Leak Case -> surveillance,
  Other Incident -> other; an empty cell -> other. ALL categories are kept, as written, in
  ``incident_type_as_written``. (SOURCES.md's counts are of every category, not the first.)
* ``targeted_journalists`` holds Django object names (``TargetedJournalist object (378)``),
  not people; such values are ignored. ``target_name`` is ``targets`` (journalists and
  outlets, comma-joined), else ``targeted_institutions``. ``target_type`` is journalist
  when journalists are targeted, media outlet when only institutions are, else not stated
  (leak cases name government sources).
* ``city`` + ``state`` (``California (CA)``; ``District of Columbia``) are joined as the
  place, kept as written: the reference data has no US regions, so no region code.
* ``current_charges`` is kept in ``statute_as_written``. There are no US statutes in the
  reference data, so charges stay unresolved and are listed in the notes.
* ``case_stage`` joins ``arrest_status``, ``status_of_charges`` (``unknown`` is shown as
  "charge status unknown") and ``dropped_charges``.
* ``summary`` is ``teaser`` (empty in most rows), else ``title``; ``outlet`` is
  ``affiliation``.
* ``slug`` is already the full tracker URL; a bare path fragment would be joined to
  https://pressfreedomtracker.us/all-incidents/. The id is a hash of that URL.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from indicators.i18n import N_
from indicators.problems import ValidationFailed
from indicators.sources.base import Parsed, ParseOptions, missing_columns_problem
from indicators.sources.generic.incident_rows import RAW_FIELDS, build_incidents, stable_id
from indicators.sources.reading import TextTable

SOURCE_NAME = "U.S. Press Freedom Tracker"
BASE_URL = "https://pressfreedomtracker.us/all-incidents/"
ID_PREFIX = "uspft"
SNIFF = ("slug", "categories", "targeted_journalists")
REQUIRED = ("slug", "categories", "date")
MISSING = {"", "None", "none", "[]"}
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")
_DJANGO_OBJECT = re.compile(r"^\w+ object \(\d+\)$")
_COLUMNS = {
    **{f: f for f in RAW_FIELDS},
    "place": "city",
    "target_name": "targets",
    "outlet": "affiliation",
    "incident_type": "categories",
    "statute_as_written": "current_charges",
    "case_stage": "status_of_charges",
    "summary": "teaser",
    "source_url": "slug",
}


def plain(value: object) -> str | None:
    """Text without HTML tags or entities, white space collapsed; None when missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text, previous = str(value), None
    while text != previous:
        previous = text
        text = html.unescape(_TAG.sub(" ", text))
    text = re.sub(r"\s+", " ", text).strip()
    return None if text in MISSING else text


def _people(cell: str | None) -> str | None:
    """Comma-joined names, without Django object placeholders."""
    if not cell:
        return None
    names = [n.strip() for n in cell.split(",") if n.strip()]
    return ", ".join(n for n in names if not _DJANGO_OBJECT.match(n)) or None


def source_url(slug: str | None) -> str | None:
    """The incident's tracker page: the slug itself when it is a URL."""
    if not slug:
        return None
    if slug.startswith(("http://", "https://")):
        return slug
    return BASE_URL + slug.strip("/") + "/"


class PressFreedomTracker:
    """U.S. Press Freedom Tracker all-incidents export (United States only)."""

    name = "us_press_freedom_tracker"
    kind = "incidents"
    description = "U.S. Press Freedom Tracker all-incidents CSV (pressfreedomtracker.us)"

    def sniff(self, table: TextTable) -> float:
        """Sure when the tracker's own column names are present."""
        return 0.95 if set(SNIFF) <= set(table.frame.columns) else 0.0

    def parse(self, table: TextTable, options: ParseOptions) -> Parsed:
        """One incident per record; categories, charges and HTML as described above."""
        frame = table.frame
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise ValidationFailed(
                [missing_columns_problem(table.source.name, N_("tracker"), missing, frame.columns)]
            )
        records, categories, approximate = [], [], []
        for pos, row in enumerate(frame.to_dict("records")):
            c = {str(k): plain(v) for k, v in row.items()}
            cats = [x.strip() for x in (c.get("categories") or "").split(",") if x.strip()]
            categories.append(", ".join(cats) or None)
            if (c.get("exact_date_unknown") or "").lower() == "true":
                approximate.append(table.row_number(pos))
            records.append(self._raw(c, cats[0] if cats else None))
        raw = pd.DataFrame.from_records(records, columns=list(RAW_FIELDS))
        built = build_incidents(
            raw, table, columns=_COLUMNS, today=options.today, strict=False, id_prefix=ID_PREFIX
        )
        out = built.frame
        # The type comes from the first category; every category is kept as written.
        written = pd.Series(categories, index=[table.row_number(p) for p in range(len(frame))])
        out["incident_type_as_written"] = (
            out["source_row"].map(written).astype(object).where(lambda s: s.notna(), None)
        )
        notes = list(built.notes)
        if approximate:
            notes.append(
                "exact date unknown (date kept as published): rows "
                + ", ".join(map(str, approximate))
            )
        return Parsed(
            "incidents",
            self.name,
            out,
            {"source": SOURCE_NAME, "country": "USA"},
            notes=notes,
            rows_read=len(frame),
            rows_rejected=0,
        )

    @staticmethod
    def _raw(c: dict[str, str | None], first_category: str | None) -> dict[str, str | None]:
        journalists = _people(c.get("targeted_journalists"))
        institutions = c.get("targeted_institutions")
        if c.get("targeted_journalists"):
            target_type: str | None = "journalist"
        else:
            target_type = "media outlet" if institutions else None
        url = source_url(c.get("slug"))
        charges = c.get("status_of_charges")
        stage = [
            c.get("arrest_status"),
            "charge status unknown" if charges == "unknown" else charges,
        ]
        if c.get("dropped_charges"):
            stage.append(f"dropped charges: {c['dropped_charges']}")
        return {
            "id": stable_id(ID_PREFIX, url).removeprefix(f"{ID_PREFIX}-") if url else None,
            "date": c.get("date"),
            "country": "USA",
            "place": ", ".join(p for p in (c.get("city"), c.get("state")) if p) or None,
            "target_name": journalists or c.get("targets") or institutions,
            "target_type": target_type,
            "outlet": c.get("affiliation"),
            "incident_type": first_category,
            "statute_as_written": c.get("current_charges"),
            "case_stage": "; ".join(s for s in stage if s) or None,
            "summary": c.get("teaser") or c.get("title"),
            "source_name": SOURCE_NAME,
            "source_url": url,
        }


ADAPTERS = [PressFreedomTracker()]
