from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from chibo.accounts import access, forms, lockout, operations, twofactor
from chibo.accounts.access import Capability
from chibo.accounts.forms import TokenForm
from chibo.accounts.models import ApiToken, Grant, Role
from chibo.lib import vntext
from chibo.lib.pages import form_page, posted
from chibo.lib.vndates import format_date
from chibo.orgs.models import NameBook, OrgVersion


def _profile_context(user, form=None, new_key=None) -> dict:
    today = timezone.localdate()
    grants = list(user.grants.select_related("organization").order_by("-valid_from"))
    names = {
        v.organization_id: v.name
        for v in OrgVersion.objects.filter(
            organization__in=[g.organization_id for g in grants]
        ).order_by("valid_from")
    }
    return {
        "nav": "account",
        "today": today,
        "grants": [(g, names.get(g.organization_id, "—"), g.holds_on(today)) for g in grants],
        "tokens": user.api_tokens.all(),
        "form": form or TokenForm(),
        "new_key": new_key,
        "is_superuser": user.is_superuser,
        "active_roles": sorted(r.label for r in access.roles(user)),
        "member_person": access.own_person(user),  # a member account (issue 15 item 4)
        "may_manage_users": access.scope(user, today).can_anywhere(Capability.MANAGE_USERS),
    }


@require_GET
def profile(request):
    return render(request, "accounts/profile.html", _profile_context(request.user))


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/profile.html", _profile_context(request.user, form), status=400
        )
    _, key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
    return render(request, "accounts/profile.html", _profile_context(request.user, new_key=key))


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, f"Đã thu hồi mã “{token.name}”.")
    return redirect("accounts:profile")


# Account management (issue 10): board and admin users inside their scope, without the admin.


def _org_choices(user, today) -> list[tuple[int, str]]:
    scope = access.scope(user, today)
    versions = scope.filter(
        OrgVersion.objects.on(today), Capability.MANAGE_USERS, "organization_id"
    ).sorted_by_name()
    return [(v.organization_id, v.name) for v in versions]


def _grant_form_kwargs(user, today) -> dict:
    scope = access.scope(user, today)
    roles = [r for r in Role if all(scope.can_anywhere(c) for c in Capability if c.allowed_for(r))]
    return {
        "roles": roles,
        "orgs": _org_choices(user, today),
        "may_grant": lambda role, org: access.may_grant(user, role, org, today),
        "manage_until": lambda org: access.manage_until(user, org, today),
    }


def _account_page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"nav": "account", **context}, status=status)


