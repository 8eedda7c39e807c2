"""Form base for chibo: Bootstrap classes on widgets, NFC text at the boundary (R-TXT-05),
dates typed as dd/mm/yyyy (R-TXT-01), and a renderer using ``forms/field.html``."""

from django import forms
from django.forms.renderers import TemplatesSetting

from chibo.lib import vntext


class Renderer(TemplatesSetting):
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format="%d/%m/%Y")


class DateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 24/05/2023."}


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


class WarningsForm(Form):
    """A form whose input may be valid yet unusual: the warnings are shown and the user
    confirms them before anything is written (e.g. R-MEM-01 admission age)."""

    confirm_warnings = forms.BooleanField(
        label="Tôi đã xem các cảnh báo trên và vẫn muốn ghi.", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    def find_warnings(self, data: dict) -> list[str]:
        return []

    def clean(self):
        data = super().clean()
        if not self.errors:
            self.warnings = self.find_warnings(data)
            if self.warnings and not data.get("confirm_warnings"):
                raise forms.ValidationError("Có cảnh báo cần xác nhận trước khi ghi.")
        return data
