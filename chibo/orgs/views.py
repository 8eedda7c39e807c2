"""Pages of the organization tree: the tree as of a date, an organization and its history,
and one page per reorganization (create, rename, move, merge, split, dissolve)."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import params, vntext
from chibo.lib.idlist import IdList
from chibo.lib.pages import form_page, posted
from chibo.lib.validity import valid_on
from chibo.orgs import forms, operations
from chibo.orgs.models import (
    NameBook,
    OrgLink,
    OrgSuccession,
    OrgVersion,
    Relation,
)


@dataclass
class Node:
    version: OrgVersion
    children: list["Node"] = field(default_factory=list)
    sector_parent: str = ""
    matched: bool = True
    lazy: bool = False  # has children, loaded when opened


def versions_in(scope, on: dt.date, capability=Capability.VIEW) -> list[OrgVersion]:
    """Versions on ``on`` of the organizations in ``scope``, in Vietnamese name order."""
    versions = scope.filter(OrgVersion.objects.on(on), capability, "organization_id")
    return versions.sorted_by_name()


def build_tree(versions: list[OrgVersion], on: dt.date, query: str = "") -> list[Node]:
    """Nest ``versions`` by their superiors on ``on``: the territorial superior when it is in
    the list, else the sector superior (a police committee's viewer sees its cells)."""
    nodes = {v.organization_id: Node(v) for v in versions}
    parents: dict[int, dict[str, int]] = {}
    links = OrgLink.objects.on(on).filter(child_id__in=nodes, parent_id__in=nodes)
    for link in links:
        parents.setdefault(link.child_id, {})[link.relation] = link.parent_id
    roots = []
    for org_id, node in nodes.items():
        up = parents.get(org_id, {})
        sector = up.get(Relation.SECTOR)
        if sector:
            node.sector_parent = nodes[sector].version.name
        parent = up.get(Relation.TERRITORIAL) or sector
        (nodes[parent].children if parent else roots).append(node)
    if query:
        key = vntext.search_key(query)
        roots = [n for n in roots if _prune(n, key)]
    return roots


def _prune(node: Node, key: str) -> bool:
    """Keep nodes whose name matches ``key`` and the path down to them."""
    node.children = [c for c in node.children if _prune(c, key)]
    node.matched = key in vntext.search_key(node.version.name)
    return node.matched or bool(node.children)


@require_GET
def tree(request):
    """The tree on a date. A scope of at most CHIBO_TREE_EAGER_MAX organizations is drawn
    whole; a bigger one (a province, the country) costs its top levels only, found in SQL:
    the roots of the scope and, if they are few, the level under them; every other node
    opens on demand (issue 16). A search draws the matches and the path down to them."""
    on = params.as_of(request.GET)
    query = vntext.nfc(request.GET.get("q", ""))[:100]
    scope = access.scope(request.user, on)
    in_scope = scope.filter(OrgVersion.objects.on(on), Capability.VIEW, "organization_id")
    count = in_scope.count()
    if query:
        roots = _search(in_scope, on, query)
    elif count <= settings.CHIBO_TREE_EAGER_MAX:
        roots = build_tree(in_scope.sorted_by_name(), on)
    else:
        roots = _top_levels(scope, in_scope, on)
    context = {
        "nav": "orgs",
        "on": on,
        "query": query,
        "roots": roots,
        "count": count,
        "can_create": access.can_create_root(request.user)
        or scope.can_anywhere(Capability.MANAGE_STRUCTURE),
        "can_merge": scope.can_anywhere(Capability.MANAGE_STRUCTURE),
    }
    return render(request, "orgs/tree.html", context)


def _search(in_scope, on: dt.date, query: str) -> list[Node]:
    """The matches of ``query`` and the path down to them: names and links are read as
    plain values to find them, and only those organizations are built into the tree (a
    search of the country builds a few dozen nodes, not every organization). The result is
    the whole tree pruned to the matches: each kept organization's superiors are kept too,
    so each hangs under the same superior as in the whole tree."""
    key = vntext.search_key(query)
    names = in_scope.values_list("organization_id", "name")
    keep = {org_id for org_id, name in names if key in vntext.search_key(name)}
    ids = in_scope.values("organization_id")
    superiors: dict[int, list[int]] = {}
    for child_id, parent_id in (
        OrgLink.objects.on(on)
        .filter(child_id__in=ids, parent_id__in=ids)
        .values_list("child_id", "parent_id")
    ):
        superiors.setdefault(child_id, []).append(parent_id)
    todo = list(keep)
    while todo:
        for parent_id in superiors.get(todo.pop(), []):
            if parent_id not in keep:
                keep.add(parent_id)
                todo.append(parent_id)
    versions = in_scope.filter(organization_id__in=IdList(keep)).sorted_by_name()
    return build_tree(versions, on, query)


def _top_levels(scope, in_scope, on: dt.date) -> list[Node]:
    """The roots of a big scope (no superior of theirs in it on ``on``) and, when the level
    under them holds at most CHIBO_TREE_EAGER_MAX organizations, that level: a fixed number
    of queries, whatever the size of the scope."""
    above = OrgLink.objects.on(on).filter(
        child_id=OuterRef("organization_id"), parent_id__in=in_scope.values("organization_id")
    )
    roots = _nodes(scope, on, in_scope.exclude(Exists(above)).sorted_by_name())
    below = OrgLink.objects.on(on).filter(parent_id__in=[n.version.organization_id for n in roots])
    child_versions = in_scope.filter(organization_id__in=below.values("child_id"))
    first = list(child_versions[: settings.CHIBO_TREE_EAGER_MAX + 1])
    if len(first) > settings.CHIBO_TREE_EAGER_MAX:
        return roots
    first.sort(key=lambda v: vntext.sort_key(v.name))
    parents: dict[int, list[int]] = {}
    for child_id, parent_id in below.filter(
        child_id__in=[v.organization_id for v in first]
    ).values_list("child_id", "parent_id"):
        parents.setdefault(child_id, []).append(parent_id)
    by_id = {node.version.organization_id: node for node in roots}
    for node in _nodes(scope, on, first):
        for parent_id in parents.get(node.version.organization_id, []):
            by_id[parent_id].children.append(node)
    for root in roots:
        root.lazy = root.lazy and not root.children
    return roots


def _nodes(scope, on: dt.date, versions: list[OrgVersion]) -> list[Node]:
    """Nodes for ``versions``, each marked lazy when it has organizations of the scope under
    it on ``on`` and named with its sector superior: two queries for the lot."""
    ids = [v.organization_id for v in versions]
    with_children = set(
        scope.filter(OrgLink.objects.on(on).filter(parent_id__in=ids), field="child_id")
        .order_by()  # the model's ordering would make DISTINCT return every link
        .values_list("parent_id", flat=True)
        .distinct()
    )
    sectors = dict(
        OrgLink.objects.on(on)
        .filter(child_id__in=ids, relation=Relation.SECTOR)
        .values_list("child_id", "parent_id")
    )
    book = NameBook(sectors.values())
    return [
        Node(
            v,
            lazy=v.organization_id in with_children,
            sector_parent=book.name(sectors[v.organization_id], on)
            if v.organization_id in sectors
            else "",
        )
        for v in versions
    ]


@require_GET
def children(request, pk: int):
    """The organizations under one node on the date, for the tree's on-demand levels: a
    fragment for htmx, else a page of that node and its children (works without scripts)."""
    on = params.as_of(request.GET)
    org = access.get_org(request.user, pk, on)
    scope = access.scope(request.user, on)
    below = OrgLink.objects.on(on).filter(parent=org)
    versions = scope.filter(
        OrgVersion.objects.on(on).filter(organization_id__in=below.values("child_id")),
        field="organization_id",
    ).sorted_by_name()
    nodes = _nodes(scope, on, versions)
    if request.htmx:
        return render(request, "orgs/tree.html#children", {"nodes": nodes, "on": on, "depth": 2})
    version = OrgVersion.objects.on(on).filter(organization=org).first()
    if version is None:  # in scope through its history, but not existing on the date
        raise Http404("Tổ chức không tồn tại vào ngày này.")
    context = {
        "nav": "orgs",
        "on": on,
        "query": "",
        "roots": [Node(version, children=nodes)],
        "count": len(nodes),
        "subtree": version,
    }
    return render(request, "orgs/tree.html", context)


@require_GET
def detail(request, pk: int):
    on = params.as_of(request.GET)
    org = access.get_org(request.user, pk, on)
    versions = list(org.versions.order_by("valid_from"))
    version = next((v for v in versions if v.holds_on(on)), None)
    uplinks = list(org.uplinks.order_by("relation", "valid_from"))
    downlinks = list(org.downlinks.filter(valid_on(on)))
    successions = list(
        OrgSuccession.objects.filter(predecessor=org).select_related("event")
    ) + list(OrgSuccession.objects.filter(successor=org).select_related("event"))
    events = list(org.events.select_related("by").order_by("on", "id"))
    book = NameBook(
        [link.parent_id for link in uplinks]
        + [link.child_id for link in downlinks]
        + [s.predecessor_id for s in successions]
        + [s.successor_id for s in successions]
    )
    scope = access.scope(request.user, org.nearest_day(on))
    # A name links to its page only where that page would open for this user (issue 14): a
    # cell's secretary reads the cell, not the committees above it.
    readable = _readable(
        request.user,
        [(link.parent_id, link.valid_from) for link in uplinks]
        + [(link.child_id, on) for link in downlinks]
        + [(s.predecessor_id, s.event.on) for s in successions]
        + [(s.successor_id, s.event.on) for s in successions],
    )
    context = {
        "nav": "orgs",
        "on": on,
        "org": org,
        "version": version,
        "versions": versions,
        # An ended organization is titled by its last name (issue 14).
        "title": version.name if version else (versions[-1].name if versions else str(org)),
        "last_version": versions[-1] if versions else None,
        "superiors": [
            (
                link,
                book.name(link.parent_id, link.valid_from),
                (link.parent_id, link.valid_from) in readable,
            )
            for link in uplinks
        ],
        "children": sorted(
            (
                (link, book.name(link.child_id, on), (link.child_id, on) in readable)
                for link in downlinks
            ),
            key=lambda row: vntext.sort_key(row[1]),
        ),
        "predecessors": [
            (
                s,
                book.name(s.predecessor_id, s.event.on - dt.timedelta(days=1)),
                (s.predecessor_id, s.event.on) in readable,
            )
            for s in successions
            if s.successor_id == org.pk
        ],
        "successors": [
            (s, book.name(s.successor_id, s.event.on), (s.successor_id, s.event.on) in readable)
            for s in successions
            if s.predecessor_id == org.pk
        ],
        "events": events,
        "can_manage": version is not None and scope.allows(org.pk, Capability.MANAGE_STRUCTURE),
        "terms": list(org.terms.order_by("valid_from")),
        "can_record_congress": version is not None
        and version.kind_enum.is_cell
        and scope.allows(org.pk, Capability.WRITE),
    }
    return render(request, "orgs/detail.html", context)


def _readable(user, pairs: list[tuple[int, dt.date]]) -> set[tuple[int, dt.date]]:
    """Which (organization, day) pairs the user may open, a few queries per distinct day."""
    days: dict[dt.date, set[int]] = {}
    for org_id, day in pairs:
        days.setdefault(day, set()).add(org_id)
    return {
        (org_id, day) for day, ids in days.items() for org_id in access.visible_ids(user, ids, day)
    }


def _form_page(request, form, template: str, context: dict, action):
    return form_page(request, form, template, {**context, "nav": "orgs"}, action)


def require_manage_on(request, orgs, on: dt.date) -> None:
    """The organizations an operation touches must be in the user's managed scope on its day."""
    for org in orgs:
        if org is not None and not access.can(request.user, org, on, Capability.MANAGE_STRUCTURE):
            raise ValidationError(
                {"on": "Một tổ chức liên quan nằm ngoài phạm vi quản lý của bạn vào ngày này."}
            )


def attrs_of(data, prefix: str = "") -> operations.Attrs:
    return operations.Attrs(
        kind=data[f"{prefix}kind"],
        name=data[f"{prefix}name"],
        party_name=data[f"{prefix}party_name"],
        issuer_code=data[f"{prefix}issuer_code"],
        place_name=data[f"{prefix}place_name"],
    )


@require_http_methods(["GET", "POST"])
def create(request):
    on = params.as_of(request.GET)
    root = access.can_create_root(request.user)
    scope = (
        access.scope(request.user, on)
        if root
        else access.require_any(request.user, on, Capability.MANAGE_STRUCTURE)
    )
    parent_id = params.optional_int(request.GET, "parent", "cấp trên")
    form = forms.CreateForm(
        posted(request),
        versions=versions_in(scope, on, Capability.MANAGE_STRUCTURE),
        parent_required=not root,
        initial={"on": on, "parent": parent_id},
    )

    def action(data):
        require_manage_on(request, [data["parent"], data["sector_superior"]], data["on"])
        org = operations.create(
            attrs=attrs_of(data),
            on=data["on"],
            by=request.user,
            parent=data["parent"],
            sector_superior=data["sector_superior"],
            is_police=data["is_police"],
            decision=data["decision"],
        )
        return params.url_as_of("orgs:detail", data["on"], org.pk), f"Đã thành lập {data['name']}."

    return _form_page(request, form, "orgs/create.html", {"on": on}, action)


def managed(request, pk: int):
    on = params.as_of(request.GET)
    org = access.get_org(request.user, pk, on, Capability.MANAGE_STRUCTURE)
    version = org.versions.filter(valid_on(org.nearest_day(on))).first()
    return on, org, version


@require_http_methods(["GET", "POST"])
def rename(request, pk: int):
    on, org, version = managed(request, pk)
    initial = {f: getattr(version, f) for f in operations.ATTRIBUTES} | {"on": on}
    form = forms.RenameForm(posted(request), initial=initial)

    def action(data):
        require_manage_on(request, [org], data["on"])
        changes = {f: data[f] for f in operations.ATTRIBUTES}
        event = operations.rename(
            org=org, on=data["on"], by=request.user, decision=data["decision"], **changes
        )
        return params.url_as_of("orgs:detail", data["on"], org.pk), f"Đã ghi: {event.summary}."

    context = {"on": on, "org": org, "version": version}
    return _form_page(request, form, "orgs/rename.html", context, action)


@require_http_methods(["GET", "POST"])
def move(request, pk: int):
    on, org, version = managed(request, pk)
    scope = access.scope(request.user, on)
    candidates = [
        v for v in versions_in(scope, on, Capability.MANAGE_STRUCTURE) if v.organization_id != pk
    ]
    form = forms.MoveForm(posted(request), versions=candidates, initial={"on": on})

    def action(data):
        require_manage_on(request, [org, data["parent"]], data["on"])
        event = operations.move(
            org=org,
            on=data["on"],
            by=request.user,
            parent=data["parent"],
            relation=data["relation"],
            decision=data["decision"],
        )
        return params.url_as_of("orgs:detail", data["on"], org.pk), f"Đã ghi: {event.summary}."

    context = {"on": on, "org": org, "version": version}
    return _form_page(request, form, "orgs/move.html", context, action)
