import datetime as dt
import itertools
import math

from django.test import SimpleTestCase

from chibo.lib import vndates
from chibo.lib.vndates import (
    add_months,
    add_working_days,
    age_on,
    is_working_day,
    months_between,
    vietnam_public_holidays,
    vn_long_date,
)

D = dt.date

# New moons from the mean lunation counted from 6 January 2000 plus the periodic terms above
# 0.0001 day (Meeus, Astronomical Algorithms, ch. 49): right to within a few minutes, which
# checks the table independently of any lunar calendar code, since every new moon the table
# depends on is at least 50 minutes away from midnight in UTC+7.
_PERIODIC = [
    # (coefficient, power of E, multiples of M, M', F, Ω)
    (-0.40720, 0, 0, 1, 0, 0),
    (0.17241, 1, 1, 0, 0, 0),
    (0.01608, 0, 0, 2, 0, 0),
    (0.01039, 0, 0, 0, 2, 0),
    (0.00739, 1, -1, 1, 0, 0),
    (-0.00514, 1, 1, 1, 0, 0),
    (0.00208, 2, 2, 0, 0, 0),
    (-0.00111, 0, 0, 1, -2, 0),
    (-0.00057, 0, 0, 1, 2, 0),
    (0.00056, 1, 1, 2, 0, 0),
    (-0.00042, 0, 0, 3, 0, 0),
    (0.00042, 1, 1, 0, 2, 0),
    (0.00038, 1, 1, 0, -2, 0),
    (-0.00024, 1, -1, 2, 0, 0),
    (-0.00017, 0, 0, 0, 0, 1),
]


def new_moon_in_vietnam(k: int) -> dt.date:
    """Date in UTC+7 of new moon number ``k`` after January 2000."""
    t = k / 1236.85
    jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t**2
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    m = math.radians(2.5534 + 29.10535670 * k)
    m_moon = math.radians(201.5643 + 385.81693528 * k + 0.0107582 * t**2)
    f = math.radians(160.7108 + 390.67050284 * k - 0.0016118 * t**2)
    omega = math.radians(124.7746 - 1.56375588 * k + 0.0020672 * t**2)
    jde += sum(
        c * e**p * math.sin(a * m + b * m_moon + g * f + h * omega)
        for c, p, a, b, g, h in _PERIODIC
    )
    # Julian day 2451544.5 is 2000-01-01 00:00 UT; ΔT (about a minute) is negligible here.
    moment = dt.datetime(2000, 1, 1) + dt.timedelta(days=jde - 2451544.5, hours=7)
    return moment.date()


def days(*pairs: tuple[int, int], year: int) -> set[dt.date]:
    return {D(year, month, day) for month, day in pairs}


class LunarTableTests(SimpleTestCase):
    def test_r_mem_05_table_covers_2015_to_2035(self):
        self.assertEqual(vndates.LUNAR_TABLE_YEARS, range(2015, 2036))
        self.assertEqual(set(vndates._LUNAR_DATES), set(range(2015, 2036)))

    def test_r_mem_05_known_tet_and_hung_vuong_dates(self):
        for year, tet in [
            (2023, D(2023, 1, 22)),
            (2024, D(2024, 2, 10)),
            (2025, D(2025, 1, 29)),
            (2026, D(2026, 2, 17)),
            # The Vietnamese calendar (UTC+7) puts this new moon a day before China's.
            (2030, D(2030, 2, 2)),
        ]:
            with self.subTest(year=year):
                self.assertEqual(vndates._LUNAR_DATES[year][0], tet)
        for year, hung_vuong in [
            (2023, D(2023, 4, 29)),
            (2024, D(2024, 4, 18)),
            (2025, D(2025, 4, 7)),
        ]:
            with self.subTest(year=year):
                self.assertEqual(vndates._LUNAR_DATES[year][1], hung_vuong)

    def test_r_mem_05_table_dates_are_new_moon_days_in_vietnam(self):
        # Tết is the day of a new moon in UTC+7, and 10/3 is 9 days after the new moon two
        # lunar months later (three in 2023, with its leap 2nd month).
        for year, (tet, hung_vuong) in vndates._LUNAR_DATES.items():
            k = round((tet - D(2000, 1, 6)).days / 29.530588861)
            months = 3 if year == 2023 else 2
            with self.subTest(year=year):
                self.assertEqual(new_moon_in_vietnam(k), tet)
                self.assertEqual(new_moon_in_vietnam(k + months), hung_vuong - dt.timedelta(9))

    def test_r_mem_05_table_is_consistent_with_lunar_month_lengths(self):
        # A typo in the table shows up here: a lunar year has 353–355 days, or 383–385 with
        # a leap month; 10/3 is 2 lunar months (58–60 days) plus 9 days after Tết, or 3
        # months (87–90 days) when a leap 1st or 2nd month comes between (2023 only here).
        table = vndates._LUNAR_DATES
        for year in sorted(table):
            tet, hung_vuong = table[year]
            with self.subTest(year=year):
                self.assertEqual(tet.year, year)
                self.assertTrue(D(year, 1, 21) <= tet <= D(year, 2, 20), tet)
                span = (hung_vuong - tet).days - 9
                expected = range(87, 91) if year == 2023 else range(58, 61)
                self.assertIn(span, expected)
                if year + 1 in table:
                    length = (table[year + 1][0] - tet).days
                    self.assertIn(length, {353, 354, 355, 383, 384, 385})


