"""The analyst_rankings adapter: an analyst's own long-form ranking file, CSV or XLSX."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import indicators.sources.registry
from indicators.pipeline.extract import parse_file
from indicators.problems import Problem, ValidationFailed
from indicators.sources.base import Parsed, ParseOptions
from indicators.sources.column_aliases import COLUMN_ALIASES, header_key, index_id_for
from indicators.sources.countries import default_index
from indicators.sources.generic.analyst import MESSAGES, NOTES, AnalystRankings
from indicators.sources.reading import SourceFile, read_table

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "analyst-files.md"
RSF_2025 = Path("/work/shared/data/rsf/2025.csv")
TODAY = date(2025, 6, 1)
ENGLISH = (
    "country,year,rank,number ranked,score\n"
    "Kazakhstan,2024,142,180,36.37\n"
    "Kyrgyzstan,2024,120,180,47.1\n"
    "Russia,2024,162,180,24.57\n"
)


@pytest.fixture(autouse=True)
def _registered() -> Iterator[None]:
    """Register the adapter the way the package will, and leave the registry as it was."""
    before = list(indicators.sources.registry.ADAPTERS)
    indicators.sources.registry.register(AnalystRankings())
    yield
    indicators.sources.registry.ADAPTERS[:] = before


def parse(
    data: str | bytes, name: str = "x.csv", encoding: str = "utf-8", **opts: object
) -> Parsed:
    """Parse text (encoded as asked) or bytes through the registry, as an upload is parsed."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    options = ParseOptions(today=TODAY, **opts)  # type: ignore[arg-type]
    return parse_file(SourceFile(name, raw), options)


def problems(data: str | bytes, name: str = "x.csv", **opts: object) -> list[Problem]:
    """The problems parsing raises (failing the test when it does not raise)."""
    with pytest.raises(ValidationFailed) as caught:
        parse(data, name, **opts)
    return caught.value.problems


