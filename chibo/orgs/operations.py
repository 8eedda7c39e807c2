"""Reorganizations of the tree, each one transaction that keeps history (R-GEO-04).

Every function here is keyword-only, validates before it writes, raises ``ValidationError``
with a Vietnamese message (keyed by form field where one applies), and records an
``OrgEvent``. Intervals follow ``chibo.lib.validity``: a change on day D closes the old row
at D and opens the new one at D.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo import audit
from chibo.lib import vntext
from chibo.lib.validity import valid_on
from chibo.lib.vndates import format_date
from chibo.orgs.models import (
    EventKind,
    Kind,
    Organization,
    OrgEvent,
    OrgLink,
    OrgSuccession,
    OrgVersion,
    Relation,
)

ATTRIBUTES = ("kind", "name", "party_name", "issuer_code", "place_name")


@dataclass(frozen=True)
class Attrs:
    """The effective-dated attributes of a new organization."""

    kind: str
    name: str
    party_name: str
    issuer_code: str
    place_name: str

    def cleaned(self) -> "Attrs":
        values = {f: vntext.nfc(getattr(self, f)) for f in ATTRIBUTES}
        if values["kind"] not in Kind.values:
            raise ValidationError({"kind": "Loại hình tổ chức không hợp lệ."})
        for field in ("name", "issuer_code"):
            if not values[field]:
                raise ValidationError({field: "Trường này không được để trống."})
        values["party_name"] = values["party_name"] or values["name"]
        return Attrs(**values)


def _version_on(org: Organization, on: dt.date, field: str | None = None) -> OrgVersion:
    version = org.versions.filter(valid_on(on)).first()
    if version is None:
        message = f"Tổ chức #{org.pk} không tồn tại vào ngày {format_date(on)}."
        raise ValidationError({field: message} if field else message)
    return version


def _end_of(org: Organization) -> dt.date | None:
    return org.lifetime()[1]


def _refuse_later_changes(org: Organization, on: dt.date, name: str) -> None:
    """Ending an organization on D is refused if changes are recorded after D."""
    later = (
        org.versions.filter(valid_from__gt=on).exists()
        or org.uplinks.filter(valid_from__gt=on).exists()
        or org.downlinks.filter(valid_from__gt=on).exists()
    )
    if later:
        raise ValidationError(
            f"{name} có thay đổi được ghi sau ngày {format_date(on)}; không thể kết thúc tổ chức "
            "vào ngày này. Hãy chọn ngày sau thay đổi cuối cùng."
        )


def _event(*, kind: str, on: dt.date, by, decision: str, summary: str, subjects) -> OrgEvent:
    event = OrgEvent.objects.create(
        kind=kind, on=on, by=by, decision=vntext.nfc(decision), summary=summary[:500]
    )
    event.subjects.set(subjects)
    return event


def _open_link(child, parent, relation: str, on: dt.date, until: dt.date | None) -> OrgLink:
    parent_end = _end_of(parent)
    if parent_end is not None and (until is None or parent_end < until):
        until = parent_end
    return OrgLink.objects.create(
        child=child, parent=parent, relation=relation, valid_from=on, valid_to=until
    )


def _close_at(rows, on: dt.date) -> None:
    """End rows at ``on``; a row that would end on its first day never held, so it goes."""
    for row in rows:
        if row.valid_from >= on:
            row.delete()
            continue
        row.valid_to = on
        row.full_clean()
        row.save(update_fields=["valid_to"])


def _end(org: Organization, on: dt.date) -> None:
    """Close the organization's version and its superior links at ``on``."""
    _close_at(org.versions.filter(valid_on(on)), on)
    _close_at(org.uplinks.filter(valid_on(on)), on)