class PublicHolidayTests(SimpleTestCase):
    def test_r_mem_05_holidays_2025_exactly(self):
        # Tết 28/1 (last day of Giáp Thìn) to 1/2; 1/2 is a Saturday, so Monday 3/2 is off.
        expected = days(
            (1, 1),
            (1, 28),
            (1, 29),
            (1, 30),
            (1, 31),
            (2, 1),
            (2, 3),
            (4, 7),
            (4, 30),
            (5, 1),
            (9, 1),
            (9, 2),
            year=2025,
        )
        self.assertEqual(vietnam_public_holidays(2025), frozenset(expected))

    def test_r_mem_05_compensatory_days_2023(self):
        holidays = vietnam_public_holidays(2023)
        # Hùng Vương on Saturday 29/4 and 30/4 on Sunday: off from 29/4 to 3/5, as in 2023.
        self.assertTrue(days((4, 29), (4, 30), (5, 1), (5, 2), (5, 3), year=2023) <= holidays)
        self.assertNotIn(D(2023, 5, 4), holidays)
        # Tết: 21/1 (Sat) and 22/1 (Sun) give Thursday 26/1 and Friday 27/1.
        self.assertTrue(days((1, 21), (1, 25), (1, 26), (1, 27), year=2023) <= holidays)
        self.assertNotIn(D(2023, 1, 20), holidays)
        self.assertNotIn(D(2023, 1, 30), holidays)
        # 1/1 on Sunday gives Monday 2/1; 2/9 on Saturday gives Monday 4/9.
        self.assertIn(D(2023, 1, 2), holidays)
        self.assertIn(D(2023, 9, 4), holidays)

    def test_r_mem_05_compensatory_day_skips_holidays_and_other_compensations(self):
        # 2022: 30/4 Saturday and 1/5 Sunday give Monday 2/5 and Tuesday 3/5.
        holidays = vietnam_public_holidays(2022)
        self.assertTrue(days((5, 2), (5, 3), year=2022) <= holidays)
        self.assertNotIn(D(2022, 5, 4), holidays)
        # 1/1/2022 is a Saturday: Monday 3/1 is off, Sunday 2/1 is not a "holiday" at all.
        self.assertIn(D(2022, 1, 3), holidays)
        self.assertNotIn(D(2022, 1, 2), holidays)

    def test_r_mem_05_national_day_second_day(self):
        cases = {
            2019: (set(), {D(2019, 9, 1), D(2019, 9, 3)}),
            2020: (set(), {D(2020, 9, 1), D(2020, 9, 3)}),
            2021: ({D(2021, 9, 3)}, {D(2021, 9, 1)}),
            2022: ({D(2022, 9, 1)}, {D(2022, 9, 3)}),
            2024: ({D(2024, 9, 3)}, {D(2024, 9, 1)}),
            2025: ({D(2025, 9, 1)}, {D(2025, 9, 3)}),
        }
        for year, (present, absent) in cases.items():
            holidays = vietnam_public_holidays(year)
            with self.subTest(year=year):
                self.assertIn(D(year, 9, 2), holidays)
                self.assertTrue(present <= holidays)
                self.assertFalse(absent & holidays)

    def test_r_mem_05_outside_table_only_solar_holidays(self):
        # 2014: 1/1 Wed, 30/4 Wed, 1/5 Thu, 2/9 Tue: no compensation, no Tết, no Hùng Vương.
        self.assertEqual(
            vietnam_public_holidays(2014),
            frozenset(days((1, 1), (4, 30), (5, 1), (9, 2), year=2014)),
        )
        self.assertEqual(
            vietnam_public_holidays(2036),
            frozenset(days((1, 1), (4, 30), (5, 1), (9, 1), (9, 2), year=2036)),
        )

    def test_r_mem_05_every_table_year_has_tet_block_and_hung_vuong(self):
        for year in vndates.LUNAR_TABLE_YEARS:
            tet, hung_vuong = vndates._LUNAR_DATES[year]
            holidays = vietnam_public_holidays(year)
            with self.subTest(year=year):
                block = {tet + dt.timedelta(days=k) for k in range(-1, 4)}
                self.assertTrue(block <= holidays)
                self.assertNotIn(tet - dt.timedelta(days=2), holidays)
                self.assertIn(hung_vuong, holidays)
                # One compensatory weekday for every holiday on a weekend.
                second = D(year, 9, 3) if year in (2021, 2024) else D(year, 9, 1)
                statutory = block | {hung_vuong} | days((1, 1), (4, 30), (5, 1), (9, 2), year=year)
                if year >= 2021:
                    statutory.add(second)
                weekend = [d for d in statutory if d.weekday() >= 5]
                compensations = holidays - statutory
                self.assertEqual(len(compensations), len(weekend), sorted(holidays))
                self.assertTrue(all(d.weekday() < 5 for d in compensations))
                self.assertTrue(statutory <= holidays)


