"""The low-baseline rule: when a change in a count of recorded cases may be called a trend.

Incident counts are the cases in the sources loaded here, a sample of what happened. A small
count moves by chance and with what a monitor happened to document, so a change between two
small counts is never presented as news, good or bad. This is the one place the rule lives.

A change is put in one of the bands of ACLED's Trendfinder ("Country Change Level"), on the
percentage change rounded to a whole number (so the words always agree with the figure shown):

- more than 25% more: "large increase";
- 10% to 25% more: "moderate increase";
- from 25% fewer to 9% more: "limited change";
- more than 25% fewer: "large decrease";

and fewer than :data:`LOW_BASELINE` cases in either period is "limited change: too few cases to
call a trend", whatever the percentage. ACLED calls a change limited when the norm averages two
events or fewer and the current period has five or fewer; every such case has fewer than 10 in
both periods here, so this rule is the stricter one: it also withholds calls ACLED would make
(4 cases against 8 is ACLED's large decrease), because these counts are a sample of what
monitors documented, and a handful more or fewer is often a change in the documenting.

Two comparisons are made (:func:`incident_changes`, counting with
:func:`indicators.query.aggregate.incident_counts`, the page's own counts):

- month on month: the latest month of the data that is over (before today's month) against the
  month before it (ACLED's month norm is the four weeks before; one whole month keeps two whole
  counts a reader can find in the monthly bars, where an average of months would not be one);
- year on year: that month's year against the year before; where that year is not over (today,
  or in the data: its latest case dated to a month is before December), its months up to that
  month against the same months of the year before, and the comparison says so;
- no period before the first year with a case (or the first year chosen) is compared with: no
  count, not even 0, is given for a time the loaded sources do not cover.

No change is ever called good or bad, nor given as a signed number (the pages draw no coloured
delta: a metric that shows one uses ``delta_color="off"``).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.i18n import N_, Msg, _, format_date, language, msg, number, tr
from indicators.query.aggregate import incident_counts

LOW_BASELINE = 10  # fewer cases than this in either period: too few to call a trend
LARGE = 25  # per cent: more than this up is a large increase, more than this down a large decrease
MODERATE = 10  # per cent: from this up to LARGE is a moderate increase

# The bands and kinds are kept in English (code compares them) and translated where shown.
LARGE_INCREASE = N_("large increase")
MODERATE_INCREASE = N_("moderate increase")
LIMITED = N_("limited change")
LARGE_DECREASE = N_("large decrease")
LEVELS = (LARGE_INCREASE, MODERATE_INCREASE, LIMITED, LARGE_DECREASE)

TOO_FEW = N_("limited change: too few cases to call a trend")

MONTH_ON_MONTH = N_("month on month")
YEAR_ON_YEAR = N_("year on year")

# RULE and TILE_HELP are messages (:class:`indicators.i18n.Msg`): the English text, shown in
# the reader's language with ``tr(RULE)``.
RULE = msg(
    "How a change is called: the latest month that is over against the month before, and its "
    "year against the year before (a year not over, or not over in the data, by its months so "
    "far against the same months of the year before). More than 25% more is a large increase, "
    "10% to 25% more a moderate increase, from 25% fewer to 9% more limited change, more than "
    "25% fewer a large decrease (the bands of ACLED's Trendfinder, on whole percentages). "
    "Fewer than {n} cases in either period is {too_few}. No change is called good "
    "or bad: these are the cases in the loaded sources, and a change may be a change in "
    "reporting.",
    n=LOW_BASELINE,
    too_few=TOO_FEW,
)
# The Overview's incident tile's help text (app_pages/overview.py may show this constant).
TILE_HELP = msg(
    "Distinct incidents in the sources loaded here, not all that happened. The change is year "
    "on year, in ACLED's bands (large increase above 25% more, moderate increase 10% to 25% "
    "more, large decrease above 25% fewer, else limited change); fewer than {n} "
    "cases in either period is limited change: too few cases to call a trend.",
    n=LOW_BASELINE,
)


def count_text(n: int) -> str:
    """A count of cases as a sentence writes it: '1999' in English (as always), '1 999' in
    Russian and Kazakh (Babel's grouping)."""
    return str(n) if language() == "en" else number(n)


def kind_words(kind: str) -> str:
    """'Month on month', 'Year on year' in the reader's language, capitalised."""
    words = _(kind)
    return words[:1].upper() + words[1:]


class Period(Msg):
    """A period of a comparison: its English words ('April 2025', 'January to April 2025',
    '2025'), a ``str`` as before, that are written in the reader's language where shown
    (``tr(period)``, :meth:`translated`): 'апрель 2025', 'январь 2025 – апрель 2025'."""

    year: int
    first: int  # month, 0 for a whole year
    last: int

    def __new__(cls, year: int, first: int = 0, last: int = 0) -> Period:
        if not first:
            english = str(year)
        elif first == last:
            english = f"{calendar.month_name[first]} {year}"
        else:
            english = f"{calendar.month_name[first]} to {calendar.month_name[last]} {year}"
        self = str.__new__(cls, english)
        self.template, self.params = english, {}
        self.year, self.first, self.last = year, first, last
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Period, (self.year, self.first, self.last))

    def translated(self) -> str:
        if language() == "en" or not self.first:
            return str(self)
        start = format_date(date(self.year, self.first, 1), "month")
        if self.first == self.last:
            return start
        end = format_date(date(self.year, self.last, 1), "month")
        return _("{start} to {end}").format(start=start, end=end)


