"""Forms for the organization tree and its reorganizations; errors in Vietnamese at the field."""

from django import forms

from chibo.lib import vntext
from chibo.lib.forms import DateField, Form, TextField
from chibo.orgs.models import Kind, Organization, OrgVersion, Relation

CONFIRM_HELP = "Thao tác này kết thúc hoạt động của tổ chức và không thể hoàn tác qua giao diện."


class OrgField(forms.TypedChoiceField):
    """Choose one organization among ``versions`` (as of the page's date); cleans to the model."""

    def __init__(self, *, versions=(), empty_label="— Chọn tổ chức —", **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)
        self.set_versions(versions, empty_label)

    def set_versions(self, versions, empty_label="— Chọn tổ chức —") -> None:
        self.choices = [("", empty_label)] + [(v.organization_id, v.name) for v in versions]

    def clean(self, value):
        pk = super().clean(value)
        return None if pk is None else Organization.objects.get(pk=pk)


class OrgMultipleField(forms.TypedMultipleChoiceField):
    def __init__(self, *, versions=(), **kwargs):
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)
        self.choices = [(v.organization_id, v.name) for v in versions]

    def clean(self, value):
        pks = super().clean(value)
        found = Organization.objects.in_bulk(pks)
        return [found[pk] for pk in pks]


class EventForm(Form):
    on = DateField(label="Có hiệu lực từ ngày")
    decision = TextField(
        label="Căn cứ",
        max_length=300,
        required=False,
        help_text="Số, ngày của quyết định hoặc nghị quyết, ví dụ: Nghị quyết 1241/NQ-UBTVQH15.",
    )


class AttrsForm(EventForm):
    kind = forms.ChoiceField(label="Loại hình", choices=Kind.choices)
    name = TextField(
        label="Tên gọi", max_length=200, help_text=OrgVersion._meta.get_field("name").help_text
    )
    party_name = TextField(
        label="Tên đảng bộ, chi bộ",
        max_length=200,
        required=False,
        help_text="Dùng ở dòng cấp trên của thể thức văn bản; để trống thì dùng tên gọi.",
    )
    issuer_code = TextField(
        label="Ký hiệu cơ quan ban hành", max_length=20, help_text="HU, ĐU, CB…"
    )
    place_name = TextField(label="Địa danh ghi trên văn bản", max_length=100)


class CreateForm(AttrsForm):
    field_order = ["on", "parent", "sector_superior", "kind", "is_police", "name"]

    parent = OrgField(label="Cấp ủy cấp trên trực tiếp", required=False)
    sector_superior = OrgField(
        label="Cấp ủy lãnh đạo theo ngành Công an",
        required=False,
        empty_label="— Không có —",
        help_text="Ví dụ: Đảng ủy Công an huyện (R-POL-01).",
    )
    is_police = forms.BooleanField(label="Tổ chức đảng trong Công an chính quy", required=False)

    def __init__(self, *args, versions=(), parent_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].set_versions(versions)
        self.fields["parent"].required = parent_required
        self.fields["sector_superior"].set_versions(versions, "— Không có —")


class RenameForm(AttrsForm):
    pass


class MoveForm(EventForm):
    relation = forms.ChoiceField(
        label="Quan hệ", choices=Relation.choices, initial=Relation.TERRITORIAL
    )
    parent = OrgField(
        label="Cấp trên mới",
        required=False,
        empty_label="— Không có (thôi quan hệ này) —",
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].set_versions(versions, "— Không có (thôi quan hệ này) —")


class MergeForm(EventForm):
    sources = OrgMultipleField(label="Các tổ chức hợp nhất", required=False)
    into = OrgField(
        label="Sáp nhập vào tổ chức có sẵn",
        required=False,
        empty_label="— Không; thành lập tổ chức mới —",
    )
    new_kind = forms.ChoiceField(
        label="Loại hình tổ chức mới", choices=[("", "—"), *Kind.choices], required=False
    )
    new_name = TextField(label="Tên tổ chức mới", max_length=200, required=False)
    new_party_name = TextField(label="Tên đảng bộ, chi bộ mới", max_length=200, required=False)
    new_issuer_code = TextField(label="Ký hiệu cơ quan ban hành", max_length=20, required=False)
    new_place_name = TextField(label="Địa danh ghi trên văn bản", max_length=100, required=False)
    confirm = forms.BooleanField(
        label="Tôi xác nhận hợp nhất các tổ chức đã chọn.", help_text=CONFIRM_HELP
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = [(v.organization_id, v.name) for v in versions]
        self.fields["into"].set_versions(versions, "— Không; thành lập tổ chức mới —")

    def clean(self):
        data = super().clean()
        if not data.get("sources"):
            self.add_error("sources", "Hãy chọn các tổ chức cần hợp nhất.")
        if data.get("into") is None:
            if not data.get("new_name"):
                self.add_error(
                    "new_name", "Hãy nhập tên tổ chức mới, hoặc chọn tổ chức có sẵn để sáp nhập."
                )
            for field in ("new_kind", "new_issuer_code", "new_place_name"):
                if not data.get(field):
                    self.add_error(field, "Trường này cần cho tổ chức mới.")
        return data


class SplitForm(EventForm):
    parts = forms.CharField(
        label="Tên các tổ chức mới",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một tên; các thông tin khác lấy theo tổ chức bị chia tách.",
    )
    confirm = forms.BooleanField(
        label="Tôi xác nhận chia tách tổ chức này.", help_text=CONFIRM_HELP
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        for version in children:
            self.fields[f"child_{version.organization_id}"] = forms.TypedChoiceField(
                label=f"{version.name} giao cho tổ chức mới số",
                choices=[(str(i), str(i)) for i in range(1, 11)],
                coerce=int,
            )
            self.fields[f"child_{version.organization_id}"].widget.attrs["class"] = "form-select"

    def clean_parts(self) -> list[str]:
        names = [vntext.nfc(line) for line in self.cleaned_data["parts"].splitlines()]
        names = [n for n in names if n]
        if len(names) < 2:
            raise forms.ValidationError("Hãy nhập ít nhất hai tên, mỗi tên một dòng.")
        if len(names) > 10:
            raise forms.ValidationError("Mỗi lần chia tách tối đa 10 tổ chức mới.")
        return names

    def clean(self):
        data = super().clean()
        names = data.get("parts") or []
        for name, value in list(data.items()):
            if name.startswith("child_") and names and value > len(names):
                self.add_error(name, f"Chỉ có {len(names)} tổ chức mới.")
        return data

    def child_assignment(self) -> dict[int, int]:
        return {
            int(name.removeprefix("child_")): value - 1
            for name, value in self.cleaned_data.items()
            if name.startswith("child_")
        }


class DissolveForm(EventForm):
    confirm = forms.BooleanField(label="Tôi xác nhận giải thể tổ chức này.", help_text=CONFIRM_HELP)
