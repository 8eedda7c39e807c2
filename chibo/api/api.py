"""The JSON API, ``/api/v1/``: session or bearer-token authentication, the same scope as the
pages (``chibo.accounts.access``), errors as ``{"detail": "<Vietnamese message>"}``."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from chibo.accounts import lockout
from chibo.accounts.models import ApiToken, User
from chibo.api import openapi, transport
from chibo.api.transport import BodyRefused, JsonParser
from chibo.lib import contention, csrf
from chibo.lib.apiforms import FormInvalid
from chibo.lib.params import InvalidParam

logger = logging.getLogger(__name__)
STATUS_TEXT = {
    400: "Yêu cầu không hợp lệ: nội dung gửi lên không đọc được (cần JSON hợp lệ).",
    401: "Chưa đăng nhập: hãy đăng nhập, hoặc gửi mã truy cập trong tiêu đề Authorization: Bearer.",
    403: "Vai trò của bạn không được thực hiện thao tác này.",
    404: "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.",
    405: "Phương thức không được hỗ trợ ở đây.",
    409: "Xung đột với một thao tác khác hoặc dữ liệu đã có; xin tải lại rồi thử lại.",
    413: "Nội dung gửi lên quá lớn.",
    415: "Nội dung gửi lên phải là JSON (Content-Type: application/json, mã hóa UTF-8).",
    429: "Quá nhiều yêu cầu; xin thử lại sau.",
    503: "Hệ thống đang bận; xin thử lại sau ít giây.",
}
BAD_TOKEN = "Mã truy cập không hợp lệ hoặc đã bị thu hồi."


class Unauthenticated(AuthenticationError):
    """401 with the reason: no credentials at all, or a bearer token that is not valid."""

    def __init__(self, detail: str = STATUS_TEXT[401], challenge: str = "Bearer"):
        super().__init__(401, detail)
        self.detail = detail
        self.challenge = challenge


class CsrfRefused(HttpError):
    """403 for a session write without a valid CSRF token; the message says what is missing."""

    def __init__(self, detail: str):
        super().__init__(403, detail)
        self.detail = detail


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``. A request carrying a bearer header is decided here and
    only here: a wrong key is 401, never a fall-back to the session (issue 9). Other schemes
    (e.g. Basic from a proxy in front) are left to the session."""

    openapi_description = "Mã truy cập tạo ở trang Tài khoản: `Authorization: Bearer <mã>`."

    def __call__(self, request: HttpRequest) -> User | None:
        scheme, _, key = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        if lockout.token_locked(request):  # issue 10: answered 429 by the lockout middleware
            raise Unauthenticated(BAD_TOKEN, 'Bearer error="invalid_token"')
        found = ApiToken.objects.for_key(token).first() if token else None
        if found is None:
            lockout.token_failed(request)
            raise Unauthenticated(BAD_TOKEN, 'Bearer error="invalid_token"')
        found.record_use(timezone.now())
        request.user = found.user
        return found.user


