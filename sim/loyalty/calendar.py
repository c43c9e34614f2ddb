"""Days from the scenario start to calendar facts (weekday, month, year ends), fast.

The world counts time in float days from `start_date`; day d falls on the date
`start_date + floor(d)`. Everything here works on proleptic ordinals (date.toordinal()).
"""

from __future__ import annotations

import datetime as dt


class Calendar:
    """Calendar arithmetic for one start date; no state beyond the start."""

    __slots__ = ("start", "start_ord")

    def __init__(self, start: dt.date) -> None:
        self.start = start
        self.start_ord = start.toordinal()

    def ordinal(self, day: float) -> int:
        """The date ordinal of simulation day `day`."""
        return self.start_ord + int(day // 1)

    def date(self, day: float) -> dt.date:
        return dt.date.fromordinal(self.ordinal(day))

    def day_of(self, date: dt.date) -> float:
        """The simulation day on which `date` starts (may be negative)."""
        return float(date.toordinal() - self.start_ord)

    @staticmethod
    def weekday(ordinal: int) -> int:
        """Monday = 0 ... Sunday = 6 (ordinal 1, 0001-01-01, was a Monday)."""
        return (ordinal - 1) % 7

    def month_end_after(self, day: float, months: int) -> float:
        """The start of the day after the end of the month `months` months after `day`."""
        date = self.date(day)
        index = date.year * 12 + (date.month - 1) + months + 1  # the month after the target
        return self.day_of(dt.date(index // 12, index % 12 + 1, 1))

    def year_end_after(self, day: float, years: int) -> float:
        """The start of 1 January after the end of the year `years` years after `day`."""
        return self.day_of(dt.date(self.date(day).year + years + 1, 1, 1))


def birthday_in(year: int, month: int, day: int) -> dt.date:
    """The birthday as celebrated in `year` (29 February falls on the 28th in other years)."""
    if month == 2 and day == 29 and not _leap(year):
        return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
