"""Legacy encodings (R-TXT-06) against the published code tables, and the column detection."""

from django.test import SimpleTestCase

from chibo.lib import vnlegacy

# TCVN 5712:1993 (VN3, the ".VnTime" fonts): one byte per letter.
TCVN3 = {
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ă": 0xA8, "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "â": 0xA9, "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "đ": 0xAE, "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ê": 0xAA, "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ô": 0xAB, "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ơ": 0xAC, "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ư": 0xAD, "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
    "Ă": 0xA1, "Â": 0xA2, "Đ": 0xA7, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6,
}  # fmt: skip

# VNI-Windows: a base letter followed by its mark byte(s); i, ỵ, đ, ơ, ư have their own.
VNI = {
    "á": "aù", "à": "aø", "ả": "aû", "ã": "aõ", "ạ": "aï",
    "ă": "aê", "ắ": "aé", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ặ": "aë",
    "â": "aâ", "ấ": "aá", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ậ": "aä",
    "é": "eù", "è": "eø", "ẻ": "eû", "ẽ": "eõ", "ẹ": "eï",
    "ê": "eâ", "ế": "eá", "ề": "eà", "ể": "eå", "ễ": "eã", "ệ": "eä",
    "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò",
    "ó": "où", "ò": "oø", "ỏ": "oû", "õ": "oõ", "ọ": "oï",
    "ô": "oâ", "ố": "oá", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ộ": "oä",
    "ơ": "ô", "ớ": "ôù", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ợ": "ôï",
    "ú": "uù", "ù": "uø", "ủ": "uû", "ũ": "uõ", "ụ": "uï",
    "ư": "ö", "ứ": "öù", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ự": "öï",
    "ý": "yù", "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ỵ": "î",
    "đ": "ñ", "Đ": "Ñ",
}  # fmt: skip


class CodeTableTests(SimpleTestCase):
    def test_r_txt_06_tcvn3_every_letter_of_the_table(self):
        for letter, byte in TCVN3.items():
            with self.subTest(letter=letter):
                legacy = "x" + bytes([byte]).decode("latin-1") + "x"
                self.assertEqual(vnlegacy.convert(legacy, "tcvn3"), f"x{letter}x")

    def test_r_txt_06_vni_every_letter_of_the_table(self):
        for letter, legacy in VNI.items():
            with self.subTest(letter=letter):
                self.assertEqual(vnlegacy.convert(f"x{legacy}x", "vni"), f"x{letter}x")

    def test_r_txt_06_domain_examples(self):
        self.assertEqual(vnlegacy.convert("B¶o Th¾ng", "tcvn3"), "Bảo Thắng")
        self.assertEqual(vnlegacy.convert("TiÕng ViÖt", "tcvn3"), "Tiếng Việt")
        self.assertEqual(vnlegacy.convert("Uû ban nh©n d©n", "tcvn3"), "Uỷ ban nhân dân")
        self.assertEqual(vnlegacy.convert("Tieáng Vieät", "vni"), "Tiếng Việt")

    def test_r_txt_06_vntimeh_capitals(self):
        """An all-capitals cell was typed in ".VnTimeH": its accented bytes draw capitals."""
        self.assertEqual(vnlegacy.convert("CHI Bé C¤NG AN X·", "tcvn3"), "CHI BỘ CÔNG AN XÃ")
        self.assertEqual(vnlegacy.convert("DANH S¸CH §¶NG VI£N", "tcvn3"), "DANH SÁCH ĐẢNG VIÊN")
        self.assertEqual(vnlegacy.convert("Chi bé", "tcvn3"), "Chi bộ")  # mixed case: as typed


class DetectionTests(SimpleTestCase):
    def test_a_column_tells_tcvn3_from_vni_and_leaves_unicode(self):
        tcvn3 = ["NguyÔn V¨n An", "TrÇn ThÞ B×nh", "Lª Hoµng Long"]
        vni = ["Nguyeãn Vaên An", "Traàn Thò Bình", "Leâ Hoaøng Long"]
        self.assertEqual(vnlegacy.detect(tcvn3), "tcvn3")
        self.assertEqual(vnlegacy.detect(vni), "vni")
        self.assertIsNone(vnlegacy.detect(["Nguyễn Văn An", "Lê Hoàng Long"]))
        # Only letters Unicode Vietnamese has: "Hoàng" is not converted to VNI's "Hồng".
        self.assertIsNone(vnlegacy.detect(["Lê Hoàng", "Bình"]))
        self.assertIsNone(vnlegacy.detect(["", "123"]))

    def test_a_unicode_cell_in_a_legacy_column_is_kept(self):
        self.assertEqual(vnlegacy.convert("Nguyễn Văn Á", "tcvn3"), "Nguyễn Văn Á")
