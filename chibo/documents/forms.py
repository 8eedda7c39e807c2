import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.documents.models import MAX_FILE_BYTES
from chibo.lib.forms import DateField, Form, TextField
from chibo.orgs.forms import OrgField


def not_in_future(value) -> None:
    if value > timezone.localdate():
        raise ValidationError("Ngày ban hành chưa đến.")


def check_file(upload) -> None:
    """Accept only a real PDF or DOCX of at most 10 MB, judged by content, not by name."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(f"Tệp lớn hơn {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    name = upload.name.lower()
    head = upload.read(8)
    upload.seek(0)
    if name.endswith(".pdf") and head.startswith(b"%PDF-"):
        return
    if name.endswith(".docx") and head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
                    upload.seek(0)
                    return
        except zipfile.BadZipFile:
            pass
        finally:
            upload.seek(0)
    raise ValidationError("Chỉ nhận tệp PDF hoặc Word (.docx) hợp lệ.")


class RegulationForm(Form):
    cell = OrgField(label="Chi bộ")
    number = TextField(label="Số, ký hiệu", max_length=50, help_text="Ví dụ: 01-QC/CB.")
    title = TextField(label="Trích yếu", max_length=300)
    issued_on = DateField(label="Ngày ban hành", validators=[not_in_future])
    replaces = forms.TypedChoiceField(
        label="Thay thế quy chế", required=False, coerce=int, empty_value=None
    )
    file = forms.FileField(
        label="Tệp (PDF hoặc DOCX, tối đa 10 MB)", required=False, validators=[check_file]
    )

    def __init__(self, *args, cells=(), regulations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].set_versions(cells)
        self.fields["replaces"].choices = [("", "— Không —")] + [
            (r.pk, f"{r.number} ({r.issued_on:%d/%m/%Y})") for r in regulations
        ]
