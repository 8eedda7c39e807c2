"""Login protection (issue 10), built on django-axes.

After ``CHIBO_LOGIN_FAILURES`` failed attempts for one account from one address, that pair
is locked for ``CHIBO_LOCKOUT_MINUTES``: the login page, the admin login and the API alike.
A bearer token carries no user name, so bad tokens count against the address alone, under
the fixed name ``TOKEN_USERNAME``. A locked request is answered 429 with a Vietnamese
message: a page for people, ``{"detail": …}`` for the API.

Axes records each failure through Django's ``user_login_failed`` signal and its middleware
turns a request it flagged (``request.axes_locked_out``) into ``locked_response``. The API's
token authentication calls ``token_locked`` before it tries a token and ``token_failed`` when
one is refused; nothing else here knows about the API.
"""

import datetime as dt
import ipaddress
from dataclasses import dataclass

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

# Stored as the user name of token failures; not a valid user name (Django's validator
# refuses spaces and brackets), so no account shares its counter.
TOKEN_USERNAME = "(mã API)"


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out pair before the password is checked.

    ``authenticate()`` without a request (a management command, the shell, the test client's
    ``login``) has no address to count; it is let through to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the socket's, or behind ``CHIBO_PROXY_COUNT`` proxies the entry
    of ``X-Forwarded-For`` the first proxy wrote (entries further left are the client's own
    claims and could be chosen to dodge the lock)."""
    hops = settings.CHIBO_PROXY_COUNT
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops and _is_address(forwarded[-hops]):
            return forwarded[-hops]
    address = request.META.get("REMOTE_ADDR")
    # The address column is typed (inet in PostgreSQL): never hand it something else.
    return address if address and _is_address(address) else None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def message() -> str:
    return (
        f"Tài khoản tạm bị khóa đăng nhập từ địa chỉ này sau {settings.CHIBO_LOGIN_FAILURES} "
        f"lần đăng nhập sai. Xin thử lại sau {settings.CHIBO_LOCKOUT_MINUTES} phút, hoặc nhờ "
        "quản trị hệ thống mở khóa."
    )


def locked_response(request: HttpRequest, original_response=None, credentials=None):
    """The 429 answer for a locked pair (``AXES_LOCKOUT_CALLABLE``)."""
    retry = str(settings.CHIBO_LOCKOUT_MINUTES * 60)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message()}, status=429)
    else:
        response = render(request, "accounts/locked.html", {"message": message()}, status=429)
    response["Retry-After"] = retry
    return response


def is_locked(request: HttpRequest, username: str) -> bool:
    """Whether ``username`` is locked from this address (for steps after the password)."""
    return AxesProxyHandler.is_locked(request, {"username": username})


def token_locked(request: HttpRequest) -> bool:
    """Whether bearer tokens from this address are locked; a locked request is flagged so
    the middleware answers 429 whatever the token."""
    if AxesProxyHandler.is_locked(request, {"username": TOKEN_USERNAME}):
        request.axes_locked_out = True
        return True
    return False


def token_failed(request: HttpRequest) -> None:
    """Count one refused token against the address."""
    user_login_failed.send(
        sender=__name__, credentials={"username": TOKEN_USERNAME}, request=request
    )


@dataclass(frozen=True)
class Failures:
    """Failed attempts of one (user name, address) pair within the lock period."""

    username: str
    ip_address: str | None
    count: int
    last: dt.datetime

    @property
    def is_token(self) -> bool:
        return self.username == TOKEN_USERNAME

    @property
    def locked_until(self) -> dt.datetime | None:
        if self.count < settings.CHIBO_LOGIN_FAILURES:
            return None
        until = self.last + dt.timedelta(minutes=settings.CHIBO_LOCKOUT_MINUTES)
        return until if until > timezone.now() else None


def recent_failures() -> list[Failures]:
    """Every pair with failures newer than the lock period, most recent first; the rows of
    one pair (one per browser signature) are summed, as axes does when it decides."""
    since = timezone.now() - dt.timedelta(minutes=settings.CHIBO_LOCKOUT_MINUTES)
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username", "ip_address")
        .annotate(count=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    return [Failures(r["username"] or "", r["ip_address"], r["count"], r["last"]) for r in rows]