class WorkingDayTests(SimpleTestCase):
    def test_r_mem_05_weekends_and_holidays_are_not_working_days(self):
        self.assertTrue(is_working_day(D(2025, 4, 8)))  # Tuesday
        self.assertFalse(is_working_day(D(2025, 4, 12)))  # Saturday
        self.assertFalse(is_working_day(D(2025, 4, 13)))  # Sunday
        self.assertFalse(is_working_day(D(2025, 4, 7)))  # Giỗ Tổ Hùng Vương, Monday
        self.assertFalse(is_working_day(D(2025, 2, 3)))  # nghỉ bù for Saturday 1/2

    def test_r_mem_05_extra_holidays_make_the_calendar_configurable(self):
        bridge = D(2025, 1, 27)  # announced for 2025, not in the statutory rule
        self.assertTrue(is_working_day(bridge))
        self.assertFalse(is_working_day(bridge, extra_holidays=[bridge]))
        self.assertFalse(is_working_day(bridge, extra_holidays={bridge}))
        self.assertTrue(is_working_day(bridge, extra_holidays=[D(2025, 1, 24)]))

    def test_r_mem_05_add_working_days_skips_weekend(self):
        self.assertEqual(add_working_days(D(2025, 3, 14), 1), D(2025, 3, 17))  # Fri -> Mon
        self.assertEqual(add_working_days(D(2025, 3, 15), 1), D(2025, 3, 17))  # Sat -> Mon
        self.assertEqual(add_working_days(D(2025, 3, 17), 5), D(2025, 3, 24))

    def test_r_mem_05_thirty_working_days_across_april_holidays(self):
        # From Tuesday 1/4/2025: Hùng Vương 7/4, 30/4 and 1/5 push the deadline 3 working
        # days later than weekends alone would (13/5).
        self.assertEqual(add_working_days(D(2025, 4, 1), 30), D(2025, 5, 16))

    def test_r_mem_05_across_tet_with_compensatory_days(self):
        # 2024: Tết 9/2–13/2 with 10/2 and 11/2 on the weekend, so 14/2 and 15/2 are off.
        self.assertEqual(add_working_days(D(2024, 2, 7), 1), D(2024, 2, 8))
        self.assertEqual(add_working_days(D(2024, 2, 7), 2), D(2024, 2, 16))
        self.assertEqual(
            add_working_days(D(2024, 2, 7), 2, extra_holidays=[D(2024, 2, 16)]),
            D(2024, 2, 19),
        )

    def test_r_mem_05_across_new_year(self):
        self.assertEqual(add_working_days(D(2025, 12, 31), 1), D(2026, 1, 2))

    def test_r_mem_05_deadline_after_probation(self):
        ceremony = D(2024, 5, 24)
        probation_end = add_months(ceremony, 12)
        self.assertEqual(probation_end, D(2025, 5, 24))  # a Saturday
        # 26/5/2025 (Mon) is the 1st working day; 30 working days later is Friday 4/7.
        self.assertEqual(add_working_days(probation_end, 30), D(2025, 7, 4))

    def test_r_mem_03_ceremony_within_30_working_days_of_decision(self):
        # Decision received Wednesday 15/1/2025; Tết (28/1–1/2, nghỉ bù 3/2) is in between.
        deadline = add_working_days(D(2025, 1, 15), 30)
        self.assertEqual(deadline, D(2025, 3, 5))
        self.assertTrue(is_working_day(deadline))

    def test_r_mem_05_result_is_always_a_working_day_and_counts_exactly(self):
        start = D(2024, 12, 20)
        for n in range(1, 60):
            end = add_working_days(start, n)
            counted = sum(
                is_working_day(start + dt.timedelta(days=k))
                for k in range(1, (end - start).days + 1)
            )
            with self.subTest(n=n):
                self.assertTrue(is_working_day(end))
                self.assertEqual(counted, n)

    def test_r_mem_05_n_must_be_positive(self):
        for n in (0, -1):
            with self.subTest(n=n), self.assertRaises(ValueError):
                add_working_days(D(2025, 1, 1), n)


