"""The JSON API, ``/api/v1/``: session or bearer-token authentication, the same scope as the
pages (``chibo.accounts.access``), errors as ``{"detail": "<Vietnamese message>"}``."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from chibo.accounts.models import ApiToken
from chibo.api import openapi
from chibo.lib.apiforms import FormInvalid
from chibo.lib.params import InvalidParam

logger = logging.getLogger(__name__)
STATUS_TEXT = {
    400: "Yêu cầu không hợp lệ: nội dung gửi lên không đọc được (cần JSON hợp lệ).",
    401: "Chưa đăng nhập hoặc mã truy cập không hợp lệ.",
    403: "Vai trò của bạn không được thực hiện thao tác này.",
    404: "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.",
    405: "Phương thức không được hỗ trợ ở đây.",
    429: "Quá nhiều yêu cầu; xin thử lại sau.",
}


class TokenAuth(HttpBearer):
    openapi_description = "Mã truy cập tạo ở trang Tài khoản: `Authorization: Bearer <mã>`."

    def authenticate(self, request, token: str):
        found = ApiToken.objects.for_key(token).first()
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="chibo API",
    version="1",
    description="Dữ liệu chi bộ Công an xã theo ngày (as_of), trong phạm vi phân quyền.",
    urls_namespace="api",
    docs_url=None,  # the bundled docs page loads scripts from a CDN; design §5 forbids it
    openapi_url="/openapi.json",
    auth=[SessionAuth(), TokenAuth()],
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


@api.exception_handler(Exception)
def server_error(request, exc):
    # Logged by Django's request logger with the traceback; the client gets JSON, not HTML.
    logger.exception("Lỗi API tại %s", request.path)
    return _detail(request, "Lỗi hệ thống; xin thử lại sau.", 500)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _detail(request, "Chưa đăng nhập hoặc mã truy cập không hợp lệ.", 401)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _detail(request, "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.", 404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _detail(request, "Vai trò của bạn không được thực hiện thao tác này.", 403)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if isinstance(exc, FormInvalid):
        answer = {"detail": str(exc), "errors": exc.errors}
        if exc.warnings:
            answer["warnings"] = exc.warnings
        return api.create_response(request, answer, status=400)
    # django-ninja's own texts are English; say it in Vietnamese by status.
    text = STATUS_TEXT.get(exc.status_code, "Yêu cầu không hợp lệ.")
    return _detail(request, text, exc.status_code)


api.add_router("/organizations", "chibo.orgs.api.router")
api.add_router("/mergers", "chibo.orgs.api.mergers")
api.add_router("/stats", "chibo.reports.api.router")
api.add_router("/members", "chibo.members.api.members")
api.add_router("/people", "chibo.members.api.people")
api.add_router("/positions", "chibo.members.api.positions")
api.add_router("/transfers", "chibo.members.api.transfers")
api.add_router("/regulations", "chibo.documents.api.router")
api.add_router("/meetings", "chibo.meetings.api.router")
api.add_router("/superior-assignments", "chibo.meetings.api.assignments")
api.add_router("/conferences", "chibo.briefings.api.conferences")
api.add_router("/recommendations", "chibo.briefings.api.recommendations")
api.add_router("/tasks", "chibo.briefings.api.tasks")
api.add_router("/findings", "chibo.rules.api.router")
openapi.document(api)
