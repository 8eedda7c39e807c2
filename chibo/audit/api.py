"""``GET /api/v1/audit?object=<type>:<id>&since=&until=``: the same history as the page's
section, scoped the same way (404 outside scope), newest first, paginated."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from chibo.audit import history
from chibo.lib.params import InvalidParam

router = Router(tags=["audit"])
MAX_LIMIT = 200


class ChangeOut(Schema):
    field: str
    label: str
    before: Any = None
    after: Any = None
    masked: bool


class EntryOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    interface: str
    interface_label: str
    operation: str
    operation_label: str
    action: str
    action_label: str
    object_type: str
    object_id: int | None
    note: str
    changes: list[ChangeOut]


class AuditList(Schema):
    object: str
    count: int
    limit: int
    offset: int
    items: list[EntryOut]


def _out(shown: history.Shown) -> EntryOut:
    entry = shown.entry
    return EntryOut(
        id=entry.pk,
        at=entry.at,
        actor_id=entry.actor_id,
        actor=entry.actor_name,
        interface=entry.interface,
        interface_label=shown.interface_label,
        operation=entry.operation,
        operation_label=shown.operation_label,
        action=entry.action,
        action_label=shown.action_label,
        object_type=entry.object_type,
        object_id=entry.object_id,
        note=entry.note,
        changes=[
            ChangeOut(field=c.field, label=c.label, before=c.before, after=c.after, masked=c.masked)
            for c in shown.changes
        ],
    )


@router.get("", response=AuditList, summary="Lịch sử thay đổi của một đối tượng")
def object_history(
    request: HttpRequest,
    object: str = "",  # its public name: ?object=person:12
    since: str = "",
    until: str = "",
    limit: int = 50,
    offset: int = 0,
):
    """Each create, change and removal of the object and of the rows that belong to it
    (a person's memberships, a meeting's attendance), and each export or download of its
    personal data: who, when, through what, each field before → after. CCCD and phone
    numbers are masked for those who may not edit the person."""
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 10_000_000:
        raise InvalidParam(f"limit phải từ 1 đến {MAX_LIMIT}; offset từ 0 đến 10.000.000.")
    kind, pk = history.parse_object(object)
    found = history.subject(request.user, kind, pk)
    query = {"since": since, "until": until}
    rows = history.entries(
        found,
        history.day_param(query, "since", "since"),
        history.day_param(query, "until", "until"),
    )
    items = [_out(history.show(e, found.reveal)) for e in rows[offset : offset + limit]]
    return AuditList(
        object=f"{kind}:{pk}", count=rows.count(), limit=limit, offset=offset, items=items
    )
