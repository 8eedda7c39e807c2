import itertools
import random
import re
import sys
import unicodedata

from django.test import SimpleTestCase

from chibo.lib import vntext
from chibo.lib.vntext import join_name, name_sort_key, sort_key, split_full_name


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


class NfcTests(SimpleTestCase):
    def test_r_txt_05_every_kind_of_white_space_becomes_one_space(self):
        """nfc() splits where a \\s+ expression would, on every code point (issue 16 made it
        cheaper), and composes what was decomposed."""
        every = [chr(c) for c in range(sys.maxunicode + 1)]
        spaces = "".join(c for c in every if re.fullmatch(r"\s", c))
        self.assertEqual(spaces, "".join(c for c in every if c.isspace()))
        for text in (f"{spaces}Nguyễn{spaces}Văn{spaces}", nfd(" Trần  Thị\tHoà\n")):
            expected = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
            self.assertEqual(vntext.nfc(text), expected)
        self.assertEqual(vntext.nfc(nfd(" Trần  Thị\tHoà\n")), "Trần Thị Hoà")
        self.assertEqual(vntext.nfc(None), "")


class SplitNameTests(SimpleTestCase):
    def test_r_txt_03_split_first_middle_last(self):
        cases = [
            ("Nguyễn Thị Minh Anh", ("Nguyễn", "Thị Minh", "Anh")),
            ("Trần Văn Đức", ("Trần", "Văn", "Đức")),
            ("Lê Anh", ("Lê", "", "Anh")),
            ("Anh", ("", "", "Anh")),
            ("", ("", "", "")),
            ("   ", ("", "", "")),
        ]
        for full, expected in cases:
            with self.subTest(full=full):
                self.assertEqual(split_full_name(full), expected)

    def test_r_txt_03_compound_family_names_are_not_guessed(self):
        self.assertEqual(split_full_name("Tôn Nữ Thị Hà"), ("Tôn", "Nữ Thị", "Hà"))
        self.assertEqual(split_full_name("Âu Dương Phong"), ("Âu", "Dương", "Phong"))

    def test_r_txt_05_split_normalises_and_collapses_space(self):
        parts = split_full_name(nfd("  Nguyễn \t Thị   Minh\u00a0Ánh  "))
        self.assertEqual(parts, ("Nguyễn", "Thị Minh", "Ánh"))
        for part in parts:
            self.assertTrue(unicodedata.is_normalized("NFC", part))

    def test_r_txt_03_join_name(self):
        self.assertEqual(join_name("Nguyễn", "Thị Minh", "Anh"), "Nguyễn Thị Minh Anh")
        self.assertEqual(join_name("Lê", "", "Anh"), "Lê Anh")
        self.assertEqual(join_name("", "", "Anh"), "Anh")
        self.assertEqual(join_name(" Lê ", "  ", nfd("Ánh ")), "Lê Ánh")
        self.assertTrue(unicodedata.is_normalized("NFC", join_name(nfd("Đỗ"), "", nfd("Ánh"))))

    def test_r_txt_03_split_then_join_round_trips(self):
        for full in ["Nguyễn Thị Minh Anh", "Lê Anh", "Anh", "Tôn Nữ Thị Hà", "Hồ Đắc Hải Đăng"]:
            with self.subTest(full=full):
                self.assertEqual(join_name(*split_full_name(full)), full)


