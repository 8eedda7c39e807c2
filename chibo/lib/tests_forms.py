"""The shared form pieces: the one date field (years 1930–2200, never a crash on a JSON
value), warnings with codes, and the key of "the same text"."""

import unicodedata

from django.test import SimpleTestCase

from chibo.lib import vntext
from chibo.lib.forms import Caution, DateField, Form, WarningsForm


class DateForm(Form):
    on = DateField(required=False)


class DateFieldTests(SimpleTestCase):
    def test_years_1930_to_2200_only(self):
        for text, ok in [
            ("01/01/0001", False),
            ("31/12/1929", False),
            ("01/01/1930", True),
            ("31/12/2200", True),
            ("01/01/2201", False),
            ("31/12/9999", False),
        ]:
            with self.subTest(text=text):
                form = DateForm({"on": text})
                self.assertEqual(form.is_valid(), ok)
                if not ok:
                    self.assertEqual(form.errors["on"], ["Năm phải từ 1930 đến 2200."])

    def test_json_values_that_are_not_text_are_invalid_not_a_crash(self):
        for value in (True, False, 20230524, 1.5):
            with self.subTest(value=value):
                form = DateForm({"on": value})
                self.assertFalse(form.is_valid())
                self.assertIn("dd/mm/yyyy", form.errors["on"][0])

    def test_every_form_date_field_is_the_shared_one(self):
        """Every DateField of every form is ``chibo.lib.forms.DateField`` (the year bounds)."""
        import importlib

        from django import forms

        for module in ("members", "meetings", "briefings", "documents", "orgs"):
            forms_module = importlib.import_module(f"chibo.{module}.forms")
            for name, obj in vars(forms_module).items():
                if isinstance(obj, type) and issubclass(obj, forms.BaseForm):
                    for field_name, field in obj.base_fields.items():
                        if isinstance(field, forms.DateField):
                            with self.subTest(form=name, field=field_name):
                                self.assertIsInstance(field, DateField)


class Twice(WarningsForm):
    def find_warnings(self, data):
        return [Caution("first", "Thứ nhất."), "Không có mã."]


class WarningsFormTests(SimpleTestCase):
    def test_warnings_carry_codes_and_need_confirmation(self):
        form = Twice({})
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.warning_list(),
            [
                {"code": "first", "message": "Thứ nhất."},
                {"code": "warning", "message": "Không có mã."},
            ],
        )
        self.assertEqual(form.errors.as_data()["__all__"][0].code, "unconfirmed_warnings")
        self.assertTrue(Twice({"confirm_warnings": "on"}).is_valid())

    def test_a_caution_is_its_text(self):
        caution = Caution("x", "Chữ")
        self.assertEqual(caution, "Chữ")
        self.assertIn("Ch", caution)


class SameTextKeyTests(SimpleTestCase):
    def test_case_spaces_and_unicode_form_aside(self):
        key = vntext.same_text_key("Bổ sung chế độ")
        self.assertEqual(
            vntext.same_text_key(unicodedata.normalize("NFD", " bổ  SUNG chế ĐỘ ")), key
        )
        self.assertEqual(len(key), 64)

    def test_tones_and_words_matter(self):
        key = vntext.same_text_key("Hòa")
        self.assertNotEqual(vntext.same_text_key("Hoa"), key)
        self.assertNotEqual(vntext.same_text_key("Hòa bình"), key)