class SessionCsrfAuth(APIKeyCookie):
    """The browser session. Unlike ninja's ``SessionAuth`` it asks who the user is before
    checking CSRF, so an anonymous write is 401 rather than a CSRF 403, and a refused CSRF
    check says what is missing."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "Phiên đăng nhập của trình duyệt; mọi thao tác ghi cần mã CSRF."

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False):
            missing = csrf.refusal(request)
            if missing:
                raise CsrfRefused(missing)
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if request.user.is_authenticated else None


api = NinjaAPI(
    title="chibo API",
    version="1",
    description="Dữ liệu chi bộ Công an xã theo ngày (as_of), trong phạm vi phân quyền.",
    urls_namespace="api",
    docs_url=None,  # the bundled docs page loads scripts from a CDN; design §5 forbids it
    openapi_url="/openapi.json",
    auth=[TokenAuth(), SessionCsrfAuth()],
    parser=JsonParser(),
)


def _detail(request, message: str, status: int):
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(InvalidParam)
def invalid_param(request, exc):
    return _detail(request, str(exc), 400)


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    """Input the request schema refuses: 400 with a Vietnamese message at each field."""
    body = openapi.field_errors(exc.errors, "body")
    for source in ("form", "file"):  # the fields of a multipart body
        body.update(openapi.field_errors(exc.errors, source))
    if body:
        detail = "Dữ liệu không hợp lệ."
        if set(body) == {"__all__"}:
            detail = "Nội dung gửi lên phải là một đối tượng JSON hợp lệ."
        return api.create_response(request, {"detail": detail, "errors": body}, status=400)
    errors = {}
    for source in ("query", "path", "header", "cookie"):
        errors.update(openapi.field_errors(exc.errors, source))
    message = "Tham số không hợp lệ: " + ", ".join(sorted(errors))
    return api.create_response(
        request, {"detail": message.rstrip(": "), "errors": errors}, status=400
    )


@api.exception_handler(DataError)
def refused_by_database(request, exc):
    # A value the database cannot hold (e.g. longer than its column on PostgreSQL) that no
    # form checked: a 400, never a 500. The value itself is not logged (personal data).
    logger.warning("Cơ sở dữ liệu từ chối giá trị tại %s: %s", request.path, type(exc).__name__)
    return _detail(request, "Có giá trị quá dài hoặc không hợp lệ; không có gì được ghi.", 400)


@api.exception_handler(Exception)
def server_error(request, exc):
    found = contention.answer_for(exc)
    if found is not None:
        # A busy database (503, Retry-After) or a lost race (409): an answer, not a crash.
        return contention.respond(request, *found)
    # Logged by Django's request logger with the traceback; the client gets JSON, not HTML.
    logger.exception("Lỗi API tại %s", request.path)
    return _detail(request, "Lỗi hệ thống; xin thử lại sau.", 500)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _detail(request, getattr(exc, "detail", STATUS_TEXT[401]), 401)
    response["WWW-Authenticate"] = getattr(exc, "challenge", "Bearer")
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return _detail(request, "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.", 404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _detail(request, str(exc) or STATUS_TEXT[403], 403)


@api.exception_handler(CsrfRefused)
def csrf_refused(request, exc):
    return _detail(request, exc.detail, 403)


@api.exception_handler(BodyRefused)
def body_refused(request, exc):
    # Raised by the parser outside ninja's wrapping (the fields of a multipart operation).
    return api.create_response(request, exc.body, status=exc.status)


def unreadable_multipart(request, exc):
    return transport.unreadable(request, exc)


for _error in transport.MULTIPART_ERRORS:
    api.add_exception_handler(_error, unreadable_multipart)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, BodyRefused):
        # ninja wraps every parser error in its own English 400; the cause says why.
        return api.create_response(request, exc.__cause__.body, status=exc.__cause__.status)
    if isinstance(exc, FormInvalid):
        body = {"detail": str(exc), "errors": exc.errors}
        if exc.warnings:
            body["warnings"] = exc.warnings  # what confirm_warnings would confirm
        return api.create_response(request, body, status=400)
    # django-ninja's own texts are English; say it in Vietnamese by status.
    text = STATUS_TEXT.get(exc.status_code, "Yêu cầu không hợp lệ.")
    return _detail(request, text, exc.status_code)


api.add_router("/organizations", "chibo.orgs.api.router")
# Split, dissolve and merge move people too: they live above the tree and the members.
api.add_router("/organizations", "chibo.reorganize.api.organizations")
api.add_router("/mergers", "chibo.reorganize.api.mergers")
api.add_router("/stats", "chibo.reports.api.router")
api.add_router("/reports", "chibo.reports.api.reports")
api.add_router("/members", "chibo.members.api.members")
api.add_router("/people", "chibo.members.api.people")
api.add_router("/positions", "chibo.members.api.positions")
api.add_router("/transfers", "chibo.members.api.transfers")
api.add_router("/congresses", "chibo.members.api.congresses")
api.add_router("/regulations", "chibo.documents.api.router")
api.add_router("/documents", "chibo.register.api.documents")
api.add_router("/disseminations", "chibo.register.api.disseminations")
api.add_router("/advice", "chibo.register.api.advice")
api.add_router("/meetings", "chibo.meetings.api.router")
api.add_router("/superior-assignments", "chibo.meetings.api.assignments")
api.add_router("/conferences", "chibo.briefings.api.conferences")
api.add_router("/recommendations", "chibo.briefings.api.recommendations")
api.add_router("/tasks", "chibo.briefings.api.tasks")
api.add_router("/findings", "chibo.rules.api.router")
api.add_router("/audit", "chibo.audit.api.router")
api.add_router("/calendar", "chibo.rules.api.calendar")
api.add_router("/me", "chibo.me.api.router")
api.add_router("/imports", "chibo.imports.api.router")
api.add_router("/rules", "chibo.rules.api.rules")

openapi.document(api)
