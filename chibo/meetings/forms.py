"""Forms of the meeting pages; messages in Vietnamese at the field."""

from django import forms
from django.core.exceptions import ValidationError

from chibo.lib.forms import DateField, Form, TextField
from chibo.meetings.models import Kind, Presence

TIME_HELP = "Giờ:phút, ví dụ 14:00."


class TimeField(forms.TimeField):
    default_error_messages = {"invalid": "Hãy nhập giờ theo dạng giờ:phút, ví dụ 14:00."}

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"], **kwargs)
        self.widget.attrs.update({"placeholder": "hh:mm", "inputmode": "numeric"})


MAKEUP_HELP = (
    "Chỉ khi tháng này đã có buổi sinh hoạt thường kỳ: buổi này là sinh hoạt bù (R-MTG-01)."
)


def makeup_fields() -> dict:
    return {
        "makeup": forms.BooleanField(label="Sinh hoạt bù", required=False, help_text=MAKEUP_HELP),
        "makeup_reason": TextField(label="Lý do sinh hoạt bù", max_length=200, required=False),
    }


class MakeupMixin:
    """The make-up mark and its reason (R-MTG-01), shared by the plan and the record."""

    def clean(self):
        data = super().clean()
        if data.get("makeup") and not data.get("makeup_reason"):
            self.add_error("makeup_reason", "Sinh hoạt bù phải ghi lý do (R-MTG-01).")
        return data


