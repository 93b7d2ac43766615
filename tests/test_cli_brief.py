"""``indicators brief`` (issue 11 item 7): on the embedded data it writes a one-page PDF (or the
HTML) whose text holds the headline figures and the data version; wrong input is one error
line in the user's terms, exit status 2, and no file."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import pypdf
import pytest

from indicators.cli.brief import output_format
from indicators.cli.main import main
from indicators.pipeline.embedded import open_default_store

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, str]:
    """A store folder seeded with the embedded data: (folder, version number, stored date)."""
    folder = tmp_path_factory.mktemp("brief-cli-store")
    store = open_default_store(folder)
    head = store.head()
    assert head is not None
    return str(folder), head, store.version(head).created_at[:10]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["brief", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_kazakhstan_pdf_is_one_page_with_the_headline(
    seeded: tuple[str, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's done-when: one A4 page whose text holds 149, 180, 2026 and the version."""
    folder, head, stored = seeded
    out = tmp_path / "brief.pdf"
    started = time.perf_counter()
    code, said, err = _run(["--country", "KAZ", "--store", folder, "--out", str(out)], capsys)
    seconds = time.perf_counter() - started
    assert code == 0, err
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 portrait
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    for expected in ("149th of 180", "2026", f"Data version {head} (stored {stored})", "Made "):
        assert expected in text, expected
    assert "Criminal Code art. 274" in text and "not all that happened" in text
    assert "Reporters Without Borders (RSF)" in text
    assert said.startswith(f"wrote {out} (PDF") and "149th of 180" in said
    print(f"indicators brief --country KAZ --out brief.pdf: {seconds:.1f} s")
    if shutil.which("pdftoppm"):  # the page as a reader sees it, for people to look at
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = SCREENSHOTS / "brief-KAZ"
        subprocess.run(["pdftoppm", "-png", "-r", "120", "-singlefile", str(out), str(stem)])


@pytest.mark.slow
def test_html_of_an_earlier_edition(
    seeded: tuple[str, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--edition 2018 gives 158th of 180; an .html name (or --format html) writes the HTML."""
    out = tmp_path / "brief-2018.html"
    args = ["--country", "Kazakhstan", "--edition", "2018", "--store", seeded[0], "--out", str(out)]
    code, said, err = _run(args, capsys)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "158th of 180" in page
    assert "RSF World Press Freedom Index 2018, covering 2017" in page
    assert "<script" not in page and "<svg" in page
    assert "(HTML," in said


@pytest.mark.slow
def test_country_without_incident_source_says_so(
    seeded: tuple[str, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "uzbekistan.txt"
    args = ["--country", "UZB", "--store", seeded[0], "--out", str(out), "--format", "html"]
    code, _, err = _run(args, capsys)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "No incident records are loaded for Uzbekistan, so no incident count is shown" in page
    assert (
        "<table" not in page and "Cases</th>" not in page and "incidents in the loaded" not in page
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "XYZ"], "error: unknown country 'XYZ': use an ISO3 code such as KAZ"),
        (["--country", "KAZ", "--edition", "1990"], "has no edition '1990' for Kazakhstan"),
        (
            ["--country", "Germany"],
            "no RSF World Press Freedom Index ranking is stored for Germany",
        ),
    ],
)
def test_wrong_input_is_one_error_line_and_no_file(
    seeded: tuple[str, int, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "brief.pdf"
    code, said, err = _run([*args, "--store", seeded[0], "--out", str(out)], capsys)
    assert code == 2 and said == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_missing_chromium_is_a_clear_error(
    seeded: tuple[str, int, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INDICATORS_CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "brief.pdf"
    code, _, err = _run(["--country", "KAZ", "--store", seeded[0], "--out", str(out)], capsys)
    assert code == 2 and "INDICATORS_CHROMIUM=" in err and "is not an executable file" in err
    assert not out.exists()


def test_format_follows_the_suffix() -> None:
    assert output_format("brief.pdf", None) == "pdf"
    assert output_format("Brief.HTML", None) == "html"
    assert output_format("brief.htm", None) == "html"
    assert output_format("brief", None) == "pdf"
    assert output_format("brief.html", "pdf") == "pdf"