def too_few(this: int, last: int) -> bool:
    """Whether either count is below the low baseline (so no trend may be stated)."""
    return min(this, last) < LOW_BASELINE


def percent_change(this: int, last: int) -> int | None:
    """(this - last) / last in per cent, rounded half away from zero to a whole number, in
    integers (no float lands beside a band's edge); None when ``last`` is 0."""
    if this < 0 or last < 0:
        raise ValueError(f"a count of cases cannot be negative: {this}, {last}")
    if last == 0:
        return None
    whole = (200 * abs(this - last) + last) // (2 * last)
    return whole if this >= last else -whole


def change_level(this: int, last: int) -> str:
    """The band of a change from ``last`` to ``this`` (one of :data:`LEVELS`), by the rule."""
    percent = percent_change(this, last)
    if too_few(this, last) or percent is None:
        return LIMITED
    if percent > LARGE:
        return LARGE_INCREASE
    if percent >= MODERATE:
        return MODERATE_INCREASE
    return LIMITED if percent >= -LARGE else LARGE_DECREASE


@dataclass(frozen=True)
class Comparison:
    """One period's cases against another's, and the change in words under the rule."""

    kind: str  # MONTH_ON_MONTH or YEAR_ON_YEAR
    period: str  # 'April 2025', '2025', 'January to April 2025'
    this: int
    compared_with: str
    last: int
    note: str = ""  # why the periods are what they are, where a reader needs it

    @property
    def level(self) -> str:
        """The band (one of :data:`LEVELS`)."""
        return change_level(self.this, self.last)

    @property
    def percent(self) -> int | None:
        """The whole-number percentage, or None where there are too few cases to give one."""
        return None if too_few(self.this, self.last) else percent_change(self.this, self.last)

    @property
    def counts(self) -> str:
        """'12 in 2025 against 10 in 2024'."""
        return _("{this} in {period} against {last} in {compared_with}").format(
            this=count_text(self.this),
            period=tr(self.period),
            last=count_text(self.last),
            compared_with=tr(self.compared_with),
        )

    @property
    def change(self) -> str:
        """'moderate increase: 20% more', 'limited change: too few cases to call a trend'."""
        if self.percent is None:
            return _(TOO_FEW)
        if self.this == self.last:
            how = _("the same number")
        elif self.percent == 0:
            how = _("less than 1% more") if self.this > self.last else _("less than 1% fewer")
        else:
            words = _("{percent}% more") if self.percent > 0 else _("{percent}% fewer")
            how = words.format(percent=abs(self.percent))
        return _("{level}: {how}").format(level=_(self.level), how=how)

    @property
    def words(self) -> str:
        """'moderate increase: 20% more (12 in 2025 against 10 in 2024)'; never signed."""
        return f"{self.change} ({self.counts})"

    @property
    def sentence(self) -> str:
        """'Year on year, limited change: ... (4 in 2025 against 6 in 2024).' and the note."""
        said = _("{kind}, {words}.").format(kind=kind_words(self.kind), words=self.words)
        return said + (f" {tr(self.note)}" if self.note else "")


@dataclass(frozen=True)
class NoComparison:
    """A comparison that cannot be made, and why (no count is invented for it)."""

    kind: str
    reason: str

    @property
    def change(self) -> str:
        """'no comparison: 2019 is outside the years counted here (from 2020)'."""
        return _("no comparison: {reason}").format(reason=tr(self.reason))

    @property
    def words(self) -> str:
        return self.change

    @property
    def sentence(self) -> str:
        return _("{kind}, {words}.").format(kind=kind_words(self.kind), words=self.words)


Change = Comparison | NoComparison


def month_label(month: str) -> Period:
    """'2025-04' -> 'April 2025' (a :class:`Period`, shown in the reader's language)."""
    return Period(int(month[:4]), int(month[5:7]), int(month[5:7]))


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def _outside(period: str, start: date) -> Msg:
    """Why a period is not compared with: no count is given for a time not counted."""
    return msg(
        "{period} is outside the years counted here (from {year})", period=period, year=start.year
    )