class MonthArithmeticTests(SimpleTestCase):
    def test_r_mem_04_add_months_clamps_to_month_end(self):
        cases = [
            (D(2023, 1, 31), 1, D(2023, 2, 28)),
            (D(2024, 1, 31), 1, D(2024, 2, 29)),
            (D(2024, 2, 29), 12, D(2025, 2, 28)),
            (D(2024, 2, 29), 48, D(2028, 2, 29)),
            (D(2023, 5, 24), 12, D(2024, 5, 24)),
            (D(2023, 12, 31), 2, D(2024, 2, 29)),
            (D(2023, 8, 31), 1, D(2023, 9, 30)),
            (D(2023, 11, 15), 3, D(2024, 2, 15)),
            (D(2023, 3, 31), -1, D(2023, 2, 28)),
            (D(2024, 1, 15), -1, D(2023, 12, 15)),
            (D(2024, 1, 15), 0, D(2024, 1, 15)),
        ]
        for start, months, expected in cases:
            with self.subTest(start=start, months=months):
                self.assertEqual(add_months(start, months), expected)

    def test_r_mem_01_months_between(self):
        cases = [
            (D(2023, 1, 31), D(2023, 2, 28), 1),
            (D(2023, 1, 31), D(2023, 2, 27), 0),
            (D(2023, 1, 15), D(2023, 1, 15), 0),
            (D(2023, 1, 15), D(2023, 2, 14), 0),
            (D(2023, 1, 15), D(2023, 2, 15), 1),
            (D(2023, 1, 1), D(2024, 1, 1), 12),
            (D(1965, 6, 10), D(2025, 6, 9), 719),
            (D(1965, 6, 10), D(2025, 6, 10), 720),
            (D(2023, 2, 15), D(2023, 1, 15), -1),
        ]
        for start, end, expected in cases:
            with self.subTest(start=start, end=end):
                self.assertEqual(months_between(start, end), expected)

    def test_r_mem_01_months_between_agrees_with_add_months(self):
        starts = [D(2023, 1, 31), D(2024, 2, 29), D(2023, 3, 30), D(2023, 6, 15)]
        for start, offset in itertools.product(starts, range(0, 800, 7)):
            end = start + dt.timedelta(days=offset)
            k = months_between(start, end)
            with self.subTest(start=start, end=end):
                self.assertLessEqual(add_months(start, k), end)
                self.assertGreater(add_months(start, k + 1), end)

    def test_r_mem_01_age_in_full_years(self):
        self.assertEqual(age_on(D(2005, 5, 24), D(2023, 5, 23)), 17)
        self.assertEqual(age_on(D(2005, 5, 24), D(2023, 5, 24)), 18)
        self.assertEqual(age_on(D(1963, 5, 24), D(2023, 5, 24)), 60)
        self.assertEqual(age_on(D(1963, 5, 24), D(2023, 5, 23)), 59)
        self.assertEqual(age_on(D(2005, 5, 24), D(2005, 5, 24)), 0)

    def test_r_mem_01_age_of_someone_born_on_29_february(self):
        birth = D(2008, 2, 29)
        self.assertEqual(age_on(birth, D(2026, 2, 27)), 17)
        self.assertEqual(age_on(birth, D(2026, 2, 28)), 18)
        self.assertEqual(age_on(birth, D(2028, 2, 28)), 19)
        self.assertEqual(age_on(birth, D(2028, 2, 29)), 20)