def _link_page(request, target, title: str):
    path = operations.password_link(user=target, by=request.user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    context = {"target": target, "link": request.build_absolute_uri(path), "hours": hours}
    return _account_page(request, "accounts/password_link.html", {"title": title, **context})


@require_GET
def users(request):
    today = timezone.localdate()
    found = access.managed_users(request.user, today).order_by("username")
    # NUL cannot reach PostgreSQL (a 500); nobody types one into a name.
    query = vntext.nfc(request.GET.get("q", "").replace("\x00", ""))[:100]
    if query:
        found = found.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(found, settings.CHIBO_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [u.pk for u in page.object_list]
    grants = access.scope(request.user, today).filter(
        Grant.objects.filter(user_id__in=shown).order_by("-valid_from"),
        Capability.MANAGE_USERS,
        "organization_id",
    )
    names = NameBook({g.organization_id for g in grants})
    by_user: dict[int, list] = {}
    for grant in grants:
        name = names.name(grant.organization_id, today)
        by_user.setdefault(grant.user_id, []).append((grant, name, grant.holds_on(today)))
    rows = [(u, by_user.get(u.pk, [])) for u in page.object_list]
    return _account_page(
        request, "accounts/users.html", {"page": page, "rows": rows, "q": query, "today": today}
    )


@require_GET
def user_detail(request, pk: int):
    today = timezone.localdate()
    target = access.get_managed_user(request.user, pk, today)
    all_grants = list(target.grants.select_related("organization").order_by("-valid_from"))
    names = NameBook({g.organization_id for g in all_grants})
    shown, hidden = [], 0
    for grant in all_grants:
        if not access.can(request.user, grant.organization, today, Capability.MANAGE_USERS):
            hidden += 1
            continue
        may_end = target.pk != request.user.pk and access.may_grant(
            request.user, grant.role_enum, grant.organization, today
        )
        shown.append(
            (grant, names.name(grant.organization_id, today), grant.holds_on(today), may_end)
        )
    context = {
        "target": target,
        "grants": shown,
        "hidden": hidden,
        "today": today,
        "may_manage": access.may_manage_account(request.user, target, today),
        "two_factor": twofactor.device_of(target) is not None,
        "may_grant": target.pk != request.user.pk or request.user.is_superuser,
    }
    return _account_page(request, "accounts/user_detail.html", context)


@require_http_methods(["GET", "POST"])
def user_create(request):
    today = timezone.localdate()
    access.require_any(request.user, today, Capability.MANAGE_USERS)
    form = forms.UserForm(
        posted(request), initial={"valid_from": today}, **_grant_form_kwargs(request.user, today)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = operations.create_user(
                username=data["username"],
                full_name=data["full_name"],
                role=Role(data["role"]),
                organization=data["organization"],
                valid_from=data["valid_from"],
                valid_to=form.valid_to,
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            return _link_page(request, target, f"Đã tạo người dùng {target.username}")
    context = {
        "title": "Tạo người dùng",
        "intro": "Người dùng mới đặt mật khẩu của mình qua một liên kết dùng một lần, hiện ra "
        "sau khi tạo; hãy chuyển liên kết đó cho họ.",
        "crumbs": [(reverse("accounts:users"), "Người dùng")],
        "cancel_url": reverse("accounts:users"),
        "button": "Tạo người dùng",
        "form": form,
    }
    return _account_page(
        request, "form_page.html", context, status=400 if request.method == "POST" else 200
    )


def _require_other(request, target) -> None:
    """Nobody but a superuser changes their own grants or password link here; their own
    password they change on the account page."""
    if target.pk == request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("Bạn không tự trao hay kết thúc quyền của chính mình.")


@require_http_methods(["GET", "POST"])
def grant_create(request, pk: int):
    today = timezone.localdate()
    target = access.get_managed_user(request.user, pk, today)
    _require_other(request, target)
    form = forms.GrantForm(
        posted(request), initial={"valid_from": today}, **_grant_form_kwargs(request.user, today)
    )
    detail = reverse("accounts:user", args=[target.pk])

    def action(data):
        grant = operations.grant_role(
            user=target,
            role=Role(data["role"]),
            organization=data["organization"],
            valid_from=data["valid_from"],
            valid_to=form.valid_to,
            note=data["note"],
            by=request.user,
        )
        return detail, f"Đã trao quyền “{grant.get_role_display()}” cho {target.username}."

    context = {
        "nav": "account",
        "title": f"Trao quyền cho {target}",
        "crumbs": [(reverse("accounts:users"), "Người dùng"), (detail, str(target))],
        "cancel_url": detail,
        "button": "Trao quyền",
    }
    return form_page(request, form, "form_page.html", context, action)


@require_http_methods(["GET", "POST"])
def grant_end(request, pk: int):
    today = timezone.localdate()
    grant = Grant.objects.select_related("organization", "user").filter(pk=pk).first()
    if grant is None:
        raise Http404("Không tìm thấy quyền này.")
    target = access.get_managed_user(request.user, grant.user_id, today)
    if not access.can(request.user, grant.organization, today, Capability.MANAGE_USERS):
        raise Http404("Không tìm thấy quyền này.")
    _require_other(request, target)
    if not access.may_grant(request.user, grant.role_enum, grant.organization, today):
        raise PermissionDenied("Bạn không được kết thúc quyền cao hơn quyền của mình.")
    form = forms.EndGrantForm(posted(request), grant=grant, initial={"last_day": today})
    detail = reverse("accounts:user", args=[target.pk])

    def action(data):
        operations.end_grant(grant=grant, last_day=data["last_day"], by=request.user)
        return detail, (
            f"Đã kết thúc quyền “{grant.get_role_display()}” của {target.username} sau ngày "
            f"{format_date(data['last_day'])}."
        )

    org_name = NameBook([grant.organization_id]).name(grant.organization_id, today)
    context = {
        "nav": "account",
        "title": "Kết thúc quyền",
        "intro": f"{target} — {grant.get_role_display()} — {org_name}, từ ngày "
        f"{format_date(grant.valid_from)}. Từ ngày sau ngày cuối, người dùng không còn quyền này.",
        "crumbs": [(reverse("accounts:users"), "Người dùng"), (detail, str(target))],
        "cancel_url": detail,
        "button": "Kết thúc quyền",
        "button_style": "danger",
    }
    return form_page(request, form, "form_page.html", context, action)


@require_http_methods(["GET", "POST"])
def password_link(request, pk: int):
    today = timezone.localdate()
    target = access.get_managed_user(request.user, pk, today)
    if not access.may_manage_account(request.user, target, today):
        raise PermissionDenied(
            "Người dùng này có quyền ngoài phạm vi của bạn, hoặc là chính bạn; bạn không đặt "
            "lại mật khẩu cho họ được."
        )
    form = forms.ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        return _link_page(request, target, f"Liên kết đặt mật khẩu cho {target.username}")
    detail = reverse("accounts:user", args=[target.pk])
    context = {
        "title": f"Đặt lại mật khẩu cho {target}",
        "intro": "Một liên kết dùng một lần sẽ hiện ra cho bạn; người dùng mở nó để tự đặt mật "
        "khẩu mới. Liên kết hết hiệu lực khi đã dùng, khi người dùng đăng nhập, hoặc sau "
        f"{settings.PASSWORD_RESET_TIMEOUT // 3600} giờ. Mật khẩu cũ vẫn dùng được đến khi "
        "đặt mật khẩu mới.",
        "crumbs": [(reverse("accounts:users"), "Người dùng"), (detail, str(target))],
        "cancel_url": detail,
        "button": "Tạo liên kết",
        "form": form,
    }
    return _account_page(
        request, "form_page.html", context, status=400 if request.method == "POST" else 200
    )


# Login failures (issue 10): the superuser sees them and unlocks, without the admin.


@require_GET
def lockouts(request):
    access.require_superuser(request.user)
    context = {
        "failures": lockout.recent_failures(),
        "limit": settings.CHIBO_LOGIN_FAILURES,
        "minutes": settings.CHIBO_LOCKOUT_MINUTES,
    }
    return _account_page(request, "accounts/lockouts.html", context)


@require_POST
def unlock(request):
    access.require_superuser(request.user)
    form = forms.UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Yêu cầu mở khóa không hợp lệ.")
        return redirect("accounts:lockouts")
    data = form.cleaned_data
    removed = operations.unlock(
        username=data["username"], ip_address=data["ip_address"] or None, by=request.user
    )
    if removed:
        messages.success(request, f"Đã mở khóa “{data['username']}” từ {data['ip_address']}.")
    else:
        messages.info(request, "Không còn lần đăng nhập sai nào của cặp này.")
    return redirect("accounts:lockouts")


# Two-step login (issue 10): each user for their own account.


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_GET
def two_factor(request):
    device = twofactor.device_of(request.user)
    context = {
        "device": device,
        "required": twofactor.required_for(request.user),
        "form": forms.DisableTwoFactorForm() if device else None,
        "next": _safe_next(request, ""),
    }
    return _account_page(request, "accounts/two_factor.html", context)


def _setup_page(request, device, form, status: int = 200):
    context = {
        "device": device,
        "secret": twofactor.secret(device),
        "qr": mark_safe(twofactor.qr_svg(device)),  # segno's own SVG markup, no user input
        "form": form,
        "next": _safe_next(request, ""),
    }
    return _account_page(request, "accounts/two_factor_setup.html", context, status=status)


@require_POST
def two_factor_setup(request):
    if twofactor.device_of(request.user):
        messages.info(request, "Xác thực hai bước đã bật.")
        return redirect("accounts:two_factor")
    device = operations.start_two_factor(user=request.user, by=request.user)
    return _setup_page(request, device, forms.CodeForm())


@require_POST
def two_factor_confirm(request):
    device = twofactor.pending_device(request.user)
    if device is None:
        messages.error(request, "Hãy bắt đầu lại việc bật xác thực hai bước.")
        return redirect("accounts:two_factor")
    form = forms.CodeForm(request.POST, device=device)
    if not form.is_valid():
        return _setup_page(request, device, form, status=400)
    operations.confirm_two_factor(device=device, by=request.user)
    otp_login(request, device)
    messages.success(request, "Đã bật xác thực hai bước; từ nay khi đăng nhập hãy nhập cả mã.")
    return redirect(_safe_next(request, reverse("accounts:two_factor")))


@require_POST
def two_factor_disable(request):
    if twofactor.required_for(request.user):
        raise PermissionDenied("Vai trò của bạn bắt buộc xác thực hai bước; không tắt được.")
    device = twofactor.device_of(request.user)
    if device is None:
        return redirect("accounts:two_factor")
    form = forms.DisableTwoFactorForm(request.POST, device=device)
    if not form.is_valid():
        context = {"device": device, "required": False, "form": form}
        return _account_page(request, "accounts/two_factor.html", context, status=400)
    operations.stop_two_factor(user=request.user, by=request.user)
    messages.success(request, "Đã tắt xác thực hai bước.")
    return redirect("accounts:two_factor")


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """A session opened before the second step was required or set up elsewhere."""
    device = twofactor.device_of(request.user)
    if device is None:
        return redirect("accounts:two_factor")
    if request.method == "POST" and lockout.is_locked(request, request.user.get_username()):
        # The lock holds here too, or a session could try codes without end.
        return lockout.locked_response(request)
    form = forms.CodeForm(posted(request), device=device)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("home")))
        twofactor.refuse(request, request.user.get_username())
    context = {"form": form, "next": _safe_next(request, "")}
    status = 400 if request.method == "POST" else 200
    return _account_page(request, "accounts/two_factor_verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def two_factor_reset(request, pk: int):
    """A user who lost their phone: whoever may make their password link turns two-step
    login off for them (they set it up again at their next login if it is required)."""
    today = timezone.localdate()
    target = access.get_managed_user(request.user, pk, today)
    if not access.may_manage_account(request.user, target, today):
        raise PermissionDenied("Bạn không quản lý tài khoản này được.")
    detail = reverse("accounts:user", args=[target.pk])
    if twofactor.device_of(target) is None:
        messages.info(request, f"{target.username} chưa bật xác thực hai bước.")
        return redirect(detail)
    form = forms.ConfirmForm(posted(request))

    def action(data):
        operations.stop_two_factor(user=target, by=request.user)
        return detail, f"Đã tắt xác thực hai bước của {target.username}."

    context = {
        "nav": "account",
        "title": f"Tắt xác thực hai bước của {target}",
        "intro": "Dùng khi người dùng mất điện thoại. Từ lần đăng nhập sau, họ chỉ cần mật khẩu "
        "(và phải bật lại nếu vai trò của họ bắt buộc).",
        "crumbs": [(reverse("accounts:users"), "Người dùng"), (detail, str(target))],
        "cancel_url": detail,
        "button": "Tắt xác thực hai bước",
        "button_style": "danger",
    }
    return form_page(request, form, "form_page.html", context, action)
