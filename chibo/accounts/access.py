"""The one access module (design §1, conventions §3).

A user holds grants; a grant is *active* while today lies in its interval. Its *scope on a
date D* is its organization, that organization's predecessors (through merges and splits, so
a successor committee reads the history it inherited), and everything under any of them on
D, by either superior relation. Views and the API ask this module; none compares role names.

* outside scope → ``Http404`` (pages and API alike);
* in scope but the role lacks the capability (e.g. a viewer writing) → ``PermissionDenied``.

An organization that does not exist on D is judged on the nearest day it existed, so its
page and history stay reachable after it was merged away.
"""

import datetime as dt
import enum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from chibo.accounts.models import Grant, Role
from chibo.lib.idlist import IdList
from chibo.orgs.models import Organization


class Capability(enum.Enum):
    VIEW = "view"
    WRITE = "write"
    MANAGE_STRUCTURE = "manage_structure"

    def allowed_for(self, role: Role) -> bool:
        if self is Capability.VIEW:
            return True
        if self is Capability.WRITE:
            return role.can_write
        return role.can_manage_structure


class Scope:
    """What one user may see and do on one date: sets of organization ids per capability."""

    def __init__(self, everything: bool, ids: dict[Capability, frozenset[int]]):
        self.everything = everything
        self._ids = ids

    def allows(self, org_id: int, capability: Capability = Capability.VIEW) -> bool:
        return self.everything or org_id in self._ids[capability]

    def ids(self, capability: Capability = Capability.VIEW) -> frozenset[int] | None:
        """The ids, or ``None`` for a superuser who sees everything."""
        return None if self.everything else self._ids[capability]

    def filter(self, queryset, capability: Capability = Capability.VIEW, field: str = "pk"):
        """Restrict any QuerySet to this scope through ``field`` (an organization id)."""
        if self.everything:
            return queryset
        return queryset.filter(**{f"{field}__in": IdList(self._ids[capability])})

    def can_anywhere(self, capability: Capability) -> bool:
        """Whether some organization in scope allows ``capability`` (e.g. to show a button)."""
        return self.everything or bool(self._ids[capability])


