"""Query parameters shared by every page and endpoint, above all the date ``as_of``.

Bad values raise ``InvalidParam`` (a ``BadRequest``): pages answer 400 with the Vietnamese
message, the API answers 400 with it as ``detail``. Never a 500.
"""

import datetime as dt

from django.core.exceptions import BadRequest
from django.utils import timezone

from chibo.lib.vndates import DateParseError, parse_date

MIN_YEAR, MAX_YEAR = 1930, 2200  # the Party's founding; beyond any record


class InvalidParam(BadRequest):
    """A query parameter a person typed wrong; its message is Vietnamese."""


def as_of(params, name: str = "as_of") -> dt.date:
    """The date to view, from ``dd/mm/yyyy`` or ``yyyy-mm-dd``; today when absent."""
    raw = params.get(name, "")
    if not raw or not raw.strip():
        return timezone.localdate()
    try:
        day = parse_date(raw)
    except DateParseError as error:
        raise InvalidParam(str(error)) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidParam(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.")
    return day


def optional_int(params, name: str, label: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidParam(f"Giá trị “{raw[:20]}” của {label} không hợp lệ (cần một số).")
    return int(raw)


def url_as_of(name: str, on: dt.date, *args, **query) -> str:
    """A page's URL that keeps the date being viewed: ``/orgs/3/?as_of=2023-05-24``."""
    from django.urls import reverse
    from django.utils.http import urlencode

    return reverse(name, args=args) + "?" + urlencode({"as_of": on.isoformat(), **query})


def command_scope(as_of: str, org_id: int | None):
    """For ``chibo stats`` and ``chibo findings``: the date, and the scope (``None``: everything;
    else the organization with its predecessors and all under them on that date)."""
    from django.core.management.base import CommandError

    from chibo.orgs.models import Organization

    try:
        on = parse_date(as_of)
    except DateParseError as error:
        raise CommandError(str(error)) from None
    if org_id is None:
        return on, None
    if not Organization.objects.filter(pk=org_id).exists():
        raise CommandError(f"Không có tổ chức mã {org_id}.")
    return on, Organization.objects.subtree_ids([org_id], on, with_predecessors=True)