def _check_no_cycle(org: Organization, parent: Organization, on: dt.date, until) -> None:
    days = {on}
    later = OrgLink.objects.filter(valid_from__gt=on)
    if until is not None:
        later = later.filter(valid_from__lt=until)
    days.update(later.values_list("valid_from", flat=True).distinct()[:50])
    for day in sorted(days):
        if parent.pk in Organization.objects.subtree_ids([org.pk], day):
            raise ValidationError(
                {
                    "parent": "Không thể chuyển một tổ chức vào dưới chính nó hoặc tổ chức "
                    f"trực thuộc nó (vòng lặp, ngày {format_date(day)})."
                }
            )


@audit.operation("Thành lập tổ chức")
@transaction.atomic
def create(
    *,
    attrs: Attrs,
    on: dt.date,
    by,
    parent: Organization | None = None,
    sector_superior: Organization | None = None,
    is_police: bool = False,
    decision: str = "",
) -> Organization:
    """Found an organization on ``on`` under ``parent`` (and, for police, its sector superior)."""
    attrs = attrs.cleaned()
    for field, superior in (("parent", parent), ("sector_superior", sector_superior)):
        if superior is not None:
            _version_on(superior, on, field)
    org = Organization.objects.create(is_police=is_police)
    OrgVersion.objects.create(organization=org, valid_from=on, **attrs.__dict__)
    if parent is not None:
        _open_link(org, parent, Relation.TERRITORIAL, on, None)
    if sector_superior is not None:
        _open_link(org, sector_superior, Relation.SECTOR, on, None)
    _event(
        kind=EventKind.CREATE,
        on=on,
        by=by,
        decision=decision,
        summary=f"Thành lập {attrs.name}",
        subjects=[org],
    )
    return org


@audit.operation("Đổi tên, thay đổi thông tin tổ chức")
@transaction.atomic
def rename(*, org: Organization, on: dt.date, by, decision: str = "", **changes) -> OrgEvent:
    """From ``on``, change any of kind, name, party name, issuer code, place name.

    The version holding on ``on`` is split there; later recorded versions are kept. A change
    on the first day of a version corrects that version (the event still records it).
    """
    unknown = set(changes) - set(ATTRIBUTES)
    if unknown:
        raise ValueError(f"unknown attributes: {sorted(unknown)}")
    current = _version_on(org, on, "on")
    values = {f: getattr(current, f) for f in ATTRIBUTES}
    values.update({k: v for k, v in changes.items() if v is not None})
    new = Attrs(**values).cleaned()
    diff = [f for f in ATTRIBUTES if getattr(new, f) != getattr(current, f)]
    if not diff:
        raise ValidationError("Không có thông tin nào thay đổi.")
    old_name = current.name
    if current.valid_from == on:
        for field in diff:
            setattr(current, field, getattr(new, field))
        current.full_clean()
        current.save()
    else:
        until = current.valid_to
        _close_at([current], on)
        OrgVersion.objects.create(organization=org, valid_from=on, valid_to=until, **new.__dict__)
    labels = ", ".join(str(OrgVersion._meta.get_field(f).verbose_name) for f in diff)
    summary = f"{old_name}: thay đổi {labels}"
    if "name" in diff:
        summary = f"Đổi tên {old_name} thành {new.name}"
    return _event(
        kind=EventKind.RENAME, on=on, by=by, decision=decision, summary=summary, subjects=[org]
    )


