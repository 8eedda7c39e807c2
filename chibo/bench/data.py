"""The benchmark's data set, sized like design §4: 34 provinces, 3,321 communes each with a
police cell, about 120,000 party members who are all regular police officers.

Rows are exactly those ``chibo.orgs.operations.create`` and the workflows of
``chibo.members.operations`` and ``chibo.documents.operations`` would write (a version,
superior links and a "create" event per organization; people named through
``Person.set_name``; party record, membership, police post and rank per member; Bí thư and
Phó Bí thư; a working regulation per cell and term), but inserted with ``bulk_create``: the
one-row operations validate and query row by row, hours at this size.

Five years of monthly meetings, as design §4 plans (9.3 million attendance rows at scale 1.0:
the design's "about 7 million" counts the monthly meetings only, not the thematic ones).

The bench's country is the one after the reform, standing since the start of the 2020–2025
term (1/7/2020): its 3,321 communes, their cells, members, posts and ranks are
backdated to that day so that five years of meetings have cells to be held in and members to
attend them. The real country had 63 provinces and some 10,000 communes then; what the bench
needs is the number of rows per month, and the rule sets change at 1/7/2025 (R-GEO-03) in
the middle of its history as they do in life.

Deterministic: a fixed seed and fixed dates, never the clock, except the meetings, which are
the five years before "today"'s month so that pages viewed today see a working country.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db import connection, migrations, transaction
from django.db.migrations.loader import MigrationLoader

from chibo.accounts.models import Grant, User
from chibo.accounts.models import Role as AccessRole
from chibo.documents.models import WorkingRegulation
from chibo.lib import cccd as cccd_lib
from chibo.lib import vndates, vntext
from chibo.members.models import (
    Gender,
    Membership,
    MembershipKind,
    PartyRecord,
    Person,
    PoliceService,
    Position,
    Rank,
    RankHolding,
    Reason,
    Role,
)
from chibo.members.models import PolicePosition as Post
from chibo.orgs.models import (
    EventKind,
    Kind,
    Organization,
    OrgEvent,
    OrgLink,
    OrgVersion,
    Relation,
)

D = dt.date
# R-GEO-03: the two-level local government and the 34 provinces start on 1/7/2025; the
# police cells of the new communes are set up that day.
REFORM = D(2025, 7, 1)
TERM = "2025–2030"
# The bench's country stands from the start of the previous term (see the module's docstring).
FOUNDED = D(2020, 7, 1)
PREVIOUS_TERM = "2020–2025"
# Design §4: five years of monthly meetings.
YEARS = 5
SEED = 20250701
# Rows per INSERT: big enough to be fast, small enough for SQLite's parameter limit.
BATCH = 500

# The 34 provinces and cities from 12/6/2025 (NQ 202/2025/QH15); public facts.
PROVINCES = [
    ("thành phố", "Hà Nội"),
    ("thành phố", "Huế"),
    ("tỉnh", "Lai Châu"),
    ("tỉnh", "Điện Biên"),
    ("tỉnh", "Sơn La"),
    ("tỉnh", "Lạng Sơn"),
    ("tỉnh", "Quảng Ninh"),
    ("tỉnh", "Thanh Hóa"),
    ("tỉnh", "Nghệ An"),
    ("tỉnh", "Hà Tĩnh"),
    ("tỉnh", "Cao Bằng"),
    ("tỉnh", "Tuyên Quang"),
    ("tỉnh", "Lào Cai"),
    ("tỉnh", "Thái Nguyên"),
    ("tỉnh", "Phú Thọ"),
    ("tỉnh", "Bắc Ninh"),
    ("tỉnh", "Hưng Yên"),
    ("thành phố", "Hải Phòng"),
    ("tỉnh", "Ninh Bình"),
    ("tỉnh", "Quảng Trị"),
    ("thành phố", "Đà Nẵng"),
    ("tỉnh", "Quảng Ngãi"),
    ("tỉnh", "Gia Lai"),
    ("tỉnh", "Khánh Hòa"),
    ("tỉnh", "Lâm Đồng"),
    ("tỉnh", "Đắk Lắk"),
    ("thành phố", "Hồ Chí Minh"),
    ("tỉnh", "Đồng Nai"),
    ("tỉnh", "Tây Ninh"),
    ("thành phố", "Cần Thơ"),
    ("tỉnh", "Vĩnh Long"),
    ("tỉnh", "Đồng Tháp"),
    ("tỉnh", "Cà Mau"),
    ("tỉnh", "An Giang"),
]
# Commune names are made of two of these words, as many real ones are (Tân Phú, Bình An).
PLACE_WORDS = [
    "An",
    "Bình",
    "Phú",
    "Tân",
    "Hòa",
    "Long",
    "Mỹ",
    "Phước",
    "Thạnh",
    "Xuân",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Vĩnh",
    "Hưng",
    "Quang",
    "Thanh",
    "Trung",
    "Hiệp",
    "Quế",
    "Đại",
    "Điện",
    "Duy",
    "Cẩm",
    "Hải",
    "Sơn",
    "Lạc",
    "Yên",
    "Kim",
    "Ngọc",
    "Hồng",
    "Thái",
    "Minh",
    "Đức",
    "Tam",
    "Gia",
    "Lộc",
    "Thuận",
    "Nghĩa",
    "Hương",
    "Cát",
    "Đồng",
    "Thượng",
    "Hạ",
    "Châu",
    "Hà",
    "Lương",
    "Phong",
    "Tiên",
]

# Family names with rough national frequencies (%), so a search for "nguyen van" finds
# about as many people as it would in real data.
HO = {
    "Nguyễn": 38.0,
    "Trần": 11.0,
    "Lê": 9.5,
    "Phạm": 7.1,
    "Hoàng": 3.0,
    "Huỳnh": 2.1,
    "Phan": 4.5,
    "Vũ": 2.5,
    "Võ": 1.4,
    "Đặng": 2.1,
    "Bùi": 2.0,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1.0,
    "Lý": 0.5,
    "Đinh": 0.5,
    "Trương": 0.5,
    "Mai": 0.3,
    "Cao": 0.3,
    "Lương": 0.3,
    "Hà": 0.3,
    "Tạ": 0.2,
    "Lâm": 0.2,
    "Phùng": 0.2,
}
DEM_NAM = {
    "Văn": 30,
    "Đức": 8,
    "Minh": 8,
    "Hữu": 6,
    "Quốc": 6,
    "Thanh": 5,
    "Công": 5,
    "Xuân": 4,
    "Ngọc": 4,
    "Tiến": 3,
    "Mạnh": 3,
    "Hoàng": 3,
    "Duy": 3,
    "Trung": 3,
    "Quang": 3,
    "Đình": 3,
    "Anh": 2,
    "Tuấn": 2,
}
TEN_NAM = [
    "An",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Định",
    "Giang",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Kiên",
    "Lâm",
    "Linh",
    "Long",
    "Lực",
    "Mạnh",
    "Nam",
    "Nghĩa",
    "Nhân",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Tâm",
    "Thắng",
    "Thành",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tú",
    "Tuấn",
    "Việt",
    "Vinh",
    "Vũ",
]
DEM_NU = {
    "Thị": 50,
    "Thu": 8,
    "Ngọc": 8,
    "Thanh": 6,
    "Phương": 5,
    "Minh": 5,
    "Hồng": 5,
    "Kim": 4,
    "Mỹ": 4,
    "Bích": 3,
}
TEN_NU = [
    "Anh",
    "Ánh",
    "Chi",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hoà",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngân",
]
ETHNICITIES = {
    "Kinh": 88,
    "Tày": 2,
    "Thái": 2,
    "Mường": 2,
    "Khmer": 2,
    "Hoa": 1,
    "Nùng": 1,
    "H'Mông": 1,
    "Dao": 1,
}
FEMALE_SHARE = 0.10
PROBATIONARY_SHARE = 0.04
# Posts in a cell: Trưởng and two Phó Trưởng Công an xã, the rest cán bộ, chiến sĩ.
DEPUTIES = 2

SUPERUSER, BOARD, SECRETARY = "bench.quantri", "bench.bantochuc", "bench.bithu"


@dataclass(frozen=True)
class Sizes:
    provinces: int = 34
    communes: int = 3321
    members: int = 120_000

    @classmethod
    def at_scale(cls, scale: float) -> "Sizes":
        """Design §4 times ``scale``; every cell keeps at least a chief and two deputies."""
        full = cls()
        communes = max(1, round(full.communes * scale))
        return cls(
            provinces=min(full.provinces, communes),
            communes=communes,
            members=max(round(full.members * scale), communes * (1 + DEPUTIES)),
        )


@dataclass(frozen=True)
class Dataset:
    """The users the benchmark logs in as, and what the scoped ones see."""

    superuser_id: int
    board_id: int
    secretary_id: int
    province_id: int
    cell_id: int


@dataclass
class _Cell:
    org_id: int
    province_index: int
    name: str
    size: int


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _province_attrs(unit: str, name: str) -> dict:
    title = "Thành ủy" if unit == "thành phố" else "Tỉnh ủy"
    return {
        "kind": Kind.PROVINCE,
        "name": f"{title} {name}",
        "party_name": f"Đảng bộ {unit} {name}",
        "issuer_code": "TU",
        "place_name": name,
    }


def _police_committee_attrs(unit: str, name: str) -> dict:
    return {
        "kind": Kind.POLICE_COMMITTEE,
        "name": f"Đảng ủy Công an {unit} {name}",
        "party_name": f"Đảng bộ Công an {unit} {name}",
        "issuer_code": "ĐU",
        "place_name": name,
    }


def _commune_attrs(unit: str, place: str) -> dict:
    return {
        "kind": Kind.GRASSROOTS_COMMITTEE,
        "name": f"Đảng ủy {unit} {place}",
        "party_name": f"Đảng bộ {unit} {place}",
        "issuer_code": "ĐU",
        "place_name": place,
    }


def _cell_attrs(unit: str, place: str) -> dict:
    name = f"Chi bộ Công an {unit} {place}"
    return {
        "kind": Kind.SUBORDINATE_CELL,
        "name": name,
        "party_name": name,
        "issuer_code": "CB",
        "place_name": place,
    }


def _commune_name(index: int) -> tuple[str, str]:
    """(unit, place) for the ``index``-th commune: about one in five is a ward (phường)."""
    words = len(PLACE_WORDS)
    # A stride coprime with the number of word pairs walks through all of them before
    # repeating, so neighbouring communes get unrelated names.
    pair = (index * 37) % (words * words)
    first, second = PLACE_WORDS[pair // words], PLACE_WORDS[pair % words]
    if first == second:
        second = PLACE_WORDS[(pair + 1) % words]
    return ("phường" if index % 5 == 0 else "xã"), f"{first} {second}"


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal whole numbers, the larger ones first."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _create_orgs(specs: list[tuple[bool, dict]]) -> list[Organization]:
    """Organizations with their first version and their "create" event, as
    ``operations.create`` records them; links are added by the caller."""
    orgs = Organization.objects.bulk_create(
        [Organization(is_police=police) for police, _attrs in specs], batch_size=BATCH
    )
    OrgVersion.objects.bulk_create(
        [
            OrgVersion(organization=org, valid_from=FOUNDED, **attrs)
            for org, (_police, attrs) in zip(orgs, specs, strict=True)
        ],
        batch_size=BATCH,
    )
    events = OrgEvent.objects.bulk_create(
        [
            OrgEvent(
                kind=EventKind.CREATE, on=FOUNDED, by=None, summary=f"Thành lập {attrs['name']}"
            )
            for _police, attrs in specs
        ],
        batch_size=BATCH,
    )
    subject = OrgEvent.subjects.through
    subject.objects.bulk_create(
        [
            subject(orgevent_id=event.pk, organization_id=org.pk)
            for event, org in zip(events, orgs, strict=True)
        ],
        batch_size=BATCH,
    )
    return orgs


def _link(child: Organization, parent: Organization, relation: str) -> OrgLink:
    return OrgLink(child=child, parent=parent, relation=relation, valid_from=FOUNDED)


def _build_tree(sizes: Sizes) -> tuple[list[Organization], list[_Cell]]:
    """Provinces, their police committees, communes under provinces and one police cell
    per commune: under the commune territorially and the police committee by sector."""
    provinces = [
        PROVINCES[i] if i < len(PROVINCES) else ("tỉnh", f"Tỉnh số {i + 1}")
        for i in range(sizes.provinces)
    ]
    tops = _create_orgs(
        [(False, _province_attrs(unit, name)) for unit, name in provinces]
        + [(True, _police_committee_attrs(unit, name)) for unit, name in provinces]
    )
    province_orgs, police_orgs = tops[: len(provinces)], tops[len(provinces) :]
    links = [
        _link(police, province, Relation.TERRITORIAL)
        for police, province in zip(police_orgs, province_orgs, strict=True)
    ]
    # Communes are entered province by province, so each province's ids are contiguous.
    owner = [
        p for p, count in enumerate(_spread(sizes.communes, sizes.provinces)) for _ in range(count)
    ]
    names = [_commune_name(i) for i in range(sizes.communes)]
    communes = _create_orgs([(False, _commune_attrs(unit, place)) for unit, place in names])
    cells = _create_orgs([(True, _cell_attrs(unit, place)) for unit, place in names])
    for index, (commune, cell) in enumerate(zip(communes, cells, strict=True)):
        links.append(_link(commune, province_orgs[owner[index]], Relation.TERRITORIAL))
        links.append(_link(cell, commune, Relation.TERRITORIAL))
        links.append(_link(cell, police_orgs[owner[index]], Relation.SECTOR))
    OrgLink.objects.bulk_create(links, batch_size=BATCH)
    sizes_per_cell = _spread(sizes.members, sizes.communes)
    cell_rows = [
        _Cell(cell.pk, owner[i], _cell_attrs(*names[i])["name"], sizes_per_cell[i])
        for i, cell in enumerate(cells)
    ]
    return province_orgs, cell_rows


class _People:
    """Deterministic people, their party life and police service, one cell at a time."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0
        self.codes = sorted(cccd_lib.PROVINCE_CODES)

    def person(self, cell: _Cell, born: int) -> Person:
        rng = self.rng
        self.serial += 1
        female = rng.random() < FEMALE_SHARE
        if female:
            ten_dem, ten = _weighted(rng, DEM_NU), rng.choice(TEN_NU)
        else:
            ten_dem, ten = _weighted(rng, DEM_NAM), rng.choice(TEN_NAM)
        birth = D(born, rng.randint(1, 12), rng.randint(1, 28))
        person = Person(
            registered_by_id=cell.org_id,
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_date=birth,
            ethnicity=vntext.nfc(_weighted(rng, ETHNICITIES)),
            home_town=vntext.nfc(PROVINCES[cell.province_index % len(PROVINCES)][1]),
            cccd=self.cccd(birth, female),
            phone=f"09{self.serial:08d}",
        )
        person.set_name(_weighted(rng, HO), ten_dem, ten)
        return person

    def cccd(self, birth: dt.date, female: bool) -> str | None:
        """Fictional but well-formed (valid province code, gender and century digit, year);
        the serial makes it unique. Beyond a million people the field stays empty."""
        if self.serial >= 1_000_000:
            return None
        code = self.codes[self.serial % len(self.codes)]
        century = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        return cccd_lib.normalize(f"{code}{century}{birth.year % 100:02d}{self.serial:06d}")

    def existing_record(self, person: Person, number: int) -> tuple[PartyRecord, Membership]:
        """``record_existing_member``: admitted years ago, official before the bench's country
        was founded, a member of its cell from then on."""
        born = person.birth_date.year
        decision = D(
            min(FOUNDED.year - 2, born + self.rng.randint(20, 30)),
            self.rng.randint(1, 6),
            self.rng.randint(1, 28),
        )
        ceremony = decision + dt.timedelta(days=self.rng.randint(10, 40))
        record = PartyRecord(
            person=person,
            decision_date=decision,
            decision_no=vntext.nfc(f"{number}-QĐ/HU"),
            ceremony_date=ceremony,
            official_date=vndates.add_months(ceremony, 12),
        )
        membership = Membership(
            person=person,
            cell_id=person.registered_by_id,
            kind=MembershipKind.OFFICIAL,
            valid_from=FOUNDED,
            reason_in=Reason.INITIAL,
        )
        return record, membership

    def admitted_record(self, person: Person, number: int) -> tuple[PartyRecord, Membership]:
        """``admit``: admitted after the reform, still probationary (no recognition yet)."""
        decision = D(2025, 11, 1) + dt.timedelta(days=self.rng.randint(0, 200))
        ceremony = decision + dt.timedelta(days=self.rng.randint(10, 30))
        record = PartyRecord(
            person=person,
            decision_date=decision,
            decision_no=vntext.nfc(f"{number}-QĐ/ĐU"),
            ceremony_date=ceremony,
        )
        membership = Membership(
            person=person,
            cell_id=person.registered_by_id,
            kind=MembershipKind.OFFICIAL,
            valid_from=ceremony,
            reason_in=Reason.ADMISSION,
        )
        return record, membership


