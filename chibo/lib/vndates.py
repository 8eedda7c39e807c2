"""Vietnamese dates: parsing and writing (R-TXT-01, R-DOC-05), month arithmetic (R-MEM-01,
R-MEM-04) and working days on the official calendar, passed in as data (R-MEM-03, R-MEM-05,
R-MEM-09).
"""

import calendar
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class DateParseError(ValueError):
    """The text is not a date; the message is Vietnamese and fit to show to a user."""


def parse_date(text: str) -> dt.date:
    """Parse ``dd/mm/yyyy`` (also with - or .) or ISO ``yyyy-mm-dd``; never mm/dd."""
    text = (text or "").strip()
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise DateParseError(
            f"Ngày “{text[:40]}” không đúng định dạng; hãy nhập theo dạng dd/mm/yyyy "
            "(ví dụ 24/05/2023) hoặc yyyy-mm-dd."
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(f"Ngày “{text[:40]}” không tồn tại trong lịch.") from None


def format_date(value: dt.date) -> str:
    """dd/mm/yyyy, with leading zeros, as shown in tables and forms."""
    return value.strftime("%d/%m/%Y")


# --- Calendar arithmetic (R-MEM-01, R-MEM-04) ---------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month.

    R-MEM-04: ``probation_end = add_months(ceremony, 12)``. A period counted in months ends on
    the same day number, or on the last day of the month when that day does not exist
    (Bộ luật Dân sự 2015, Art. 148): 31/1 + 1 month = 28/2 (29/2 in a leap year), and
    29/2/2024 + 12 months = 28/2/2025. ``months`` may be negative.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Full calendar months from ``start`` to ``end`` (R-MEM-01: age "counted in months").

    The largest ``k`` with ``add_months(start, k) <= end``, so it agrees with ``add_months``
    on month ends: from 31/1/2023 to 28/2/2023 is one full month. Negative when ``end`` is
    before ``start``.
    """
    if end < start:
        return -months_between(end, start)
    k = (end.year - start.year) * 12 + (end.month - start.month)
    # add_months never overshoots by more than a month, so one step back is enough.
    return k if add_months(start, k) <= end else k - 1


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in full years on ``on`` (R-MEM-01).

    Someone born on 29/2 comes of age on 28/2 in a common year, as ``add_months`` counts.
    """
    return months_between(birth, on) // 12


# --- Formal document date line (R-DOC-05, R-TXT-01) ---------------------------------------


def vn_long_date(day: dt.date) -> str:
    """The date of a Party document's place-and-date line: "ngày 24 tháng 5 năm 2023" (R-DOC-05).

    Days below 10 and months 1 and 2 take a leading zero ("ngày 05 tháng 01 năm 2026",
    "ngày 20 tháng 02 năm 2018"): those are the numbers a digit could be added to ("1" to
    "12"), which months 3–9 cannot become.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# --- Public holidays and working days (R-MEM-03, R-MEM-05) --------------------------------

# Lunar dates by solar year: (Tết = 1st day of the 1st lunar month, Giỗ Tổ Hùng Vương =
# 10th day of the 3rd lunar month), in the Vietnamese calendar, which reckons new moons in
# UTC+7 and so sometimes differs from the Chinese one (Tết 2030 is 2/2 here, 3/2 in China).
# Checked against three Vietnamese lunar converters and against new moon times computed
# independently; in 2023 the 3rd month follows a leap 2nd month, in 2031 a leap 3rd month
# follows it, and Hùng Vương is in the regular 3rd month in both.
_LUNAR_DATES: dict[int, tuple[dt.date, dt.date]] = {
    2015: (dt.date(2015, 2, 19), dt.date(2015, 4, 28)),
    2016: (dt.date(2016, 2, 8), dt.date(2016, 4, 16)),
    2017: (dt.date(2017, 1, 28), dt.date(2017, 4, 6)),
    2018: (dt.date(2018, 2, 16), dt.date(2018, 4, 25)),
    2019: (dt.date(2019, 2, 5), dt.date(2019, 4, 14)),
    2020: (dt.date(2020, 1, 25), dt.date(2020, 4, 2)),
    2021: (dt.date(2021, 2, 12), dt.date(2021, 4, 21)),
    2022: (dt.date(2022, 2, 1), dt.date(2022, 4, 10)),
    2023: (dt.date(2023, 1, 22), dt.date(2023, 4, 29)),
    2024: (dt.date(2024, 2, 10), dt.date(2024, 4, 18)),
    2025: (dt.date(2025, 1, 29), dt.date(2025, 4, 7)),
    2026: (dt.date(2026, 2, 17), dt.date(2026, 4, 26)),
    2027: (dt.date(2027, 2, 6), dt.date(2027, 4, 16)),
    2028: (dt.date(2028, 1, 26), dt.date(2028, 4, 4)),
    2029: (dt.date(2029, 2, 13), dt.date(2029, 4, 23)),
    2030: (dt.date(2030, 2, 2), dt.date(2030, 4, 12)),
    2031: (dt.date(2031, 1, 23), dt.date(2031, 4, 1)),
    2032: (dt.date(2032, 2, 11), dt.date(2032, 4, 19)),
    2033: (dt.date(2033, 1, 31), dt.date(2033, 4, 9)),
    2034: (dt.date(2034, 2, 19), dt.date(2034, 4, 28)),
    2035: (dt.date(2035, 2, 8), dt.date(2035, 4, 17)),
}

LUNAR_TABLE_YEARS = range(min(_LUNAR_DATES), max(_LUNAR_DATES) + 1)
"""Years whose lunar holidays (Tết, Giỗ Tổ Hùng Vương) ``vietnam_public_holidays`` knows."""

# Years in which the government gave 3/9 rather than 1/9 as the second Quốc khánh day.
_NATIONAL_DAY_SECOND_IS_3_SEPT = frozenset({2021, 2024})


def _statutory_days(year: int) -> set[dt.date]:
    days = {dt.date(year, 1, 1), dt.date(year, 4, 30), dt.date(year, 5, 1), dt.date(year, 9, 2)}
    if year >= 2021:
        days.add(dt.date(year, 9, 3 if year in _NATIONAL_DAY_SECOND_IS_3_SEPT else 1))
    if year in _LUNAR_DATES:
        tet, hung_vuong = _LUNAR_DATES[year]
        days.update(tet + dt.timedelta(days=offset) for offset in range(-1, 4))
        days.add(hung_vuong)
    return days


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


@cache
def vietnam_public_holidays(year: int) -> frozenset[dt.date]:
    """Days off for public holidays in ``year``, compensatory days included (R-MEM-05).

    The statutory days of Bộ luật Lao động 2019, Art. 112: 1/1; Tết Nguyên đán, 5 days (the
    last day of the old lunar year and the first 4 of the new one); Giỗ Tổ Hùng Vương (10/3
    lunar); 30/4; 1/5; Quốc khánh 2/9 and, from 2021, one day next to it (1/9, or 3/9 in the
    years the government chose it). A holiday that falls on a Saturday or Sunday gives a
    compensatory day off (nghỉ bù, Art. 111 §3) on the next weekday that is not itself a
    holiday or already a compensatory day. Weekend holidays stay in the set.

    The exact Tết days and the swaps the government announces each year differ from this
    rule (Tết 2025 was 25/01–02/02, and 03/02 a working day): the official days are data, in
    a ``WorkingCalendar``; this rule only fills the years the data does not cover.

    Outside ``LUNAR_TABLE_YEARS`` only the solar holidays are returned (no Tết, no Hùng
    Vương): old records still get a deadline rather than an error, and a missing holiday can
    only make a working-day deadline come out earlier, never later than the true one.
    """
    days = _statutory_days(year)
    compensatory: set[dt.date] = set()
    for holiday in sorted(days):
        if not _is_weekend(holiday):
            continue
        candidate = holiday + dt.timedelta(days=1)
        while _is_weekend(candidate) or candidate in days or candidate in compensatory:
            candidate += dt.timedelta(days=1)
        compensatory.add(candidate)
    return frozenset(days | compensatory)


@dataclass(frozen=True)
class WorkingCalendar:
    """The official working calendar, as data the caller passes in (R-MEM-03, R-MEM-05,
    R-MEM-09). lib knows no models: ``chibo.rules.models.working_calendar()`` builds one.

    ``years`` are the years whose days off are published in full: in them a weekday is off
    only when listed in ``days_off``, and a Saturday or Sunday listed in ``make_up_days``
    (ngày làm bù of a swap) is a working day. In any other year the statutory rule of
    ``vietnam_public_holidays`` applies, with ``days_off`` and ``make_up_days`` on top.
    """

    days_off: frozenset[dt.date] = frozenset()
    make_up_days: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.make_up_days:
            return True
        if day in self.days_off or _is_weekend(day):
            return False
        return day.year in self.years or day not in vietnam_public_holidays(day.year)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start``, ``start`` itself not counted.

        R-MEM-05: the recognition proposal is due by the 30th working day after probation
        ends (13/12/2024 → 03/02/2025 over Tết Ất Tỵ); R-MEM-03: the ceremony by the 30th
        after the decision is received; R-MEM-09: the letter by the 30th after sending.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        day = start
        while n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day


STATUTORY = WorkingCalendar()
"""The statutory rule alone: for code and tests that have no database calendar at hand."""


def is_working_day(day: dt.date, extra_holidays: Collection[dt.date] = ()) -> bool:
    """Monday to Friday and neither a public holiday nor in ``extra_holidays`` (R-MEM-05),
    by the statutory rule alone; the official calendar is ``WorkingCalendar``.
    """
    return WorkingCalendar(days_off=frozenset(extra_holidays)).is_working_day(day)


def add_working_days(start: dt.date, n: int, extra_holidays: Collection[dt.date] = ()) -> dt.date:
    """``WorkingCalendar.add_working_days`` under the statutory rule and ``extra_holidays``."""
    return WorkingCalendar(days_off=frozenset(extra_holidays)).add_working_days(start, n)
