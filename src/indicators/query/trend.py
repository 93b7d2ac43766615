"""The low-baseline rule: when a change in a count of recorded cases may be called a trend.

Incident counts are the cases in the sources loaded here, a sample of what happened. A small
count moves by chance and with what a monitor happened to document, so a change between two
small counts is never presented as news, good or bad. This is the one place the rule lives:

- fewer than :data:`LOW_BASELINE` cases in either period: "too few to call a trend";
- otherwise the change in words ("12 more than in 2024", "3 fewer than in 2024", "the same
  as in 2024"), never coloured as good or bad (the pages draw it with ``delta_color="off"``).
"""

from __future__ import annotations

LOW_BASELINE = 10  # fewer cases than this in either period: too few to call a trend

TOO_FEW = "too few to call a trend"


def too_few(this: int, last: int) -> bool:
    """Whether either count is below the low baseline (so no trend may be stated)."""
    return min(this, last) < LOW_BASELINE


def change_in_words(this: int, last: int, last_label: str) -> str:
    """The change from ``last`` (in ``last_label``) to ``this``, in words, under the rule."""
    if too_few(this, last):
        return f"{TOO_FEW} ({last} in {last_label})"
    diff = this - last
    if diff == 0:
        return f"the same as in {last_label}"
    return f"{abs(diff)} {'more' if diff > 0 else 'fewer'} than in {last_label}"
