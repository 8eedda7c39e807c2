"""The party organization tree, effective-dated (R-ORG-02, R-ORG-11, R-POL-01/06/07, R-GEO-04).

An ``Organization`` is only an identity. Everything that changes with time hangs off it in
validity intervals (see ``chibo.lib.validity``):

* ``OrgVersion`` — kind, name, party name, issuer code, place name; an organization exists on
  a date exactly when one of its versions holds on that date;
* ``OrgLink`` — the territorial superior and the sector (police) superior, two relations;
* ``OrgEvent`` and ``OrgSuccession`` — the reorganizations and predecessor → successor links,
  so a 2023 report still prints 2023 names and a new committee inherits its predecessors.

Changes go through ``chibo.orgs.operations``; nothing here writes.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Max, Min, Q
from django.urls import reverse

from chibo.audit import generation
from chibo.lib import vndates, vntext
from chibo.lib.idlist import IdList
from chibo.lib.validity import Validity, ValidityQuerySet, interval_constraint, valid_on


class Kind(models.TextChoices):
    """Kinds of party organization (R-ORG-02, R-ORG-11, R-POL-01/07)."""

    PROVINCE = "province", "Đảng bộ tỉnh, thành phố"
    DISTRICT = "district", "Đảng bộ huyện"
    GRASSROOTS_COMMITTEE = "grassroots_committee", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "grassroots_cell", "Chi bộ cơ sở"
    SUBORDINATE_CELL = "subordinate_cell", "Chi bộ trực thuộc đảng ủy cơ sở"
    POLICE_COMMITTEE = "police_committee", "Đảng bộ Công an"

    @property
    def is_cell(self) -> bool:
        return self in {Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL}


class Relation(models.TextChoices):
    """The two superior relations, kept apart (R-POL-01, R-POL-07)."""

    TERRITORIAL = "territorial", "Cấp ủy cấp trên trực tiếp"
    SECTOR = "sector", "Cấp ủy lãnh đạo theo ngành Công an"


_SUBTREE_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM orgs_organization WHERE id IN ({placeholders})
    UNION
    SELECT step.next_id FROM tree t JOIN (
        SELECT l.parent_id AS from_id, l.child_id AS next_id FROM orgs_orglink l
        WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)
        {predecessors}
    ) step ON step.from_id = t.id
)
SELECT id FROM tree
"""
# One recursive reference (PostgreSQL allows no more): a step goes down a link in force on
# the date or back from a successor to its predecessor.
_PREDECESSORS_SQL = """UNION ALL
        SELECT s.successor_id, s.predecessor_id FROM orgs_orgsuccession s"""


_ANCESTORS_SQL = """
WITH RECURSIVE up(id) AS (
    SELECT CAST(%s AS BIGINT)
    UNION
    SELECT l.parent_id FROM orgs_orglink l JOIN up u ON l.child_id = u.id
    WHERE l.relation = 'territorial' AND l.valid_from <= %s
      AND (l.valid_to IS NULL OR l.valid_to > %s)
)
SELECT id FROM up
"""


SUBTREES = "subtrees"  # the cache the kept subtrees live in (settings.CACHES)


