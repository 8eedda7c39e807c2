from django import forms
from django.core.exceptions import ValidationError

from chibo.briefings.models import Category, RecStatus
from chibo.documents.forms import check_file
from chibo.lib.forms import DateField, Form, TextField
from chibo.orgs.forms import OrgField, OrgMultipleField

AREA = {"widget": forms.Textarea(attrs={"rows": 3}), "required": False}


class ConferenceForm(Form):
    host = OrgField(label="Cấp ủy tổ chức hội nghị")
    title = TextField(
        label="Tên hội nghị",
        max_length=300,
        initial="loại hình tổ chức đảng trong đơn vị Công an chính quy các xã, thị trấn",
    )
    date = DateField(label="Ngày họp")
    period_start = DateField(label="Kỳ báo cáo từ ngày")
    period_end = DateField(label="Đến ngày")
    chair_title = TextField(label="Chức vụ người chủ trì", max_length=200, required=False)
    reporter = TextField(label="Người báo cáo", max_length=200, required=False)
    attendees = TextField(label="Thành phần dự", **AREA)
    agenda = TextField(label="Chương trình", **AREA)
    recipients = forms.CharField(
        label="Nơi nhận (mỗi dòng một nơi)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        # No fixed list: the bodies in force change with the date (the district level ends on
        # 1/7/2025), so an empty field is filled on the paper from the structure of its day.
        help_text="Để trống thì văn bản ghi nơi nhận theo cơ cấu tổ chức vào ngày họp.",
    )

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].set_versions(hosts)


class ReportForm(Form):
    security = TextField(label="Kết quả bảo đảm an ninh, trật tự", **AREA)
    other_tasks = TextField(label="Tham gia nhiệm vụ chính trị khác của địa phương", **AREA)
    difficulties = TextField(label="Khó khăn, vướng mắc", **AREA)
    submit = forms.BooleanField(
        label="Gửi báo cáo (sau khi gửi không sửa được nữa)", required=False
    )


class RecommendationForm(Form):
    raised_by = OrgField(label="Chi bộ kiến nghị")
    addressed_to = OrgField(label="Gửi tới")
    category = forms.ChoiceField(label="Lĩnh vực", choices=Category.choices)
    text = TextField(label="Nội dung kiến nghị, đề xuất", widget=forms.Textarea(attrs={"rows": 3}))
    due_on = DateField(label="Hạn trả lời", required=False)

    def __init__(self, *args, cells=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].set_versions(cells)
        self.fields["addressed_to"].set_versions(targets)


class AnswerForm(Form):
    status = forms.ChoiceField(
        label="Tình trạng", choices=[c for c in RecStatus.choices if c[0] != RecStatus.NEW]
    )
    answer = TextField(label="Trả lời", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConclusionForm(Form):
    text = TextField(label="Nội dung kết luận", widget=forms.Textarea(attrs={"rows": 3}))
    group = TextField(
        label="Đơn vị thực hiện (ghi trong thông báo)",
        max_length=200,
        required=False,
        help_text="Ví dụ: Đảng ủy các xã, thị trấn.",
    )
    assignees = OrgMultipleField(label="Giao cho các tổ chức", required=False)
    due_on = DateField(label="Thời hạn", required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].choices = [(v.organization_id, v.name) for v in targets]


class ProgressForm(Form):
    on = DateField(label="Ngày báo cáo")
    text = TextField(label="Kết quả thực hiện", widget=forms.Textarea(attrs={"rows": 3}))


class IssueForm(Form):
    edited = forms.FileField(
        label="Bản đã chỉnh sửa (.docx, không bắt buộc)",
        required=False,
        help_text="Để trống thì ban hành đúng bản hệ thống soạn từ dữ liệu.",
    )
    confirm = forms.BooleanField(label="Tôi xác nhận ban hành và cấp số văn bản.")

    def clean_edited(self):
        """Only a real Word file within the upload limit, checked as a zip before anything
        reads it (page and API alike)."""
        edited = self.cleaned_data["edited"]
        if edited:
            if not edited.name.lower().endswith(".docx"):
                raise ValidationError("Chỉ nhận tệp Word (.docx).")
            check_file(edited)
        return edited
