"""People, party life, cell membership, police service and leadership (R-MEM-*, R-POL-*,
R-ORG-04..06, R-TXT-03..09).

What changes over time is kept in validity intervals (``chibo.lib.validity``); what happens
once is a date on ``PartyRecord``. Status, party age and probation end are derived from
those dates and the day asked about, never typed. Changes go through
``chibo.members.operations``.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When

from chibo.lib import vndates, vntext
from chibo.lib.validity import Validity, interval_constraint, valid_on
from chibo.orgs.models import Organization


class Gender(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


def name_matches(text: str, prefix: str = "") -> Q:
    """Q for names containing every word of ``text``, whatever the case, diacritics or tone
    placement (R-TXT-05): "hoa" finds Hòa and Hoà, "nguyen van" finds Nguyễn Văn."""
    query = Q()
    for word in vntext.search_key(text).split():
        query &= Q(**{f"{prefix}search_key__contains": word})
    return query


class PersonQuerySet(models.QuerySet):
    def search(self, text: str):
        return self.filter(name_matches(text))


class Person(models.Model):
    """Anyone the system records: party member, police officer, committee member."""

    ho = models.CharField("họ", max_length=50, blank=True, default="")
    ten_dem = models.CharField("tên đệm", max_length=100, blank=True, default="")
    ten = models.CharField("tên", max_length=50)
    # Keys kept for search and for ordering in SQL; set only by ``set_name``.
    search_key = models.CharField(max_length=220, editable=False, default="")
    sort_key = models.BinaryField(editable=False, default=b"")
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=50, default="Kinh", blank=True)
    home_town = models.CharField("quê quán", max_length=200, blank=True, default="")
    cccd = models.CharField("số CCCD", max_length=12, unique=True, null=True, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True, default="")
    registered_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="đơn vị nhập hồ sơ",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "người"
        verbose_name_plural = "người"
        indexes = [models.Index(fields=["sort_key"], name="person_sort")]
        constraints = [models.CheckConstraint(condition=~Q(ten=""), name="person_has_ten")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return vntext.join_name(self.ho, self.ten_dem, self.ten)

    def set_name(self, ho: str, ten_dem: str, ten: str) -> None:
        """Store the three parts in NFC and refresh the search and sort keys (R-TXT-03..05)."""
        self.ho, self.ten_dem, self.ten = vntext.nfc(ho), vntext.nfc(ten_dem), vntext.nfc(ten)
        self.search_key = vntext.search_key(self.full_name)
        self.sort_key = vntext.name_sort_key(self.ho, self.ten_dem, self.ten)


class EndReason(models.TextChoices):
    """How party membership ends (R-MEM-12..14)."""

    REMOVED = "removed", "Xóa tên"
    EXPELLED = "expelled", "Khai trừ"
    RESIGNED = "resigned", "Cho ra khỏi Đảng"
    DIED = "died", "Từ trần"


class Status(models.TextChoices):
    OFFICIAL = "official", "Chính thức"
    PROBATIONARY = "probationary", "Dự bị"
    NOT_MEMBER = "none", "Chưa là đảng viên"
    ENDED = "ended", "Không còn là đảng viên"


def member_on(on: dt.date, prefix: str = "party__") -> Q:
    """Q for people who are party members on ``on``: admitted and not gone."""
    return Q(**{f"{prefix}ceremony_date__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})
    )


def official_on(on: dt.date, prefix: str = "party__") -> Q:
    return member_on(on, prefix) & Q(**{f"{prefix}official_date__lte": on})


class PartyRecord(models.Model):
    """The dated facts of one person's party life.

    * ``decision_date`` — admission decision; party age counts from it (R-MEM-07);
    * ``ceremony_date`` — admission ceremony; probation runs 12 months from it (R-MEM-04);
    * ``official_date`` — set at recognition, always equal to the end of probation (R-MEM-06);
    * ``ended_on`` / ``end_reason`` — removal, expulsion, leaving, death (R-MEM-12..14).
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="party"
    )
    decision_date = models.DateField("ngày quyết định kết nạp")
    decision_no = models.CharField("số quyết định kết nạp", max_length=50, blank=True, default="")
    ceremony_date = models.DateField("ngày lễ kết nạp")
    official_date = models.DateField("ngày chính thức", null=True, blank=True)
    recognition_decided_on = models.DateField(
        "ngày xét công nhận chính thức", null=True, blank=True
    )
    recognition_decision_no = models.CharField(
        "số quyết định công nhận chính thức", max_length=50, blank=True, default=""
    )
    ended_on = models.DateField("ngày ra khỏi Đảng", null=True, blank=True)
    end_reason = models.CharField("lý do", max_length=16, choices=EndReason.choices, blank=True)
    end_decision_no = models.CharField("số quyết định", max_length=50, blank=True, default="")

    class Meta:
        verbose_name = "hồ sơ đảng viên"
        verbose_name_plural = "hồ sơ đảng viên"
        constraints = [
            models.CheckConstraint(
                condition=Q(ceremony_date__gte=models.F("decision_date")),
                name="party_ceremony_after_decision",
                violation_error_message="Lễ kết nạp không thể trước ngày quyết định kết nạp.",
            ),
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(official_date__gt=models.F("ceremony_date")),
                name="party_official_after_ceremony",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="party_end_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["ceremony_date", "ended_on"], name="party_member_on"),
            # Probationers (no official date yet) are few: found through this index.
            models.Index(fields=["official_date"], name="party_official"),
        ]

    def __str__(self) -> str:
        return f"Hồ sơ đảng viên #{self.pk}"

    @property
    def probation_end(self) -> dt.date:
        """R-MEM-04: 12 months (the rule set's) from the ceremony, not from the decision."""
        from chibo.rules.models import RuleSet

        months = RuleSet.on(self.ceremony_date).probation_months
        return vndates.add_months(self.ceremony_date, months)

    @property
    def recognition_deadline(self) -> dt.date:
        """R-MEM-05: the cell proposes recognition within 30 working days after probation,
        counted on the official working calendar (its days off and make-up days)."""
        from chibo.rules.models import RuleSet, working_calendar

        end = self.probation_end
        days = RuleSet.on(end).recognition_window_days
        return working_calendar().add_working_days(end, days)

    def status_on(self, on: dt.date) -> Status:
        if self.ended_on is not None and self.ended_on <= on:
            return Status.ENDED
        if on < self.ceremony_date:
            return Status.NOT_MEMBER
        if self.official_date is not None and self.official_date <= on:
            return Status.OFFICIAL
        return Status.PROBATIONARY

    def party_age_on(self, on: dt.date) -> int | None:
        """Whole years of party age on ``on`` (R-MEM-07): from the decision, once official."""
        if self.status_on(on) != Status.OFFICIAL:
            return None
        return vndates.age_on(self.decision_date, on)


