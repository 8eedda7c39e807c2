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
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone

from chibo.accounts.models import Grant, Role
from chibo.lib.idlist import IdList
from chibo.orgs.models import Organization


class Capability(enum.Enum):
    VIEW = "view"
    WRITE = "write"
    MANAGE_STRUCTURE = "manage_structure"
    MANAGE_USERS = "manage_users"

    def allowed_for(self, role: Role) -> bool:
        if self is Capability.VIEW:
            return True
        if self is Capability.WRITE:
            return role.can_write
        if self is Capability.MANAGE_USERS:
            return role.can_manage_users
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
        roots = {
            capability: frozenset(
                g.organization_id for g in grants if capability.allowed_for(g.role_enum)
            )
            for capability in Capability
        }
        # Served until the data changes, as the findings are (issue 16).
        subtrees = Organization.objects.kept_subtrees(roots.values(), on)
        ids = {capability: subtrees[roots[capability]] for capability in Capability}
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
        if org.pk in member_cell_ids(user, day):
            # A member knows their own cell exists: its pages and writes are refused, not
            # hidden (design §1: names and calendar only, on the member's own page).
            raise PermissionDenied("Đảng viên chỉ xem được trang của mình.")
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


def reading_ids(user, on: dt.date) -> frozenset[int] | None:
    """Organizations whose documents register the user reads on ``on`` (issue 15): the scope,
    and the superiors of the organizations the grants are on, because a cell studies the
    documents its commune committee and the district issue or record. ``None``: everything.
    Reading a superior's register shows its documents, nothing else of it."""
    user_scope = scope(user, on)
    if user_scope.everything:
        return None
    ids = set(user_scope.ids(Capability.VIEW) or ())
    for root in {g.organization_id for g in active_grants(user)}:
        ids |= Organization.objects.ancestor_ids(root, on)
    return frozenset(ids)


def can_create_root(user) -> bool:
    """Only a superuser adds an organization with no superior (a new province)."""
    return user.is_authenticated and user.is_superuser


def _person_affiliations(person) -> list[tuple[int, dt.date, dt.date | None]]:
    """(organization id, from, to) of every tie a person has had with an organization, each
    cut to its organization's lifetime: a tie left open in an organization that has ended
    ends with it, so the person never vanishes behind an ended organization."""
    from chibo.members.models import Membership, PoliceService, Position

    cached = person.__dict__.get("_chibo_ties")  # asked several times per request
    if cached is not None:
        return cached
    ties = []
    for model, field in (
        (Membership, "cell_id"),
        (PoliceService, "cell_id"),
        (Position, "organization_id"),
    ):
        ties.extend(
            model.objects.filter(person=person).values_list(field, "valid_from", "valid_to")
        )
    lives = _lifetimes({org_id for org_id, _, _ in ties})
    cut = []
    for org_id, start, end in ties:
        first, last_end = lives.get(org_id, (None, None))
        if last_end is not None and (end is None or end > last_end):
            end = last_end
        if first is not None and start < first:
            start = first
        if end is None or start < end:
            cut.append((org_id, start, end))
    person.__dict__["_chibo_ties"] = cut
    return cut


def forget_ties(person) -> None:
    """Drop the ties cached on ``person`` (after a write that may have changed them)."""
    person.__dict__.pop("_chibo_ties", None)


def _lifetimes(org_ids) -> dict[int, tuple[dt.date, dt.date | None]]:
    """(first day, end or ``None`` while open) of each organization, in one query."""
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
    return {s["organization_id"]: (s["first"], None if s["open"] else s["end"]) for s in spans}


