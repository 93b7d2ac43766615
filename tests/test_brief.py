"""The country brief (issue 11 item 7): its content traces to the stored rows, its HTML carries
no script and no reference outside itself, its chart and PDF are drawn without any network,
it fits one A4 page, and the app's Brief page shows and hands out the CLI's document."""

from __future__ import annotations

import base64
import io
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from indicators.cli.main import main
from indicators.pipeline.embedded import open_default_store
from indicators.present.brief import (
    Brief,
    BriefUnavailable,
    Citation,
    DataVersion,
    brief_for,
    editions,
    gather,
)
from indicators.present.brief_html import MADE_AT, chart_figure, document, safe_svg, short
from indicators.present.brief_pdf import (
    NOWHERE,
    PLOTLY_JS,
    chart_svg,
    html_to_pdf,
    network_flags,
    page_count,
)
from indicators.store import Store

PAGE = Path(__file__).resolve().parents[1] / "app_pages" / "brief.py"
TODAY = date(2026, 12, 1)
MADE = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5"/></svg>'


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store seeded with the embedded data (what the app and the CLI read by default)."""
    return open_default_store(tmp_path_factory.mktemp("brief-store"))


@pytest.fixture(scope="module")
def tables(embedded: Store) -> dict[str, pd.DataFrame]:
    return {name: embedded.table(name) for name in ("rankings", "incidents", "events")}


def _brief(tables: dict[str, pd.DataFrame], iso3: str, edition: str | None = None) -> Brief:
    version = DataVersion(7, "2026-11-30")
    return gather(
        tables["rankings"], tables["incidents"], tables["events"], iso3, edition,
        version=version, today=TODAY,
    )  # fmt: skip


def test_headline_figures_are_the_stored_rows(tables: dict[str, pd.DataFrame]) -> None:
    """Latest edition by default: 149th of 180 in 2026 (covering 2025), and the change from the
    stored 2025 row (141st): both read back from the rankings table, not typed in."""
    b = _brief(tables, "KAZ")
    r = tables["rankings"]
    rows = r[(r["iso3"] == "KAZ") & (r["index"] == "rsf_wpfi")].set_index("edition")
    f = b.figures
    assert (f.edition, f.period_label, f.rank_phrase) == ("2026", "2025", "149th of 180")
    assert f.headline == "149th of 180 in RSF World Press Freedom Index 2026 (covering 2025)"
    score, position = rows["score"].astype(float), rows["position"].astype(float)
    assert f.score == pytest.approx(score["2026"])
    expected = position["2026"] - position["2025"]
    assert f.position_change == pytest.approx(expected, abs=0.05)
    assert f.change_words == "8 places down (141st of 180 in 2025)"
    assert b.view["edition"].iloc[-1] == "2026" and len(b.view) == 24
    assert b.method_changes == ("2013", "2022")


def test_chosen_edition_and_its_series(tables: dict[str, pd.DataFrame]) -> None:
    """--edition 2018 gives 158th of 180 and charts the editions up to 2018 only; an edition is
    found by its name or its year ('2012' is the edition '2011-12')."""
    b = _brief(tables, "KAZ", "2018")
    assert b.figures.rank_phrase == "158th of 180" and b.figures.previous_edition == "2017"
    assert list(b.view["edition"])[-1] == "2018" and "2019" not in set(b.view["edition"])
    assert b.method_changes == ("2013",)
    assert "158th of 180" in b.sentences[0]
    assert _brief(tables, "KAZ", "2012").figures.edition == "2011-12"
    assert editions(tables["rankings"], "KAZ")[-1] == "2026"


def test_unknown_edition_and_country_without_ranking(tables: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(BriefUnavailable, match=r"no edition '1990' for Kazakhstan.*2002, 2003"):
        _brief(tables, "KAZ", "1990")
    with pytest.raises(BriefUnavailable, match=r"ranking is stored for Germany \(DEU\)"):
        _brief(tables, "DEU")
    assert editions(tables["rankings"], "DEU") == []


def test_incidents_by_statute_count_the_loaded_cases(tables: dict[str, pd.DataFrame]) -> None:
    """Each statute's count is the distinct incidents whose statute applied to the target is
    that one, recounted here from the raw rows; the sample caveat goes with the table."""
    part = _brief(tables, "KAZ").incidents
    assert part.loaded and "not all that happened" in part.note and "too few" in part.note
    raw = tables["incidents"]
    raw = raw[(raw["country"] == "KAZ") & (raw["statute_applied_to"] == "target")]
    top = part.by_statute[0]
    assert top.label.startswith("Criminal Code art. 274: dissemination of knowingly false")
    n274 = raw.loc[raw["statute_key"] == "KAZ-CC2014-274", "incident_id"].nunique()
    assert top.incidents == n274 == 13
    assert [r.incidents for r in part.by_statute] == sorted(
        (r.incidents for r in part.by_statute), reverse=True
    )
    assert part.total == tables["incidents"].query("country == 'KAZ'")["incident_id"].nunique()


def test_synthetic_rows_never_enter_a_brief(tables: dict[str, pd.DataFrame]) -> None:
    incidents = tables["incidents"]
    fake = incidents[incidents["country"] == "KAZ"].head(40).copy()
    fake["incident_id"] = "SYN-" + fake["incident_id"].astype(str)
    fake["synthetic"] = True
    with_fake = {**tables, "incidents": pd.concat([incidents, fake], ignore_index=True)}
    assert _brief(with_fake, "KAZ").incidents == _brief(tables, "KAZ").incidents


def test_no_incident_source_says_so_and_counts_nothing(tables: dict[str, pd.DataFrame]) -> None:
    b = _brief(tables, "UZB")
    assert not b.incidents.loaded and b.incidents.by_statute == ()
    assert b.incidents.note.startswith("No incident records are loaded for Uzbekistan")
    page = document(b, TINY_SVG, MADE)
    assert "No incident records are loaded for Uzbekistan" in page
    assert "<table" not in page and "Cases</th>" not in page
    assert not any("incident" in c.title for c in b.sources)


def test_sources_are_citations_never_local_paths(tables: dict[str, pd.DataFrame]) -> None:
    b = _brief(tables, "KAZ")
    publishers = [c.publisher for c in b.sources]
    assert publishers[0] == "Reporters Without Borders (RSF)"
    assert b.sources[0].url == "https://rsf.org/sites/default/files/import_classement/2026.csv"
    assert any(c.publisher.startswith("Adil Soz") and "adilsoz.kz" in c.url for c in b.sources)
    for c in b.sources:
        assert not c.url or re.match(r"(https?://|\d+ pages at )", c.url), c
        assert "shared/docs" not in c.url and ".md" not in c.url


def _hostile(tables: dict[str, pd.DataFrame]) -> Brief:
    bad = '<script>alert(1)</script><img src="http://evil.test/x.png" onerror="alert(2)">'
    rankings = tables["rankings"].copy()
    rankings.loc[rankings["iso3"] == "KAZ", "country"] = "Kaz" + bad
    events = tables["events"].copy()
    events.loc[events["country"] == "KAZ", "title"] = "Event " + bad
    events.loc[events["country"] == "KAZ", "source_name"] = "Publisher " + bad
    events.loc[events["country"] == "KAZ", "source_url"] = "javascript:alert(3)"
    hostile = {"rankings": rankings, "incidents": tables["incidents"], "events": events}
    return _brief(hostile, "KAZ")


def test_every_data_string_is_escaped(tables: dict[str, pd.DataFrame]) -> None:
    page = document(_hostile(tables), TINY_SVG, MADE)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page
    tags = re.findall(r"<[^>]*>", page)  # the document's own tags: data has no '<' left
    assert not [t for t in tags if re.search(r"\s(src|href|on\w+)\s*=", t, re.IGNORECASE)]


def test_document_forbids_every_load_and_script(tables: dict[str, pd.DataFrame]) -> None:
    page = document(_brief(tables, "KAZ"), TINY_SVG, MADE)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1) and "script-src" not in csp.group(1)
    assert not re.search(r"<(script|link|iframe|object|embed)\b", page, re.IGNORECASE)
    assert "@page { size: A4 portrait" in page
    assert '<span class="made">Made 2026-12-01 09:30 UTC</span>' in page
    assert "Data version 7 (stored 2026-11-30)" in page


def test_made_at_is_the_only_difference(tables: dict[str, pd.DataFrame]) -> None:
    b = _brief(tables, "KAZ")
    one, two = document(b, TINY_SVG, MADE), document(b, TINY_SVG, datetime.now(UTC))
    assert one != two and MADE_AT.sub("", one) == MADE_AT.sub("", two)


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<image x:href="http://evil.test/a.png"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(http://evil.test/p)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://evil.test/s.css";</style></svg>',
        "<html><body>not a chart</body></html>",
    ],
)
def test_unsafe_svg_is_refused(svg: str) -> None:
    with pytest.raises(ValueError):
        safe_svg(svg)


def test_short_titles_cut_at_a_word() -> None:
    assert short("Capital Astana renamed Nur-Sultan (renamed back on 17 Sep)", 48) == (
        "Capital Astana renamed Nur-Sultan\u2026"
    )
    assert short("Snap presidential election", 48) == "Snap presidential election"


# Chromium's own background services, which it tries whatever its flags say (update and
# account checks, its clock, the search engine's preconnect): never the brief's content.
CHROMIUM_BACKGROUND = {
    "update.googleapis.com",
    "accounts.google.com",
    "clients2.google.com",
    "redirector.gvt1.com",
    "start.duckduckgo.com",
}


class _Listener:
    """A TCP 'proxy' on localhost that records the host of every request and closes it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.hosts: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            conn.settimeout(2)
            try:
                line = conn.recv(2048).split(b"\r\n", 1)[0].decode("latin-1")
            except OSError:
                line = ""
            if not line:  # a connection opened ahead of use (preconnect) that asks for nothing
                conn.close()
                continue
            target = line.split(" ")[1] if line.count(" ") >= 2 else "?"
            self.hosts.append(urlsplit("//" + target.split("://")[-1]).hostname or "?")
            conn.close()

    def content_hosts(self) -> set[str]:
        """Hosts asked for that are not Chromium's own background services."""
        return set(self.hosts) - CHROMIUM_BACKGROUND

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    proxy = _Listener()
    yield proxy
    proxy.close()


