"""Project-level pages: the home redirect and the error pages, in Vietnamese."""

import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from chibo.accounts import access
from chibo.api.transport import answer, too_large
from chibo.lib import contention, csrf
from chibo.lib.params import InvalidParam


@require_GET
def home(request):
    # A member with no grant lands on their own page (issue 15 item 4), everyone else on
    # the overview of their scope.
    if access.member_only(request.user):
        return redirect("me:page")
    return redirect("reports:overview")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # Raised while parsing a multipart form whose fields (not files) are over the limit.
        return too_large(request)
    # Only our own messages are shown; Django's (e.g. a bad Host header) are internal.
    message = str(exception) if isinstance(exception, InvalidParam) else None
    if isinstance(exception, TooManyFieldsSent):
        message = "Biểu mẫu gửi lên có quá nhiều trường."
    return render(
        request,
        "error.html",
        {"code": 400, "title": "Yêu cầu không hợp lệ", "message": message},
        status=400,
    )


def permission_denied(request, exception=None):
    message = str(exception) if exception is not None and str(exception) else None
    return render(
        request,
        "error.html",
        {
            "code": 403,
            "title": "Không có quyền",
            "message": message or "Vai trò của bạn không được thực hiện thao tác này.",
        },
        status=403,
    )


def csrf_failure(request, reason: str = ""):
    """Django's CSRF refusal, saying what is missing (the cookie, the token, the Origin)."""
    context = {"code": 403, "title": "Không gửi được biểu mẫu", "message": csrf.message(reason)}
    return render(request, "error.html", context, status=403)


# Under /api/v1/ these answer in the API's JSON shape (an unknown path, a crash outside ninja).
def page_not_found(request, exception=None):
    text = "Trang hoặc dữ liệu này không tồn tại, hoặc nằm ngoài phạm vi của bạn."
    return answer(request, 404, "Không tìm thấy", text)


def server_error(request):
    # A busy database met outside a view (e.g. saving the session) is still a 503 with
    # Retry-After, not a 500 (issue 9); views' own contention is answered by the middleware.
    found = contention.answer_for(sys.exc_info()[1])
    if found is not None:
        return contention.respond(request, *found)
    return answer(request, 500, "Lỗi hệ thống", "Đã có lỗi xảy ra; xin thử lại sau.")