def _within(on: dt.date, start: dt.date, end: dt.date | None) -> dt.date:
    """``on`` moved into [start, end)."""
    day = max(on, start)
    if end is not None and day >= end:
        day = end - dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class PersonWindow:
    """The part of a person's life one user may read (issue 10, "scope in time").

    ``full``: the user holds the person's record now (their current cell, organization or
    incoming transfer is in scope; or the person was entered by an organization in scope and
    has no tie yet); they read everything. Otherwise ``periods`` are the intervals [from, to)
    the person spent in organizations in the user's scope: the page shows only those, the
    status as of the last day in scope, and no CCCD.
    """

    full: bool
    periods: tuple[tuple[dt.date, dt.date | None], ...] = ()

    @property
    def visible(self) -> bool:
        return self.full or bool(self.periods)

    @property
    def last_day(self) -> dt.date | None:
        """The last day in scope; ``None`` while a period is still open (or ``full``)."""
        if self.full or not self.periods or any(end is None for _, end in self.periods):
            return None
        return max(end for _, end in self.periods) - dt.timedelta(days=1)

    def covers(self, day: dt.date) -> bool:
        return self.full or any(
            start <= day and (end is None or day < end) for start, end in self.periods
        )

    def day(self, on: dt.date) -> dt.date:
        """The day to read the person's status on: ``on`` itself when in scope, else the last
        day in scope before it, else the first day in scope after it."""
        if self.covers(on) or not self.periods:
            return on
        before = [end - dt.timedelta(days=1) for _, end in self.periods if end and end <= on]
        if before:
            return max(before)
        return min(start for start, _ in self.periods)


def person_window(user, person, on: dt.date) -> PersonWindow:
    """What of ``person`` the user may read, as of ``on``; see ``PersonWindow``.

    A tie counts when its organization is in scope on the tie's own day (``on`` moved into
    the tie's interval), so a member who left a cell stays visible to that cell for the time
    they were there, and only for that time."""
    ties = _person_affiliations(person)
    today = timezone.localdate()
    if user.is_authenticated and user.is_superuser:
        return PersonWindow(True)
    if not ties:
        return PersonWindow(can(user, person.registered_by, today))
    holding = [t for t in ties if t[1] <= today and (t[2] is None or t[2] > today)]
    if not holding:
        # None holds today: the tie that ends last (an open one that starts later counts last).
        last_end = max((end for _, _, end in ties), key=lambda end: end or dt.date.max)
        holding = [t for t in ties if t[2] == last_end]
    if any(
        scope(user, _within(today, start, end)).allows(org_id) for org_id, start, end in holding
    ):
        return PersonWindow(True)
    incoming = person.transfers.filter(received_on__isnull=True, to_cell__isnull=False)
    for to_cell_id in incoming.values_list("to_cell_id", flat=True):
        if scope(user, today).allows(to_cell_id):
            return PersonWindow(True)
    if is_own_person(user, person):
        return PersonWindow(True)  # a member reads their own whole record (design §1)
    periods = sorted(
        (start, end)
        for org_id, start, end in ties
        if scope(user, _within(on, start, end)).allows(org_id)
    )
    return PersonWindow(False, tuple(periods))


def can_person(user, person, on: dt.date, capability: Capability = Capability.VIEW) -> bool:
    """Reading: see ``person_window``.

    Writing follows where the person is now: a tie holding today, in write scope today; with
    none (dead, removed, moved out of the system), the organization of their last tie. A
    former cell never keeps write access to someone who moved on.
    """
    if capability is Capability.VIEW:
        return person_window(user, person, on).visible
    ties = _person_affiliations(person)
    today = timezone.localdate()
    if not ties:
        return can(user, person.registered_by, today, capability)
    current = [
        org_id for org_id, start, end in ties if start <= today and (end is None or end > today)
    ]
    if not current:
        last = max(ties, key=lambda tie: tie[2] or dt.date.max)
        current = [last[0]] if last[2] is not None and last[2] <= today else []
    for org_id in current:
        org = Organization.objects.filter(pk=org_id).first()
        if org is not None and can(user, org, today, capability):
            return True
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


# The member role (design §1; issue 15 item 4). A member account holds no grant: it is tied
# to one person (``chibo.members.models.MemberAccount``) and reads what that person's
# memberships allow on the date asked about — their own record, the names of the members of
# their cells, those cells' calendar and tasks — and writes nothing: every write is 403 on
# what they can see (their record, their cell) and 404 elsewhere, as for anyone.


