"""Project-level pages: the home redirect and the error pages, in Vietnamese."""

import sys

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from chibo.lib import contention
from chibo.lib.params import InvalidParam


@require_GET
def home(request):
    return redirect("reports:overview")


def bad_request(request, exception=None):
    # Only our own messages are shown; Django's (e.g. a bad Host header) are internal.
    message = str(exception) if isinstance(exception, InvalidParam) else None
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


def page_not_found(request, exception=None):
    return render(
        request,
        "error.html",
        {
            "code": 404,
            "title": "Không tìm thấy",
            "message": "Trang hoặc dữ liệu này không tồn tại, hoặc nằm ngoài phạm vi của bạn.",
        },
        status=404,
    )


def server_error(request):
    # A busy database met outside a view (e.g. saving the session) is still a 503 with
    # Retry-After, not a 500 (issue 9); views' own contention is answered by the middleware.
    found = contention.answer_for(sys.exc_info()[1])
    if found is not None:
        return contention.respond(request, *found)
    return render(
        request,
        "error.html",
        {"code": 500, "title": "Lỗi hệ thống", "message": "Đã có lỗi xảy ra; xin thử lại sau."},
        status=500,
    )
