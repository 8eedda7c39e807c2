"""Reading the history of one object, scoped like its page (used by the page fragment and
``GET /api/v1/audit``). This module sits above every domain app: it asks
``chibo.accounts.access`` whether the user may see the object, as the object's own page
does, and answers 404 otherwise."""

import dataclasses
import datetime as dt
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404
from django.utils import timezone

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.audit import tracking
from chibo.audit.models import Action, Entry, Interface
from chibo.lib import params
from chibo.lib.params import InvalidParam
from chibo.lib.vndates import format_date

KINDS = {
    tracking.ORG: "tổ chức",
    tracking.PERSON: "người",
    tracking.MEETING: "buổi sinh hoạt",
    tracking.CONFERENCE: "hội nghị trực báo",
    tracking.REGULATION: "quy chế làm việc",
    tracking.USER: "người dùng",
}
MASK = "(ẩn)"
NOT_FOUND = "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn."


@dataclasses.dataclass
class Subject:
    kind: str
    pk: int
    obj: object
    title: str
    reveal: bool  # may see sensitive fields (CCCD, phone): only who may edit the object
    # The days the user's scope covered the object (a person who moved on): entries made
    # before or after are not theirs to read (issue 10, scope in time). ``None``: no limit.
    in_scope_until: dt.date | None = None
    in_scope_since: dt.date | None = None


def parse_object(raw: str) -> tuple[str, int]:
    """``person:12`` → ("person", 12); a clear Vietnamese 400 otherwise."""
    match = re.fullmatch(r"([a-z]+):(\d{1,18})", (raw or "").strip())
    if match is None or match.group(1) not in KINDS:
        raise InvalidParam(
            "Tham số object phải có dạng <loại>:<mã>, với loại là một trong: "
            + ", ".join(KINDS)
            + " (ví dụ person:12)."
        )
    return match.group(1), int(match.group(2))


def day_param(query, name: str, label: str) -> dt.date | None:
    if not (query.get(name) or "").strip():
        return None
    try:
        return params.as_of(query, name)
    except InvalidParam as error:
        raise InvalidParam(f"{label}: {error}") from None


def subject(user, kind: str, pk: int) -> Subject:
    """The object if ``user`` may see it today (its page would show); else ``Http404``."""
    today = timezone.localdate()
    if kind == tracking.ORG:
        from chibo.orgs.models import Organization

        org = Organization.objects.filter(pk=pk).first()
        if org is None or not access.can(user, org, today):
            raise Http404(NOT_FOUND)
        return Subject(kind, pk, org, f"tổ chức #{pk}", reveal=True)
    if kind == tracking.PERSON:
        person = access.get_person(user, pk, today)
        window = access.person_window(user, person, today)
        reveal = window.full and access.can_person(user, person, today, Capability.WRITE)
        since = None if window.full else min(start for start, _ in window.periods)
        return Subject(kind, pk, person, person.full_name, reveal, window.last_day, since)
    if kind == tracking.MEETING:
        from chibo.meetings.models import Meeting

        meeting = Meeting.objects.select_related("cell").filter(pk=pk).first()
        if meeting is None or not access.can(user, meeting.cell, meeting.day):
            raise Http404(NOT_FOUND)
        return Subject(kind, pk, meeting, str(meeting), reveal=True)
    if kind == tracking.CONFERENCE:
        from chibo.briefings.models import Conference
        from chibo.briefings.views import visible

        conference = Conference.objects.filter(pk=pk).first()
        if conference is None or not visible(user, conference):
            raise Http404(NOT_FOUND)
        return Subject(kind, pk, conference, str(conference), reveal=True)
    if kind == tracking.REGULATION:
        from chibo.documents.models import WorkingRegulation

        regulation = WorkingRegulation.objects.select_related("cell").filter(pk=pk).first()
        if regulation is None or not access.can(user, regulation.cell, regulation.issued_on):
            raise Http404(NOT_FOUND)
        return Subject(kind, pk, regulation, str(regulation), reveal=True)
    if kind == tracking.USER:
        # Accounts are managed by the admin; a user reads their own account's history.
        from chibo.accounts.models import User

        account = User.objects.filter(pk=pk).first()
        if account is None or not (user.is_superuser or user.pk == account.pk):
            raise Http404(NOT_FOUND)
        return Subject(kind, pk, account, str(account), reveal=True)
    raise Http404(NOT_FOUND)


def entries(found: Subject, since: dt.date | None = None, until: dt.date | None = None):
    """Newest first: the object's own rows and the rows that belong to it."""
    if since and until and since > until:
        raise InvalidParam("Ngày bắt đầu (since) phải trước hoặc bằng ngày kết thúc (until).")
    rows = Entry.objects.about(found.kind, found.pk)
    if found.in_scope_until is not None:
        until = min(until or found.in_scope_until, found.in_scope_until)
    if found.in_scope_since is not None:
        since = max(since or found.in_scope_since, found.in_scope_since)
    zone = timezone.get_current_timezone()
    if since:
        rows = rows.filter(at__gte=dt.datetime.combine(since, dt.time.min, zone))
    if until:
        rows = rows.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, zone)
        )
    return rows.order_by("-at", "-id")


# --- showing an entry -------------------------------------------------------------------


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, attname: str) -> models.Field | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields + model._meta.many_to_many:
        if attname in (field.attname, field.name):
            return field
    try:
        return model._meta.get_field(attname)
    except FieldDoesNotExist:
        return None


def show_value(field: models.Field | None, value) -> str:
    """A stored JSON value as a person reads it: labels of choices, dd/mm/yyyy, có/không."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return f"#{value}"
    if isinstance(value, list):
        return (
            ", ".join(f"#{v}" if field is not None and field.is_relation else str(v) for v in value)
            or "—"
        )
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = timezone.localtime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _label(field: models.Field | None, attname: str) -> str:
    """The field's Vietnamese name; a relation named only in code (``meeting``) takes the
    name of the model it points to (``buổi sinh hoạt``)."""
    if field is None:
        return attname
    label = str(field.verbose_name)
    if field.is_relation and label == field.name.replace("_", " "):
        return str(field.related_model._meta.verbose_name)
    return label


@dataclasses.dataclass
class Change:
    field: str
    label: str
    before: object
    after: object
    before_text: str
    after_text: str
    masked: bool


@dataclasses.dataclass
class Shown:
    entry: Entry
    object_label: str
    operation_label: str
    action_label: str
    interface_label: str
    changes: list[Change]


def show(entry: Entry, reveal: bool) -> Shown:
    model = _model(entry.object_type)
    track = tracking.track_of(model) if model is not None else None
    sensitive = track.sensitive if track is not None else frozenset()
    changes = []
    if entry.action != Action.ACCESS:
        for attname, pair in entry.changes.items():
            field = _field(model, attname)
            if field is not None and field.primary_key:
                continue  # named by the entry itself
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            masked = not reveal and field is not None and field.name in sensitive
            if masked:
                before = after = None
            changes.append(
                Change(
                    field=attname,
                    label=_label(field, attname),
                    before=before,
                    after=after,
                    before_text=MASK if masked else show_value(field, before),
                    after_text=MASK if masked else show_value(field, after),
                    masked=masked,
                )
            )
    name = str(model._meta.verbose_name) if model is not None else entry.object_type
    return Shown(
        entry=entry,
        object_label=f"{name} #{entry.object_id}" if entry.object_id is not None else name,
        operation_label=entry.operation_label,
        action_label=Action(entry.action).label,
        interface_label=Interface(entry.interface).label,
        changes=changes,
    )
