"""Optional two-step login with a time-based code (TOTP, django-otp), issue 10.

Anyone may turn it on from the account page; with ``CHIBO_REQUIRE_2FA=1`` everyone whose
role can write (and every superuser) must: until they have, every page sends them to the set-up
page and the API (with a session) answers 403. A user with a device enters the code on the
same login form as the password (login page and admin login alike); a wrong or missing code
is the same refusal as a wrong password, so the answer never tells that the password was right,
and it counts towards the login lock (``chibo.accounts.lockout``). Bearer tokens are separate
credentials, made from a verified session, and are not asked for a code.
"""

import base64

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts import access

# Pages a user who must set up the second step can still reach.
EXEMPT_VIEWS = {
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:two_factor_confirm",
    "accounts:two_factor_verify",
    "accounts:logout",
}


def required_for(user) -> bool:
    """``CHIBO_REQUIRE_2FA``: superusers and every user holding a role that can write."""
    if not settings.CHIBO_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or any(g.role_enum.can_write for g in access.active_grants(user))


def device_of(user) -> TOTPDevice | None:
    """The user's confirmed device (there is at most one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    """The device being set up, not yet confirmed by a first code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def check(device: TOTPDevice, code: str) -> bool:
    """Whether ``code`` (spaces allowed) is valid now; django-otp refuses a code used once
    and slows down repeated failures on the device."""
    code = "".join(code.split())
    return code.isdigit() and len(code) == device.digits and device.verify_token(code)


def refuse(request, username: str) -> None:
    """Count a wrong second step as a failed login, like a wrong password."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def secret(device: TOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an authenticator app."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The set-up address as an inline SVG QR code (no script, no style: fits the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff")


class RequireTwoFactorMiddleware:
    """With ``CHIBO_REQUIRE_2FA=1``, a session that must have a second step and has not
    passed it reaches only the set-up, verification and logout pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.CHIBO_REQUIRE_2FA:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified() or not required_for(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Vai trò của bạn bắt buộc xác thực hai bước; hãy bật nó ở trang Tài khoản."
                },
                status=403,
            )
        target = "accounts:two_factor_verify" if device_of(user) else "accounts:two_factor"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
