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

from chibo.accounts.models import ApiToken, User
from chibo.api.transport import BodyRefused, JsonParser
from chibo.lib import csrf
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
        found = ApiToken.objects.for_key(token).first() if token else None
        if found is None:
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


# pydantic's error types, said in Vietnamese; the context fills the limits.
_TYPE_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "string_too_long": "Tối đa {max_length} ký tự.",
    "string_too_short": "Tối thiểu {min_length} ký tự.",
    "too_long": "Tối đa {max_length} phần tử.",
    "string_type": "Phải là một chuỗi.",
    "int_type": "Phải là một số nguyên.",
    "int_parsing": "Phải là một số nguyên.",
    "int_from_float": "Phải là một số nguyên.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "date_type": "Phải là một ngày dạng yyyy-mm-dd.",
    "date_parsing": "Phải là một ngày dạng yyyy-mm-dd.",
    "date_from_datetime_parsing": "Phải là một ngày dạng yyyy-mm-dd.",
    "literal_error": "Phải là một trong: {expected}.",
    "enum": "Phải là một trong: {expected}.",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "dict_type": "Phải là một đối tượng JSON.",
    "model_type": "Phải là một đối tượng JSON.",
    "model_attributes_type": "Phải là một đối tượng JSON.",
    "list_type": "Phải là một danh sách.",
}
_ANY_SCALAR = "Giá trị phải là một chuỗi, số hoặc true/false."
# Tags pydantic adds to a location for the member of a union that failed.
_UNION_TAGS = {"str", "int", "bool", "float", "none", "[key]"}


def _error_text(error: dict) -> str:
    template = _TYPE_MESSAGES.get(error.get("type", ""), "Giá trị không hợp lệ.")
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return "Giá trị không hợp lệ."


def body_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Validation errors of a JSON body by field path (``ho``, ``marks.12.status``;
    ``__all__`` for the body itself), each said once in Vietnamese."""
    by_field: dict[str, list[dict]] = {}
    for error in errors:
        path = [str(p) for p in error.get("loc", ())[2:]]
        while path and (path[-1] in _UNION_TAGS or "[" in path[-1]):
            path.pop()
        by_field.setdefault(".".join(path) or "__all__", []).append(error)
    result = {}
    for field, found in by_field.items():
        if len(found) > 1 and all(e.get("type", "").endswith("_type") for e in found):
            result[field] = [_ANY_SCALAR]  # every member of a str|int|bool union refused it
        else:
            result[field] = list(dict.fromkeys(_error_text(e) for e in found))
    if result.get("__all__") == ["Phải là một đối tượng JSON."]:
        result["__all__"] = ["Nội dung gửi lên phải là một đối tượng JSON."]
    return result


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    body = [e for e in exc.errors if e.get("loc", [""])[0] == "body"]
    if body:
        return api.create_response(
            request,
            {"detail": "Dữ liệu không hợp lệ.", "errors": body_errors(body)},
            status=400,
        )
    fields = sorted({".".join(str(p) for p in e.get("loc", [])[1:]) for e in exc.errors})
    message = "Tham số không hợp lệ: " + ", ".join(f for f in fields if f)
    return _detail(request, message.rstrip(": "), 400)


@api.exception_handler(DataError)
def refused_by_database(request, exc):
    # A value the database cannot hold (e.g. longer than its column on PostgreSQL) that no
    # form checked: a 400, never a 500. The value itself is not logged (personal data).
    logger.warning("Cơ sở dữ liệu từ chối giá trị tại %s: %s", request.path, type(exc).__name__)
    return _detail(request, "Có giá trị quá dài hoặc không hợp lệ; không có gì được ghi.", 400)


@api.exception_handler(Exception)
def server_error(request, exc):
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


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc.__cause__, BodyRefused):
        # ninja wraps every parser error in its own English 400; the cause says why.
        return api.create_response(request, exc.__cause__.body, status=exc.__cause__.status)
    if isinstance(exc, FormInvalid):
        return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=400)
    # django-ninja's own texts are English; say it in Vietnamese by status.
    text = STATUS_TEXT.get(exc.status_code, "Yêu cầu không hợp lệ.")
    return _detail(request, text, exc.status_code)


api.add_router("/organizations", "chibo.orgs.api.router")
api.add_router("/stats", "chibo.reports.api.router")
api.add_router("/members", "chibo.members.api.members")
api.add_router("/people", "chibo.members.api.people")
api.add_router("/positions", "chibo.members.api.positions")
api.add_router("/congresses", "chibo.members.api.congresses")
api.add_router("/regulations", "chibo.documents.api.router")
api.add_router("/meetings", "chibo.meetings.api.router")
api.add_router("/conferences", "chibo.briefings.api.conferences")
api.add_router("/recommendations", "chibo.briefings.api.recommendations")
api.add_router("/tasks", "chibo.briefings.api.tasks")
api.add_router("/findings", "chibo.rules.api.router")
