"""Writes happen once (issue 9): the ``Idempotency-Key`` of API writes and the one-time
token of page forms, both kept in ``RequestKey``.

API: one wrapper around every API view (``idempotent``, applied in ``chibo.api.urls``). A
write that carries ``Idempotency-Key`` runs in one transaction together with the insert of
the key; the same key and the same request from the same user within ``KEY_LIFETIME`` gets
the first answer back (header ``Idempotent-Replayed: true``) and writes nothing; the same key
with another request is a 409. A repeat that arrives while the first is still running waits
on the key's unique index (PostgreSQL) or on the write lock (SQLite), then gets the answer.

Pages: ``chibo.lib.pages.form_page`` (given this module by ``ApiConfig.ready``) puts a fresh token in every form it renders and
consumes it in the transaction of the write; a double click or a resubmission finds the
token used and is sent where the first submission went.

``prune_idempotency_keys()`` deletes expired keys; the daily job calls it.
"""

import datetime as dt
import functools
import hashlib
import re
import secrets

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from chibo.accounts.models import ApiToken
from chibo.api import transport
from chibo.api.models import RequestKey

KEY_HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = dt.timedelta(hours=24)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Visible ASCII, as a header value can carry without encoding; a UUID fits easily.
_KEY_RE = re.compile(r"[\x21-\x7e]{1,200}")
# Answers that say nothing about the request itself (who sent it, a race, a crash) are not
# kept: the key is released with the rolled-back transaction and a retry runs again.
_NOT_KEPT = frozenset({401, 403, 408, 409, 423, 429})

FORM_FIELD = "once"
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
DONE_TEXT = "Thao tác này đã được ghi nhận."
BAD_KEY_TEXT = (
    "Idempotency-Key không hợp lệ: cần từ 1 đến 200 ký tự ASCII nhìn thấy được (ví dụ một UUID)."
)
REUSED_KEY_TEXT = (
    "Idempotency-Key này đã được dùng cho một yêu cầu khác (khác đường dẫn hoặc nội dung); "
    "hãy dùng một khóa mới cho mỗi thao tác."
)
PENDING_TEXT = "Yêu cầu với Idempotency-Key này đang được xử lý; xin thử lại sau giây lát."


def _claim(user, kind: str, key: str, fingerprint: str) -> RequestKey | None:
    """Insert the key inside the current transaction; ``None`` when it is new, else the row
    already there (committed by an earlier request, which a concurrent one waited for)."""
    expired = timezone.now() - KEY_LIFETIME
    RequestKey.objects.filter(user=user, kind=kind, key=key, created_at__lt=expired).delete()
    try:
        with transaction.atomic():
            RequestKey.objects.create(user=user, kind=kind, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return RequestKey.objects.filter(user=user, kind=kind, key=key).first()
    return None


def prune_idempotency_keys(now: dt.datetime | None = None) -> int:
    """Delete keys (API and page forms) older than ``KEY_LIFETIME``; returns how many.
    Run daily by the scheduled job."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = RequestKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- API -------------------------------------------------------------------------------


def _caller(request: HttpRequest):
    """The user the API will act for: the bearer token's owner when the request carries
    one, else the session's user; ``None`` when neither (the API then answers 401)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        found = ApiToken.objects.for_key(token.strip()).first() if token.strip() else None
        return found.user if found is not None else None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _parts(request: HttpRequest):
    """What a request says: method, path and body. A multipart body (an upload) is read as
    its fields and files, not its bytes: a client's retry picks a new boundary, and a file
    may be larger than ``request.body`` reads."""
    yield request.method.encode()
    yield request.get_full_path().encode()
    if request.method != "POST" or request.content_type != transport.MULTIPART:
        yield request.body  # Django parses multipart for a POST only
        return
    for name, values in sorted(request.POST.lists()):
        for value in [name, *values]:
            yield value.encode("utf-8", "surrogatepass")
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            content = hashlib.sha256()
            for chunk in upload.chunks():
                content.update(chunk)
            upload.seek(0)  # the form reads it from its start
            yield from (name.encode(), upload.name.encode(), content.digest())


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in _parts(request):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _replay(row: RequestKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type)
    if row.location:
        response["Location"] = row.location
    response[REPLAY_HEADER] = "true"
    return response


def _detail(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def idempotent(view, methods: frozenset[str] | None = None):
    """Wrap an API view so that a write with ``Idempotency-Key`` happens once. ``methods``:
    those the path answers; any other is left to the view (405 before the key is judged)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(KEY_HEADER)
        if key is None or request.method not in UNSAFE_METHODS:
            return view(request, *args, **kwargs)
        if methods is not None and request.method not in methods:
            return view(request, *args, **kwargs)
        if not _KEY_RE.fullmatch(key):
            return _detail(BAD_KEY_TEXT, 400)
        user = _caller(request)
        if user is None:
            return view(request, *args, **kwargs)  # the API answers 401 itself
        try:
            fingerprint = _fingerprint(request)
        except transport.MULTIPART_ERRORS as error:
            if request.content_type != transport.MULTIPART:
                return view(request, *args, **kwargs)  # the API answers 413 itself
            return transport.unreadable(request, error)  # as the API would, see api.py
        with transaction.atomic():
            row = _claim(user, RequestKey.Kind.API, key, fingerprint)
            if row is not None:
                if row.fingerprint != fingerprint:
                    return _detail(REUSED_KEY_TEXT, 409)
                if row.status is None:
                    return _detail(PENDING_TEXT, 409)
                return _replay(row)
            response = view(request, *args, **kwargs)
            status = response.status_code
            if status >= 500 or status in _NOT_KEPT or transaction.get_rollback():
                # Undo the key and whatever the view half wrote: a retry starts afresh.
                transaction.set_rollback(True)
                return response
            RequestKey.objects.filter(user=user, kind=RequestKey.Kind.API, key=key).update(
                status=status,
                content_type=response.get("Content-Type", ""),
                body=b"" if response.streaming else response.content,
                location=response.get("Location", ""),
            )
            return response

    return wrapper


# --- Page forms ------------------------------------------------------------------------


class AlreadyDone(Exception):
    """The form's token was consumed by an earlier submission that went to ``location``."""

    def __init__(self, location: str):
        super().__init__(location)
        self.location = location


def new_token() -> str:
    return secrets.token_urlsafe(18)


def posted_token(request: HttpRequest) -> str | None:
    """The form's one-time token, if the POST carries a well-formed one. A client that sends
    none (a script) writes as before; every form the pages render carries one."""
    if request.method != "POST":
        return None
    token = request.POST.get(FORM_FIELD, "")
    return token if _TOKEN_RE.fullmatch(token) else None


def done_location(user, token: str) -> str | None:
    """Where the submission that used ``token`` went, if it has been recorded."""
    row = (
        RequestKey.objects.filter(
            user=user,
            kind=RequestKey.Kind.FORM,
            key=token,
            created_at__gte=timezone.now() - KEY_LIFETIME,
        )
        .exclude(status=None)
        .first()
    )
    return row.location if row is not None else None


def consume(user, token: str, path: str) -> None:
    """Use ``token`` inside the write's transaction, or raise ``AlreadyDone``."""
    row = _claim(user, RequestKey.Kind.FORM, token, hashlib.sha256(path.encode()).hexdigest())
    if row is not None:
        raise AlreadyDone(row.location or path)


def record(user, token: str, location: str) -> None:
    """Keep where the write sent the user, for a repeat to be sent there too."""
    RequestKey.objects.filter(user=user, kind=RequestKey.Kind.FORM, key=token).update(
        status=303, location=location
    )