@audit.operation("Chuyển tổ chức trực thuộc")
@transaction.atomic
def move(
    *,
    org: Organization,
    on: dt.date,
    by,
    parent: Organization | None,
    relation: str = Relation.TERRITORIAL,
    decision: str = "",
) -> OrgEvent:
    """From ``on``, put ``org`` under ``parent`` by ``relation`` (``None`` ends the link)."""
    if relation not in Relation.values:
        raise ValidationError({"relation": "Quan hệ cấp trên không hợp lệ."})
    version = _version_on(org, on, "on")
    current = org.uplinks.filter(valid_on(on), relation=relation).first()
    if current is not None and parent is not None and current.parent_id == parent.pk:
        raise ValidationError({"parent": "Tổ chức đã ở dưới cấp trên này vào ngày đó."})
    if current is None and parent is None:
        raise ValidationError({"parent": "Tổ chức không có cấp trên theo quan hệ này để bỏ."})
    if current is not None:
        until = current.valid_to
    else:
        following = org.uplinks.filter(relation=relation, valid_from__gt=on).order_by("valid_from")
        nxt = following.first()
        until = nxt.valid_from if nxt else _end_of(org)
    if parent is not None:
        parent_version = _version_on(parent, on, "parent")
        _check_no_cycle(org, parent, on, until)
    if current is not None:
        if current.valid_from == on:
            current.delete()
        else:
            _close_at([current], on)
    if parent is not None:
        _open_link(org, parent, relation, on, until)
        summary = f"{version.name} chuyển về {parent_version.name}"
    else:
        summary = f"{version.name} thôi quan hệ {Relation(relation).label.lower()}"
    if relation == Relation.SECTOR:
        summary += " (theo ngành)"
    subjects = [org] + ([parent] if parent is not None else [])
    return _event(
        kind=EventKind.MOVE, on=on, by=by, decision=decision, summary=summary, subjects=subjects
    )


def _hand_over_children(source: Organization, successor: Organization, on: dt.date, skip):
    for link in source.downlinks.filter(valid_on(on)).select_related("child"):
        until = link.valid_to
        _close_at([link], on)
        if link.child_id == successor.pk or link.child_id in skip:
            continue
        _open_link(link.child, successor, link.relation, on, until)


@audit.operation("Hợp nhất tổ chức")
@transaction.atomic
def merge(
    *,
    sources: Sequence[Organization],
    on: dt.date,
    by,
    into: Organization | None = None,
    new: Attrs | None = None,
    parent: Organization | None = None,
    sector_superior: Organization | None = None,
    is_police: bool | None = None,
    decision: str = "",
) -> Organization:
    """Merge ``sources`` into an existing organization ``into`` or into a ``new`` one.

    The sources end on ``on``; what was under them moves under the successor; each source
    is recorded as a predecessor of the successor. A new successor is placed under
    ``parent`` (default: the first source's superior) and ``sector_superior`` (likewise).
    """
    sources = list(dict.fromkeys(sources))
    if into is not None:
        sources = [s for s in sources if s.pk != into.pk]
    if (into is None) == (new is None):
        raise ValidationError("Hãy chọn một tổ chức có sẵn hoặc nhập thông tin tổ chức mới.")
    needed = 1 if into is not None else 2
    if len(sources) < needed:
        raise ValidationError(
            {
                "sources": "Cần ít nhất hai tổ chức để hợp nhất (hai tổ chức nguồn, hoặc một "
                "tổ chức nguồn và một tổ chức nhận)."
            }
        )
    versions = [_version_on(s, on, "sources") for s in sources]
    for source, version in zip(sources, versions, strict=True):
        _refuse_later_changes(source, on, version.name)
    source_ids = {s.pk for s in sources}
    if into is not None:
        successor = into
        successor_name = _version_on(into, on, "into").name
    else:
        first = sources[0]
        if parent is None:
            parent = first.superior_on(on, Relation.TERRITORIAL)
        if sector_superior is None:
            sector_superior = first.superior_on(on, Relation.SECTOR)
        if parent is not None and parent.pk in source_ids:
            raise ValidationError(
                {"parent": "Cấp trên của tổ chức mới không thể là tổ chức nguồn."}
            )
        attrs = new.cleaned()
        successor = Organization.objects.create(
            is_police=all(s.is_police for s in sources) if is_police is None else is_police
        )
        OrgVersion.objects.create(organization=successor, valid_from=on, **attrs.__dict__)
        if parent is not None:
            _version_on(parent, on, "parent")
            _open_link(successor, parent, Relation.TERRITORIAL, on, None)
        if sector_superior is not None:
            _version_on(sector_superior, on, "sector_superior")
            _open_link(successor, sector_superior, Relation.SECTOR, on, None)
        successor_name = attrs.name
    for source in sources:
        _hand_over_children(source, successor, on, skip=source_ids)
    for source in sources:
        _end(source, on)
    names = ", ".join(v.name for v in versions)
    event = _event(
        kind=EventKind.MERGE,
        on=on,
        by=by,
        decision=decision,
        summary=f"Hợp nhất {names} thành {successor_name}",
        subjects=[*sources, successor],
    )
    audit.created(
        OrgSuccession.objects.bulk_create(
            OrgSuccession(event=event, predecessor=s, successor=successor) for s in sources
        )
    )
    return successor


