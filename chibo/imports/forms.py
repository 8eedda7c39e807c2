"""The import page's forms: the file to upload and the column mapping (issue 13)."""

from django import forms
from django.conf import settings
from django.utils import timezone

from chibo.imports import columns
from chibo.lib import uploads
from chibo.lib.forms import DateField, Form
from chibo.orgs.forms import OrgField

EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")


def check_file(upload) -> None:
    """Within the upload limit and named like a spreadsheet; the content is judged when read."""
    uploads.check_size(upload)
    if not upload.name.lower().endswith(EXTENSIONS):
        raise forms.ValidationError("Chỉ nhận tệp bảng tính .xlsx, .xls, .ods hoặc .csv.")


def not_in_future(value) -> None:
    if value > timezone.localdate():
        raise forms.ValidationError("Ngày áp dụng chưa đến: danh sách chỉ ghi những gì đã có.")


class UploadForm(Form):
    """Tải lên danh sách đảng viên để xem trước; chưa có gì được ghi."""

    organization = OrgField(label="Nhập vào tổ chức")
    as_of = DateField(
        label="Ngày áp dụng",
        # A roster records what has happened: a future date would let admissions not yet
        # made be written (found in review).
        validators=[not_in_future],
        help_text="Đảng viên mới được ghi sinh hoạt tại chi bộ từ ngày này.",
    )
    file = forms.FileField(label="Tệp danh sách", validators=[check_file])

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].set_versions(targets)
        self.fields[
            "file"
        ].label = (
            f"Tệp danh sách (.xlsx, .xls, .ods, .csv; tối đa {settings.CHIBO_MAX_UPLOAD_MB} MB)"
        )
        if not self.is_bound:
            self.initial.setdefault("as_of", timezone.localdate())


class MappingForm(Form):
    """Ghép cột của tệp với các trường; lưu lại để dùng cho lần nhập sau của tổ chức."""

    def __init__(self, *args, headers=(), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— Không nhập —")] + [
            (str(i), f"Cột {i + 1}: {h or '(trống)'}") for i, h in enumerate(headers)
        ]
        for name in columns.IMPORTED:
            self.fields[name] = forms.TypedChoiceField(
                label=columns.label(name),
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                initial=(mapping or {}).get(name),
            )
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["save"] = forms.BooleanField(
            label="Lưu cách ghép cột này cho tổ chức", required=False
        )
        self.fields["save"].widget.attrs["class"] = "form-check-input"

    def mapping(self) -> dict[str, int]:
        data = self.cleaned_data
        return {name: data[name] for name in columns.IMPORTED if data.get(name) is not None}
