"""Recording: which models are tracked, what each row belongs to, and the signal receivers
that write one ``Entry`` per create, change and removal.

Signals carry the recording here because it is not business logic: it must see every write
of a tracked model, from an operation, the admin or a shell, without each code path
remembering to call it (conventions forbid signals for business rules). Writes that bypass
signals — ``bulk_create`` and ``QuerySet.update`` — are recorded by ``created()`` and
``updated()``; a test keeps the code base free of unrecorded ones.
"""

import dataclasses
import datetime as dt
import decimal
import hashlib
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from chibo.audit import context
from chibo.audit.models import Action, Entry, Link


@dataclasses.dataclass(frozen=True)
class Track:
    """How one model is recorded.

    ``subjects``: (kind, path) pairs naming the objects whose history shows the row; a path
    is an attribute of the row (``person_id``) or one relation away followed by a query
    (``evaluation__meeting_id``). ``exclude``: fields never stored (secrets, derived keys,
    bookkeeping that changes on every use). ``sensitive``: stored, but shown only to those
    who may edit the object (like the page shows them).
    """

    subjects: tuple[tuple[str, str], ...] = ()
    exclude: frozenset[str] = frozenset()
    sensitive: frozenset[str] = frozenset()


ORG, PERSON, MEETING, CONFERENCE, REGULATION, USER = (
    "organization",
    "person",
    "meeting",
    "conference",
    "regulation",
    "user",
)

TRACKED: dict[str, Track] = {
    # Never the password hash, a session or a token digest (issue 10).
    "accounts.User": Track(((USER, "pk"),), frozenset({"password", "last_login"})),
    "accounts.Grant": Track(((USER, "user_id"), (ORG, "organization_id"))),
    "accounts.ApiToken": Track(((USER, "user_id"),), frozenset({"digest", "last_used_at"})),
    "orgs.Organization": Track(((ORG, "pk"),)),
    "orgs.OrgVersion": Track(((ORG, "organization_id"),)),
    "orgs.OrgLink": Track(((ORG, "child_id"), (ORG, "parent_id"))),
    "orgs.OrgEvent": Track(),  # its organizations come with the `subjects` relation
    "orgs.OrgSuccession": Track(((ORG, "predecessor_id"), (ORG, "successor_id"))),
    "orgs.Term": Track(((ORG, "organization_id"),)),
    "members.Person": Track(
        ((PERSON, "pk"),),
        frozenset({"search_key", "sort_key"}),
        frozenset({"cccd", "phone"}),
    ),
    "members.PartyRecord": Track(((PERSON, "person_id"),)),
    "members.Exemption": Track(((PERSON, "person_id"),)),
    "members.Membership": Track(((PERSON, "person_id"), (ORG, "cell_id"))),
    "members.Transfer": Track(((PERSON, "person_id"), (ORG, "from_cell_id"), (ORG, "to_cell_id"))),
    "members.PoliceService": Track(((PERSON, "person_id"), (ORG, "cell_id"))),
    "members.RankHolding": Track(((PERSON, "person_id"),)),
    "members.Position": Track(((PERSON, "person_id"), (ORG, "organization_id"))),
    "members.MemberAccount": Track(((PERSON, "person_id"), (USER, "user_id"))),
    "documents.WorkingRegulation": Track(((REGULATION, "pk"), (ORG, "cell_id"))),
    "documents.IssuedNumber": Track(((ORG, "issuer_id"),)),
    "register.Document": Track(((ORG, "organization_id"),)),
    "register.Advice": Track(((ORG, "cell_id"), (ORG, "committee_id"))),
    "register.Dissemination": Track(((ORG, "cell_id"),)),
    "register.Participation": Track(((PERSON, "person_id"), (ORG, "dissemination__cell_id"))),
    "meetings.Meeting": Track(((MEETING, "pk"), (ORG, "cell_id"))),
    "meetings.Attendance": Track(((MEETING, "meeting_id"), (PERSON, "person_id"))),
    "meetings.SuperiorAssignment": Track(((ORG, "cell_id"), (PERSON, "person_id"))),
    "meetings.Rubric": Track(),
    "meetings.Criterion": Track(),
    "meetings.Level": Track(),
    "meetings.Evaluation": Track(((MEETING, "meeting_id"),)),
    "meetings.Score": Track(((MEETING, "evaluation__meeting_id"),)),
    "briefings.Conference": Track(((CONFERENCE, "pk"), (ORG, "host_id"))),
    "briefings.CellReport": Track(((CONFERENCE, "conference_id"), (ORG, "cell_id"))),
    "briefings.Recommendation": Track(((CONFERENCE, "conference_id"),)),
    "briefings.Conclusion": Track(((CONFERENCE, "conference_id"),)),
    "briefings.Assignment": Track(
        ((CONFERENCE, "conclusion__conference_id"), (ORG, "organization_id"))
    ),
    "briefings.Progress": Track(((CONFERENCE, "assignment__conclusion__conference_id"),)),
    "briefings.IssuedPaper": Track(((CONFERENCE, "conference_id"),)),
    "rules.RuleSet": Track(),
    "rules.CalendarYear": Track(),
    "rules.CalendarDay": Track(),
    # Seen again every day: only its appearance and resolution are history.
    "rules.FindingRecord": Track(((ORG, "organization_id"),), frozenset({"last_seen"})),
    "rules.Dismissal": Track(((ORG, "organization_id"),)),
    # Roster import (issue 13): the confirmation's state and summary (its rows) are history.
    "imports.Batch": Track(((ORG, "organization_id"),), frozenset({"checked", "headers"})),
    "imports.SavedMapping": Track(((ORG, "organization_id"),)),
    "imports.PartyCard": Track(((PERSON, "person_id"),)),
}