def own_person(user):
    """The person whose member account ``user`` is, or ``None`` (cached for the request)."""
    if not user.is_authenticated:
        return None
    if "_chibo_person" not in user.__dict__:
        from chibo.members.models import Person

        user.__dict__["_chibo_person"] = (
            Person.objects.select_related("party").filter(account__user=user).first()
        )
    return user.__dict__["_chibo_person"]


def is_own_person(user, person) -> bool:
    own = own_person(user)
    return own is not None and own.pk == person.pk


def member_cell_ids(user, on: dt.date) -> frozenset[int]:
    """The cells the member's person is in on ``on`` (official or temporary membership);
    empty for a user who is no member."""
    person = own_person(user)
    if person is None:
        return frozenset()
    from chibo.members.models import Membership

    return frozenset(
        Membership.objects.on(on).filter(person=person).values_list("cell_id", flat=True)
    )


def may_acknowledge_study(user, cell_id: int, on: dt.date) -> bool:
    """The one write a member account makes (issue 15 item 4): "đã học" on a study plan of a
    cell the member is in on ``on``. Anyone else records participation through the register."""
    return cell_id in member_cell_ids(user, on)


def member_only(user) -> bool:
    """A member account and nothing else: it lands on the member's page and the navigation
    shows only what it can open. Users with a grant are answered without a query."""
    if not user.is_authenticated or user.is_superuser or active_grants(user):
        return False
    return own_person(user) is not None


def can_supervise(user, cell: Organization, on: dt.date) -> bool:
    """May write as the cell's superior committee on ``on``: the right to write on the
    cell's territorial superior (the commune committee, or above). The superior's score and
    the committee's confirmation of a meeting need it (R-MTG-14); the cell's own secretary
    does not have it."""
    from chibo.orgs.models import Relation

    parent = cell.superior_on(cell.nearest_day(on), Relation.TERRITORIAL)
    return parent is not None and can(user, parent, on, Capability.WRITE)


def supervised_ids(user, org_ids, on: dt.date) -> set[int]:
    """Which of ``org_ids`` the user may supervise on ``on``, as ``can_supervise`` judges one
    at a time, in a few queries whatever their number (pages that offer an action per row)."""
    from chibo.orgs.models import OrgLink, Relation

    days: dict[dt.date, set[int]] = {}
    for org_id, (first, end) in _lifetimes(org_ids).items():
        days.setdefault(_within(on, first, end), set()).add(org_id)
    found = set()
    for day, ids in days.items():
        parents = dict(
            OrgLink.objects.on(day)
            .filter(child_id__in=ids, relation=Relation.TERRITORIAL)
            .values_list("child_id", "parent_id")
        )
        allowed = visible_ids(user, set(parents.values()), on, Capability.WRITE)
        found.update(child for child, parent in parents.items() if parent in allowed)
    return found


def visible_ids(user, org_ids, on: dt.date, capability: Capability = Capability.VIEW) -> set[int]:
    """Which of ``org_ids`` the user may see (or act on) on ``on``, each judged on its nearest
    living day like ``can``; a few queries whatever the number of organizations."""
    return {
        org_id
        for org_id, (first, end) in _lifetimes(org_ids).items()
        if scope(user, _within(on, first, end)).allows(org_id, capability)
    }


# Accounts (issue 10). A user who may manage users (admin, board) sees the users holding a
# grant on an organization in that scope, and grants, ends and resets only what they hold
# themselves: a role may be granted on an organization when every capability of the role is
# the actor's there, so a board never hands out the admin role nor reaches outside its tree.
# Superusers and staff accounts are the superuser's alone.


def managed_users(user, on: dt.date):
    """Users the user may see in account management; 403 for a role that may not manage."""
    from chibo.accounts.models import User

    user_scope = require_any(user, on, Capability.MANAGE_USERS)
    if user_scope.everything:
        return User.objects.all()
    grants = user_scope.filter(Grant.objects.all(), Capability.MANAGE_USERS, "organization_id")
    return User.objects.filter(pk__in=grants.values("user_id"), is_superuser=False, is_staff=False)


