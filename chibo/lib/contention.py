"""Contention is an answer, not a crash: a busy database is a 503 with ``Retry-After``, a
write that lost a race is a 409 with a clear message (issue 9).

``Conflict`` is raised by operations that find the state changed under them (a paper issued,
a task closed a moment ago). ``lock`` takes a row lock so that check-then-write steps (number
counters, "not yet issued") are serialised on PostgreSQL; on SQLite every ``atomic`` block
already begins with ``BEGIN IMMEDIATE`` (settings), so writers are serialised there anyway.
"""

from django.db import DatabaseError, IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

RETRY_AFTER_SECONDS = 2
BUSY_TEXT = "Hệ thống đang bận ghi dữ liệu; xin thử lại sau vài giây."
RACE_TEXT = (
    "Dữ liệu vừa được thay đổi bởi một thao tác khác cùng lúc; hãy tải lại trang và kiểm tra "
    "trước khi thử lại."
)
# PostgreSQL: serialization failure, deadlock detected, lock not available, query canceled
# by lock_timeout / statement_timeout.
_PG_BUSY = {"40001", "40P01", "55P03", "57014"}


class Conflict(Exception):
    """The request is well formed but conflicts with what another action has just done."""

    def __init__(self, message: str = RACE_TEXT):
        super().__init__(message)
        self.message = message


def is_busy(error: BaseException) -> bool:
    """SQLite's "database is locked" (the busy timeout ran out) or PostgreSQL giving up on
    a lock: the same request may well succeed a moment later."""
    if not isinstance(error, OperationalError) or isinstance(error, IntegrityError):
        return False
    cause = error.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code in _PG_BUSY:
        return True
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text


def answer_for(error: BaseException) -> tuple[int, str] | None:
    """(status, Vietnamese message) for a contention error, or ``None`` for anything else."""
    if isinstance(error, Conflict):
        return 409, error.message
    if is_busy(error):
        return 503, BUSY_TEXT
    if isinstance(error, IntegrityError):
        # A unique constraint refused what a concurrent request wrote first.
        return 409, RACE_TEXT
    return None


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def respond(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The answer for ``status``: JSON ``{"detail": …}`` for the API, a page otherwise."""
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        title = "Hệ thống đang bận" if status == 503 else "Xung đột dữ liệu"
        context = {"code": status, "title": title, "message": message}
        try:
            response = render(request, "error.html", context, status=status)
        except DatabaseError:
            # The page's frame reads the database too; when even that fails, plain text.
            response = HttpResponse(
                message, status=status, content_type="text/plain; charset=utf-8"
            )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ContentionMiddleware:
    """Turns contention raised by a view into 409 / 503 (pages and API alike)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        found = answer_for(exception)
        if found is None:
            return None
        return respond(request, *found)


def lock(instance) -> None:
    """Lock ``instance``'s row until the transaction ends and reload its fields, so a check
    made next sees what a concurrent writer committed (PostgreSQL ``FOR NO KEY UPDATE``:
    rows that only reference it are not blocked). Must run inside ``transaction.atomic``."""
    model = type(instance)
    list(model._default_manager.select_for_update(no_key=True).filter(pk=instance.pk).values("pk"))
    instance.refresh_from_db()
