"""The brief with several indices: with Freedom House's real Freedom in the World workbook in the
store, Kazakhstan's brief draws RSF's position and FH's indices on one 0-100 chart (the
Rankings page's "Compare indices"), up to the brief's edition, says the rule and the sources
under it, and still prints on one A4 page; with RSF alone it keeps RSF's position chart."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from indicators.cli.main import main
from indicators.i18n import using
from indicators.pipeline.commit import ingest
from indicators.pipeline.embedded import open_default_store
from indicators.present.brief import DataVersion, gather
from indicators.present.brief_html import chart_figure, make_html
from indicators.present.brief_indices import brief_series, indices_rows
from indicators.sources.reading import SourceFile
from tests.conftest import shared_file

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("brief-indices")
    store = open_default_store(folder)
    fiw = shared_file("freedom_house", "All_data_FIW_2013-2024.xlsx")
    ingest(store, [SourceFile.from_path(fiw)], user="test")
    return folder


@pytest.fixture(scope="module")
def tables(store_folder: Path) -> dict[str, pd.DataFrame]:
    store = open_default_store(store_folder)
    return {n: store.table(n) for n in ("rankings", "incidents", "events")}


def _brief(tables: dict[str, pd.DataFrame], edition: str | None = None) -> object:
    return gather(
        tables["rankings"],
        tables["incidents"],
        tables["events"],
        "KAZ",
        edition,
        version=DataVersion(2, "2026-12-01"),
        today=TODAY,
    )


def test_with_freedom_house_stored_the_brief_draws_both_on_one_scale(
    tables: dict[str, pd.DataFrame],
) -> None:
    brief = _brief(tables)
    assert brief.indices == ("rsf_wpfi:position", "fh_fiw:score", "fh_fiw_d1:score")  # type: ignore[attr-defined]
    spec = chart_figure(brief).to_dict()  # type: ignore[arg-type]
    names = [t["name"] for t in spec["data"] if t.get("showlegend", True) and t.get("name")]
    assert names[:3] == ["RSF position", "Freedom in the World", "Free media (FH D1)"]
    assert spec["layout"]["showlegend"] is True and spec["layout"]["legend"]["orientation"] == "h"
    low, high = spec["layout"]["yaxis"]["range"]
    assert low <= 0 and high >= 100
    html = make_html(brief, pd.Timestamp("2026-12-01 12:00").to_pydatetime(), svg="<svg></svg>")  # type: ignore[arg-type]
    assert "RSF and the other indices stored, on one scale, up to 2026" in html
    assert "rescaled to 0-100, higher = freer" in html and "Freedom House" in html


def test_an_earlier_edition_draws_the_other_indices_only_up_to_its_year(
    tables: dict[str, pd.DataFrame],
) -> None:
    brief = _brief(tables, "2018")
    compared = brief.compared  # type: ignore[attr-defined]
    assert compared is not None and int(compared["edition_year"].max()) == 2018
    assert set(compared["index"]) >= {"rsf_wpfi", "fh_fiw"}


def test_with_rsf_alone_the_brief_keeps_the_position_chart(
    tables: dict[str, pd.DataFrame],
) -> None:
    rankings = tables["rankings"]
    only_rsf = {**tables, "rankings": rankings[rankings["index"] == "rsf_wpfi"]}
    assert brief_series(indices_rows(only_rsf["rankings"], "KAZ", 2026), "KAZ") == ()
    brief = _brief(only_rsf)
    spec = chart_figure(brief).to_dict()  # type: ignore[arg-type]
    assert spec["layout"]["showlegend"] is False  # RSF's position chart, as before
    assert all(not str(t.get("name", "")).startswith("Freedom") for t in spec["data"])


def test_the_brief_in_russian_names_the_indices_in_russian(tables: dict[str, pd.DataFrame]) -> None:
    with using("ru"):
        brief = _brief(tables)
        html = make_html(brief, pd.Timestamp("2026-12-01").to_pydatetime(), svg="<svg></svg>")  # type: ignore[arg-type]
    assert "на одной шкале" in html and "0–100" in html and "Казахстан" in html


@pytest.mark.slow
def test_the_pdf_with_both_indices_is_one_page(
    store_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "brief.pdf"
    code = main(["brief", "--country", "KAZ", "--store", str(store_folder), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "149th of 180" in text and "Freedom House" in text
    if shutil.which("pdftoppm"):  # the page as a reader sees it, for people to look at
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = SCREENSHOTS / "brief-KAZ-indices"
        subprocess.run(["pdftoppm", "-png", "-r", "120", "-singlefile", str(out), str(stem)])
