"""Files people send (issue 10, item 5): one size limit for every request body, and the checks
every zip-based upload (.docx, .xlsx) passes before anything parses it.

The limit is ``CHIBO_MAX_UPLOAD_MB`` (settings); the proxy in front (nginx's
``client_max_body_size``) should repeat the same number so a large body is refused there first.
"""

import zipfile
import zlib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# Above these a zip is refused whatever the file size: an office file is a few dozen parts,
# XML compresses about ten times, pictures hardly at all; a zip bomb compresses thousands of
# times. A single small part may compress far better than that and harm nothing.
MAX_MEMBERS = 1000
MAX_RATIO = 100  # also Apache POI's default for office files
RATIO_FLOOR_BYTES = 1024 * 1024
MIN_UNZIPPED_BYTES = 100 * 1024 * 1024
CHUNK = 64 * 1024
# Errors the standard zip reader raises on a damaged, encrypted or unsupported archive.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


def max_upload_bytes() -> int:
    return settings.CHIBO_MAX_UPLOAD_MB * 1024 * 1024


def max_unzipped_bytes() -> int:
    """What a zip may unpack to: ten times the upload limit, and never less than 100 MB."""
    return max(MIN_UNZIPPED_BYTES, 10 * max_upload_bytes())


def too_large_message() -> str:
    return f"Tệp tải lên quá lớn: tối đa {settings.CHIBO_MAX_UPLOAD_MB} MB."


def check_size(upload) -> None:
    """A form validator: the file is at most ``CHIBO_MAX_UPLOAD_MB``."""
    if upload.size > max_upload_bytes():
        raise ValidationError(too_large_message(), code="too_large")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}".replace(",", ".")


def check_zip(
    upload,
    *,
    required: Sequence[str] = (),
    max_members: int = MAX_MEMBERS,
    max_unzipped: int | None = None,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Refuse a zip (a .docx or .xlsx) that is damaged, lacks one of the ``required`` parts,
    has too many parts, or unpacks to too much; leave the file at its start.

    The sizes the archive declares are checked first, before any part is decompressed. Then
    every part is read through once with a budget: the reader stops at the declared size and
    checks the CRC, so an archive that declares little and unpacks to much is refused too.
    Codes: ``bad_zip``, ``missing_part``, ``too_many_parts``, ``too_large_unzipped``,
    ``ratio``.
    """
    limit = max_unzipped_bytes() if max_unzipped is None else max_unzipped
    upload.seek(0, 2)
    packed = max(upload.tell(), 1)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
            if len(parts) > max_members:
                raise ValidationError(
                    f"Tệp nén có {len(parts)} thành phần, quá mức cho phép ({max_members}).",
                    code="too_many_parts",
                )
            names = {part.filename for part in parts}
            if any(name not in names for name in required):
                raise ValidationError("Tệp thiếu thành phần bắt buộc.", code="missing_part")
            declared = sum(part.file_size for part in parts)
            if declared > limit:
                raise ValidationError(
                    f"Tệp giải nén ra {_mb(declared)} MB, quá mức cho phép ({_mb(limit)} MB).",
                    code="too_large_unzipped",
                )
            worst = max(
                [declared / packed]
                + [
                    part.file_size / max(part.compress_size, 1)
                    for part in parts
                    if part.file_size > RATIO_FLOOR_BYTES
                ]
            )
            if worst > max_ratio:
                raise ValidationError(
                    f"Tệp nén bất thường (nén {worst:,.0f} lần, tối đa {max_ratio} lần); "
                    "có thể là “bom nén”.".replace(",", "."),
                    code="ratio",
                )
            budget = limit
            for part in parts:
                with archive.open(part) as member:
                    while chunk := member.read(CHUNK):
                        budget -= len(chunk)
                        if budget < 0:
                            raise ValidationError(
                                f"Tệp giải nén ra quá mức cho phép ({_mb(limit)} MB).",
                                code="too_large_unzipped",
                            )
    except ZIP_ERRORS:
        raise ValidationError("Tệp nén bị hỏng hoặc không đọc được.", code="bad_zip") from None
    finally:
        upload.seek(0)


class BodySizeLimitMiddleware:
    """Answer 413 to a request whose body is larger than ``CHIBO_MAX_UPLOAD_MB``, before any of
    it is read. Behind WSGI the body can never be longer than its Content-Length, so looking
    at the header first is exact; without it (no body) there is nothing to read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body with a malformed length
        if length > max_upload_bytes():
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    message = too_large_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    context = {"code": 413, "title": "Tệp quá lớn", "message": message}
    return render(request, "error.html", context, status=413)