class OrganizationQuerySet(models.QuerySet):
    @staticmethod
    def ancestor_ids(org_id: int, on: dt.date) -> frozenset[int]:
        """The organization and its territorial superiors on ``on`` (one query)."""
        with connection.cursor() as cursor:
            cursor.execute(_ANCESTORS_SQL, [org_id, on, on])
            return frozenset(row[0] for row in cursor.fetchall())

    @staticmethod
    def subtree_ids(
        root_ids: Iterable[int], on: dt.date, *, with_predecessors: bool = False
    ) -> frozenset[int]:
        """The roots and every organization under them on ``on``, by either relation.

        With ``with_predecessors``, the predecessors of every organization found (transitively,
        through merges and splits) are in it too, so a supervising user's scope holds all that
        its subordinate organizations' users see. One recursive query on SQLite and PostgreSQL
        alike.
        """
        roots = sorted(set(root_ids))
        if not roots:
            return frozenset()
        sql = _SUBTREE_SQL.format(
            placeholders=", ".join(["%s"] * len(roots)),
            predecessors=_PREDECESSORS_SQL if with_predecessors else "",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*roots, on, on])
            return frozenset(row[0] for row in cursor.fetchall())

    @staticmethod
    def kept_subtrees(
        root_sets: Iterable[frozenset[int]], on: dt.date
    ) -> dict[frozenset[int], frozenset[int]]:
        """``subtree_ids(roots, on, with_predecessors=True)`` for each set of roots, kept until
        the data changes (issue 16): every view builds the user's scope from them, and they
        depend only on the roots, the date and the tree (links and successions, recorded
        history like all data), so they are served as the findings are (``generation``), with
        one reading of the generation for all of them."""
        found, reading = {}, None
        for roots in root_sets:
            if roots in found:
                continue
            if not roots:
                found[roots] = frozenset()
                continue
            reading = reading or generation.Reading()
            ordered = sorted(roots)
            found[roots] = reading.kept(
                f"subtree:{on.isoformat()}:{generation.ids_key(ordered)}",
                lambda ordered=ordered: OrganizationQuerySet.subtree_ids(
                    ordered, on, with_predecessors=True
                ),
                SUBTREES,
            )
        return found


def with_predecessors(org_ids: Iterable[int]) -> frozenset[int]:
    """The organizations and, transitively, every organization they continue (merges,
    splits): what was addressed to a predecessor is now the successor's business."""
    found, frontier = set(org_ids), set(org_ids)
    while frontier:
        frontier = (
            set(
                OrgSuccession.objects.filter(successor_id__in=IdList(frontier)).values_list(
                    "predecessor_id", flat=True
                )
            )
            - found
        )
        found |= frontier
    return frozenset(found)


def continued_among(org_id: int, among: set[int]) -> int:
    """The organization of ``among`` that is ``org_id`` or continues it through merges and
    splits (``with_predecessors`` the other way): the nearest, of several as near the lowest
    id; ``org_id`` when none does. A query per step forward."""
    seen, frontier = set(), {org_id}
    while frontier:
        if hit := frontier & among:
            return min(hit)
        seen |= frontier
        frontier = (
            set(
                OrgSuccession.objects.filter(predecessor_id__in=IdList(frontier)).values_list(
                    "successor_id", flat=True
                )
            )
            - seen
        )
    return org_id


