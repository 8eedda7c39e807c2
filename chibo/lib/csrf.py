"""CSRF refusals said in Vietnamese, naming what is missing, for pages and the API alike.

Django's CSRF middleware gives its reason as an English sentence; a person (or a script author)
needs to know whether the cookie, the token, or the Origin/Referer was the problem.
"""

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

# Django's reasons (django.middleware.csrf.REASON_*) by their opening words.
_MESSAGES = (
    (
        "CSRF cookie not set",
        "Thiếu cookie CSRF (csrftoken): hãy tải lại trang rồi gửi lại. Chương trình gọi API "
        "nên dùng mã truy cập (Authorization: Bearer) thay cho phiên đăng nhập.",
    ),
    (
        "CSRF token missing",
        "Thiếu mã CSRF: trang phải gửi kèm trường csrfmiddlewaretoken, hoặc yêu cầu phải có "
        "tiêu đề X-CSRFToken. Chương trình gọi API nên dùng mã truy cập "
        "(Authorization: Bearer) thay cho phiên đăng nhập.",
    ),
    (
        "CSRF token from",
        "Mã CSRF không đúng hoặc đã hết hạn (có thể do đăng nhập lại ở thẻ khác): hãy tải lại "
        "trang rồi gửi lại.",
    ),
    (
        "Origin checking failed",
        "Nguồn gửi yêu cầu (tiêu đề Origin) không phải trang này: yêu cầu bị từ chối để chống "
        "giả mạo. Quản trị viên có thể thêm địa chỉ vào CHIBO_CSRF_TRUSTED_ORIGINS.",
    ),
    (
        "Referer checking failed",
        "Thiếu hoặc sai tiêu đề Referer (bắt buộc với HTTPS): hãy bật gửi Referer cho trang "
        "này trong trình duyệt rồi gửi lại.",
    ),
)
FALLBACK = "Yêu cầu bị từ chối vì không qua được kiểm tra CSRF; hãy tải lại trang rồi gửi lại."


def message(reason: str) -> str:
    """The Vietnamese message for one of Django's CSRF reasons."""
    for opening, text in _MESSAGES:
        if reason.startswith(opening):
            return text
    return FALLBACK


class _Check(CsrfViewMiddleware):
    """Django's own check, answering with the reason instead of the failure page."""

    def _reject(self, request, reason):
        return reason


def refusal(request: HttpRequest) -> str | None:
    """Run Django's CSRF check on ``request``: ``None`` when it passes, else the Vietnamese
    message saying what is missing."""
    check = _Check(lambda _request: None)
    request.csrf_processing_done = False
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    return None if reason is None else message(reason)
