"""Cell conversion (issue 13, item 3): dates (R-TXT-01), CCCD numbers, ranks (R-TXT-07) and
posts (R-TXT-09) with suggestions, genders, and the header names."""

import datetime as dt

from django.test import SimpleTestCase

from chibo.imports import columns, convert

ON = dt.date(2023, 5, 24)


class DateTests(SimpleTestCase):
    def test_r_txt_01_every_usual_form_and_never_mm_dd(self):
        cases = {
            "05/03/2012": dt.date(2012, 3, 5),
            "5/3/2012": dt.date(2012, 3, 5),
            "5-3-2012": dt.date(2012, 3, 5),
            "05.03.2012": dt.date(2012, 3, 5),
            "5/3/12": dt.date(2012, 3, 5),
            "5/3/94": dt.date(1994, 3, 5),
            "2012-03-05": dt.date(2012, 3, 5),
            "ngày 5 tháng 3 năm 2012": dt.date(2012, 3, 5),
            "Ngày 05 tháng 03 năm 2012": dt.date(2012, 3, 5),
            dt.date(2012, 3, 5): dt.date(2012, 3, 5),
            dt.datetime(2012, 3, 5, 0, 0): dt.date(2012, 3, 5),
            40973.0: dt.date(2012, 3, 5),  # an Excel serial number
            "": None,
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(convert.date(value, as_of=ON), expected)

    def test_impossible_and_partial_dates_are_refused_in_vietnamese(self):
        for value, words in (
            ("31/02/2012", "không có trong lịch"),
            ("1990", "Chỉ có năm"),
            ("abc", "dd/mm/yyyy"),
        ):
            with self.subTest(value=value), self.assertRaisesMessage(convert.Refused, words):
                convert.date(value, as_of=ON)


class CccdTests(SimpleTestCase):
    def test_a_number_cell_gets_its_leading_zeros_back(self):
        self.assertEqual(convert.cccd(49094003456.0)[0], "049094003456")
        self.assertEqual(convert.cccd(1084000123.0)[0], "001084000123")
        self.assertEqual(convert.cccd("049 094 003 456"), ("049094003456", []))

    def test_cmnd_and_mangled_numbers(self):
        number, notes = convert.cccd("123456789")
        self.assertIsNone(number)
        self.assertIn("CMND", notes[0])
        with self.assertRaisesMessage(convert.Refused, "số mũ"):
            convert.cccd("4.9094E+10")
        with self.assertRaises(convert.Refused) as caught:
            convert.cccd("04909400345")  # typed as text, one digit short: not guessed
        self.assertNotIn("0490", str(caught.exception))  # the number is never quoted


class ListTests(SimpleTestCase):
    def test_r_txt_07_ranks_whatever_the_tone_placement_with_a_suggestion(self):
        self.assertEqual(convert.rank("Đại uý"), 9)
        self.assertEqual(convert.rank("THƯỢNG TÁ"), 12)
        self.assertEqual(convert.rank("thieu uy"), 6)
        with self.assertRaisesMessage(convert.Refused, "Có phải “Trung úy”?"):
            convert.rank("Trung uỷy")

    def test_r_txt_09_posts(self):
        self.assertEqual(convert.position("Trưởng Công an xã"), "chief")
        self.assertEqual(convert.position("Phó trưởng CA phường"), "deputy")
        self.assertEqual(convert.position("Cán bộ, chiến sĩ"), "officer")
        with self.assertRaisesMessage(convert.Refused, "Có phải"):
            convert.position("Phó Trưởg Công an xã")

    def test_genders(self):
        self.assertEqual(convert.gender("Nữ"), "F")
        self.assertEqual(convert.gender("NAM"), "M")
        with self.assertRaisesMessage(convert.Refused, "Nam"):
            convert.gender("Khác")


class HeaderTests(SimpleTestCase):
    def test_usual_headers_in_any_spelling_and_legacy_fonts(self):
        cases = {
            "Họ và tên": "full_name",
            "HỌ TÊN": "full_name",
            "Ngày, tháng, năm sinh": "birth_date",
            "Ngày sinh (dd/mm/yyyy)": "birth_date",
            "Số CCCD/CMND": "cccd",
            "Số định danh cá nhân": "cccd",
            "Ngày kết nạp": "decision_date",
            "Ngày vào Đảng": "decision_date",
            "Số thẻ đảng viên": "card_no",
            "Cấp bậc hàm": "rank",
            "Đơn vị": "cell",
            "Hä vµ tªn": "full_name",  # TCVN3
            "Ngaøy sinh": "birth_date",  # VNI
            "Quê": "home_town",
            "Màu áo": None,
        }
        for header, field in cases.items():
            with self.subTest(header=header):
                self.assertEqual(columns.field_of(header), field)