def latest_month_over(monthly: Mapping[str, int], today: date) -> str | None:
    """The latest month (YYYY-MM) with a case that is over by ``today``, or None."""
    current = f"{today.year:04d}-{today.month:02d}"
    over = [m for m, n in monthly.items() if m < current and n > 0]
    return max(over) if over else None


def month_on_month(monthly: Mapping[str, int], today: date, start: date | None = None) -> Change:
    """The latest month that is over against the month before (``monthly``: YYYY-MM -> cases
    dated to the month or day; ``start``: the first day chosen, if the choice begins later)."""
    latest = latest_month_over(monthly, today)
    if latest is None:
        return NoComparison(MONTH_ON_MONTH, msg("no case is dated to a month that is over"))
    before = _month_before(latest)
    if start is not None and before < start.isoformat()[:7]:
        return NoComparison(MONTH_ON_MONTH, _outside(month_label(before), start))
    return Comparison(
        MONTH_ON_MONTH,
        month_label(latest),
        int(monthly[latest]),
        month_label(before),
        int(monthly.get(before, 0)),
    )


def _so_far(year: int, last_month: int) -> Period:
    """'January to April 2025', 'January 2025'."""
    return Period(year, 1, last_month)


def _months_total(monthly: Mapping[str, int], year: int, last_month: int) -> int:
    """Cases in January to ``last_month`` of ``year`` (each case is dated to one month)."""
    months = {f"{year}-{m:02d}" for m in range(1, last_month + 1)}
    return int(sum(n for m, n in monthly.items() if m in months))


def year_on_year(
    yearly: Mapping[int, int],
    monthly: Mapping[str, int],
    today: date,
    start: date | None = None,
) -> Change:
    """The latest year with a month over against the year before (``yearly``: year -> every
    case, those dated only to the year too). Whole years where that year's latest month over
    is December or it has no case dated to a month; else its months so far against the same
    months of the year before, saying so."""
    latest = latest_month_over(monthly, today)
    years = [y for y, n in yearly.items() if n > 0 and y < today.year]
    years += [int(latest[:4])] if latest is not None else []
    if not years:
        return NoComparison(YEAR_ON_YEAR, msg("no case is dated in a year that has a month over"))
    year = max(years)
    if start is not None and year - 1 < start.year:
        return NoComparison(YEAR_ON_YEAR, _outside(str(year - 1), start))
    if latest is None or int(latest[:4]) != year or latest[5:] == "12":
        this, last = int(yearly.get(year, 0)), int(yearly.get(year - 1, 0))
        return Comparison(YEAR_ON_YEAR, str(year), this, str(year - 1), last)
    last_month = int(latest[5:])
    why = (
        msg("{year} is not over", year=year)
        if year == today.year
        else msg("{year} is not over in the data", year=year)
    )
    note = msg(
        "{why} (its latest case dated to a month is from {month}), so its months so far are "
        "compared with the same months of {before}; cases dated only to the year are left out "
        "of this comparison.",
        why=why,
        month=month_label(latest),
        before=year - 1,
    )
    return Comparison(
        YEAR_ON_YEAR,
        _so_far(year, last_month),
        _months_total(monthly, year, last_month),
        _so_far(year - 1, last_month),
        _months_total(monthly, year - 1, last_month),
        note,
    )


@dataclass(frozen=True)
class IncidentChanges:
    """The two comparisons of a set of incidents."""

    month: Change
    year: Change

    def __iter__(self) -> Iterator[Change]:
        return iter((self.month, self.year))


def counts_by(rows: pd.DataFrame) -> tuple[dict[int, int], dict[str, int]]:
    """Distinct incidents per year (every case) and per month (cases dated to the month or
    day), counted by :func:`indicators.query.aggregate.incident_counts`."""
    yearly = incident_counts(rows, ["year"])
    monthly = incident_counts(rows, ["month"])
    years = {int(y): int(n) for y, n in zip(yearly["year"], yearly["incidents"], strict=True)}
    months = {str(m): int(n) for m, n in zip(monthly["month"], monthly["incidents"], strict=True)}
    return years, months


def incident_changes(rows: pd.DataFrame, today: date, start: date | None = None) -> IncidentChanges:
    """Month on month and year on year for the incidents in ``rows`` (already filtered); no
    period before ``start`` or before the first year with a case is compared with (no count is
    given for a time the loaded sources do not cover)."""
    yearly, monthly = counts_by(rows)
    first = min(yearly, default=today.year)
    begins = date(first, 1, 1) if start is None else max(start, date(first, 1, 1))
    return IncidentChanges(
        month_on_month(monthly, today, begins), year_on_year(yearly, monthly, today, begins)
    )