class Organization(models.Model):
    is_police = models.BooleanField(
        "thuộc lực lượng Công an",
        default=False,
        help_text="Chi bộ, đảng bộ trong đơn vị Công an chính quy (R-POL-01, R-POL-02).",
    )
    created_at = models.DateTimeField("ngày tạo bản ghi", auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"

    def __str__(self) -> str:
        latest = self.versions.order_by("-valid_from").first()
        return latest.name if latest else f"Tổ chức #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])

    def version_on(self, on: dt.date) -> "OrgVersion | None":
        return self.versions.filter(valid_on(on)).first()

    def lifetime(self) -> tuple[dt.date | None, dt.date | None]:
        """First day and exclusive end of the organization's existence (end None: exists)."""
        span = self.versions.aggregate(
            first=Min("valid_from"),
            end=Max("valid_to"),
            open=Count("pk", filter=Q(valid_to__isnull=True)),
        )
        return span["first"], (None if span["open"] else span["end"])

    def nearest_day(self, on: dt.date) -> dt.date:
        """``on`` moved into the organization's lifetime: the day to judge it by."""
        first, end = self.lifetime()
        if first is not None and on < first:
            return first
        if end is not None and on >= end:
            return end - dt.timedelta(days=1)
        return on

    def superior_on(self, on: dt.date, relation: str = Relation.TERRITORIAL):
        link = self.uplinks.filter(valid_on(on), relation=relation).select_related("parent")
        link = link.first()
        return link.parent if link else None


class OrgVersionQuerySet(ValidityQuerySet):
    def sorted_by_name(self) -> list["OrgVersion"]:
        """Versions in Vietnamese name order (R-TXT-04); ICU, since SQL order is wrong."""
        return sorted(self, key=lambda v: vntext.sort_key(v.name))


class OrgVersion(Validity):
    """The attributes of an organization over one interval (R-GEO-04)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="versions", verbose_name="tổ chức"
    )
    kind = models.CharField("loại hình", max_length=32, choices=Kind.choices)
    name = models.CharField(
        "tên gọi", max_length=200, help_text="Ví dụ: Huyện ủy Hiệp Đức, Chi bộ Công an xã Bình Lâm."
    )
    party_name = models.CharField(
        "tên đảng bộ, chi bộ",
        max_length=200,
        help_text="Tên tổ chức đảng dùng ở dòng cấp trên của thể thức (R-DOC-02), "
        "ví dụ: Đảng bộ huyện Hiệp Đức.",
    )
    issuer_code = models.CharField(
        "ký hiệu cơ quan ban hành",
        max_length=20,
        help_text="Ví dụ: HU, ĐU, CB (R-DOC-04).",
    )
    place_name = models.CharField(
        "địa danh ghi trên văn bản", max_length=100, help_text="Ví dụ: Hiệp Đức (R-DOC-05)."
    )

    objects = OrgVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "phiên bản thông tin tổ chức"
        verbose_name_plural = "lịch sử thông tin tổ chức"
        ordering = ["organization_id", "valid_from"]
        constraints = [
            interval_constraint("orgversion_interval"),
            models.UniqueConstraint(
                fields=["organization", "valid_from"], name="orgversion_one_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(issuer_code=""), name="orgversion_names_present"
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="orgversion_validity")]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)


class OrgLink(Validity):
    """``child`` is under ``parent`` by ``relation`` over the interval."""

    child = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="uplinks", verbose_name="tổ chức"
    )
    parent = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="downlinks", verbose_name="cấp trên"
    )
    relation = models.CharField("quan hệ", max_length=16, choices=Relation.choices)

    class Meta:
        verbose_name = "quan hệ cấp trên"
        verbose_name_plural = "quan hệ cấp trên"
        ordering = ["child_id", "relation", "valid_from"]
        constraints = [
            interval_constraint("orglink_interval"),
            models.CheckConstraint(condition=~Q(child=models.F("parent")), name="orglink_no_self"),
            models.UniqueConstraint(
                fields=["child", "relation", "valid_from"], name="orglink_one_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "valid_from", "valid_to"], name="orglink_parent"),
            models.Index(fields=["child", "relation", "valid_from"], name="orglink_child"),
        ]


class EventKind(models.TextChoices):
    CREATE = "create", "Thành lập"
    RENAME = "rename", "Đổi tên, thay đổi thông tin"
    MOVE = "move", "Chuyển cấp trên"
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia tách"
    DISSOLVE = "dissolve", "Giải thể"


class OrgEvent(models.Model):
    """One reorganization, as recorded: what, on which day, under which decision, by whom."""

    kind = models.CharField("loại thay đổi", max_length=16, choices=EventKind.choices)
    on = models.DateField("có hiệu lực từ ngày")
    decision = models.CharField(
        "căn cứ (quyết định, nghị quyết)", max_length=300, blank=True, default=""
    )
    summary = models.CharField("nội dung", max_length=500)
    subjects = models.ManyToManyField(
        Organization, related_name="events", verbose_name="tổ chức liên quan"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người thực hiện",
    )
    created_at = models.DateTimeField("thời điểm ghi", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện tổ chức"
        verbose_name_plural = "sự kiện tổ chức"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["on"], name="orgevent_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%d/%m/%Y}: {self.summary}"


class OrgSuccession(models.Model):
    """``predecessor`` continues as ``successor`` from the event's day (merge, split)."""

    event = models.ForeignKey(OrgEvent, on_delete=models.CASCADE, related_name="successions")
    predecessor = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="predecessor_links"
    )

    class Meta:
        verbose_name = "kế thừa"
        verbose_name_plural = "kế thừa"
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="orgsuccession_no_self"
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="orgsuccession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.predecessor_id} → #{self.successor_id}"


