"""Terminal-safe output: text from files never drives the terminal that shows it.

A title or commit message holding ``ESC [2J`` (clear the screen), ``ESC ] 0;... BEL`` (set the
window title), a carriage return or a bidi override could rewrite what an analyst sees. The
command line prints through :func:`safe_output`, which removes, from everything written to
standard output and standard error:

* escape sequences (CSI ``ESC [ ...``, OSC ``ESC ] ... BEL``, DCS/SOS/PM/APC, two-character
  escapes, and their 8-bit forms), as whole sequences;
* the other C0 controls except newline and tab (so also CR, BS, BEL), DEL, and C1 controls;
* bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).

Machine-readable data (``--format csv`` or ``json``) is written unchanged when it goes to a
file or a pipe, so an export holds exactly what is stored; only when that data goes to a
terminal is it stripped too (see :meth:`SafeStream.write_data`). JSON escapes C0 controls
itself; the CSV export neutralises formulas (:mod:`indicators.present.export`).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TextIO

_SEQUENCES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?                   # CSI: ESC [ parameters final
    | \x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?       # OSC: ESC ] text, ended by BEL or ST
    | \x1b[PX^_][^\x1b\n]*(?:\x1b\\)?            # DCS, SOS, PM, APC, ended by ST
    | \x1b[ -/]*[0-~]?                           # any other escape
    | \x9b[0-?]*[ -/]*[@-~]?                     # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f][^\x07\x9c\n]*[\x07\x9c]?   # 8-bit DCS, SOS, OSC, PM, APC
    """,
    re.VERBOSE,
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences, control characters or bidi overrides
    (newline and tab are kept)."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


class SafeStream:
    """A text stream that strips what :func:`strip_controls` removes from all it writes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` stripped of controls (returns the length given, as print expects)."""
        self.stream.write(strip_controls(text))
        return len(text)

    def write_data(self, text: str) -> None:
        """Write CSV or JSON data: unchanged to a file or pipe, stripped to a terminal."""
        self.stream.write(strip_controls(text) if self.isatty() else text)

    def isatty(self) -> bool:
        """Whether the stream is a terminal."""
        try:
            return bool(self.stream.isatty())
        except (AttributeError, ValueError):
            return False

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def write_data(text: str, out: TextIO | SafeStream | None = None) -> None:
    """Write machine-readable data to ``out`` (standard output by default): see SafeStream."""
    target = out if out is not None else sys.stdout
    if isinstance(target, SafeStream):
        target.write_data(text)
    else:
        target.write(text)


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """Strip controls from everything printed to standard output and error in this block."""
    out = SafeStream(sys.stdout)
    err = SafeStream(sys.stderr)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield
