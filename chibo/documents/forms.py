from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.lib import uploads
from chibo.lib.forms import DateField, Form, TextField
from chibo.orgs.forms import OrgField


def not_in_future(value) -> None:
    if value > timezone.localdate():
        raise ValidationError("Ngày ban hành chưa đến.")


def check_file(upload) -> None:
    """Accept only a real PDF or DOCX within the upload limit, judged by content, not by name;
    a DOCX is checked as a zip (size unpacked, ratio, parts) before anything reads it."""
    uploads.check_size(upload)
    name = upload.name.lower()
    head = upload.read(8)
    upload.seek(0)
    if name.endswith(".pdf") and head.startswith(b"%PDF-"):
        return
    if name.endswith(".docx") and head.startswith(b"PK\x03\x04"):
        try:
            uploads.check_zip(upload, required=["word/document.xml"])
        except ValidationError as error:
            if error.code not in {"bad_zip", "missing_part"}:
                raise  # a zip bomb: say so
        else:
            return
    raise ValidationError("Chỉ nhận tệp PDF hoặc Word (.docx) hợp lệ.")


class RegulationForm(Form):
    cell = OrgField(label="Chi bộ")
    number = TextField(label="Số, ký hiệu", max_length=50, help_text="Ví dụ: 01-QC/CB.")
    title = TextField(label="Trích yếu", max_length=300)
    issued_on = DateField(label="Ngày ban hành", validators=[not_in_future])
    replaces = forms.TypedChoiceField(
        label="Thay thế quy chế", required=False, coerce=int, empty_value=None
    )
    file = forms.FileField(label="Tệp (PDF hoặc DOCX)", required=False, validators=[check_file])

    def __init__(self, *args, cells=(), regulations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = f"Tệp (PDF hoặc DOCX, tối đa {settings.CHIBO_MAX_UPLOAD_MB} MB)"
        self.fields["cell"].set_versions(cells)
        self.fields["replaces"].choices = [("", "— Không —")] + [
            (r.pk, f"{r.number} ({r.issued_on:%d/%m/%Y})") for r in regulations
        ]