def where(found: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    """File, row, column and value of each problem."""
    return [(p.file, p.row, p.column, p.value) for p in found]


def by_iso(parsed: Parsed) -> pd.DataFrame:
    """The canonical rows indexed by country code."""
    return parsed.frame.set_index("iso3")


def test_english_headers() -> None:
    """English headers are recognised and every canonical column is filled."""
    parsed = parse(ENGLISH)
    frame = by_iso(parsed)
    assert parsed.adapter == "analyst_rankings" and parsed.kind == "rankings"
    assert frame.loc["KAZ", "rank"] == 142 and frame.loc["KAZ", "n_ranked"] == 180
    assert frame.loc["KAZ", "position"] == pytest.approx(21.23)
    assert frame.loc["KGZ", "score"] == pytest.approx(47.1)
    assert frame.loc["RUS", "country"] == "Russia"
    assert set(frame["edition"]) == {"2024"} and set(frame["edition_year"]) == {2024}
    assert set(frame["period_label"]) == {"2024"}


def test_russian_headers() -> None:
    """Russian headers (Страна, Год, Место, Всего стран, Балл, Источник) are recognised."""
    text = (
        "Страна;Год;Место;Всего стран;Балл;Источник\n"
        "Казахстан;2024;142;180;36,37;РБК\n"
        "Кыргызстан;2024;120;180;47,1;РБК\n"
    )
    frame = by_iso(parse(text))
    assert frame.loc["KAZ", "rank"] == 142 and frame.loc["KAZ", "n_ranked"] == 180
    assert frame.loc["KAZ", "score"] == pytest.approx(36.37)
    assert frame.loc["KGZ", "citation"] == "РБК"


def test_headers_fold_case_separators_and_notes() -> None:
    """Headers match whatever their case, separators and a bracketed note: 'Rank (of 180)'."""
    text = "COUNTRY,Edition_Year,Rank (of 180),Number_Ranked,Score (0-100)\nKAZ,2024,142,180,36.4\n"
    parsed = parse(text)
    assert parsed.frame.loc[0, "rank"] == 142 and parsed.frame.loc[0, "n_ranked"] == 180
    assert header_key("  Всего_Стран ") == header_key("всего стран")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    """Comma, semicolon, tab and pipe separated files all parse the same."""
    text = ENGLISH.replace(",", delimiter)
    parsed = parse(text)
    assert parsed.detected["delimiter"] == delimiter
    assert by_iso(parsed).loc["KAZ", "rank"] == 142


@pytest.mark.parametrize(
    ("encoding", "text", "iso3"),
    [
        ("utf-8", "страна,год,место\nКазахстан,2024,142\nТурция,2024,158\n", "KAZ"),
        ("utf-8-sig", "country,year,rank\nTürkiye,2024,158\nKAZ,2024,142\n", "TUR"),
        ("cp1251", "Страна;Год;Место\nКазахстан;2024;142\nРоссия;2024;162\n", "KAZ"),
        ("cp1252", "country;year;rank\nCôte d'Ivoire;2024;64\nTürkiye;2024;158\n", "CIV"),
    ],
)
def test_encodings(encoding: str, text: str, iso3: str) -> None:
    """UTF-8, UTF-8 with BOM, Windows-1251 and Windows-1252 files parse."""
    parsed = parse(text, encoding=encoding)
    assert parsed.detected["encoding"] == encoding
    assert iso3 in set(parsed.frame["iso3"])


def test_decimal_comma() -> None:
    """A semicolon file with decimal commas ('39,34') gives the numbers 39.34."""
    text = "country;year;rank;score\nKAZ;2024;1;39,34\nKGZ;2024;2;38,5\n"
    parsed = parse(text)
    assert parsed.detected["decimal"] == ","
    assert list(parsed.frame["score"]) == [pytest.approx(39.34), pytest.approx(38.5)]


def test_decimal_comma_tab_separated() -> None:
    """A tab-separated file with decimal commas parses too."""
    text = "country\tyear\trank\tscore\nKAZ\t2024\t1\t39,34\nKGZ\t2024\t2\t38,5\n"
    assert parse(text).frame.loc[0, "score"] == pytest.approx(39.34)


def _workbook(rows: list[list[object]]) -> bytes:
    """An XLSX workbook with one sheet holding the rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Rankings"
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_row() -> None:
    """An XLSX sheet with a title row above the header parses, keeping Excel's row numbers."""
    data = _workbook([
        ["Press freedom ranking kept by our NGO"],
        ["Country", "Year", "Rank", "Out of", "Score", "Higher is better"],
        ["Kazakhstan", 2024, 142, 180, 36.37, True],
        ["Kyrgyzstan", 2024, 120, 180, 47.1, True],
    ])  # fmt: skip
    parsed = parse(data, name="ranking.xlsx")
    frame = by_iso(parsed)
    assert frame.loc["KAZ", "source_row"] == 3 and frame.loc["KGZ", "source_row"] == 4
    assert frame.loc["KAZ", "score_normalised"] == pytest.approx(36.37)
    assert frame.loc["KAZ", "citation"] == "ranking.xlsx, row 3"
    assert parsed.detected["format"] == "XLSX workbook, sheet 'Rankings'"


def test_xlsx_problem_names_the_excel_row() -> None:
    """A bad cell in an XLSX sheet with a title row is reported at the row Excel shows."""
    data = _workbook(
        [["Title"], ["Country", "Year", "Rank"], ["KAZ", 2024, 1], ["Narnia", 2024, 2]]
    )
    assert where(problems(data, name="r.xlsx")) == [("r.xlsx", 4, "Country", "Narnia")]


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Kazakstan", "KAZ"), ("Kyrgyz Republic", "KGZ"), ("Türkiye", "TUR"), ("Turkey", "TUR"),
        ("Czech Republic", "CZE"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"),
        ("Казахстан", "KAZ"), ("Кыргызстан", "KGZ"), ("Россия", "RUS"),
        ("KZ", "KAZ"), ("KAZ", "KAZ"), ("kaz", "KAZ"), ("TR", "TUR"),
        ("Korea, Rep.", "KOR"), ("Кыргызская Республика", "KGZ"), ("UK", "GBR"),
    ],
)  # fmt: skip
def test_country_variants(name: str, iso3: str) -> None:
    """English, Russian and ISO2/ISO3 country variants resolve to one code."""
    text = f'country,year,rank\n"{name}",2024,1\n'
    assert parse(text).frame.loc[0, "iso3"] == iso3


def test_every_variant_in_the_data_file_resolves() -> None:
    """Each row of data/countries/variants.csv resolves to its own ISO3 code."""
    variants = pd.read_csv(ROOT / "data" / "countries" / "variants.csv", dtype=str)
    index = default_index()
    wrong = [
        r.alias
        for r in variants.itertuples()
        if getattr(index.resolve(r.alias), "iso3", None) != r.iso3
    ]
    assert not wrong


