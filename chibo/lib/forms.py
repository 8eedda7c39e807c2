"""Form base for chibo: Bootstrap classes on widgets, NFC text at the boundary (R-TXT-05),
dates typed as dd/mm/yyyy (R-TXT-01) within the years any record can have, warnings that
carry a code, and a renderer using ``forms/field.html``."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from chibo.lib import vntext
from chibo.lib.params import MAX_YEAR, MIN_YEAR


class Renderer(TemplatesSetting):
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


def year_in_range(value: dt.date | None) -> None:
    """No record of a Party cell falls before the Party's founding (1930) or after 2200;
    a year outside is a typing slip (31/12/9999, 01/01/0001), never data."""
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.", code="year_out_of_range")


class DateField(forms.DateField):
    """The one date field of every form: dd/mm/yyyy, a year from 1930 to 2200."""

    widget = DateInput
    default_error_messages = {"invalid": "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 24/05/2023."}
    default_validators = [year_in_range]

    def to_python(self, value):
        # A JSON true/false or number reaches here from the API; Django's field would call
        # .strip() on it and crash. It is simply not a date.
        if isinstance(value, bool | int | float):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class TextField(forms.CharField):
    """Text normalised to NFC with white space collapsed (R-TXT-05)."""

    def to_python(self, value):
        return vntext.nfc(super().to_python(value))


class Form(forms.Form):
    default_renderer = Renderer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = ""
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"

    def add_validation_error(self, error) -> None:
        """Attach a ``ValidationError`` from an operation to the matching fields."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)
        self._mark_invalid()


class Caution(str):
    """A warning: its Vietnamese text (it is a ``str``, so pages show it as is) with a stable
    ``code`` a program can act on, e.g. ``cccd_gender`` or ``admission_age``."""

    code: str

    def __new__(cls, code: str, message: str) -> "Caution":
        caution = super().__new__(cls, message)
        caution.code = code
        return caution

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": str(self)}


UNCONFIRMED = "unconfirmed_warnings"


class WarningsForm(Form):
    """A form whose input may be valid yet unusual: the warnings are shown and the user
    confirms them before anything is written (e.g. R-MEM-01 admission age).

    ``warnings`` holds what was found (``Caution``: code and text); ``warning_list()`` gives
    them as ``[{"code", "message"}]`` for the API (``apiforms`` puts them in the 400 answer as
    ``warnings``). Unconfirmed, the form is invalid with one non-field error of code
    ``unconfirmed_warnings``; sending ``confirm_warnings`` true writes.
    """

    confirm_warnings = forms.BooleanField(
        label="Tôi đã xem các cảnh báo trên và vẫn muốn ghi.", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[Caution] = []

    def find_warnings(self, data: dict) -> list[str]:
        return []

    def warning_list(self) -> list[dict[str, str]]:
        return [w.as_dict() for w in self.warnings]

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.warnings = [
                w if isinstance(w, Caution) else Caution("warning", w)
                for w in self.find_warnings(data)
            ]
            if self.warnings and not data.get("confirm_warnings"):
                raise forms.ValidationError(
                    f"Có {len(self.warnings)} cảnh báo cần xác nhận trước khi ghi "
                    "(đánh dấu “Tôi đã xem các cảnh báo trên và vẫn muốn ghi”).",
                    code=UNCONFIRMED,
                )
        return data
