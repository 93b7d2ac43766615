"""Profile the app's server while a protocol client changes the country: where reruns go.

Run: ``.venv/bin/python -m benchmarks.profile_server [--page incidents] [--reruns 40]
[--store DIR]``. Needs ``py-spy`` (``.venv/bin/pip install py-spy``). Starts the app on a
fresh copy of the embedded data (or on ``--store``), samples it with ``py-spy record`` while
one session picks countries in turn, and prints the functions of this project (and the
biggest library frames) by the share of samples that include them.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.protocol import Session
from benchmarks.server import APP, running

COUNTRIES = ["Kyrgyzstan", "Kazakhstan", "Uzbekistan", "Kazakhstan", "Russia", "Kazakhstan"]


async def _drive(port: int, page: str, reruns: int) -> list[float]:
    session = Session(port, page=page)
    await session.open()
    await session.rerun()
    out = []
    for i in range(reruns):
        run = await session.rerun([session.select("Country", COUNTRIES[i % len(COUNTRIES)])])
        out.append(run.seconds)
    await session.close()
    return out


def inclusive(raw: str, top: int = 400) -> list[tuple[str, float]]:
    """Share of samples in which each frame appears (py-spy's raw collapsed stacks)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        for frame in set(stack.split(";")):
            counts[frame] += int(n)
    return [(f, c / total) for f, c in counts.most_common(top)] if total else []


def profile(page: str, reruns: int, store: Path | None, rate: int = 250) -> str:
    """Profile ``reruns`` country changes on ``page``; return the report text."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        if store is None:
            from indicators.pipeline.embedded import open_default_store

            store = Path(tmp) / "store"
            open_default_store(store)
        out = Path(tmp) / "stacks.txt"
        with running(APP, {"INDICATORS_STORE": str(store)}) as server:
            asyncio.run(_drive(server.port, page, 2))  # warm the caches first
            spy_proc = subprocess.Popen(
                [spy, "record", "--pid", str(server.proc.pid), "--format", "raw",
                 "--rate", str(rate), "--output", str(out), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(1.0)
            seconds = asyncio.run(_drive(server.port, page, reruns))
            spy_proc.send_signal(2)  # SIGINT: py-spy writes its output and exits
            spy_proc.wait(30)
        rows = inclusive(out.read_text() if out.exists() else "")
    lines = [
        f"page /{page}: {reruns} country changes, median rerun "
        f"{sorted(seconds)[len(seconds) // 2] * 1000:.0f} ms",
        "share of samples (inclusive) per frame:",
    ]
    lines += [f"  {share:6.1%}  {frame}" for frame, share in rows if share >= 0.02][:60]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print a profile of the server's reruns."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="", help="url path of the page ('' = overview)")
    parser.add_argument("--reruns", type=int, default=40)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args(argv)
    print(profile(args.page, args.reruns, args.store))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