def test_code_and_name_columns() -> None:
    """With both a code and a name column the code is used, and the name fills empty codes."""
    text = "iso3,country,year,rank\nKAZ,Kazakhstan,2024,1\n,Russia,2024,2\n"
    frame = parse(text).frame
    assert list(frame["iso3"]) == ["KAZ", "RUS"]
    assert list(frame["source_code"]) == ["KAZ", "Russia"]


def test_code_and_name_disagree() -> None:
    """A name that is another country than the code is a problem on the name cell."""
    found = problems("iso3,country,year,rank\nKAZ,Russia,2024,1\n")
    assert where(found) == [("x.csv", 2, "country", "Russia")]
    assert "the code KAZ is Kazakhstan" in found[0].problem


def test_mapping_overrides_detection() -> None:
    """An explicit mapping names columns detection would not find, or would find elsewhere."""
    text = "Land,Jahr,Platz,Rank\nKAZ,2024,142,1\nKGZ,2024,120,2\n"
    mapping = {"country": "Land", "year": "jahr", "rank": "Platz"}
    parsed = parse(text, adapter="analyst_rankings", mapping=mapping)
    assert list(parsed.frame["rank"]) == [142, 120]
    assert "ignored columns" in parsed.detected and "Rank" in parsed.detected["ignored columns"]


def test_mapped_country_wins_over_a_code_column() -> None:
    """Mapping the country to a name column sets aside a detected code column."""
    text = "iso3,Land,year,rank\nRUS,Kazakhstan,2024,1\n"
    assert parse(text, mapping={"country": "Land"}).frame.loc[0, "iso3"] == "KAZ"


def test_mapping_to_a_missing_column() -> None:
    """A mapping that names a column the file does not have is a problem naming that column."""
    found = problems(ENGLISH, mapping={"rank": "Место"})
    assert where(found) == [("x.csv", 1, "Место", "Место")]
    assert "the column mapping says rank is in column 'Место'" in found[0].problem


def test_mapping_with_unknown_field() -> None:
    """A mapping key that is not a field is a problem listing the fields."""
    found = problems(ENGLISH, mapping={"placement": "rank"})
    assert "unknown field 'placement'" in found[0].problem and "n_ranked" in found[0].problem


def test_two_rank_columns_are_unsure() -> None:
    """Two columns that could be the rank fail with both names and how to map one."""
    found = problems("country,year,rank,place\nKAZ,2024,1,2\n")
    assert len(found) == 1 and found[0].row == 1
    assert "several columns could be the rank: 'rank', 'place'" in found[0].problem
    assert "rank='rank'" in found[0].fix
    assert (
        parse("country,year,rank,place\nKAZ,2024,1,2\n", mapping={"rank": "place"}).frame.loc[
            0, "rank"
        ]
        == 2
    )


def test_no_country_column_names_candidates() -> None:
    """Without a country column the problem names the columns whose cells look like countries."""
    text = "Land,year,rank\nKazakhstan,2024,1\nRussia,2024,2\n"
    found = problems(text, adapter="analyst_rankings")
    assert len(found) == 1 and "no column holds the country" in found[0].problem
    assert "columns that look like it: 'Land'" in found[0].problem
    assert "country='Land'" in found[0].fix


def test_index_word_settled_by_content() -> None:
    """'индекс' holding numbers is the score; holding names it is the index."""
    numeric = parse("страна,год,индекс\nKAZ,2024,36.4\n").frame
    assert numeric.loc[0, "score"] == pytest.approx(36.4)
    named = parse("страна,год,место,индекс\nKAZ,2024,5,Индекс свободы прессы\n").frame
    assert named.loc[0, "index"] == "indeks_svobody_pressy"


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        ("KAZ,2024,181,180,30", "rank", "181", "the rank is larger than the number ranked (180)"),
        ("KAZ,2024,0,180,30", "rank", "0", "the rank must be 1 or more"),
        ("KAZ,2024,-3,180,30", "rank", "-3", "the rank must be 1 or more"),
        ("KAZ,2024,2.5,180,30", "rank", "2.5", "must be a whole number"),
        ("KAZ,2026,1,180,30", "year", "2026", "the year is in the future (after 2025)"),
        ("KAZ,1850,1,180,30", "year", "1850", "the year is before 1900"),
        ("KAZ,twenty,1,180,30", "year", "twenty", "is not a year"),
        ("KAZ,2024,1,180,high", "score", "high", "is not a number"),
        ("Narnia,2024,1,180,30", "country", "Narnia", "unknown country"),
        ("KAZ,2024,1,0,30", "number ranked", "0", "the number ranked must be 1 or more"),
        ("KAZ,2024,,180,", "rank", "", "the row has neither a rank nor a score"),
    ],
)
def test_bad_cell(row: str, column: str, value: str, message: str) -> None:
    """Each bad cell is one problem naming the file, row, column and value, with a fix."""
    text = "country,year,rank,number ranked,score\nKGZ,2024,120,180,47\n" + row + "\n"
    found = problems(text, name="mine.csv")
    assert where(found) == [("mine.csv", 3, column, value)]
    assert found[0].problem == message and found[0].fix


