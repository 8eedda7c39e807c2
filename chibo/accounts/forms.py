import datetime as dt

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from chibo.accounts import twofactor
from chibo.accounts.models import Role, User
from chibo.lib import vntext
from chibo.lib.forms import DateField, Form, TextField
from chibo.lib.vndates import format_date
from chibo.orgs.models import Organization


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ",
        max_length=100,
        help_text="Ví dụ: Bảng tính tổng hợp của Văn phòng.",
    )

    def clean_name(self) -> str:
        name = vntext.nfc(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Hãy nhập tên gợi nhớ.")
        return name


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form (its validators, Vietnamese through the ``vi`` locale), styled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class GrantForm(Form):
    """A role on an organization for an interval; the choices are what the actor may give."""

    role = forms.ChoiceField(label="Vai trò")
    organization = forms.TypedChoiceField(label="Tổ chức", coerce=int, empty_value=None)
    valid_from = DateField(label="Hiệu lực từ ngày")
    last_day = DateField(
        label="Đến hết ngày",
        required=False,
        help_text="Để trống nếu không có thời hạn.",
    )
    note = TextField(label="Ghi chú", max_length=200, required=False)

    def __init__(self, *args, roles=(), orgs=(), may_grant=None, manage_until=None, **kwargs):
        """``orgs``: (id, name) pairs in scope; ``may_grant(role, org)`` and
        ``manage_until(org)`` come from ``chibo.accounts.access`` for the acting user."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "— Chọn vai trò —")] + [
            (r.value, r.label) for r in roles
        ]
        self.fields["organization"].choices = [("", "— Chọn tổ chức —"), *orgs]
        self._may_grant = may_grant
        self._manage_until = manage_until

    def clean_organization(self) -> Organization:
        return Organization.objects.get(pk=self.cleaned_data["organization"])

    def clean(self):
        data = super().clean()
        org, role = data.get("organization"), data.get("role")
        start, last = data.get("valid_from"), data.get("last_day")
        if start and last and last < start:
            self.add_error("last_day", "Ngày kết thúc không được trước ngày bắt đầu.")
        if org is None or not role:
            return data
        if not self._may_grant(Role(role), org):
            self.add_error("role", "Bạn không được trao vai trò này trên tổ chức này.")
            return data
        limit = self._manage_until(org)
        if limit is not None and (last is None or last >= limit):
            self.add_error(
                "last_day",
                "Quyền quản lý của bạn trên tổ chức này hết hạn từ ngày "
                f"{format_date(limit)}; hãy chọn ngày kết thúc trước ngày đó.",
            )
        return data

    @property
    def valid_to(self) -> dt.date | None:
        last = self.cleaned_data.get("last_day")
        return None if last is None else last + dt.timedelta(days=1)


class UserForm(GrantForm):
    """A new user with a first grant, so the user is in the creator's scope from the start."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Chữ, số và các ký tự @ . + - _; không có dấu cách.",
    )
    full_name = TextField(label="Họ và tên", max_length=150)

    field_order = ["username", "full_name", "role", "organization", "valid_from", "last_day"]

    def clean_username(self) -> str:
        username = vntext.nfc(self.cleaned_data["username"].strip())
        # Two accounts whose names differ only by case would be mistaken for one another.
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Tên đăng nhập này đã có người dùng.")
        return username


class EndGrantForm(Form):
    last_day = DateField(label="Ngày cuối cùng của quyền")
    confirm = forms.BooleanField(
        label="Tôi xác nhận kết thúc quyền này; việc này không hoàn tác được.",
        error_messages={"required": "Hãy đánh dấu xác nhận."},
    )

    def __init__(self, *args, grant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grant = grant

    def clean_last_day(self) -> dt.date:
        last = self.cleaned_data["last_day"]
        if last < self.grant.valid_from:
            raise forms.ValidationError(
                f"Quyền bắt đầu từ {format_date(self.grant.valid_from)}; ngày cuối không được "
                "trước ngày đó."
            )
        if self.grant.last_day is not None and last > self.grant.last_day:
            raise forms.ValidationError(
                f"Quyền đã hết hạn sau ngày {format_date(self.grant.last_day)}; chỉ có thể rút "
                "ngắn, không kéo dài."
            )
        return last


class ConfirmForm(Form):
    confirm = forms.BooleanField(
        label="Tôi xác nhận.", error_messages={"required": "Hãy đánh dấu xác nhận."}
    )


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)


class SecondStepMixin:
    """The code of a user who turned on two-step login, checked with the password."""

    def clean(self):
        data = super().clean()
        user = self.get_user()
        device = twofactor.device_of(user) if user is not None else None
        if device is not None:
            if not twofactor.check(device, self.cleaned_data.get("otp_token") or ""):
                twofactor.refuse(self.request, user.get_username())
                self.user_cache = None
                raise self.get_invalid_login_error()
            # django-otp marks the session as verified when Django logs this user in.
            user.otp_device = device
        return data


OTP_FIELD = dict(
    label="Mã xác thực hai bước",
    required=False,
    max_length=12,
    help_text="Chỉ khi tài khoản đã bật xác thực hai bước: 6 chữ số trong ứng dụng xác thực.",
)
INVALID_LOGIN = (
    "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, "
    "chữ thường."
)


class LoginForm(SecondStepMixin, auth_forms.AuthenticationForm):
    otp_token = forms.CharField(
        **OTP_FIELD,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": INVALID_LOGIN,
    }


class AdminLoginForm(SecondStepMixin, AdminAuthenticationForm):
    otp_token = forms.CharField(**OTP_FIELD)
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}


class CodeForm(Form):
    code = forms.CharField(
        label="Mã 6 chữ số",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.device is None or not twofactor.check(self.device, code):
            raise forms.ValidationError(
                "Mã không đúng hoặc đã hết hạn; hãy nhập mã đang hiện trong ứng dụng."
            )
        return code


class DisableTwoFactorForm(CodeForm):
    confirm = forms.BooleanField(
        label="Tôi muốn tắt xác thực hai bước.",
        error_messages={"required": "Hãy đánh dấu xác nhận."},
    )