class PlanForm(MakeupMixin, Form):
    cell = forms.TypedChoiceField(label="Chi bộ", coerce=int)
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=Kind.choices)
    planned_date = DateField(label="Ngày dự kiến")
    planned_time = TimeField(label="Giờ dự kiến", required=False, help_text=TIME_HELP)
    place = TextField(label="Địa điểm", max_length=200, required=False)
    topic = TextField(label="Chuyên đề", max_length=300, required=False)
    makeup, makeup_reason = makeup_fields().values()
    agenda_political = TextField(
        label="Nội dung: công tác chính trị, tư tưởng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agenda_tasks = TextField(
        label="Nội dung: thực hiện nhiệm vụ chính trị",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agenda_party = TextField(
        label="Nội dung: công tác xây dựng Đảng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    materials = TextField(
        label="Tài liệu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Đăng tải lên Sổ tay đảng viên điện tử trước ít nhất 1 ngày (R-MTG-04).",
    )

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = [(v.organization_id, v.name) for v in cells]


class HoldForm(MakeupMixin, Form):
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=Kind.choices)
    date = DateField(label="Ngày họp")
    start_time = TimeField(label="Bắt đầu", help_text=TIME_HELP)
    end_time = TimeField(label="Kết thúc", help_text=TIME_HELP)
    place = TextField(label="Địa điểm", max_length=200, required=False)
    in_person = forms.BooleanField(label="Họp trực tiếp", required=False, initial=True)
    chair = forms.TypedChoiceField(label="Chủ trì", coerce=int)
    minute_taker = forms.TypedChoiceField(label="Thư ký (người ghi biên bản)", coerce=int)
    topic = TextField(label="Chuyên đề", max_length=300, required=False)
    makeup, makeup_reason = makeup_fields().values()
    agenda_political = TextField(
        label="Công tác chính trị, tư tưởng",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agenda_tasks = TextField(
        label="Thực hiện nhiệm vụ chính trị",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agenda_party = TextField(
        label="Công tác xây dựng Đảng", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    discussion = TextField(
        label="Ý kiến thảo luận", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conclusions = TextField(
        label="Kết luận của chủ trì", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolution = TextField(
        label="Nghị quyết", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    votes_yes = forms.IntegerField(
        label="Biểu quyết: tán thành", min_value=0, max_value=999, required=False
    )
    votes_no = forms.IntegerField(
        label="Không tán thành", min_value=0, max_value=999, required=False
    )
    votes_abstain = forms.IntegerField(
        label="Không biểu quyết", min_value=0, max_value=999, required=False
    )
    superior_present = forms.BooleanField(
        label="Cấp ủy cấp trên được phân công có dự", required=False
    )
    superior_person = forms.TypedChoiceField(
        label="Đồng chí cấp ủy cấp trên dự", coerce=int, required=False, empty_value=None
    )
    guests = TextField(label="Khách mời khác", max_length=500, required=False)

    def __init__(self, *args, members=(), superiors=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.person_id, m.person.full_name) for m in members]
        self.fields["chair"].choices = [("", "—"), *choices]
        self.fields["minute_taker"].choices = [("", "—"), *choices]
        people = [(p.pk, p.full_name) for p in superiors]
        self.fields["superior_person"].choices = [("", "—"), *people]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "Giờ kết thúc phải sau giờ bắt đầu.")
        return data


class AttendanceForm(Form):
    """One status and one reason per member of đảng số on the meeting day."""

    def __init__(self, *args, roll=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.roll = list(roll)
        for membership in self.roll:
            pid = membership.person_id
            status, reason = current.get(pid, (Presence.PRESENT, ""))
            self.fields[f"status_{pid}"] = forms.ChoiceField(
                label=membership.person.full_name, choices=Presence.choices, initial=status
            )
            self.fields[f"status_{pid}"].widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"reason_{pid}"] = TextField(
                label=f"Lý do ({membership.person.full_name})",
                max_length=200,
                required=False,
                initial=reason,
            )
            self.fields[f"reason_{pid}"].widget.attrs.update(
                {
                    "class": "form-control form-control-sm",
                    "aria-label": f"Lý do ({membership.person.full_name})",
                }
            )

    def rows(self):
        for membership in self.roll:
            pid = membership.person_id
            yield membership, self[f"status_{pid}"], self[f"reason_{pid}"]

    def marks(self) -> dict[int, tuple[str, str]]:
        extra = {k for k in self.data if k.startswith("status_")} - set(self.fields)
        if extra:
            raise ValidationError(
                "Có người không thuộc đảng số của chi bộ trong danh sách điểm danh."
            )
        return {
            m.person_id: (
                self.cleaned_data[f"status_{m.person_id}"],
                self.cleaned_data[f"reason_{m.person_id}"],
            )
            for m in self.roll
        }


class ScoreForm(Form):
    note = TextField(
        label="Nhận xét", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rubric=None, computed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric, self.computed = rubric, computed or {}
        for criterion in rubric.criteria.all():
            name = f"c{criterion.pk}"
            if criterion.pk in self.computed:
                continue
            self.fields[name] = forms.IntegerField(
                label=f"{criterion.order}. {criterion.title} (tối đa {criterion.max_points})",
                min_value=0,
                max_value=criterion.max_points,
            )
        self.order_fields([f"c{c.pk}" for c in rubric.criteria.all()] + ["note"])

    def points(self) -> dict[int, int]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("c") and name[1:].isdigit()
        }


class ConfirmForm(Form):
    level = forms.ChoiceField(label="Mức xếp loại cuối cùng")
    note = TextField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv, lv) for lv in levels]


class AssignForm(Form):
    person = forms.TypedChoiceField(label="Đồng chí cấp ủy được phân công", coerce=int)
    on = DateField(label="Từ ngày")
    note = TextField(
        label="Ghi chú",
        max_length=200,
        required=False,
        help_text="Ví dụ: Phó Bí thư Đảng ủy – Chủ tịch UBND xã (F-6).",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in people]


class BoardForm(Form):
    start = forms.RegexField(
        label="Từ tháng",
        regex=r"^\d{1,2}/\d{4}$",
        required=False,
        error_messages={"invalid": "Hãy nhập tháng theo dạng mm/yyyy."},
    )
    end = forms.RegexField(
        label="Đến tháng",
        regex=r"^\d{1,2}/\d{4}$",
        required=False,
        error_messages={"invalid": "Hãy nhập tháng theo dạng mm/yyyy."},
    )