def test_duplicate_country_in_an_edition() -> None:
    """The same country twice in one edition is a problem on the second row, naming the first."""
    text = "country,year,rank\nKazakhstan,2024,1\nKGZ,2024,2\nKAZ,2024,3\nKAZ,2023,3\n"
    found = problems(text)
    assert where(found) == [("x.csv", 4, "country", "KAZ")]
    assert found[0].problem == "the same country appears twice in edition 2024 (first at row 2)"


def test_same_country_in_two_indexes_is_fine() -> None:
    """One country may appear once per index and edition."""
    text = "index,country,year,rank\nRSF,KAZ,2024,142\nFreedom House,KAZ,2024,50\n"
    assert sorted(parse(text).frame["index"]) == ["freedom_house", "rsf"]


def test_every_problem_at_once_in_row_order() -> None:
    """All problems of a file are raised together, ordered by row."""
    text = (
        "country,year,rank,number ranked,score\n"
        "Narnia,2024,1,180,x\nKAZ,2030,200,180,30\nKGZ,2024,0,180,30\n"
    )
    found = problems(text)
    assert [(p.row, p.column) for p in found] == [
        (2, "country"), (2, "score"), (3, "year"), (3, "rank"), (4, "rank"),
    ]  # fmt: skip


def test_number_ranked_differs_within_an_edition() -> None:
    """Rows of one edition that disagree on the number ranked are problems."""
    text = "country,year,rank,of\nKAZ,2024,1,180\nKGZ,2024,2,180\nRUS,2024,3,179\n"
    assert where(problems(text)) == [("x.csv", 4, "of", "179")]


def test_score_outside_the_stated_scale() -> None:
    """A score above score_max is a problem on the score cell."""
    text = "country,year,score,score_max\nKAZ,2024,12,10\nKGZ,2024,8,10\n"
    found = problems(text)
    assert where(found) == [("x.csv", 2, "score", "12")]
    assert found[0].problem == "the score is outside the scale 0 to 10"


def test_unknown_direction_word() -> None:
    """A direction cell that says neither higher nor lower is a problem."""
    found = problems("country,year,score,direction\nKAZ,2024,12,sideways\n")
    assert where(found) == [("x.csv", 2, "direction", "sideways")]


def test_scores_against_the_stated_direction() -> None:
    """Scores that rise with worse ranks although the file says higher is better fail."""
    rows = "".join(
        f"{c},2024,{r},{r * 10},yes\n" for r, c in enumerate(["KAZ", "KGZ", "RUS", "UZB", "TJK"], 1)
    )
    found = problems("country,year,rank,score,higher_is_better\n" + rows)
    assert len(found) == 1 and found[0].column == "higher_is_better"
    assert "the file says higher is better" in found[0].problem


def test_index_id_from_column_options_or_file_name() -> None:
    """The index id comes from an index column, else ParseOptions.index_id, else the file name."""
    with_column = parse("index,country,year,rank\nRSF World Press Freedom Index,KAZ,2024,1\n")
    assert with_column.frame.loc[0, "index"] == "rsf_world_press_freedom_index"
    assert with_column.frame.loc[0, "methodology"] == "rsf_world_press_freedom_index"
    assert parse(ENGLISH, index_id="my_ranking").frame.loc[0, "index"] == "my_ranking"
    assert parse(ENGLISH, name="Рейтинг 2024.csv").frame.loc[0, "index"] == "analyst_reyting_2024"
    assert index_id_for("2024 survey") == "index_2024_survey"
    assert index_id_for("***") is None


def test_invalid_index_id_option() -> None:
    """An index id given in the options that breaks the id rule is a problem."""
    found = problems(ENGLISH, index_id="My Index")
    assert found[0].problem == "the index id 'My Index' is not valid"


