import datetime as dt
import unicodedata
from unittest.mock import patch

from django.test import SimpleTestCase, TestCase
from django.utils import formats, translation

from chibo.lib import params, vndates, vntext


class VnTextTests(SimpleTestCase):
    def test_r_txt_04_vietnamese_order(self):
        names = ["Đức", "Dũng", "Ánh", "Anh", "Bình", "Ân", "Ăn", "Ơn", "Ôn", "On"]
        ordered = sorted(names, key=vntext.sort_key)
        self.assertEqual(
            ordered, ["Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "On", "Ôn", "Ơn"]
        )

    def test_r_txt_04_sort_key_ignores_normalization_form(self):
        nfd = unicodedata.normalize("NFD", "Nguyễn")
        self.assertEqual(vntext.sort_key(nfd), vntext.sort_key("Nguyễn"))

    def test_r_txt_05_nfc_collapses_space(self):
        nfd = unicodedata.normalize("NFD", "  Hiệp   Đức ")
        self.assertEqual(vntext.nfc(nfd), "Hiệp Đức")
        self.assertTrue(unicodedata.is_normalized("NFC", vntext.nfc(nfd)))

    def test_r_txt_05_search_key_ignores_case_tones_and_placement(self):
        keys = {vntext.search_key(s) for s in ["Hòa", "Hoà", "HOA", "hoa", "Hóa"]}
        self.assertEqual(keys, {"hoa"})
        self.assertEqual(vntext.search_key("Nguyễn Văn Đức"), "nguyen van duc")
        self.assertNotEqual(vntext.search_key("Hoa"), vntext.search_key("Hoan"))

    def test_strip_tones_keeps_letter_marks(self):
        self.assertEqual(vntext.strip_tones("Việt Hưởng"), "Viêt Hương")


class VnDatesTests(SimpleTestCase):
    def test_r_txt_01_parses_day_first(self):
        self.assertEqual(vndates.parse_date("24/5/2023"), dt.date(2023, 5, 24))
        self.assertEqual(vndates.parse_date("05/01/2026"), dt.date(2026, 1, 5))
        self.assertEqual(vndates.parse_date("18-5-2019"), dt.date(2019, 5, 18))
        self.assertEqual(vndates.parse_date("2023-05-24"), dt.date(2023, 5, 24))

    def test_rejects_impossible_and_malformed_dates_in_vietnamese(self):
        for text, fragment in [
            ("2023-13-45", "không tồn tại"),
            ("31/02/2024", "không tồn tại"),
            ("05/24/2023", "không tồn tại"),
            ("hôm qua", "không đúng định dạng"),
            ("", "không đúng định dạng"),
        ]:
            with (
                self.subTest(text=text),
                self.assertRaisesMessage(vndates.DateParseError, fragment),
            ):
                vndates.parse_date(text)

    def test_format_date(self):
        self.assertEqual(vndates.format_date(dt.date(2023, 5, 4)), "04/05/2023")


class ParamsTests(SimpleTestCase):
    def test_as_of_defaults_to_today_and_raises_400_error(self):
        self.assertIsInstance(params.as_of({}), dt.date)
        with self.assertRaises(params.InvalidParam):
            params.as_of({"as_of": "2023-13-45"})

    def test_optional_int(self):
        self.assertIsNone(params.optional_int({}, "parent", "cấp trên"))
        self.assertEqual(params.optional_int({"parent": "12"}, "parent", "cấp trên"), 12)
        with self.assertRaisesMessage(params.InvalidParam, "cấp trên"):
            params.optional_int({"parent": "abc"}, "parent", "cấp trên")


class FormatsTests(SimpleTestCase):
    def test_r_txt_01_r_txt_02_vietnamese_formats(self):
        with translation.override("vi"):
            self.assertEqual(formats.date_format(dt.date(2023, 5, 24)), "24/05/2023")
            self.assertEqual(
                formats.number_format(1234567.5, 1, use_l10n=True, force_grouping=True),
                "1.234.567,5",
            )


class IdListTests(TestCase):
    def test_filters_like_a_list_and_handles_empty(self):
        from chibo.lib import idlist
        from chibo.lib.idlist import IdList
        from chibo.orgs import operations
        from chibo.orgs.models import Organization
        from chibo.test import attrs

        orgs = [
            operations.create(attrs=attrs(f"T{i}"), on=dt.date(2020, 1, 1), by=None)
            for i in range(3)
        ]
        ids = [orgs[0].pk, orgs[2].pk]
        for short in (100, 1):  # a plain list; one parameter (an array, a JSON text)
            with self.subTest(short=short), patch.object(idlist, "SHORT", short):
                self.assertEqual(
                    set(
                        Organization.objects.filter(pk__in=IdList(ids)).values_list("pk", flat=True)
                    ),
                    set(ids),
                )
                _sql, params = Organization.objects.filter(
                    pk__in=IdList(ids)
                ).query.sql_with_params()
                self.assertEqual(len(params), 2 if short == 100 else 1)
        with self.assertNumQueries(0):  # as an empty list: nothing to ask
            self.assertFalse(Organization.objects.filter(pk__in=IdList([])).exists())
        self.assertEqual(
            set(Organization.objects.exclude(pk__in=IdList([])).values_list("pk", flat=True)),
            {o.pk for o in orgs},
        )


class ObjectCacheTests(SimpleTestCase):
    """The served results' cache keeps objects as they are, with LocMemCache's expiry and
    bound on entries (issue 16)."""

    def test_keeps_the_object_expires_and_stays_bounded(self):
        from chibo.lib.objectcache import ObjectCache

        cache = ObjectCache("objectcache-test", {"TIMEOUT": 60, "OPTIONS": {"MAX_ENTRIES": 3}})
        value = [object()]
        cache.set("a", value)
        self.assertIs(cache.get("a"), value)  # not a pickled copy
        self.assertFalse(cache.add("a", []))
        self.assertTrue(cache.add("b", value))
        cache.set("gone", value, timeout=0)
        self.assertIsNone(cache.get("gone"))
        keys = [f"k{i}" for i in range(10)]
        for key in keys:
            cache.set(key, key)
        self.assertLessEqual(sum(cache.get(key) is not None for key in keys), 3)
        self.assertEqual(cache.get(keys[-1]), keys[-1])