def get_managed_user(user, pk: int, on: dt.date):
    """The user if shown in account management; 404 outside scope, 403 without the right."""
    found = managed_users(user, on).filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy người dùng.")
    return found


def may_grant(user, role: Role, org: Organization, on: dt.date) -> bool:
    """Whether the user may give (or end) ``role`` on ``org``: no capability beyond theirs."""
    if not can(user, org, on, Capability.MANAGE_USERS):
        return False
    return all(can(user, org, on, c) for c in Capability if c.allowed_for(role))


def manage_until(user, org: Organization, on: dt.date) -> dt.date | None:
    """The first day on which the user's own right to manage users on ``org`` ends (``None``
    while it is open-ended): a grant they give may not outlast it."""
    if user.is_superuser:
        return None
    ends = []
    day = org.nearest_day(on)
    for grant in active_grants(user):
        if not grant.role_enum.can_manage_users:
            continue
        subtree = Organization.objects.subtree_ids(
            frozenset([grant.organization_id]), day, with_predecessors=True
        )
        if org.pk in subtree:
            if grant.valid_to is None:
                return None
            ends.append(grant.valid_to)
    return max(ends) if ends else on


def may_manage_account(user, target, on: dt.date) -> bool:
    """May reset ``target``'s password: someone else, every grant of whom still in force
    (today or later) is one the user could have given. Staff and superusers: superuser only."""
    if user.is_superuser:
        return True
    if target.pk == user.pk or target.is_superuser or target.is_staff:
        return False
    grants = list(
        target.grants.filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on)
        ).select_related("organization")
    )
    return bool(grants) and all(may_grant(user, g.role_enum, g.organization, on) for g in grants)


def may_link_member_account(user, target, on: dt.date) -> bool:
    """May make a password link for ``target``, the login of a member the user may write on
    (issue 15 item 4). A member account that also holds a grant (a secretary who is a member
    too), or a staff account, is reset only by those who could manage it in account
    management: writing on a person never reaches a wider login."""
    current = models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=on)
    if target.is_superuser or target.is_staff or target.grants.filter(current).exists():
        return may_manage_account(user, target, on)
    return True


def require_superuser(user) -> None:
    """Pages of the whole installation (login failures and unlocking): superuser only."""
    if not (user.is_authenticated and user.is_superuser):
        raise PermissionDenied("Chỉ quản trị toàn hệ thống được xem trang này.")


def can_operate(user) -> bool:
    """Only a superuser sees how the installation runs (scheduled work, health): it is about
    the server, not about any organization, so no grant reaches it."""
    return user.is_authenticated and user.is_superuser


# Roster import (issue 13): committee, board and admin grants, within their scope.


def importable_ids(user, on: dt.date) -> frozenset[int] | None:
    """Organizations the user may import a roster into on ``on``; ``None`` for a superuser."""
    if user.is_authenticated and user.is_superuser:
        return None
    roots = frozenset(g.organization_id for g in active_grants(user) if g.role_enum.can_import)
    if not roots:
        return frozenset()
    return Organization.objects.subtree_ids(roots, on, with_predecessors=True)


def require_import(user, on: dt.date) -> None:
    """403 unless some grant of the user may import (a secretary or viewer may not)."""
    ids = importable_ids(user, on)
    if ids is not None and not ids:
        raise PermissionDenied("Vai trò của bạn không được nhập dữ liệu.")


def get_import_org(user, pk: int, on: dt.date) -> Organization:
    """The organization to import into: 404 outside the user's scope, 403 where the user sees
    it but may not import (a viewer, a secretary)."""
    org = get_org(user, pk, on)
    ids = importable_ids(user, org.nearest_day(on))
    if ids is not None and org.pk not in ids:
        raise PermissionDenied("Vai trò của bạn không được nhập dữ liệu vào tổ chức này.")
    return org


def may_import_somewhere(user) -> bool:
    """Whether to offer "Nhập dữ liệu" at all: from the grants already read for the request."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(g.role_enum.can_import for g in active_grants(user))
