"""Showing a prepared change before it is committed: what was detected in each file (and in
each sheet of a workbook), then counts, rows added, changed and removed; and the problems of
files that cannot be stored, in the reader's language."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from app_pages._common import download, plain
from indicators.i18n import N_, Msg, _, n_, number, p_, tr
from indicators.pipeline.prepare_worker import Preview
from indicators.problems import MAX_LISTED, Problem, problem_count, problems_frame
from indicators.text import escape_markdown

_SHEET = re.compile(r"sheet '(?P<sheet>.*?)': (?P<found>.*)", re.DOTALL)
TABLE_NAMES = {  # the stored tables, as a version names them
    "rankings": N_("rankings"),
    "incidents": N_("incidents"),
    "reported_counts": N_("reported_counts"),
    "events": N_("events"),
}


def table_name(name: str) -> str:
    """A stored table's name in the reader's language (in English, as the store names it)."""
    return _(TABLE_NAMES[name]) if name in TABLE_NAMES else name


def shown_error(exc: BaseException) -> str:
    """An exception's message for the analyst: a message made with ``msg()`` in the reader's
    language, any other as it is."""
    first = exc.args[0] if exc.args else None
    return tr(first) if isinstance(first, Msg) else str(exc)


def _shown(text: object) -> str:
    """A message from the pipeline in the reader's language (empty stays empty)."""
    return tr(text) if text else ""


def field_label(field: str) -> str:
    """The label of a field of the analyst file format (in English, the field's own name)."""
    labels = {
        "country_code": p_("upload/field", "country_code"),
        "country": p_("upload/field", "country"),
        "year": p_("upload/field", "year"),
        "period": p_("upload/field", "period"),
        "rank": p_("upload/field", "rank"),
        "n_ranked": p_("upload/field", "n_ranked"),
        "score": p_("upload/field", "score"),
        "index": p_("upload/field", "index"),
        "methodology": p_("upload/field", "methodology"),
        "higher_is_better": p_("upload/field", "higher_is_better"),
        "direction": p_("upload/field", "direction"),
        "score_max": p_("upload/field", "score_max"),
        "score_min": p_("upload/field", "score_min"),
        "score_low": p_("upload/field", "score_low"),
        "score_high": p_("upload/field", "score_high"),
        "zone": p_("upload/field", "zone"),
        "source": p_("upload/field", "source"),
        "id": p_("upload/field", "id"),
        "date": p_("upload/field", "date"),
        "date_end": p_("upload/field", "date_end"),
        "place": p_("upload/field", "place"),
        "target_name": p_("upload/field", "target_name"),
        "target_type": p_("upload/field", "target_type"),
        "outlet": p_("upload/field", "outlet"),
        "incident_type": p_("upload/field", "incident_type"),
        "statute": p_("upload/field", "statute"),
        "statute_as_written": p_("upload/field", "statute_as_written"),
        "statute_applied_to": p_("upload/field", "statute_applied_to"),
        "case_stage": p_("upload/field", "case_stage"),
        "summary": p_("upload/field", "summary"),
        "source_name": p_("upload/field", "source_name"),
        "source_url": p_("upload/field", "source_url"),
        "title": p_("upload/field", "title"),
        "kind": p_("upload/field", "kind"),
        "description": p_("upload/field", "description"),
    }
    return labels.get(field, field)


def _detected_headings() -> dict[str, str]:
    return {
        "file": p_("upload/detected", "file"),
        "kind": p_("upload/detected", "kind"),
        "format": p_("upload/detected", "format"),
        "source": p_("upload/detected", "source"),
        "edition": p_("upload/detected", "edition"),
        "encoding": p_("upload/detected", "encoding"),
        "delimiter": p_("upload/detected", "delimiter"),
        "decimal mark": p_("upload/detected", "decimal mark"),
        "rows": p_("upload/detected", "rows"),
        "kept": p_("upload/detected", "kept"),
        "sheet": p_("upload/detected", "sheet"),
        "found": p_("upload/detected", "found"),
    }


def problem_headings() -> dict[str, str]:
    """The problems table's column headings in the reader's language."""
    return {
        "file": p_("problems/column", "file"),
        "row": p_("problems/column", "row"),
        "column": p_("problems/column", "column"),
        "value": p_("problems/column", "value"),
        "problem": p_("problems/column", "problem"),
        "fix": p_("problems/column", "fix"),
    }


