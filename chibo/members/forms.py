"""Forms of the member workflows; messages in Vietnamese at the field."""

import datetime as dt

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone

from chibo.lib import cccd as cccd_lib
from chibo.lib import vndates
from chibo.lib.forms import Caution, DateField, Form, TextField, WarningsForm
from chibo.members.models import (
    EndReason,
    Gender,
    MembershipKind,
    Person,
    PolicePosition,
    Rank,
    Role,
    Status,
)
from chibo.orgs.forms import OrgField
from chibo.orgs.models import TermPolicy


def not_future(field: str):
    def check(value: dt.date | None) -> None:
        if value and value > timezone.localdate():
            raise ValidationError("Ngày này chưa đến; không thể ghi sự việc trong tương lai.")

    check.__name__ = f"not_future_{field}"
    return check


def PastDate(label: str, **kwargs) -> DateField:
    return DateField(label=label, validators=[not_future(label)], **kwargs)


MIN_AGE, MAX_AGE = 16, 100  # nobody younger or older is on a police cell's records


class BirthDateField(DateField):
    """A birth date is bounded by age (``check_birth_date``), not by the 1930 floor of other
    dates: a member of 97 on the day of entry was born before the Party was founded."""

    default_validators = []


def check_birth_date(value: dt.date, today: dt.date) -> None:
    """A birth date making the person 16 to 100 years old on ``today``, the day of entry:
    anything else (01/01/0001, this year) is a typing slip."""
    age = vndates.age_on(value, today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValidationError(
            f"Ngày sinh này cho tuổi {age} vào ngày nhập; người được ghi phải từ {MIN_AGE} "
            f"đến {MAX_AGE} tuổi. Hãy kiểm tra lại ngày sinh.",
            code="age_out_of_range",
        )


class PersonForm(WarningsForm):
    """Personal details (R-TXT-03: the split of the name is the user's to correct)."""

    ho = TextField(label="Họ", max_length=50, required=False)
    ten_dem = TextField(label="Tên đệm", max_length=100, required=False)
    ten = TextField(label="Tên", max_length=50)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = BirthDateField(
        label="Ngày sinh", validators=[not_future("birth_date")], required=False
    )
    ethnicity = TextField(label="Dân tộc", max_length=50, required=False, initial="Kinh")
    home_town = TextField(label="Quê quán", max_length=200, required=False)
    cccd = TextField(
        label="Số CCCD", max_length=20, required=False, help_text="12 chữ số; thông tin nhạy cảm."
    )
    phone = TextField(label="Điện thoại", max_length=20, required=False)

    @classmethod
    def initial_of(cls, person) -> dict:
        """The stored values of ``person`` for the form's fields (the edit page's initial)."""
        return {name: getattr(person, name) for name in cls.base_fields if hasattr(person, name)}

    def clean_ten(self) -> str:
        ten = self.cleaned_data["ten"]
        if " " in ten:
            raise ValidationError("Tên chỉ gồm một từ; các từ còn lại thuộc tên đệm.")
        return ten

    def clean_cccd(self) -> str:
        value = self.cleaned_data["cccd"]
        return cccd_lib.normalize(value) if value else ""

    def clean_birth_date(self) -> dt.date | None:
        value = self.cleaned_data["birth_date"]
        # An edit that leaves a stored birth date as it was is not re-judged: the person
        # may have passed 100 since they were entered.
        if value is not None and "birth_date" in self.changed_data:
            check_birth_date(value, timezone.localdate())
        return value

    def person_data(self):
        """The cleaned fields as the operations take them."""
        from chibo.members.operations import PersonData

        d = self.cleaned_data
        return PersonData(
            ho=d["ho"],
            ten_dem=d["ten_dem"],
            ten=d["ten"],
            gender=d["gender"],
            birth_date=d["birth_date"],
            ethnicity=d["ethnicity"] or "Kinh",
            home_town=d["home_town"],
            cccd=d["cccd"] or None,
            phone=d["phone"],
        )

    def find_warnings(self, data) -> list[str]:
        if not data.get("cccd"):
            return []
        return cccd_lib.warnings(
            data["cccd"], gender=data["gender"], birth_date=data.get("birth_date")
        )


def same_person(data: dict) -> Caution | None:
    """A person already recorded with the same full name and birth date: most likely the
    same person entered twice (a double click, a retried request). Only a warning, since
    namesakes born the same day exist; the CCCD, when given, is unique in the database."""
    if not data.get("birth_date"):
        return None
    twins = Person.objects.filter(
        ho=data.get("ho") or "",
        ten_dem=data.get("ten_dem") or "",
        ten=data["ten"],
        birth_date=data["birth_date"],
    )
    if not twins.exists():
        return None
    return Caution(
        "person_duplicate",
        "Đã có người cùng họ tên và ngày sinh trong hệ thống; có thể hồ sơ này đã được nhập. "
        "Hãy tìm trong danh sách trước khi thêm.",
    )


class NewPersonForm(PersonForm):
    registered_by = OrgField(
        label="Đơn vị quản lý hồ sơ", help_text="Chi bộ hoặc cấp ủy nhập hồ sơ người này."
    )
    police_cell = OrgField(
        label="Công tác tại đơn vị Công an (chi bộ)",
        required=False,
        empty_label="— Không phải cán bộ Công an chính quy —",
    )
    police_position = forms.ChoiceField(
        label="Chức vụ Công an", choices=[("", "—"), *PolicePosition.choices], required=False
    )
    rank = forms.TypedChoiceField(
        label="Cấp bậc hàm",
        choices=[("", "—"), *Rank.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    police_since = PastDate("Công tác tại đơn vị từ ngày", required=False)

    def __init__(self, *args, versions=(), cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registered_by"].set_versions(versions)
        self.fields["police_cell"].set_versions(cells, "— Không phải cán bộ Công an chính quy —")

    def find_warnings(self, data) -> list[str]:
        twin = same_person(data)
        return [*super().find_warnings(data), *([twin] if twin else [])]

    def police(self):
        """The police post to record with the person, if any."""
        from chibo.members.operations import Police

        d = self.cleaned_data
        if d["police_cell"] is None:
            return None
        return Police(
            cell=d["police_cell"],
            position=d["police_position"],
            rank=d["rank"],
            since=d["police_since"],
        )

    def clean(self):
        data = super().clean()
        if data.get("police_cell") is not None:
            for field in ("police_position", "police_since"):
                if not data.get(field):
                    self.add_error(field, "Cần cho cán bộ Công an.")
        return data


class AdmitForm(WarningsForm):
    """Kết nạp (R-MEM-01..03)."""

    cell = OrgField(label="Chi bộ kết nạp")
    decision_date = PastDate("Ngày quyết định kết nạp")
    decision_no = TextField(label="Số quyết định", max_length=50, required=False)
    ceremony_date = PastDate("Ngày lễ kết nạp", help_text="Thời gian dự bị tính từ ngày này.")

    def __init__(self, *args, person=None, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["cell"].set_versions(cells)

    def clean(self):
        data = self.cleaned_data
        decision, ceremony = data.get("decision_date"), data.get("ceremony_date")
        if decision and ceremony and ceremony < decision:
            self.add_error("ceremony_date", "Lễ kết nạp không thể trước ngày quyết định kết nạp.")
        return super().clean()

    def find_warnings(self, data) -> list[str]:
        from chibo.members.operations import admission_warnings

        return admission_warnings(self.person, data["decision_date"], data["ceremony_date"])


class ExistingMemberForm(Form):
    """Nhập hồ sơ một đảng viên kết nạp trước khi dùng hệ thống."""

    cell = OrgField(label="Chi bộ đang sinh hoạt")
    since = PastDate("Sinh hoạt tại chi bộ từ ngày")
    decision_date = PastDate("Ngày quyết định kết nạp")
    decision_no = TextField(label="Số quyết định", max_length=50, required=False)
    ceremony_date = PastDate("Ngày lễ kết nạp")
    official = forms.BooleanField(
        label="Đã được công nhận đảng viên chính thức",
        required=False,
        help_text="Ngày chính thức là ngày hết 12 tháng dự bị (R-MEM-06).",
    )

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].set_versions(cells)

    def clean(self):
        data = super().clean()
        ceremony = data.get("ceremony_date")
        if data.get("official") and ceremony:
            end = vndates.add_months(ceremony, 12)
            if end > timezone.localdate():
                self.add_error("official", f"Chưa hết 12 tháng dự bị (đến {end:%d/%m/%Y}).")
        return data


class RecognizeForm(Form):
    decided_on = PastDate("Ngày chi bộ xét, cấp ủy quyết định công nhận")
    decision_no = TextField(label="Số quyết định", max_length=50, required=False)


class TransferForm(Form):
    kind = forms.ChoiceField(label="Hình thức", choices=MembershipKind.choices)
    on = PastDate("Ngày chuyển đi")
    to_cell = OrgField(label="Chi bộ nhận (trong hệ thống)", required=False)
    to_outside = TextField(label="Hoặc nơi nhận ngoài hệ thống", max_length=200, required=False)
    until = DateField(label="Sinh hoạt tạm thời đến hết ngày", required=False)
    received_on = PastDate(
        "Ngày chi bộ nhận tiếp nhận",
        required=False,
        help_text="Để trống nếu chi bộ nhận sẽ tự ghi khi đảng viên nộp giấy giới thiệu.",
    )
    reason = TextField(label="Lý do", max_length=200, required=False)

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].set_versions(cells, "— Ngoài hệ thống —")


class ReceiveForm(Form):
    on = PastDate("Ngày tiếp nhận (đảng viên nộp giấy giới thiệu)")


class ExemptForm(Form):
    on = PastDate("Miễn sinh hoạt từ ngày")
    reason = TextField(
        label="Lý do", max_length=200, help_text="Tuổi cao, sức khỏe yếu… (R-MEM-11)."
    )


class EndExemptionForm(Form):
    on = PastDate("Sinh hoạt trở lại từ ngày")


class EndMembershipForm(Form):
    on = PastDate("Có hiệu lực từ ngày")
    reason = forms.ChoiceField(
        label="Hình thức", choices=[c for c in EndReason.choices if c[0] != EndReason.DIED]
    )
    decision_no = TextField(label="Số quyết định", max_length=50, required=False)
    confirm = forms.BooleanField(label="Tôi xác nhận; việc này không thể hoàn tác qua giao diện.")


class DeathForm(Form):
    on = PastDate("Ngày từ trần")
    confirm = forms.BooleanField(label="Tôi xác nhận; việc này không thể hoàn tác qua giao diện.")


class PoliceForm(Form):
    on = PastDate("Có hiệu lực từ ngày")
    cell = OrgField(
        label="Đơn vị Công an (chi bộ)", required=False, empty_label="— Thôi công tác tại đơn vị —"
    )
    position = forms.ChoiceField(
        label="Chức vụ Công an", choices=[("", "—"), *PolicePosition.choices], required=False
    )
    rank = forms.TypedChoiceField(
        label="Cấp bậc hàm",
        choices=[("", "— Không đổi —"), *Rank.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, cells=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].set_versions(cells, "— Thôi công tác tại đơn vị —")

    def clean(self):
        data = super().clean()
        if data.get("cell") is not None and not data.get("position"):
            self.add_error("position", "Hãy chọn chức vụ.")
        return data


class AppointForm(Form):
    organization = OrgField(label="Tổ chức")
    role = forms.ChoiceField(label="Chức vụ", choices=Role.choices)
    on = PastDate("Từ ngày")
    term = TextField(label="Nhiệm kỳ", max_length=20, required=False, help_text="Ví dụ: 2025–2030.")
    appointed = forms.BooleanField(label="Do cấp trên chỉ định (R-ORG-05)", required=False)
    government_post = TextField(
        label="Chức vụ chính quyền kiêm nhiệm", max_length=100, required=False
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].set_versions(orgs)


class CommaSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes on the page; from the API a JSON list of ids (also taken written "12,15")."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value in (None, ""):
            return []
        if isinstance(value, list | tuple):
            return [str(part) for part in value]
        return [part.strip() for part in str(value).split(",") if part.strip()]


class CongressForm(Form):
    """Đại hội chi bộ: the term under its own policy and the elected (R-ORG-04, R-ORG-06)."""

    congress_on = PastDate("Ngày đại hội")
    starts_on = DateField(label="Nhiệm kỳ bắt đầu từ ngày", help_text="Thường là ngày đại hội.")
    ends_on = DateField(
        label="Nhiệm kỳ đến ngày",
        required=False,
        help_text="Để trống: tính theo chế độ đại hội (30 hoặc 60 tháng).",
    )
    label = TextField(label="Nhiệm kỳ", max_length=20, help_text="Ví dụ: 2025–2030.")
    policy = forms.ChoiceField(
        label="Chế độ đại hội (R-ORG-06)",
        choices=TermPolicy.choices,
        help_text="Hai lần trong 5 năm (Điều lệ Đảng, Điều 24); một lần trong 5 năm từ "
        "1/7/2025 (thí điểm theo Quy định 294-QĐ/TW).",
    )
    secretary = forms.TypedChoiceField(label="Bí thư", coerce=int)
    deputy = forms.TypedChoiceField(
        label="Phó Bí thư", coerce=int, required=False, empty_value=None
    )
    committee = forms.TypedMultipleChoiceField(
        label="Chi ủy viên khác (khi có chi ủy)",
        coerce=int,
        required=False,
        widget=CommaSelectMultiple,
    )
    decision = TextField(label="Căn cứ", max_length=300, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        choices = [(p.pk, p.full_name) for p in people]
        self.fields["secretary"].choices = [("", "— Chọn —"), *choices]
        self.fields["deputy"].choices = [("", "— Không có —"), *choices]
        self.fields["committee"].choices = choices

    def clean(self):
        data = super().clean()
        for name in ("secretary", "deputy"):
            if data.get(name) is not None:
                data[name] = self.people[data[name]]
        data["committee"] = tuple(self.people[pk] for pk in data.get("committee") or ())
        congress, start = data.get("congress_on"), data.get("starts_on")
        if congress and start and start < congress:
            self.add_error("starts_on", "Nhiệm kỳ bắt đầu từ ngày đại hội hoặc sau đó.")
        return data


class EndPositionForm(Form):
    on = PastDate("Thôi giữ chức vụ từ ngày")


class MemberFilterForm(Form):
    """The filters of the member list; bad values are ignored with a message, never a 500."""

    q = TextField(label="Tìm theo tên", required=False, max_length=100)
    cell = forms.TypedChoiceField(label="Chi bộ", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[
            ("", "Tất cả"),
            (Status.OFFICIAL, "Chính thức"),
            (Status.PROBATIONARY, "Dự bị"),
            ("temporary", "Sinh hoạt tạm thời"),
            ("exempt", "Miễn sinh hoạt"),
        ],
    )
    rank = forms.TypedChoiceField(
        label="Cấp bậc hàm",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Tất cả"), *Rank.choices],
    )
    position = forms.ChoiceField(
        label="Chức vụ",
        required=False,
        choices=[
            ("", "Tất cả"),
            *[(f"party:{v}", label) for v, label in Role.choices[:3]],
            *[(f"police:{v}", label) for v, label in PolicePosition.choices],
        ],
    )

    def __init__(self, *args, cells=(), in_scope=None, **kwargs):
        """``cells`` are the choices of the cell field; with ``in_scope`` (a query of cell
        versions) instead, a national scope's thousands of cells are neither loaded nor put
        in the page (issue 16): the chosen cell is checked in SQL and is the only option."""
        super().__init__(*args, **kwargs)
        self.in_scope = in_scope
        self.cells = None  # every cell in scope, when the caller loaded them (a small scope)
        self.cell_from_tree = in_scope is not None
        if in_scope is None:
            self.fields["cell"].choices = [("", "Tất cả")] + [
                (v.organization_id, v.name) for v in cells
            ]
            return
        field = forms.TypedChoiceField(
            label="Chi bộ",
            required=False,
            coerce=int,
            empty_value=None,
            help_text="Chọn chi bộ trong cây tổ chức (liên kết “Đảng viên” của chi bộ).",
        )
        field.valid_value = self._cell_in_scope
        field.choices = [("", "Tất cả")]
        self.fields["cell"] = field
        chosen = self._cell_in_scope(self.data.get("cell", "")) if self.is_bound else None
        if chosen is not None:
            field.choices = [("", "Tất cả"), (chosen.organization_id, chosen.name)]

    def _cell_in_scope(self, value):
        """The cell version in scope whose organization is ``value``, or None (one query,
        remembered: the field's validation and its one option ask the same)."""
        cache = self.__dict__.setdefault("_cells_found", {})
        key = str(value).strip()
        if key not in cache:
            found = None
            if key.isdigit() and len(key) < 12:
                found = self.in_scope.filter(organization_id=int(key)).first()
            cache[key] = found
        return cache[key]


class MemberAccountForm(Form):
    """A login for a party member (issue 15 item 4); the password is set by the member
    through a one-time link."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Chữ, số và các ký tự @ . + - _; không có dấu cách. Ví dụ: dangvien.hiepduc.",
    )


class LinkForm(Form):
    confirm = forms.BooleanField(
        label="Tạo liên kết mới (liên kết cũ chưa dùng sẽ hết hiệu lực khi đảng viên đặt mật khẩu).",
        error_messages={"required": "Hãy đánh dấu xác nhận."},
    )