class LongDateTests(SimpleTestCase):
    def test_r_doc_05_leading_zero_for_small_days_and_months_1_2(self):
        cases = [
            (D(2023, 5, 24), "ngày 24 tháng 5 năm 2023"),
            (D(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
            (D(2018, 2, 20), "ngày 20 tháng 02 năm 2018"),
            (D(2023, 3, 9), "ngày 09 tháng 3 năm 2023"),
            (D(2023, 3, 10), "ngày 10 tháng 3 năm 2023"),
            (D(2023, 12, 1), "ngày 01 tháng 12 năm 2023"),
            (D(2023, 10, 31), "ngày 31 tháng 10 năm 2023"),
        ]
        for day, expected in cases:
            with self.subTest(day=day):
                self.assertEqual(vn_long_date(day), expected)


class ExistingHelpersTests(SimpleTestCase):
    def test_r_txt_01_existing_helpers_unchanged(self):
        self.assertEqual(vndates.parse_date("05/01/2026"), D(2026, 1, 5))
        self.assertEqual(vndates.format_date(D(2026, 1, 5)), "05/01/2026")
        with self.assertRaises(vndates.DateParseError):
            vndates.parse_date("31/02/2024")


class WorkingCalendarTests(SimpleTestCase):
    """``WorkingCalendar``: the official calendar passed in as data (R-MEM-05)."""

    # 1/1 and the Tết break of 2025, as published: 25/1 to 2/2.
    tet_2025 = frozenset(
        {D(2025, 1, 1)} | {D(2025, 1, 25) + dt.timedelta(days=i) for i in range(9)}
    )

    def test_r_mem_05_a_published_year_ignores_the_statutory_guess(self):
        calendar = vndates.WorkingCalendar(days_off=self.tet_2025, years=frozenset({2025}))
        self.assertTrue(calendar.is_working_day(D(2025, 2, 3)))  # the rule would give nghỉ bù
        self.assertFalse(calendar.is_working_day(D(2025, 1, 27)))  # the rule would not
        self.assertFalse(vndates.is_working_day(D(2025, 2, 3)))
        self.assertEqual(calendar.add_working_days(D(2024, 12, 13), 30), D(2025, 2, 3))

    def test_r_mem_05_a_make_up_saturday_counts_and_other_years_keep_the_rule(self):
        calendar = vndates.WorkingCalendar(
            make_up_days=frozenset({D(2024, 5, 4)}), years=frozenset({2025})
        )
        self.assertTrue(calendar.is_working_day(D(2024, 5, 4)))
        self.assertFalse(calendar.is_working_day(D(2024, 5, 11)))
        self.assertFalse(calendar.is_working_day(D(2024, 2, 12)))  # Tết 2024 by the rule
        self.assertEqual(calendar.add_working_days(D(2024, 5, 3), 1), D(2024, 5, 4))
        with self.assertRaises(ValueError):
            calendar.add_working_days(D(2024, 5, 3), 0)