def active_grants(user) -> list[Grant]:
    """Grants in force today (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_chibo_grants", None)
    if cached is None:
        cached = list(Grant.objects.on(timezone.localdate()).filter(user=user))
        user._chibo_grants = cached
    return cached


def scope(user, on: dt.date) -> Scope:
    cache = user.__dict__.setdefault("_chibo_scopes", {})
    if on in cache:
        return cache[on]
    if user.is_authenticated and user.is_superuser:
        result = Scope(True, {})
    else:
        grants = active_grants(user)
        by_roots: dict[frozenset[int], frozenset[int]] = {}
        ids = {}
        for capability in Capability:
            roots = frozenset(
                g.organization_id for g in grants if capability.allowed_for(g.role_enum)
            )
            if roots not in by_roots:
                by_roots[roots] = Organization.objects.subtree_ids(
                    roots, on, with_predecessors=True
                )
            ids[capability] = by_roots[roots]
        result = Scope(False, ids)
    cache[on] = result
    return result


def roles(user) -> set[Role]:
    return {g.role_enum for g in active_grants(user)}


def can(user, org: Organization, on: dt.date, capability: Capability = Capability.VIEW) -> bool:
    day = org.nearest_day(on)
    return scope(user, day).allows(org.pk, capability)


def get_org(user, pk: int, on: dt.date, capability: Capability = Capability.VIEW):
    """The organization if the user may act on it; 404 outside scope, 403 without the right."""
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise Http404("Không tìm thấy tổ chức.")
    day = org.nearest_day(on)
    user_scope = scope(user, day)
    if not user_scope.allows(org.pk, Capability.VIEW):
        raise Http404("Không tìm thấy tổ chức.")
    if not user_scope.allows(org.pk, capability):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    return org


def require_any(user, on: dt.date, capability: Capability) -> Scope:
    """For pages not tied to one organization: 403 unless some grant carries ``capability``."""
    user_scope = scope(user, on)
    if not user_scope.can_anywhere(capability):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    return user_scope


def can_create_root(user) -> bool:
    """Only a superuser adds an organization with no superior (a new province)."""
    return user.is_authenticated and user.is_superuser


def _person_affiliations(person) -> list[tuple[int, dt.date, dt.date | None]]:
    """(organization id, from, to) of every tie a person has had with an organization."""
    from chibo.members.models import Membership, PoliceService, Position

    ties = []
    for model, field in (
        (Membership, "cell_id"),
        (PoliceService, "cell_id"),
        (Position, "organization_id"),
    ):
        ties.extend(
            model.objects.filter(person=person).values_list(field, "valid_from", "valid_to")
        )
    return ties


def can_person(user, person, on: dt.date, capability: Capability = Capability.VIEW) -> bool:
    """Reading: a person is visible through any tie to an organization in scope on the tie's
    day (``on`` moved into the tie's interval), so a member who left a cell stays visible to
    that cell for the time they were there; a pending transfer shows them to the receiving
    cell; a person with no tie yet, to the office that entered them.

    Writing follows where the person is now: a tie holding today, in write scope today; with
    none (dead, removed, moved out of the system), the organization of their last tie. A
    former cell never keeps write access to someone who moved on.
    """
    ties = _person_affiliations(person)
    today = timezone.localdate()
    if capability is not Capability.VIEW:
        current = [
            org_id for org_id, start, end in ties if start <= today and (end is None or end > today)
        ]
        if not current and ties:
            last = max(ties, key=lambda tie: tie[2] or dt.date.max)
            current = [last[0]] if last[2] is not None and last[2] <= today else []
        if not ties:
            return can(user, person.registered_by, today, capability)
        for org_id in current:
            org = Organization.objects.filter(pk=org_id).first()
            if org is not None and can(user, org, today, capability):
                return True
        return False
    for org_id, start, end in ties:
        day = max(on, start)
        if end is not None and day >= end:
            day = end - dt.timedelta(days=1)
        if scope(user, day).allows(org_id, capability):
            return True
    incoming = person.transfers.filter(received_on__isnull=True, to_cell__isnull=False)
    for to_cell_id in incoming.values_list("to_cell_id", flat=True):
        if scope(user, today).allows(to_cell_id, capability):
            return True
    if not ties:
        return can(user, person.registered_by, today, capability)
    return False


def get_person(user, pk: int, on: dt.date, capability: Capability = Capability.VIEW):
    """The person if the user may act on them; 404 outside scope, 403 without the right."""
    from chibo.members.models import Person

    person = Person.objects.select_related("party", "registered_by").filter(pk=pk).first()
    if person is None or not can_person(user, person, on, Capability.VIEW):
        raise Http404("Không tìm thấy người này.")
    if capability is not Capability.VIEW and not can_person(user, person, on, capability):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    return person


def can_supervise(user, cell: Organization, on: dt.date) -> bool:
    """May write as the cell's superior committee on ``on``: the right to write on the
    cell's territorial superior (the commune committee, or above). The superior's score and
    the committee's confirmation of a meeting need it (R-MTG-14); the cell's own secretary
    does not have it."""
    from chibo.orgs.models import Relation

    parent = cell.superior_on(cell.nearest_day(on), Relation.TERRITORIAL)
    return parent is not None and can(user, parent, on, Capability.WRITE)


def visible_ids(user, org_ids, on: dt.date, capability: Capability = Capability.VIEW) -> set[int]:
    """Which of ``org_ids`` the user may see (or act on) on ``on``, each judged on its nearest
    living day like ``can``; a few queries whatever the number of organizations."""
    from django.db.models import Count, Max, Min, Q

    from chibo.orgs.models import OrgVersion

    spans = (
        OrgVersion.objects.filter(organization_id__in=set(org_ids))
        .values("organization_id")
        .annotate(
            first=Min("valid_from"),
            end=Max("valid_to"),
            open=Count("pk", filter=Q(valid_to__isnull=True)),
        )
    )
    allowed = set()
    for span in spans:
        day = max(on, span["first"])
        if not span["open"] and span["end"] is not None and day >= span["end"]:
            day = span["end"] - dt.timedelta(days=1)
        if scope(user, day).allows(span["organization_id"], capability):
            allowed.add(span["organization_id"])
    return allowed


def can_operate(user) -> bool:
    """Only a superuser sees how the installation runs (scheduled work, health): it is about
    the server, not about any organization, so no grant reaches it."""
    return user.is_authenticated and user.is_superuser