@pytest.mark.slow
def test_chart_and_pdf_fetch_nothing(tables: dict[str, pd.DataFrame], listener: _Listener) -> None:
    """Every request Chromium makes goes to the proxy (in use, one that does not exist): while
    the brief's chart is drawn and its PDF printed, nothing is asked for the chart or the
    document (no plotly.js, MathJax, font or image from the web); a page or a figure that does
    load a web image is seen asking (so the check can fail)."""
    b = _brief(tables, "KAZ")
    svg = chart_svg(chart_figure(b), 760, 265, proxy=listener.url)
    pdf = html_to_pdf(document(b, svg, MADE), proxy=listener.url)
    assert pdf.startswith(b"%PDF") and listener.content_hosts() == set()
    html_to_pdf(
        '<html><body><img src="http://example.com/x.png"></body></html>', proxy=listener.url
    )
    assert listener.content_hosts() == {"example.com"}
    web_image = go.Figure(layout={"images": [{"source": "http://example.org/y.png"}]})
    chart_svg(web_image, 100, 100, proxy=listener.url)
    assert listener.content_hosts() == {"example.com", "example.org"}


def test_kaleido_page_is_local() -> None:
    """The page kaleido draws in loads the plotly.js inside the plotly package, no MathJax."""
    import kaleido

    page = kaleido.PageGenerator(plotly=PLOTLY_JS.as_uri(), mathjax=False).generate_index()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert PLOTLY_JS.is_file() and scripts[0] == PLOTLY_JS.as_uri()
    assert all(s.startswith("file://") for s in scripts) and "mathjax" not in page.lower()
    flags = network_flags(NOWHERE)
    assert "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" in flags
    assert f"--proxy-server={NOWHERE}" in flags and "--proxy-bypass-list=<-loopback>" in flags