def problems_table(problems: list[Problem]) -> pd.DataFrame:
    """The problems as the page and its CSV show them: headings, problems and fixes in the
    reader's language; files, rows, columns and values as the file has them."""
    frame = problems_frame(problems)
    frame["problem"] = [_shown(p.text) for p in problems]
    frame["fix"] = [_shown(p.fix) for p in problems]
    return frame.rename(columns=problem_headings())


def show_problems(problems: list[Problem]) -> None:
    """Why nothing was stored: the count, the table of problems and its CSV download."""
    count = problem_count(problems)
    st.error(
        n_(
            "{n} problem(s) found. Nothing was stored. Fix the file and upload it again.",
            "{n} problem(s) found. Nothing was stored. Fix the file and upload it again.",
            count,
        ).format(n=number(count))
    )
    frame = problems_table(problems)
    st.dataframe(frame, hide_index=True)
    download(frame, "problems.csv", _("Download the problems (CSV)"))
    plain(_("Each problem names the file, the row (as a spreadsheet numbers it) and the column."))
    if len(frame) < count:
        st.caption(
            _("The first {n} problems are listed; the others are counted by kind.").format(
                n=number(MAX_LISTED)
            )
        )


def sheet_rows(rows: list[dict[str, object]]) -> list[dict[str, str]]:
    """One row per sheet of each workbook: the file, the sheet and what was found in it.

    Read from each file's ``sheets`` entry ("sheet '2014': a table of 180 rows and 16
    columns, read as rankings, edition 2014; sheet 'About': ...").
    """
    out: list[dict[str, str]] = []
    for row in rows:
        text = str(row.get("sheets") or "")
        for part in re.split(r"; (?=sheet ')", text) if text else []:
            match = _SHEET.fullmatch(part)
            sheet, found = (match["sheet"], match["found"]) if match else ("", part)
            out.append({"file": str(row.get("file", "")), "sheet": sheet, "found": found})
    return out


def show_detected(rows: list[dict[str, object]]) -> None:
    """The detection table, one row per file; below it, every sheet of each workbook."""
    st.subheader(_("What was detected"))
    shown = [{k: v for k, v in r.items() if k != "sheets"} for r in rows]
    for row in shown:  # what the file holds ("rankings", "has problems (below)") is our words
        kind = row.get("kind")
        if isinstance(kind, str):
            row["kind"] = table_name(kind) if kind in TABLE_NAMES else _shown(kind)
    files = pd.DataFrame(shown).rename(columns=_detected_headings())
    st.dataframe(files, hide_index=True)
    sheets = sheet_rows(rows)
    if sheets:
        st.markdown(_("**Sheets of each workbook, and what was found in them**"))
        st.dataframe(pd.DataFrame(sheets).rename(columns=_detected_headings()), hide_index=True)


def show_preview(preview: Preview) -> None:
    """What the commit would change, table by table, with old and new values."""
    st.subheader(_("Preview of the change"))
    for line in preview.headlines:
        plain(tr(line))
    for table, change in preview.tables.items():
        counts = change.counts
        added, changed, removed = (number(counts[k]) for k in ("added", "changed", "removed"))
        st.markdown(
            _("**{table}**: {added} rows added, {changed} changed, {removed} removed").format(
                table=escape_markdown(table_name(table)),
                added=added,
                changed=changed,
                removed=removed,
            )
        )
        tabs = st.tabs(
            [
                _("Added ({n})").format(n=added),
                _("Changed ({n})").format(n=changed),
                _("Removed ({n})").format(n=removed),
            ]
        )
        with tabs[0]:
            st.dataframe(change.added, hide_index=True)
        with tabs[1]:
            st.dataframe(change.changed.head(500), hide_index=True)
            if len(change.changed):
                download(
                    change.changed,
                    f"changed_{table}.csv",
                    _("Download the changed values (CSV)"),
                )
        with tabs[2]:
            st.dataframe(change.removed, hide_index=True)
    for note in preview.notes:
        plain(_("Note: {note}").format(note=tr(note)))
