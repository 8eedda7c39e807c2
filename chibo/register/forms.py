"""Forms of the register pages and API writes (the API derives its schemas from these)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from chibo.documents.forms import check_file, not_in_future
from chibo.lib.forms import DateField, Form, TextField
from chibo.orgs.forms import OrgField
from chibo.register.models import OWN_TYPES, DocType, Method, Outcome, Presence

ADVICE_TYPES = [(t.value, t.label) for t in (DocType.NQ, DocType.KH, DocType.BC)]


def _id_choices(field: forms.TypedChoiceField, rows, empty: str = "— Không —") -> None:
    field.choices = [("", empty), *rows]


def _file_label(form: forms.Form) -> None:
    form.fields["file"].label = f"Tệp (PDF hoặc DOCX, tối đa {settings.CHIBO_MAX_UPLOAD_MB} MB)"


class OwnDocumentForm(Form):
    """A document the cell issues: numbered by the cell's sequence for its type and term."""

    cell = OrgField(label="Chi bộ")
    doc_type = forms.ChoiceField(
        label="Loại văn bản", choices=[(t.value, t.label) for t in OWN_TYPES]
    )
    title = TextField(label="Trích yếu", max_length=300)
    issued_on = DateField(label="Ngày ban hành", validators=[not_in_future])
    meeting = forms.TypedChoiceField(
        label="Thông qua tại buổi sinh hoạt",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Nghị quyết của chi bộ thông qua tại một buổi sinh hoạt mang ngày của buổi đó.",
    )
    implements = forms.TypedChoiceField(
        label="Thực hiện văn bản", required=False, coerce=int, empty_value=None
    )
    summary = TextField(label="Nội dung", required=False, max_length=20000, widget=forms.Textarea)
    security = forms.BooleanField(label="Về an ninh, trật tự", required=False)
    file = forms.FileField(label="Tệp", required=False, validators=[check_file])

    def __init__(self, *args, cells=(), meetings=(), documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        _file_label(self)
        self.fields["cell"].set_versions(cells)
        _id_choices(
            self.fields["meeting"],
            ((m.pk, f"{m.date:%d/%m/%Y} – {m.get_kind_display()}") for m in meetings),
        )
        _id_choices(self.fields["implements"], ((d.pk, d.label) for d in documents))


class IncomingDocumentForm(Form):
    """A higher body's document recorded in the register, with the number it carries."""

    organization = OrgField(
        label="Tổ chức vào sổ",
        help_text="Đảng ủy xã ban hành, hoặc tổ chức lưu văn bản của cấp trên.",
    )
    doc_type = forms.ChoiceField(label="Loại văn bản", choices=DocType.choices)
    number = TextField(label="Số, ký hiệu", max_length=50, help_text="Ví dụ: 12-NQ/TW.")
    issuer_name = TextField(label="Cơ quan ban hành", max_length=200)
    title = TextField(label="Trích yếu", max_length=300)
    issued_on = DateField(label="Ngày ban hành", validators=[not_in_future])
    summary = TextField(label="Tóm tắt", required=False, max_length=20000, widget=forms.Textarea)
    security = forms.BooleanField(label="Về an ninh, trật tự", required=False)
    file = forms.FileField(label="Tệp", required=False, validators=[check_file])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _file_label(self)
        self.fields["organization"].set_versions(organizations)


class AdviceForm(Form):
    """The cell's submission to its commune committee on security and order (F-8)."""

    cell = OrgField(label="Chi bộ")
    doc_type = forms.ChoiceField(label="Dự thảo", choices=ADVICE_TYPES)
    title = TextField(label="Trích yếu", max_length=300)
    submitted_on = DateField(label="Ngày trình", validators=[not_in_future])
    note = TextField(label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].set_versions(cells)


class DecisionForm(Form):
    """What the commune committee did with the cell's draft."""

    outcome = forms.ChoiceField(
        label="Kết quả", choices=[(o.value, o.label) for o in (Outcome.ADOPTED, Outcome.RETURNED)]
    )
    decided_on = DateField(label="Ngày có kết quả", validators=[not_in_future])
    resolution = forms.TypedChoiceField(
        label="Văn bản đảng ủy đã ban hành",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Vào sổ văn bản cấp trên trước, rồi chọn ở đây.",
    )
    note = TextField(label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, resolutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        _id_choices(self.fields["resolution"], ((d.pk, d.label) for d in resolutions))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.ADOPTED and not data.get("resolution"):
            raise ValidationError({"resolution": "Hãy chọn văn bản đảng ủy đã ban hành."})
        return data


class PlanForm(Form):
    """A cell's plan to study a higher document (F-9)."""

    document = forms.TypedChoiceField(label="Văn bản", coerce=int, empty_value=None)
    cell = OrgField(label="Chi bộ")
    method = forms.ChoiceField(label="Hình thức", choices=Method.choices)
    meeting = forms.TypedChoiceField(
        label="Buổi sinh hoạt", required=False, coerce=int, empty_value=None
    )
    session_on = DateField(label="Ngày học tập, quán triệt")
    due_on = DateField(label="Hoàn thành trước ngày")

    def __init__(self, *args, cells=(), documents=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].set_versions(cells)
        _id_choices(
            self.fields["document"], ((d.pk, d.label) for d in documents), "— Chọn văn bản —"
        )
        _id_choices(
            self.fields["meeting"],
            (
                (m.pk, f"{m.date or m.planned_date:%d/%m/%Y} – {m.get_kind_display()}")
                for m in meetings
            ),
        )


class ParticipationForm(Form):
    """One member's participation in the cell's study of a document."""

    person = forms.TypedChoiceField(label="Đảng viên", coerce=int, empty_value=None)
    presence = forms.ChoiceField(label="Tham gia", choices=Presence.choices)
    on = DateField(label="Ngày", validators=[not_in_future])
    reason = TextField(label="Lý do vắng", required=False, max_length=200)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        _id_choices(self.fields["person"], ((p.pk, p.full_name) for p in people), "— Chọn —")
