from django import forms

from chibo.compliance.checks import SOURCES
from chibo.lib.forms import Form, TextField
from chibo.rules.models import Severity
from chibo.rules.titles import title


class FilterForm(Form):
    rule = forms.ChoiceField(
        label="Quy định",
        required=False,
        choices=[("", "Tất cả"), *[(r, title(r)) for r in sorted(SOURCES)]],
    )
    severity = forms.ChoiceField(
        label="Mức độ", required=False, choices=[("", "Tất cả"), *Severity.choices]
    )


class DismissForm(Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = TextField(
        label="Lý do bỏ qua",
        max_length=500,
        help_text="Bắt buộc; được lưu lại cùng người và thời điểm bỏ qua.",
    )