# Models of the domain apps that are deliberately not recorded, with the reason.
NOT_TRACKED: dict[str, str] = {
    "imports.Row": "staging rows of a file being previewed; what a confirmation writes is "
    "recorded, and the batch's summary lists its rows",
}

DOMAIN_APPS = (
    "accounts",
    "orgs",
    "members",
    "documents",
    "meetings",
    "briefings",
    "rules",
    "imports",
)


def _type(model) -> str:
    return model._meta.label_lower


def track_of(model) -> Track | None:
    return TRACKED.get(model._meta.label)


def _value(field: models.Field, value):
    """A JSON value for a field's value: dates as ISO text, files by name, bytes by size
    and digest (an issued paper's content is kept on its row, not copied here)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        data = bytes(value)
        return f"{len(data)} byte, sha256 {hashlib.sha256(data).hexdigest()[:16]}"
    if isinstance(field, models.FileField):
        return getattr(value, "name", None) or ""
    if isinstance(value, list | dict):
        return value
    return str(value)


def _fields(model, track: Track) -> list[models.Field]:
    """Stored fields: all but the excluded and the primary key (the entry's object_id)."""
    return [
        f for f in model._meta.concrete_fields if f.name not in track.exclude and not f.primary_key
    ]


def _snapshot(instance, fields: Iterable[models.Field]) -> dict:
    return {f.attname: _value(f, f.value_from_object(instance)) for f in fields}


def _subjects(instance, track: Track) -> set[tuple[str, int]]:
    found = set()
    for kind, path in track.subjects:
        if path == "pk":
            value = instance.pk
        elif "__" not in path:
            value = getattr(instance, path)
        else:
            first, rest = path.split("__", 1)
            field = instance._meta.get_field(first)
            target = getattr(instance, field.attname)
            value = (
                field.related_model._base_manager.filter(pk=target)
                .values_list(rest, flat=True)
                .first()
                if target is not None
                else None
            )
        if value is not None:
            found.add((kind, value))
    return found


def _write(
    action: str, object_type: str, pk, changes: dict, subjects: set, note: str = ""
) -> Entry:
    state = context.current()
    actor_id, actor_name = state.who()
    with transaction.atomic():  # an entry never goes without its links (a GET's access)
        entry = Entry.objects.create(
            actor_id=actor_id,
            actor_name=actor_name,
            interface=state.channel(),
            operation=state.operation,
            group=state.group,
            action=action,
            object_type=object_type,
            object_id=pk,
            changes=changes,
            note=note[:300],
        )
        Link.objects.bulk_create(
            Link(entry=entry, kind=kind, object_id=object_id)
            for kind, object_id in sorted(subjects)
        )
    return entry


# --- signal receivers -------------------------------------------------------------------


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    track = track_of(sender)
    if track is None or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    fields = _fields(sender, track)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
        if not fields:  # only untracked fields change (a login's last_login)
            instance._audit_before = {}
            return
    row = sender._base_manager.filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
    if row is None:
        instance._audit_before = None
        return
    by_attname = {f.attname: f for f in fields}
    instance._audit_before = {k: _value(by_attname[k], v) for k, v in row.items()}


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    track = track_of(sender)
    if track is None:
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if created or before is None:
        after = _snapshot(instance, _fields(sender, track))
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        _write(Action.CREATE, _type(sender), instance.pk, changes, _subjects(instance, track))
        return
    fields = [f for f in _fields(sender, track) if f.attname in before]
    after = _snapshot(instance, fields)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        _write(Action.UPDATE, _type(sender), instance.pk, changes, _subjects(instance, track))


def _before_delete(sender, instance, **kwargs):
    # Written before the row goes, inside the deletion's transaction: what a cascading
    # child belongs to can still be looked up, and a failed deletion leaves no entry.
    track = track_of(sender)
    if track is None:
        return
    before = _snapshot(instance, _fields(sender, track))
    changes = {k: [v, None] for k, v in before.items() if v not in (None, "", [], {})}
    _write(Action.DELETE, _type(sender), instance.pk, changes, _subjects(instance, track))


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many change (a conference's invited cells, a reorganization's subjects)
    is a change of the owning row's field: the list before → after."""
    if reverse or action not in {
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    owner = type(instance)
    track = track_of(owner)
    if track is None:
        return
    field = next(f for f in owner._meta.many_to_many if f.remote_field.through is sender)
    if action.startswith("pre_"):
        instance._audit_m2m = sorted(getattr(instance, field.name).values_list("pk", flat=True))
        return
    before = getattr(instance, "_audit_m2m", [])
    after = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    if before == after:
        return
    subjects = _subjects(instance, track)
    if field.related_model._meta.label == "orgs.Organization":
        subjects |= {(ORG, pk) for pk in set(before) ^ set(after)}
    _write(Action.UPDATE, _type(owner), instance.pk, {field.name: [before, after]}, subjects)


def connect() -> None:
    for label in TRACKED:
        model = apps.get_model(label)
        uid = f"chibo.audit:{label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(_m2m, sender=field.remote_field.through, dispatch_uid=uid)


# --- writes that bypass signals ---------------------------------------------------------


def created(rows: list) -> list:
    """Record rows just made by ``bulk_create`` (which sends no signals); returns them, so
    ``audit.created(Model.objects.bulk_create(rows))`` reads as one step. The entries and
    their links are written in bulk too: an import of thousands of rows (issue 13) would
    otherwise spend most of its time here, two statements per row."""
    state = context.current()
    actor_id, actor_name = state.who()
    entries, subjects = [], []
    for row in rows:
        track = track_of(type(row))
        if track is None:
            continue
        model = type(row)
        after = _snapshot(row, _fields(model, track))
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        entries.append(
            Entry(
                actor_id=actor_id,
                actor_name=actor_name,
                interface=state.channel(),
                operation=state.operation,
                group=state.group,
                action=Action.CREATE,
                object_type=_type(model),
                object_id=row.pk,
                changes=changes,
            )
        )
        subjects.append(_subjects(row, track))
    if entries:
        with transaction.atomic():
            Entry.objects.bulk_create(entries, batch_size=500)
            Link.objects.bulk_create(
                (
                    Link(entry=entry, kind=kind, object_id=object_id)
                    for entry, found in zip(entries, subjects, strict=True)
                    for kind, object_id in sorted(found)
                ),
                batch_size=1000,
            )
    return rows


def updated(queryset, **values) -> int:
    """``queryset.update(**values)``, recording each row's fields before → after."""
    model = queryset.model
    track = track_of(model)
    if track is None:
        return queryset.update(**values)
    fields = [f for f in _fields(model, track) if f.name in values or f.attname in values]
    with transaction.atomic():
        rows = list(queryset.select_for_update())
        ids = [r.pk for r in rows]
        count = model._base_manager.filter(pk__in=ids).update(**values)
        fresh = {r.pk: r for r in model._base_manager.filter(pk__in=ids)}
        for row in rows:
            before, after = _snapshot(row, fields), _snapshot(fresh[row.pk], fields)
            changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
            if changes:
                _write(Action.UPDATE, _type(model), row.pk, changes, _subjects(row, track))
    return count


def accessed(obj=None, *, note: str, kind: str = "", details: dict | None = None) -> Entry:
    """Record that personal data was read or downloaded: ``obj`` (a person whose CCCD was
    shown, a meeting whose minutes were downloaded) or, for a list export, none, with
    ``kind`` naming the list."""
    if obj is None:
        return _write(Action.ACCESS, kind, None, details or {}, set(), note)
    track = track_of(type(obj)) or Track()
    return _write(
        Action.ACCESS, _type(type(obj)), obj.pk, details or {}, _subjects(obj, track), note
    )