def _staff(rng: random.Random, index: int) -> tuple[str, int, int, bool]:
    """(police post, rank, year of birth, probationary) of the ``index``-th officer."""
    if index == 0:
        return (
            Post.CHIEF,
            rng.choice([Rank.THIEU_TA, Rank.TRUNG_TA]),
            rng.randint(1972, 1985),
            False,
        )
    if index <= DEPUTIES:
        return Post.DEPUTY, rng.choice([Rank.DAI_UY, Rank.THIEU_TA]), rng.randint(1978, 1990), False
    if rng.random() < PROBATIONARY_SHARE:
        rank = rng.choice([Rank.HA_SI, Rank.TRUNG_SI, Rank.THUONG_SI])
        return Post.OFFICER, rank, rng.randint(1998, 2004), True
    rank = rng.choice(
        [Rank.TRUNG_SI, Rank.THUONG_SI, Rank.THIEU_UY, Rank.TRUNG_UY, Rank.THUONG_UY, Rank.DAI_UY]
    )
    # Born by 2000: admitted by 2018 at 18 or older, official before the founding.
    return Post.OFFICER, rank, rng.randint(1983, 2000), False


def _build_people(cells: list[_Cell], rng: random.Random, log: Callable[[str], None]) -> None:
    """Members, one province at a time so memory stays small whatever the size."""
    people = _People(rng)
    by_province: dict[int, list[_Cell]] = {}
    for cell in cells:
        by_province.setdefault(cell.province_index, []).append(cell)
    done = 0
    for province_cells in by_province.values():
        staff = []
        for cell in province_cells:
            for index in range(cell.size):
                post, rank, born, probationary = _staff(rng, index)
                staff.append((cell, index, post, rank, probationary, people.person(cell, born)))
        Person.objects.bulk_create([row[-1] for row in staff], batch_size=BATCH)
        records, memberships, services, ranks, positions = [], [], [], [], []
        for n, (cell, index, post, rank, probationary, person) in enumerate(staff, done):
            number = 1 + n % 900  # decision numbers restart each term; any small number
            make = people.admitted_record if probationary else people.existing_record
            record, membership = make(person, number)
            records.append(record)
            memberships.append(membership)
            # ``set_police_service``: post in the cell's unit and rank, from the founding; the
            # young probationary officers (born from 1998) joined at the reform.
            since = REFORM if probationary else FOUNDED
            services.append(
                PoliceService(person=person, cell_id=cell.org_id, position=post, valid_from=since)
            )
            ranks.append(RankHolding(person=person, rank=rank, valid_from=since))
            # ``appoint``: the chief is Bí thư and the first deputy Phó Bí thư, elected for
            # the previous term and again for this one.
            role = {0: Role.SECRETARY, 1: Role.DEPUTY}.get(index)
            if role is not None:
                positions += [
                    Position(
                        person=person,
                        organization_id=cell.org_id,
                        role=role,
                        valid_from=start,
                        valid_to=end,
                        term=term,
                        appointed=True,
                    )
                    for start, end, term in ((FOUNDED, REFORM, PREVIOUS_TERM), (REFORM, None, TERM))
                ]
        for model, rows in (
            (PartyRecord, records),
            (Membership, memberships),
            (PoliceService, services),
            (RankHolding, ranks),
            (Position, positions),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
        done += len(staff)
        log(f"  {done:>7} đảng viên")
    # ``add_regulation``: each cell issued its working regulation soon after the start of
    # each term, the new one replacing the old (made first, so the old can point to it).
    replaced_by = None
    for start, term in ((REFORM, TERM), (FOUNDED, PREVIOUS_TERM)):
        replaced_by = WorkingRegulation.objects.bulk_create(
            [
                WorkingRegulation(
                    cell_id=cell.org_id,
                    number="01-QC/CB",
                    title=vntext.nfc(f"Quy chế làm việc của {cell.name} nhiệm kỳ {term}"),
                    issued_on=start + dt.timedelta(days=14 + i % 60),
                    replaced_by=replaced_by[i] if replaced_by else None,
                )
                for i, cell in enumerate(cells)
            ],
            batch_size=BATCH,
        )


def _user(username: str, full_name: str, *, superuser: bool = False) -> User:
    user = User(username=username, full_name=full_name, is_staff=superuser, is_superuser=superuser)
    user.set_unusable_password()  # the benchmark logs in with force_login only
    user.save()
    return user


def _build_users(province: Organization, cell: _Cell) -> Dataset:
    superuser = _user(SUPERUSER, "Quản trị (đo hiệu năng)", superuser=True)
    board = _user(BOARD, "Ban Tổ chức tỉnh (đo hiệu năng)")
    secretary = _user(SECRETARY, "Bí thư chi bộ (đo hiệu năng)")
    Grant.objects.create(
        user=board, role=AccessRole.BOARD, organization=province, valid_from=FOUNDED
    )
    Grant.objects.create(
        user=secretary, role=AccessRole.SECRETARY, organization_id=cell.org_id, valid_from=FOUNDED
    )
    return Dataset(
        superuser_id=superuser.pk,
        board_id=board.pk,
        secretary_id=secretary.pk,
        province_id=province.pk,
        cell_id=cell.org_id,
    )


# Attendance (R-MTG-05): most members come; the rest are late, excused, on special duty or,
# rarely, absent without reason, so the absence checks have real rows to read at scale.
PRESENCE_SHARES = {
    "present": 0.90,
    "late": 0.03,
    "excused": 0.04,
    "special_duty": 0.02,
    "unexcused": 0.01,
}
EXCUSES = ["Đi công tác", "Ốm", "Trực ban", "Việc gia đình"]
# Cells per round of meetings and attendance: bounds memory whatever the scale.
CELLS_PER_ROUND = 100
# One cell in this many skips one month's regular meeting (R-MTG-01), so the missed-meeting
# check has findings to compare with the bench's hand-written SQL.
MISSED_EVERY = 40
MISSED_OFFSET = 7


def _meeting_days(today: dt.date) -> list[tuple[str, dt.date]]:
    """(kind, day) of each cell's meetings over the ``YEARS`` years before ``today``'s month
    (never before the bench's country was founded)."""
    from chibo.meetings.models import Kind

    this_month = dt.date(today.year, today.month, 1)
    first = max(FOUNDED, vndates.add_months(this_month, -12 * YEARS))
    days = []
    for months in range(vndates.months_between(first, this_month)):
        month = vndates.add_months(first, months)
        days.append((Kind.REGULAR, month.replace(day=5)))
        if month.month % 3 == 2:
            days.append((Kind.THEMATIC, month.replace(day=20)))
    return days


class _AttendanceWriter:
    """Attendance rows written as they are made: COPY on PostgreSQL (psycopg's copy, the
    fastest way in), batched ``executemany`` elsewhere; never more than a batch in memory."""

    COLUMNS = ("meeting_id", "person_id", "status", "reason")

    def __init__(self):
        from chibo.meetings.models import Attendance

        self.table = connection.ops.quote_name(Attendance._meta.db_table)
        self.rows: list[tuple[int, int, str, str]] = []
        self.count = 0

    def add(self, meeting_id: int, person_id: int, status: str, reason: str) -> None:
        self.rows.append((meeting_id, person_id, status, reason))
        if len(self.rows) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(self.COLUMNS)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"
                for at in range(0, len(self.rows), BATCH * 4):
                    cursor.executemany(sql, self.rows[at : at + BATCH * 4])
        self.count += len(self.rows)
        self.rows.clear()


def build_meetings(
    cell_ids: list[int],
    log: Callable[[str], None],
    *,
    seed: int = SEED,
    today: dt.date | None = None,
) -> tuple[int, int]:
    """Five years (``YEARS``) of meetings of every cell, held, each with the attendance of
    every member of the cell on its day: a regular meeting each month on the 5th and a
    thematic one in each quarter's middle month, so the alerts are those of a working
    country, not thousands of "no meeting" findings. A hundred cells at a time, so memory
    stays flat at any scale. Returns (meetings, attendance rows)."""
    from chibo.meetings.models import Kind, Meeting, Stage

    rng = random.Random(seed + 1)
    statuses, weights = list(PRESENCE_SHARES), list(PRESENCE_SHARES.values())
    days = _meeting_days(today or dt.date.today())
    writer = _AttendanceWriter()
    meetings = 0
    for at in range(0, len(cell_ids), CELLS_PER_ROUND):
        chunk = cell_ids[at : at + CELLS_PER_ROUND]
        rows = [
            Meeting(
                cell_id=cell_id,
                kind=kind,
                stage=Stage.CLOSED,
                planned_date=held,
                date=held,
                start_time=dt.time(14),
                end_time=dt.time(16),
                topic="Chuyên đề" if kind == Kind.THEMATIC else "",
                superior_present=True,
            )
            for index, cell_id in enumerate(chunk, at)
            for kind, held in days
            if not (
                index % MISSED_EVERY == MISSED_OFFSET % MISSED_EVERY
                and kind == Kind.REGULAR
                and held.month == index % 12 + 1
            )
        ]
        Meeting.objects.bulk_create(rows, batch_size=BATCH)
        meetings += len(rows)
        # Who sits in each cell and since when (a member admitted after the reform joins
        # the meetings held from the ceremony on).
        members: dict[int, list[tuple[int, dt.date]]] = {}
        for cell_id, person_id, since in (
            Membership.objects.filter(cell_id__in=chunk)
            .order_by("cell_id", "person_id")
            .values_list("cell_id", "person_id", "valid_from")
        ):
            members.setdefault(cell_id, []).append((person_id, since))
        for meeting in rows:
            for person_id, since in members.get(meeting.cell_id, []):
                if since > meeting.date:
                    continue
                status = rng.choices(statuses, weights)[0]
                reason = rng.choice(EXCUSES) if status == "excused" else ""
                writer.add(meeting.pk, person_id, status, reason)
        if (at // CELLS_PER_ROUND) % 10 == 9 or at + CELLS_PER_ROUND >= len(cell_ids):
            writer.flush()
            log(f"  {meetings:>7} buổi sinh hoạt, {writer.count:>9} dòng điểm danh")
    writer.flush()
    return meetings, writer.count


# The rows the data migrations write, which every installation has: the rule sets by date,
# the official working calendar, the meeting rubrics. ``flush`` empties them with the rest;
# without them the checks run under the defaults (``RuleSet.on``: one rule set for every
# date, no rubric, no calendar), which no installation does.
REFERENCE = (
    ("rules", "0002_regimes"),
    ("rules", "0004_calendar_2021_2027"),
    ("rules", "0006_regimes_232_hd42"),
    ("meetings", "0002_default_rubrics"),
)


def restore_reference() -> bool:
    """Write again what the data migrations of ``REFERENCE`` wrote, when none of it is there:
    after ``flush``, or in a data set generated before it was kept. True when it wrote.

    Their functions run on today's models, not on the models as they stood at each
    migration (as ``migrate`` runs them): the tables have the columns added since, which
    those models lack. The fields added since take their defaults, as ``migrate`` gave them
    (test: the rows written are the rows ``migrate`` wrote)."""
    from chibo.meetings.models import Rubric
    from chibo.rules.models import CalendarYear, RuleSet

    if RuleSet.objects.exists() or Rubric.objects.exists() or CalendarYear.objects.exists():
        return False
    graph = MigrationLoader(connection, load=True).graph
    with transaction.atomic():
        for key in REFERENCE:
            for operation in graph.nodes[key].operations:
                if isinstance(operation, migrations.RunPython):
                    operation.code(django_apps, None)  # none of them uses the schema editor
    return True


def generate(
    sizes: Sizes,
    *,
    seed: int = SEED,
    log: Callable[[str], None] = print,
    today: dt.date | None = None,
) -> Dataset:
    """Write the whole data set in one transaction into an empty database."""
    rng = random.Random(seed)
    with transaction.atomic():
        provinces, cells = _build_tree(sizes)
        log(f"  {len(provinces)} tỉnh, {len(cells)} xã, {len(cells)} chi bộ Công an")
        _build_people(cells, rng, log)
        build_meetings([c.org_id for c in cells], log, seed=seed, today=today)
        first_cell = next(c for c in cells if c.province_index == 0)
        return _build_users(provinces[0], first_cell)


def find() -> Dataset | None:
    """The data set already in the database, if the benchmark generated one."""
    users = {u.username: u for u in User.objects.filter(username__in=[SUPERUSER, BOARD, SECRETARY])}
    if len(users) != 3:
        return None
    board = Grant.objects.filter(user=users[BOARD]).first()
    secretary = Grant.objects.filter(user=users[SECRETARY]).first()
    if board is None or secretary is None:
        return None
    return Dataset(
        superuser_id=users[SUPERUSER].pk,
        board_id=users[BOARD].pk,
        secretary_id=users[SECRETARY].pk,
        province_id=board.organization_id,
        cell_id=secretary.organization_id,
    )


def is_foreign() -> bool:
    """True when the database holds data that the benchmark did not write: never wipe it."""
    return find() is None and (
        Organization.objects.exists() or Person.objects.exists() or User.objects.exists()
    )


def _counted():
    from chibo.meetings.models import Attendance, Meeting

    return [*COUNTED, Meeting, Attendance]


COUNTED = [
    Organization,
    OrgVersion,
    OrgLink,
    OrgEvent,
    Person,
    PartyRecord,
    Membership,
    PoliceService,
    RankHolding,
    Position,
    WorkingRegulation,
    User,
    Grant,
]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in _counted()}