class Exemption(Validity):
    """Exemption from work and party activity (R-MEM-11); still counted in đảng số (R-ORG-04)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exemptions")
    reason = models.CharField("lý do", max_length=200)

    class Meta:
        verbose_name = "miễn công tác và sinh hoạt"
        verbose_name_plural = "miễn công tác và sinh hoạt"
        constraints = [interval_constraint("exemption_interval")]

    def __str__(self) -> str:
        return f"Miễn sinh hoạt #{self.person_id}"


class MembershipKind(models.TextChoices):
    OFFICIAL = "official", "Sinh hoạt chính thức"
    TEMPORARY = "temporary", "Sinh hoạt tạm thời"


class Reason(models.TextChoices):
    """Why a membership or a police assignment began or ended."""

    INITIAL = "initial", "Nhập hồ sơ"
    ADMISSION = "admission", "Kết nạp"
    TRANSFER = "transfer", "Chuyển sinh hoạt"
    REORGANIZATION = "reorganization", "Sắp xếp tổ chức"
    TEMPORARY_END = "temporary_end", "Hết thời hạn sinh hoạt tạm thời"
    PARTY_END = "party_end", "Ra khỏi Đảng"
    DEATH = "death", "Từ trần"
    SERVICE = "service", "Điều động công tác"


def counted(on: dt.date) -> Q:
    """Q for the memberships in a cell's đảng số on ``on``: official memberships of people who
    are members then.

    Temporary members are outside it (R-MEM-10); exempt members inside (R-ORG-04). A
    member in transit (R-MEM-09) counts in the sending cell until received, by the
    membership the transfer closed, unless ``CHIBO_TRANSIT_COUNTS_IN`` is "none".
    """
    held = valid_on(on)
    if settings.CHIBO_TRANSIT_COUNTS_IN == "sending":
        in_transit = Transfer.objects.pending_on(on).filter(
            person_id=OuterRef("person_id"),
            from_cell_id=OuterRef("cell_id"),
            sent_on=OuterRef("valid_to"),
        )
        held |= Q(valid_to__lte=on, reason_out=Reason.TRANSFER) & Exists(in_transit)
    return held & member_on(on, "party__") & Q(kind=MembershipKind.OFFICIAL)


class PartyJoined:
    """For models with a ``party`` join (a column-less ForeignObject on ``person_id``): the
    join is for queries only, so cleaning never fetches it (a person outside the party has
    no record, and reading the join would raise)."""

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude={*(exclude or ()), "party"})


class MembershipQuerySet(models.QuerySet):
    def on(self, on: dt.date):
        return self.filter(valid_on(on))

    def counted_on(self, on: dt.date):
        """Đảng số of a cell on ``on`` (``counted``)."""
        return self.filter(counted(on))

    def roster(self, on: dt.date):
        """Memberships of members on ``on`` with what a list shows, in one query: rank,
        police post, party post in that cell, exemption, official or not; in the official
        order by Tên, Tên đệm, Họ (R-TXT-03, R-TXT-04)."""
        person = OuterRef("person_id")
        return (
            self.on(on)
            .filter(member_on(on, "party__"))
            .select_related("person", "party")
            .annotate(
                rank=Subquery(
                    RankHolding.objects.filter(valid_on(on), person=person).values("rank")[:1]
                ),
                police_position=Subquery(
                    PoliceService.objects.filter(valid_on(on), person=person).values("position")[:1]
                ),
                party_role=Subquery(
                    Position.objects.filter(
                        valid_on(on), person=person, organization=OuterRef("cell_id")
                    )
                    .order_by(ROLE_RANK)
                    .values("role")[:1]
                ),
                exempt=Exists(Exemption.objects.filter(valid_on(on), person=person)),
                # A Case, not a bare Q: NULL official dates (probationers) must read False.
                is_official=Case(
                    When(party__official_date__lte=on, then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
            )
            .order_by("person__sort_key", "person_id", "kind")
        )


class Membership(PartyJoined, Validity):
    """A person's party activity in a cell over an interval (R-MEM-09, R-MEM-10)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    # The person's party record, joined on person_id directly: filtering through
    # ``person__party__`` joins members_person for nothing (issue 16, EXPLAIN of the counts).
    party = models.ForeignObject(
        PartyRecord,
        on_delete=models.DO_NOTHING,
        from_fields=["person"],
        to_fields=["person"],
        related_name="+",
        null=True,  # no column: a person not (yet) a party member has no record to join
        # A join for queries, never a value of the row: not in forms, clean() or fixtures.
        blank=True,
        editable=False,
        serialize=False,
    )
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", verbose_name="chi bộ"
    )
    kind = models.CharField("hình thức", max_length=16, choices=MembershipKind.choices)
    reason_in = models.CharField("lý do bắt đầu", max_length=20, choices=Reason.choices)
    reason_out = models.CharField(
        "lý do kết thúc", max_length=20, choices=Reason.choices, blank=True, default=""
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "sinh hoạt đảng"
        verbose_name_plural = "sinh hoạt đảng"
        constraints = [interval_constraint("membership_interval")]
        indexes = [
            # With what the đảng số reads of a membership (kind, person, reason_out): the
            # overview's counts read the index, not the table (issue 16).
            models.Index(
                fields=["cell", "valid_from", "valid_to", "kind", "person", "reason_out"],
                name="membership_cell",
            ),
            models.Index(fields=["person", "valid_from"], name="membership_person"),
        ]

    def __str__(self) -> str:
        return f"Sinh hoạt #{self.person_id} tại #{self.cell_id}"


class TransferQuerySet(models.QuerySet):
    def pending_on(self, on: dt.date):
        """Official transfers to a cell in the system, sent by ``on`` and not yet received on
        it: the member is in transit (R-MEM-09)."""
        return self.filter(
            Q(received_on__isnull=True) | Q(received_on__gt=on),
            kind=MembershipKind.OFFICIAL,
            to_cell__isnull=False,
            sent_on__lte=on,
        )


class Transfer(models.Model):
    """Sending a member's party activity to another cell (R-MEM-09, R-MEM-10).

    The sending side records it; the receiving side records the day the member presented
    the letter (``received_on``). Until then the transfer is pending.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField("hình thức", max_length=16, choices=MembershipKind.choices)
    from_cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ chuyển đi"
    )
    to_cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        null=True,
        blank=True,
        verbose_name="chi bộ nhận",
    )
    to_outside = models.CharField("nơi nhận ngoài hệ thống", max_length=200, blank=True, default="")
    sent_on = models.DateField("ngày chuyển đi")
    until = models.DateField("sinh hoạt tạm thời đến ngày", null=True, blank=True)
    received_on = models.DateField("ngày tiếp nhận", null=True, blank=True)
    reason = models.CharField("lý do", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "chuyển sinh hoạt đảng"
        verbose_name_plural = "chuyển sinh hoạt đảng"
        constraints = [
            models.CheckConstraint(
                condition=Q(to_cell__isnull=True) | ~Q(to_cell=models.F("from_cell")),
                name="transfer_not_to_same_cell",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=models.F("sent_on")),
                name="transfer_received_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Chuyển sinh hoạt #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.to_cell_id is not None and self.received_on is None

    @property
    def letter_deadline(self) -> dt.date:
        """R-MEM-09: the letter is presented within 30 working days of sending."""
        from chibo.rules.models import working_calendar

        return self.deadlines(working_calendar())[0]

    @property
    def completion_deadline(self) -> dt.date:
        """R-MEM-09: the whole procedure is completed within 60 working days (last day)."""
        from chibo.rules.models import working_calendar

        return self.deadlines(working_calendar())[1]

    def deadlines(self, calendar) -> tuple[dt.date, dt.date]:
        """(letter, completion) by ``calendar`` (R-MEM-09): a run over many transfers reads
        the calendar once, not twice for each."""
        return (
            calendar.add_working_days(self.sent_on, 30),
            calendar.add_working_days(self.sent_on, 60),
        )

    def state_on(self, on: dt.date) -> str:
        """'received', 'waiting', 'late_letter' or 'late' (past 60 working days) on ``on``."""
        if self.received_on is not None and self.received_on <= on:
            return "received"
        if on > self.completion_deadline:
            return "late"
        if on > self.letter_deadline:
            return "late_letter"
        return "waiting"


class Rank(models.IntegerChoices):
    """CAND ranks, lowest to highest (R-TXT-07); the value is the order."""

    BINH_NHI = 1, "Binh nhì"
    BINH_NHAT = 2, "Binh nhất"
    HA_SI = 3, "Hạ sĩ"
    TRUNG_SI = 4, "Trung sĩ"
    THUONG_SI = 5, "Thượng sĩ"
    THIEU_UY = 6, "Thiếu úy"
    TRUNG_UY = 7, "Trung úy"
    THUONG_UY = 8, "Thượng úy"
    DAI_UY = 9, "Đại úy"
    THIEU_TA = 10, "Thiếu tá"
    TRUNG_TA = 11, "Trung tá"
    THUONG_TA = 12, "Thượng tá"
    DAI_TA = 13, "Đại tá"
    THIEU_TUONG = 14, "Thiếu tướng"
    TRUNG_TUONG = 15, "Trung tướng"
    THUONG_TUONG = 16, "Thượng tướng"
    DAI_TUONG = 17, "Đại tướng"


class PolicePosition(models.TextChoices):
    """Posts in a commune police unit (R-TXT-09)."""

    CHIEF = "chief", "Trưởng Công an xã"
    DEPUTY = "deputy", "Phó Trưởng Công an xã"
    OFFICER = "officer", "Cán bộ, chiến sĩ"


class PoliceService(PartyJoined, Validity):
    """A regular officer's post in the police unit whose party cell is ``cell`` (R-POL-02)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="police_service")
    party = models.ForeignObject(  # as Membership.party: no join through members_person
        PartyRecord,
        on_delete=models.DO_NOTHING,
        from_fields=["person"],
        to_fields=["person"],
        related_name="+",
        null=True,  # no column: a person not (yet) a party member has no record to join
        # A join for queries, never a value of the row: not in forms, clean() or fixtures.
        blank=True,
        editable=False,
        serialize=False,
    )
    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="police_service",
        verbose_name="đơn vị (chi bộ Công an)",
    )
    position = models.CharField("chức vụ", max_length=16, choices=PolicePosition.choices)
    reason_in = models.CharField(
        "lý do", max_length=20, choices=Reason.choices, default=Reason.SERVICE
    )

    class Meta:
        verbose_name = "công tác Công an"
        verbose_name_plural = "công tác Công an"
        constraints = [interval_constraint("police_service_interval")]
        # With the person: whether anyone serves in two cells on a day is read from the
        # index alone (the overview's officer totals, issue 16).
        indexes = [
            models.Index(fields=["cell", "valid_from", "valid_to", "person"], name="police_cell")
        ]

    def __str__(self) -> str:
        return f"Công tác #{self.person_id} tại #{self.cell_id}"