def test_methodology_and_period_columns() -> None:
    """Methodology and period columns are kept; a plain-year period gets its dates."""
    text = "country,edition,period,methodology,rank\nKAZ,2025,2024,v2,1\nKGZ,2011-12,,v1,1\n"
    frame = parse(text).frame
    assert list(frame["edition"]) == ["2025", "2011-12"]
    assert list(frame["edition_year"]) == [2025, 2012]
    assert list(frame["period_label"]) == ["2024", "2011-12"]
    assert (
        frame.loc[0, "period_start"] == "2024-01-01" and frame.loc[0, "period_end"] == "2024-12-31"
    )
    assert list(frame["methodology"]) == ["v2", "v1"]


def test_number_ranked_from_a_full_edition() -> None:
    """Without a number-ranked column, a file holding ranks 1..n gives n, with a note."""
    text = "country,year,rank\nKAZ,2024,1\nKGZ,2024,2\nRUS,2024,3\n"
    parsed = parse(text)
    assert set(parsed.frame["n_ranked"]) == {3}
    assert list(parsed.frame["position"]) == [100.0, 50.0, 0.0]
    assert any(n.startswith(NOTES["n_rows"]) for n in parsed.notes)


def test_number_ranked_unknown_for_part_of_a_ranking() -> None:
    """A file with only some ranks (141, 144) leaves number ranked and position empty."""
    parsed = parse("country,year,rank\nKAZ,2024,141\nKGZ,2024,144\n")
    assert parsed.frame["n_ranked"].isna().all() and parsed.frame["position"].isna().all()
    assert any(n.startswith(NOTES["n_unknown"]) for n in parsed.notes)


def test_number_ranked_from_a_nearly_full_edition() -> None:
    """Ranks 1..20 with one missing give the lowest rank as number ranked, with a note."""
    rows = [f"{c},2024,{r}\n" for r, c in enumerate(DISTINCT[:20], 1) if r != 7]
    parsed = parse("country,year,rank\n" + "".join(rows))
    assert set(parsed.frame["n_ranked"]) == {20}
    assert any(n.startswith(NOTES["n_top"]) for n in parsed.notes)


def test_ties() -> None:
    """Tied ranks share a position and count their ties."""
    frame = parse("country,year,rank\nKAZ,2024,1\nKGZ,2024,1\nRUS,2024,3\n").frame
    assert list(frame["n_tied"]) == [2, 2, 1] and list(frame["tied"]) == [True, True, False]
    assert frame.loc[0, "position"] == frame.loc[1, "position"] == 75.0


@pytest.mark.parametrize(
    ("columns", "values", "normalised", "direction"),
    [
        ("higher_is_better", "yes", 40.0, "higher_is_freer"),
        ("higher_is_better,score_max", "да,50", 80.0, "higher_is_freer"),
        ("direction,score_max", "lower,50", 20.0, "lower_is_freer"),
        ("direction,score_min,score_max", "higher,20,60", 50.0, "higher_is_freer"),
        ("direction", "lower", None, "lower_is_freer"),
        ("zone", "Asia", None, None),
    ],
)
def test_score_normalised(
    columns: str, values: str, normalised: float | None, direction: str | None
) -> None:
    """score_normalised is 0-100 (100 = best) only where the direction and scale are known."""
    parsed = parse(f"country,year,score,{columns}\nKAZ,2024,40,{values}\n")
    row = parsed.frame.loc[0]
    if normalised is None:
        assert pd.isna(row["score_normalised"]) and any(
            "score_normalised empty" in n for n in parsed.notes
        )
    else:
        assert row["score_normalised"] == pytest.approx(normalised)
    assert (direction is None and pd.isna(row["score_direction"])) or row[
        "score_direction"
    ] == direction


def test_scores_beyond_100_without_a_scale() -> None:
    """Higher-is-better scores beyond 0-100 with no score_max stay unnormalised, with a note."""
    parsed = parse("country,year,score,higher_is_better\nKAZ,2024,400,yes\nKGZ,2024,90,yes\n")
    assert parsed.frame["score_normalised"].isna().all()
    assert any(n.startswith(NOTES["beyond_100"]) for n in parsed.notes)


def test_score_only_file() -> None:
    """A file with scores and no ranks parses with empty ranks and positions."""
    frame = parse("country,year,score\nKAZ,2024,36.4\nKGZ,2024,47.1\n").frame
    assert frame["rank"].isna().all() and frame["position"].isna().all()
    assert not frame["tied"].any()