class NameSortKeyTests(SimpleTestCase):
    def test_r_txt_04_icu_keys_end_with_their_only_zero_byte(self):
        # name_sort_key relies on this: see its docstring.
        for text in ["", "a", "Anh", "Ánh", "ANH", "Đức", "Nguyễn Thị Minh", "Ỷ", "z" * 50]:
            with self.subTest(text=text):
                key = sort_key(text)
                self.assertTrue(key.endswith(b"\x00"))
                self.assertEqual(key.count(0), 1)

    def test_r_txt_04_key_is_bytes_of_the_three_icu_keys(self):
        key = name_sort_key("Nguyễn", "Thị Minh", "Anh")
        self.assertIsInstance(key, bytes)
        self.assertEqual(key.count(0), 3)
        self.assertTrue(key.startswith(sort_key("Anh")))

    def test_r_txt_04_orders_by_ten_first(self):
        # Họ and tên đệm are chosen to give the opposite order if they came first.
        self.assertLess(name_sort_key("Vũ", "Văn", "Anh"), name_sort_key("An", "Thị", "Ánh"))
        self.assertLess(name_sort_key("Vũ", "Tiến", "Dũng"), name_sort_key("Bùi", "Anh", "Đức"))

    def test_r_txt_04_same_ten_then_ten_dem(self):
        self.assertLess(name_sort_key("Vũ", "Văn", "Hùng"), name_sort_key("An", "Xuân", "Hùng"))
        # No tên đệm sorts before any tên đệm.
        self.assertLess(name_sort_key("Vũ", "", "Hùng"), name_sort_key("An", "An", "Hùng"))

    def test_r_txt_04_same_ten_and_ten_dem_then_ho(self):
        self.assertLess(name_sort_key("Lê", "Văn", "Nam"), name_sort_key("Nguyễn", "Văn", "Nam"))
        self.assertLess(name_sort_key("Dương", "Văn", "Nam"), name_sort_key("Đặng", "Văn", "Nam"))

    def test_r_txt_04_shorter_ten_before_longer_with_same_start(self):
        # "An" < "Anh" must win over tên đệm "Xuân" > "An": the 0x00 ends "An" first.
        self.assertLess(name_sort_key("A", "Xuân", "An"), name_sort_key("A", "An", "Anh"))
        self.assertLess(name_sort_key("Lê", "Văn", "Anh"), name_sort_key("Lê", "Văn", "Anh Tú"))

    def test_r_txt_04_ignores_normalisation_form(self):
        self.assertEqual(
            name_sort_key(nfd("Nguyễn"), nfd("Thị"), nfd("Ánh")),
            name_sort_key("Nguyễn", "Thị", "Ánh"),
        )

    def test_r_txt_04_official_list_order(self):
        people = [
            ("Trần", "Văn", "Đức"),
            ("Nguyễn", "Thị Minh", "Ánh"),
            ("Lê", "Văn", "Nam"),
            ("Vũ", "Tiến", "Dũng"),
            ("Phạm", "Thị", "Anh"),
            ("Đặng", "Văn", "Nam"),
            ("Nguyễn", "", "Anh"),
            ("Hoàng", "Văn", "Ân"),
            ("Bùi", "Thị", "Ăn"),
        ]
        ordered = sorted(people, key=lambda p: name_sort_key(*p))
        self.assertEqual(
            [vntext.join_name(*p) for p in ordered],
            [
                "Nguyễn Anh",
                "Phạm Thị Anh",
                "Nguyễn Thị Minh Ánh",
                "Bùi Thị Ăn",
                "Hoàng Văn Ân",
                "Vũ Tiến Dũng",
                "Trần Văn Đức",
                # Đ comes after D but before L.
                "Đặng Văn Nam",
                "Lê Văn Nam",
            ],
        )

    def test_r_txt_04_bytes_order_equals_tuple_of_icu_keys_order(self):
        hos = ["Nguyễn", "Nguyên", "Đỗ", "Do", "Lê", "Le", ""]
        ten_dems = ["", "Thị", "Thi", "Văn", "Van", "Thị Minh", "Ánh"]
        tens = ["Anh", "Ánh", "Ảnh", "An", "Anh Tú", "Dũng", "Đức", "Du", "ANH", "anh"]
        people = list(itertools.product(hos, ten_dems, tens))
        random.Random(20230524).shuffle(people)
        by_bytes = sorted(people, key=lambda p: name_sort_key(*p))
        by_tuple = sorted(people, key=lambda p: (sort_key(p[2]), sort_key(p[1]), sort_key(p[0])))
        self.assertEqual(by_bytes, by_tuple)
        # And it is not the order of the full name, which puts Họ first.
        by_full_name = sorted(people, key=lambda p: sort_key(join_name(*p)))
        self.assertNotEqual(by_bytes, by_full_name)


class ClipTests(SimpleTestCase):
    """Issue 14: alert texts cut at a word, never mid-syllable ("ban hàn")."""

    TEXT = "Đề nghị Đảng ủy xã ban hành quy chế phối hợp giữa Công an xã và Ban chỉ huy quân sự"

    def test_short_text_is_unchanged(self):
        self.assertEqual(vntext.clip("Ban hành quy chế", 40), "Ban hành quy chế")

    def test_cut_falls_between_words(self):
        # Character 30 is inside "hành": the cut moves back to the word before it.
        self.assertEqual(self.TEXT[:30], "Đề nghị Đảng ủy xã ban hành qu")
        clipped = vntext.clip(self.TEXT, 30)
        self.assertEqual(clipped, "Đề nghị Đảng ủy xã ban hành…")
        self.assertLessEqual(len(clipped), 30)
        for limit in range(5, len(self.TEXT)):
            with self.subTest(limit=limit):
                clipped = vntext.clip(self.TEXT, limit)
                self.assertLessEqual(len(clipped), limit)
                words = clipped.removesuffix("…").split()
                self.assertEqual(words, self.TEXT.split()[: len(words)])

    def test_decomposed_input_is_composed_first(self):
        self.assertEqual(vntext.clip(nfd("ban hành quy chế"), 12), "ban hành…")

    def test_one_long_word_is_cut_rather_than_emptied(self):
        self.assertEqual(vntext.clip("Nghịquyếtsốmườihai", 8), "Nghịquy…")