@pytest.mark.slow
def test_long_brief_still_prints_on_one_page(tables: dict[str, pd.DataFrame]) -> None:
    """A country with more sources is printed smaller, not on a second page (and the brief
    lists at most MAX_SOURCES sources, saying how many more there are)."""
    b = _brief(tables, "KAZ")
    many = tuple(
        Citation(f"Publisher {i} with a long name", "A report " * 8, "2025", "") for i in range(4)
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 265" width="760" height="265"><rect width="760" height="265" fill="#eee"/></svg>'
    pdf = html_to_pdf(document(replace(b, sources=b.sources + many), svg, MADE))
    assert page_count(pdf) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def _iframe_html(at: AppTest) -> str:
    frames = at.get("iframe")
    assert len(frames) == 1, [w.value for w in at.warning]
    src = frames[0].proto.src
    assert src.startswith("data:text/html;base64,")
    return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")


@pytest.mark.slow
def test_brief_page_is_the_cli_document(isolated_default_store: Path, tmp_path: Path) -> None:
    """The Brief page shows the headline, offers the PDF and HTML downloads and shows the
    document, which is the CLI's byte for byte apart from the made-at line; its PDF (what the
    PDF button hands out) is one page."""
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["Country brief: Kazakhstan"]
    assert "149th of 180 in RSF World Press Freedom Index 2026" in at.subheader[0].value.replace(
        "\\", ""
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the brief (PDF, one A4 page)", "Download the brief (HTML)"]
    app_html = _iframe_html(at)
    out = tmp_path / "cli.html"
    store = str(isolated_default_store)
    assert main(["brief", "--country", "KAZ", "--store", store, "--out", str(out)]) == 0
    cli_html = out.read_text(encoding="utf-8")
    assert MADE_AT.search(app_html) and MADE_AT.sub("", app_html) == MADE_AT.sub("", cli_html)
    reader = pypdf.PdfReader(io.BytesIO(html_to_pdf(app_html)))
    assert len(reader.pages) == 1 and "149th of 180" in reader.pages[0].extract_text()


@pytest.mark.slow
def test_brief_page_edition_in_the_url(isolated_default_store: Path) -> None:
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.query_params["country"] = "KAZ"
    at.query_params["edition"] = "2018"
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "158th of 180" in at.subheader[0].value
    assert "158th of 180" in _iframe_html(at)
    store = open_default_store(isolated_default_store)
    expected = brief_for(store, "KAZ", "2018", date.today()).figures.headline
    assert at.subheader[0].value.replace("\\", "") == expected