def test_citation_and_provenance() -> None:
    """Citation comes from a source column, else 'file, row n'; provenance is the file's."""
    text = "country,year,rank,source\nKAZ,2024,1,https://example.org/r\nKGZ,2024,2,\n"
    source = SourceFile("c.csv", text.encode())
    frame = parse_file(source, ParseOptions(today=TODAY)).frame
    assert list(frame["citation"]) == ["https://example.org/r", "c.csv, row 3"]
    assert set(frame["source_file"]) == {"c.csv"} and set(frame["source_sha256"]) == {source.sha256}
    assert list(frame["source_row"]) == [2, 3]


def test_empty_rows_are_skipped() -> None:
    """Rows empty in every used column are skipped; row numbers stay the file's."""
    frame = parse("country,year,rank\nKAZ,2024,1\n,,\nKGZ,2024,2\n").frame
    assert list(frame["source_row"]) == [2, 4]


def test_sniff() -> None:
    """sniff is 0.8 for an analyst file and 0 for RSF's export or an unrelated table."""
    adapter = AnalystRankings()

    def table(text: str) -> object:
        return read_table(SourceFile("t.csv", text.encode()))

    assert adapter.sniff(table(ENGLISH)) == 0.8  # type: ignore[arg-type]
    rsf = "ISO;Score 2025;Rank;Zone;Country_EN;Year (N);Rank N-1\nFIN;87,18;5;UE;Finland;2025;5\n"
    assert adapter.sniff(table(rsf)) == 0.0  # type: ignore[arg-type]
    assert adapter.sniff(table("date,title\n2024-01-01,x\n")) == 0.0  # type: ignore[arg-type]


@pytest.mark.skipif(not RSF_2025.is_file(), reason="shared RSF data not present")
def test_real_rsf_file_is_left_to_the_rsf_adapter() -> None:
    """RSF's own 2025 export scores 0 here, so the RSF adapter reads it."""
    source = SourceFile.from_path(RSF_2025)
    assert AnalystRankings().sniff(read_table(source)) == 0.0
    assert parse_file(source).adapter == "rsf_csv"


def test_docs_list_every_alias() -> None:
    """Every column alias in COLUMN_ALIASES appears in docs/analyst-files.md."""
    text = DOCS.read_text(encoding="utf-8")
    missing = [a for names in COLUMN_ALIASES.values() for a in names if f"`{a}`" not in text]
    assert not missing


def test_docs_list_every_message() -> None:
    """Every problem message and note of the adapter appears in docs/analyst-files.md."""
    text = DOCS.read_text(encoding="utf-8")
    fixed = [re.split(r"\{", m)[0].strip() for m, _ in MESSAGES.values()] + list(NOTES.values())
    assert not [m for m in fixed if m not in text]


COUNTRIES = [
    "KAZ", "Kyrgyzstan", "Россия", "UZ", "Tajikistan", "Turkmenistan", "Türkiye", "Czechia",
    "Côte d'Ivoire", "FIN", "EST", "NOR", "Germany", "France", "Казахстан", "China", "India",
    "Brazil", "Mexico", "Chile", "Peru", "Ghana", "Kenya", "Japan", "Mongolia", "Georgia",
]  # fmt: skip
DISTINCT = [c for c in COUNTRIES if c != "Казахстан"]  # "Казахстан" is KAZ again


@st.composite
def tables(draw: st.DrawFn) -> str:
    """A valid CSV: 1-3 editions, distinct countries, ranks a permutation of 1..n."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    lines = [delimiter.join(["country", "year", "rank"])]
    for year in draw(st.lists(st.integers(1990, 2025), min_size=1, max_size=3, unique=True)):
        names = draw(
            st.lists(st.sampled_from(DISTINCT), min_size=2, max_size=len(DISTINCT), unique=True)
        )
        ranks = draw(st.permutations(range(1, len(names) + 1)))
        lines += [
            delimiter.join([f'"{n}"', str(year), str(r)]) for n, r in zip(names, ranks, strict=True)
        ]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_any_valid_table_gives_ordered_positions(text: str) -> None:
    """Any valid table parses; positions lie in 0-100 and a better rank never has a lower one."""
    frame = parse(text).frame
    assert frame["position"].between(0, 100).all()
    for _, edition in frame.groupby("edition"):
        ordered = edition.sort_values("rank")["position"].tolist()
        assert ordered == sorted(ordered, reverse=True)
        assert set(edition["n_ranked"]) == {len(edition)}
