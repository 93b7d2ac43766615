"""Build the project's generated datasets in data/ from the publisher files in ../shared/data.

1. data/rankings/rsf_eeac.csv: the curated rankings extract (below).
2. data/incidents/adilsoz_facts.csv and data/reported_counts/adilsoz_*.csv: Adil Soz's
   compiled monitoring facts, normalised to this project's canonical tables (statute keys,
   region codes valid at the date), each row keeping the upstream file, SHA-256, row and the
   Adil Soz page it cites. Run after changing the normalisers or reference tables.


The extract holds RSF's Eastern Europe-Central Asia (EEAC) zone, which contains Kazakhstan, its
Central Asian neighbours and Russia, for every edition. Each row keeps the number ranked and tie
size of the whole edition (so positions stay exact), and cites the edition, RSF's address, the
publisher file's SHA-256 and the row it came from. Run from the repository root:

    python scripts/build_embedded_data.py ../shared/data/rsf
    python scripts/build_embedded_data.py ../shared/data/rsf rankings   # the extract alone
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from indicators.pipeline.extract import parse_file
from indicators.sources.reading import SourceFile
from indicators.sources.registry import ParseOptions
from indicators.sources.rsf.adapter import RsfCsv

CENTRAL_ASIA = {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
OUT = Path("data/rankings/rsf_eeac.csv")


def build_adilsoz(folder: Path) -> None:
    """Normalise Adil Soz's compiled facts and counts to canonical CSVs in data/."""
    outputs = {
        "incidents.csv": Path("data/incidents/adilsoz_facts.csv"),
        "monthly_counts.csv": Path("data/reported_counts/adilsoz_monthly_counts.csv"),
        "cumulative_statements.csv": Path("data/reported_counts/adilsoz_cumulative.csv"),
    }
    for name, out in outputs.items():
        parsed = parse_file(SourceFile.from_path(folder / name))
        out.parent.mkdir(parents=True, exist_ok=True)
        parsed.frame.to_csv(out, index=False, lineterminator="\n")
        print(f"{out}: {len(parsed.frame)} rows ({parsed.adapter}); notes: {parsed.notes}")


def build_rankings(folder: Path) -> None:
    """Parse every RSF edition and write the EEAC extract."""
    frames = []
    for path in sorted(folder.glob("*.csv")):
        parsed = parse_file(SourceFile.from_path(path), ParseOptions(adapter=RsfCsv.name))
        frames.append(parsed.frame)
    allr = pd.concat(frames, ignore_index=True)
    zone_members = set(allr.loc[allr["zone"] == "EEAC", "iso3"])
    keep = zone_members | CENTRAL_ASIA | {"RUS"}
    extract = allr[allr["iso3"].isin(keep) & (allr["entity_kind"] != "pseudo")]
    extract = extract.sort_values(["edition_year", "rank", "iso3"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    extract.to_csv(OUT, index=False, lineterminator="\n")
    print(
        f"{OUT}: {len(extract)} rows, {extract['iso3'].nunique()} countries, "
        f"{extract['edition'].nunique()} editions"
    )


def main(folder: str, only: str = "") -> None:
    """Write the EEAC extract, then the Adil Soz tables (``rankings`` as a second argument:
    the extract alone)."""
    build_rankings(Path(folder))
    if only != "rankings":
        build_adilsoz(Path(folder).parent / "adilsoz")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/rsf", *sys.argv[2:3])