class TermPolicy(models.TextChoices):
    """R-ORG-06: congresses twice every 5 years, or (pilot from 1/7/2025) once."""

    TWICE_IN_FIVE = "2_per_5y", "Hai lần trong 5 năm"
    ONCE_IN_FIVE = "1_per_5y", "Một lần trong 5 năm"


class Term(Validity):
    """A committee term (nhiệm kỳ), opened by a congress (R-ORG-06); document numbers
    restart with each term (R-DOC-03).

    ``valid_from`` is the first day of the term, ``valid_to`` the day the next term begins
    (set when the next congress is recorded). The term keeps the congress policy it was begun
    under: a term begun under "twice in five years" stays due after 30 months even after the
    1/7/2025 pilot of "once in five years" (issue 12).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="terms", verbose_name="tổ chức"
    )
    label = models.CharField("nhiệm kỳ", max_length=20, help_text="Ví dụ: 2020–2025.")
    policy = models.CharField(
        "chế độ đại hội",
        max_length=10,
        choices=TermPolicy.choices,
        default=TermPolicy.TWICE_IN_FIVE,
    )
    congress_on = models.DateField("ngày đại hội", null=True, blank=True)
    ends_on = models.DateField(
        "nhiệm kỳ đến ngày",
        null=True,
        blank=True,
        help_text="Để trống: tính theo chế độ đại hội (30 hoặc 60 tháng từ đầu nhiệm kỳ).",
    )
    decision = models.CharField(
        "căn cứ (nghị quyết đại hội, quyết định chuẩn y)", max_length=300, blank=True, default=""
    )

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["organization_id", "valid_from"]
        constraints = [
            interval_constraint("term_interval"),
            models.UniqueConstraint(fields=["organization", "valid_from"], name="term_one_per_day"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("valid_from")),
                name="term_ends_after_start",
                violation_error_message="Nhiệm kỳ phải kết thúc sau ngày bắt đầu.",
            ),
            models.CheckConstraint(
                condition=Q(congress_on__isnull=True) | Q(congress_on__lte=models.F("valid_from")),
                name="term_congress_before_start",
                violation_error_message="Đại hội phải họp trước hoặc đúng ngày bắt đầu nhiệm kỳ.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> int:
        """R-ORG-06: 30 months for two congresses in five years, 60 for one."""
        return 60 if self.policy == TermPolicy.ONCE_IN_FIVE else 30

    @property
    def due_on(self) -> dt.date:
        """The day the next congress is due: the recorded end, else the policy's length."""
        return self.ends_on or vndates.add_months(self.valid_from, self.months)


class NameBook:
    """Names of many organizations at any date, from one query (no query per row).

    The versions are read as plain values, not model instances: a national run of the
    checks names thousands of commune committees, and building their models was most of
    the time (issue 16)."""

    def __init__(self, org_ids: Iterable[int]):
        self._versions: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
        rows = (
            OrgVersion.objects.filter(organization_id__in=IdList(org_ids))
            .order_by("valid_from")
            .values_list("organization_id", "valid_from", "valid_to", "name")
        )
        for org_id, start, end, name in rows:
            self._versions.setdefault(org_id, []).append((start, end, name))

    def name(self, org_id: int, on: dt.date) -> str:
        """The name on ``on``, else the nearest one (before birth, after death)."""
        versions = self._versions.get(org_id)
        if not versions:
            return f"Tổ chức #{org_id}"
        for start, end, name in versions:
            if start <= on and (end is None or on < end):
                return name
        return versions[0][2] if on < versions[0][0] else versions[-1][2]