class RankHolding(Validity):
    """A rank held over an interval; a promotion closes one row and opens the next."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ranks")
    rank = models.PositiveSmallIntegerField("cấp bậc hàm", choices=Rank.choices)

    class Meta:
        verbose_name = "cấp bậc hàm"
        verbose_name_plural = "cấp bậc hàm"
        constraints = [interval_constraint("rank_interval")]
        indexes = [models.Index(fields=["person", "valid_from"], name="rank_person")]

    def __str__(self) -> str:
        return self.get_rank_display()


class Role(models.TextChoices):
    """Leadership posts in a cell and in a commune committee (R-ORG-04, R-ORG-05)."""

    SECRETARY = "secretary", "Bí thư"
    DEPUTY = "deputy", "Phó Bí thư"
    CELL_COMMITTEE = "cell_committee", "Chi ủy viên"
    STANDING = "standing", "Ủy viên Ban Thường vụ"
    COMMITTEE = "committee", "Ủy viên Ban Chấp hành"


# The highest post first when a person holds several (Bí thư who is also chi ủy viên).
ROLE_RANK = Case(
    When(role="secretary", then=Value(1)),
    When(role="deputy", then=Value(2)),
    When(role="standing", then=Value(3)),
    When(role="cell_committee", then=Value(4)),
    default=Value(5),
)


class Position(Validity):
    """A leadership post held over an interval, within a term (R-ORG-04..06)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="positions", verbose_name="tổ chức"
    )
    role = models.CharField("chức vụ", max_length=16, choices=Role.choices)
    term = models.CharField("nhiệm kỳ", max_length=20, blank=True, default="")
    appointed = models.BooleanField(
        "do cấp trên chỉ định", default=False, help_text="Không qua bầu cử (R-ORG-05)."
    )
    government_post = models.CharField(
        "chức vụ chính quyền kiêm nhiệm",
        max_length=100,
        blank=True,
        default="",
        help_text="Ví dụ: Chủ tịch UBND xã (F-6).",
    )

    class Meta:
        verbose_name = "chức vụ đảng"
        verbose_name_plural = "chức vụ đảng"
        constraints = [interval_constraint("position_interval")]
        indexes = [
            models.Index(fields=["organization", "valid_from", "valid_to"], name="position_org")
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class MemberAccount(models.Model):
    """The login of one party member (design §1, role ``member``; issue 15 item 4).

    The tie lives here, not on the user: accounts sit below members and know no people. What
    the account may read follows the person's memberships on the date asked about (decided in
    ``chibo.accounts.access``), so a transfer moves it with the member and no grant on a cell
    goes stale. One person has at most one account; one account is one person's.
    """

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="account", verbose_name="đảng viên"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member_account",
        verbose_name="tài khoản",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người tạo",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "tài khoản đảng viên"
        verbose_name_plural = "tài khoản đảng viên"

    def __str__(self) -> str:
        return f"Tài khoản đảng viên #{self.person_id}"
