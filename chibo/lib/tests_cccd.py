import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from chibo.lib import cccd

# Made-up numbers: Hồ Chí Minh (079), woman born in the 1900s (1), in 1995, random tail.
WOMAN_1995 = "079195000123"
# Hà Nội (001), man born in the 2000s (2), in 2004.
MAN_2004 = "001204012345"


class NormalizeTests(SimpleTestCase):
    def test_cccd_accepts_twelve_digits_with_separators(self):
        for value in [
            "079195000123",
            "079 195 000 123",
            " 079195000123 ",
            "079.195.000.123",
            "079-195-000-123",
            "079\u00a0195\u00a0000\u00a0123",  # no-break spaces from a Word copy
            "079\t195\n000123",
        ]:
            with self.subTest(value=value):
                self.assertEqual(cccd.normalize(value), WOMAN_1995)

    def test_cccd_converts_full_width_digits(self):
        full_width = "".join(chr(0xFF10 + int(c)) for c in WOMAN_1995)
        self.assertEqual(cccd.normalize(full_width), WOMAN_1995)
        self.assertEqual(cccd.normalize("０７９ １９５ ０００ １２３"), WOMAN_1995)

    def test_cccd_rejects_wrong_length_letters_and_foreign_digits(self):
        for value in [
            "",
            "   ",
            "07919500012",  # 11 digits
            "0791950001234",  # 13 digits
            "079195000123 4",
            "123456789",  # an old 9-digit CMND
            "07919500012A",
            "O79195000123",  # letter O for zero
            "079195000123a",
            "٠٧٩١٩٥٠٠٠١٢٣",  # Arabic-Indic digits
            "079195000¹²³",  # superscripts
            "079195000①②③",  # circled digits
            "0\u0301" + WOMAN_1995[1:],  # a combining mark on a digit
            "079/195/000/123",
            "079_195_000_123",
        ]:
            with self.subTest(value=value), self.assertRaises(ValidationError) as ctx:
                cccd.normalize(value)
            self.assertEqual(ctx.exception.messages, ["Số CCCD phải gồm đúng 12 chữ số."])
            self.assertEqual(ctx.exception.code, "invalid_cccd")

    def test_cccd_error_never_carries_the_number(self):
        value = "0791950001234"
        with self.assertRaises(ValidationError) as ctx:
            cccd.normalize(value)
        error = ctx.exception
        self.assertNotIn("079195", str(error))
        self.assertNotIn("079195", repr(error))
        self.assertIsNone(error.params)
        self.assertIsNone(error.__cause__)
        self.assertIsNone(error.__context__)

    def test_cccd_is_never_logged(self):
        with self.assertNoLogs(level=logging.DEBUG):
            cccd.normalize(WOMAN_1995)
            cccd.warnings("003995000123", gender="M", birth_date=dt.date(1985, 1, 1))
            with self.assertRaises(ValidationError):
                cccd.normalize("12345")


class ProvinceCodeTests(SimpleTestCase):
    def test_cccd_province_list_has_the_63_published_codes(self):
        codes = cccd.PROVINCE_CODES
        self.assertEqual(len(codes), 63)
        self.assertEqual(len(set(codes.values())), 63)
        self.assertTrue(all(len(c) == 3 and c.isascii() and c.isdigit() for c in codes))
        self.assertEqual(min(codes), "001")
        self.assertEqual(max(codes), "096")
        for code, name in [
            ("001", "Hà Nội"),
            ("031", "Hải Phòng"),
            ("046", "Thừa Thiên Huế"),
            ("048", "Đà Nẵng"),
            ("049", "Quảng Nam"),
            ("079", "Hồ Chí Minh"),
            ("092", "Cần Thơ"),
            ("096", "Cà Mau"),
        ]:
            with self.subTest(code=code):
                self.assertEqual(codes[code], name)
        # Codes left unused between provinces in the Ministry's list.
        for gap in ["000", "003", "005", "028", "029", "041", "047", "050", "078", "090", "097"]:
            with self.subTest(gap=gap):
                self.assertNotIn(gap, codes)


