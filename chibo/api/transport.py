"""Transport-level checks (issue 9): what no view should see, refused in two small places.

* ``TransportMiddleware``, for every page and endpoint before any view reads the body: a body
  over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is 413 (JSON under the API, a page elsewhere).
  Multipart bodies are left to Django's parser, which counts only their non-file fields;
  file sizes are checked where files are accepted.
* ``JsonParser``, the API's body parser, run only once ninja has found the operation (so a
  wrong method stays 405): the body must be JSON in UTF-8 (``Content-Type:
  application/json``), else 415; bytes that are not UTF-8 (UTF-16, Latin-1) or not JSON are
  400. ``json.loads`` on bytes would guess UTF-16 and accept it, so the body is decoded
  strictly first. No string in it, key or value, may hold a NUL or a lone surrogate: neither
  can be stored (PostgreSQL refuses NUL, both databases refuse surrogates), so they are a
  400 at the field rather than a 500 at the database. The few operations that take a file
  (``Form[...]`` and ``File[...]`` parameters) read ``multipart/form-data`` instead, through
  Django's parser and the same form as the page; anything else sent to them is 415 too.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from ninja.parser import Parser

API_PREFIX = "/api/v1/"
MULTIPART = "multipart/form-data"
JSON = "application/json; charset=utf-8"  # as ninja answers
NUL = "Không được chứa ký tự NUL (ký tự rỗng)."  # as chibo/locale says it for forms
SURROGATE = (
    "Chứa ký tự Unicode không hợp lệ (nửa cặp surrogate \\ud800–\\udfff); "
    "hãy gửi văn bản Unicode hợp lệ."
)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f}".replace(".", ",").removesuffix(",0")


def answer(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    """An error as JSON under the API (one shape: ``{"detail": ...}``), the error page
    elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": text}, status=status, content_type=JSON)
    context = {"code": status, "title": title, "message": text}
    return render(request, "error.html", context, status=status)


def too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    text = (
        f"Nội dung gửi lên quá lớn: tối đa {_megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} MB "
        "(không kể tệp đính kèm, có giới hạn riêng)."
    )
    return answer(request, 413, "Nội dung quá lớn", text)


def unreadable(request: HttpRequest, error: Exception) -> HttpResponse:
    """The answer to a multipart body Django's parser refused: broken (400), too many parts
    (400), or form fields over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413)."""
    if isinstance(error, RequestDataTooBig):
        return too_large(request)
    if isinstance(error, TooManyFieldsSent | TooManyFilesSent):
        text = "Nội dung gửi lên có quá nhiều trường hoặc tệp."
    else:
        text = "Nội dung multipart/form-data hỏng hoặc không đọc được."
    return answer(request, 400, "Yêu cầu không hợp lệ", text)


# What Django's multipart parser raises on a body it will not read.
MULTIPART_ERRORS = (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class BodyRefused(Exception):
    """An API body refused before validation: the status and the one JSON error shape."""

    def __init__(self, detail: str, status: int = 400, errors: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.body: dict = {"detail": detail, **({"errors": errors} if errors else {})}


def _printable(key: str) -> str:
    # A bad key is named in the answer without the bad characters themselves.
    return key.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def _bad_text(text: str) -> str | None:
    if "\x00" in text:
        return NUL
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return SURROGATE
    return None


def bad_strings(value, path: str = "") -> dict[str, list[str]]:
    """Every string in a parsed JSON value holding a NUL or a lone surrogate, by its path
    (``ho``, ``marks.12.reason``; ``__all__`` for the top level)."""
    errors: dict[str, list[str]] = {}
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            problem = _bad_text(item)
            if problem:
                errors.setdefault(where or "__all__", []).append(problem)
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{_printable(key)}" if where else _printable(key)
                problem = _bad_text(key)
                if problem:
                    errors.setdefault(name, []).append(problem)
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{where}.{i}" if where else str(i), c) for i, c in enumerate(item))
    return errors


def _no_constant(name: str):
    # NaN and Infinity are not JSON; Python's parser accepts them unless told otherwise.
    raise ValueError(name)


class JsonParser(Parser):
    """The API's body parser: UTF-8 JSON with clean strings, or ``BodyRefused``."""

    def parse_body(self, request: HttpRequest) -> dict:
        if request.content_type != "application/json":
            raise BodyRefused(
                "Nội dung gửi lên phải là JSON: đặt tiêu đề Content-Type: application/json "
                f"(đã nhận: {request.content_type or 'không có'}).",
                415,
            )
        charset = request.content_params.get("charset", "utf-8").lower()
        if charset not in {"utf-8", "utf8"}:
            raise BodyRefused(f"JSON phải mã hóa UTF-8 (đã nhận charset={charset}).", 415)
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise BodyRefused(
                "Nội dung gửi lên không phải văn bản UTF-8 (ví dụ UTF-16); hãy gửi UTF-8."
            ) from None
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as error:
            where = f" (dòng {error.lineno}, cột {error.colno})"
            raise BodyRefused(f"Nội dung gửi lên không phải JSON hợp lệ{where}.") from None
        except (ValueError, RecursionError):
            raise BodyRefused("Nội dung gửi lên không phải JSON hợp lệ.") from None
        errors = bad_strings(data)
        if errors:
            raise BodyRefused("Dữ liệu không hợp lệ.", errors=errors)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest) -> dict:
        # The form fields or files of an operation that takes a file: only from multipart.
        is_body = data is request.POST or data is request.FILES
        if is_body and request.content_type != MULTIPART:
            raise BodyRefused(
                f"Thao tác này nhận tệp: gửi nội dung dạng {MULTIPART} "
                f"(đã nhận: {request.content_type or 'không có'}).",
                415,
            )
        return super().parse_querydict(data, list_fields, request)


class TransportMiddleware:
    """Refuse over-large bodies for every page and endpoint, before a view reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refuse(request) or self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            # Django's body reader would fail on it with a 500.
            text = "Tiêu đề Content-Length không hợp lệ."
            return answer(request, 400, "Yêu cầu không hợp lệ", text)
        is_multipart = request.content_type == MULTIPART
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and not is_multipart:
            return too_large(request)
        return None