@audit.operation("Chia tách tổ chức")
@transaction.atomic
def split(
    *,
    org: Organization,
    on: dt.date,
    by,
    parts: Sequence[Attrs],
    children: dict[int, int] | None = None,
    decision: str = "",
) -> list[Organization]:
    """Split ``org`` on ``on`` into ``parts``; ``children`` maps each child id to a part index.

    Every organization under ``org`` on that day must be given to one part. The parts take
    ``org``'s superiors and police flag; each is recorded as a successor of ``org``.
    """
    children = children or {}
    version = _version_on(org, on, "on")
    _refuse_later_changes(org, on, version.name)
    parts = [p.cleaned() for p in parts]
    if len(parts) < 2:
        raise ValidationError({"parts": "Cần ít nhất hai tổ chức mới để chia tách."})
    names = [vntext.search_key(p.name) for p in parts]
    if len(set(names)) != len(names):
        raise ValidationError({"parts": "Tên các tổ chức mới phải khác nhau."})
    child_links = list(org.downlinks.filter(valid_on(on)))
    missing = [link.child_id for link in child_links if link.child_id not in children]
    if missing:
        raise ValidationError(
            {"children": f"Còn {len(missing)} tổ chức trực thuộc chưa được giao cho tổ chức mới."}
        )
    if any(not 0 <= index < len(parts) for index in children.values()):
        raise ValidationError({"children": "Tổ chức nhận không hợp lệ."})
    superiors = list(org.uplinks.filter(valid_on(on)).select_related("parent"))
    created = []
    for attrs in parts:
        part = Organization.objects.create(is_police=org.is_police)
        OrgVersion.objects.create(organization=part, valid_from=on, **attrs.__dict__)
        for link in superiors:
            _open_link(part, link.parent, link.relation, on, link.valid_to)
        created.append(part)
    for link in child_links:
        until = link.valid_to
        _close_at([link], on)
        _open_link(link.child, created[children[link.child_id]], link.relation, on, until)
    _end(org, on)
    event = _event(
        kind=EventKind.SPLIT,
        on=on,
        by=by,
        decision=decision,
        summary=f"Chia tách {version.name} thành " + ", ".join(p.name for p in parts),
        subjects=[org, *created],
    )
    audit.created(
        OrgSuccession.objects.bulk_create(
            OrgSuccession(event=event, predecessor=org, successor=part) for part in created
        )
    )
    return created


@audit.operation("Giải thể tổ chức")
@transaction.atomic
def dissolve(*, org: Organization, on: dt.date, by, decision: str = "") -> OrgEvent:
    """End ``org`` on ``on``; refused while organizations are still under it."""
    version = _version_on(org, on, "on")
    _refuse_later_changes(org, on, version.name)
    remaining = org.downlinks.filter(valid_on(on)).count()
    if remaining:
        raise ValidationError(
            f"{version.name} còn {remaining} tổ chức trực thuộc vào ngày {format_date(on)}; "
            "hãy chuyển hoặc hợp nhất các tổ chức đó trước khi giải thể."
        )
    _end(org, on)
    return _event(
        kind=EventKind.DISSOLVE,
        on=on,
        by=by,
        decision=decision,
        summary=f"Giải thể {version.name}",
        subjects=[org],
    )