class WarningsTests(SimpleTestCase):
    def test_cccd_no_warning_when_record_agrees(self):
        self.assertEqual(cccd.warnings(WOMAN_1995, gender="F", birth_date=dt.date(1995, 7, 2)), [])
        self.assertEqual(cccd.warnings(MAN_2004, gender="M", birth_date=dt.date(2004, 1, 1)), [])
        self.assertEqual(cccd.warnings("079 195 000 123", gender="F", birth_date=None), [])

    def test_cccd_warns_on_unknown_province_code(self):
        for number in ["003195000123", "000195000123", "097195000123", "999195000123"]:
            with self.subTest(prefix=number[:3]):
                found = cccd.warnings(number, gender="F", birth_date=dt.date(1995, 1, 1))
                self.assertEqual(len(found), 1)
                self.assertIn("mã tỉnh, thành phố", found[0])

    def test_cccd_warns_on_gender_mismatch(self):
        found = cccd.warnings(WOMAN_1995, gender="M", birth_date=dt.date(1995, 7, 2))
        self.assertEqual(
            found, ["Chữ số thứ 4 của số CCCD ứng với giới tính Nữ, nhưng hồ sơ ghi giới tính Nam."]
        )
        found = cccd.warnings(MAN_2004, gender="F", birth_date=None)
        self.assertEqual(len(found), 1)
        self.assertIn("giới tính Nam, nhưng hồ sơ ghi giới tính Nữ", found[0])

    def test_cccd_gender_not_recorded_is_not_checked(self):
        self.assertEqual(cccd.warnings(WOMAN_1995, gender="", birth_date=None), [])

    def test_cccd_rejects_unknown_gender_value(self):
        for gender in ["Nam", "m", "X"]:
            with self.subTest(gender=gender), self.assertRaises(ValueError):
                cccd.warnings(WOMAN_1995, gender=gender, birth_date=None)

    def test_cccd_warns_on_birth_year_mismatch(self):
        cases = [
            # Same two digits, wrong century: 2095 or 1895 is not 1995.
            ("079395000123", "F", dt.date(1995, 7, 2)),
            # Right century, different year.
            ("079196000123", "F", dt.date(1995, 7, 2)),
            # A man born in 2004 recorded as born in 1904.
            (MAN_2004, "M", dt.date(1904, 1, 1)),
        ]
        for number, gender, birth in cases:
            with self.subTest(number=number):
                found = cccd.warnings(number, gender=gender, birth_date=birth)
                self.assertEqual(len(found), 1)
                self.assertIn("Năm sinh", found[0])
                self.assertIn(str(birth.year), found[0])

    def test_cccd_century_and_gender_codes(self):
        cases = [
            ("0", "M", 1900),
            ("1", "F", 1900),
            ("2", "M", 2000),
            ("3", "F", 2000),
            ("4", "M", 2100),
            ("5", "F", 2100),
            ("6", "M", 2200),
            ("7", "F", 2200),
            ("8", "M", 2300),
            ("9", "F", 2300),
        ]
        for digit, gender, century in cases:
            number = f"001{digit}07000123"
            birth = dt.date(century + 7, 3, 1)
            other = "F" if gender == "M" else "M"
            with self.subTest(digit=digit):
                self.assertEqual(cccd.warnings(number, gender=gender, birth_date=birth), [])
                self.assertEqual(len(cccd.warnings(number, gender=other, birth_date=birth)), 1)
                off_by_a_century = birth.replace(year=birth.year + 100)
                self.assertEqual(
                    len(cccd.warnings(number, gender=gender, birth_date=off_by_a_century)), 1
                )

    def test_cccd_all_disagreements_together(self):
        found = cccd.warnings("003095000123", gender="F", birth_date=dt.date(1985, 1, 1))
        self.assertEqual(len(found), 3)

    def test_cccd_warnings_do_not_quote_the_number(self):
        number = "003295000123"
        found = cccd.warnings(number, gender="F", birth_date=dt.date(1985, 1, 1))
        self.assertEqual(len(found), 3)
        text = " ".join(found)
        for fragment in [number, "003", "2095", "295", "000123"]:
            with self.subTest(fragment=fragment):
                self.assertNotIn(fragment, text)

    def test_cccd_warnings_reject_an_invalid_number(self):
        with self.assertRaises(ValidationError):
            cccd.warnings("12345", gender="M", birth_date=None)


class MaskTests(SimpleTestCase):
    def test_cccd_mask_keeps_only_the_last_three_digits(self):
        self.assertEqual(cccd.mask("049090000123"), "*********123")
        self.assertNotIn("049090", cccd.mask("049090000123"))
        self.assertIsNone(cccd.mask(None))
        self.assertIsNone(cccd.mask(""))
