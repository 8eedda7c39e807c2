"""Demo people, fictional and deterministic (no randomness): the 55 members of the 11 police
cells on 24/5/2023 (article F-3..F-7), carried through the 2024 merger and the 1/7/2025
reorganization, with transfers, admissions, recognitions, and one officer not yet a member.

Every change goes through ``chibo.members.operations``, as a secretary would record it.
"""

import datetime as dt
import itertools

from chibo.demo.structure import CELLS_START, COMMUNES, QUE_TAN_MERGER, REFORM, Tree
from chibo.documents import operations as documents
from chibo.members import operations as ops
from chibo.members.models import Gender, MembershipKind, PolicePosition, Rank, Role
from chibo.members.operations import PersonData

D = dt.date
HO = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Phan",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
]
DEM_NAM = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Ngọc", "Xuân", "Tấn"]
TEN_NAM = [
    "An",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Khánh",
    "Lâm",
    "Long",
    "Lực",
    "Nam",
    "Nhân",
    "Phong",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Vũ",
]
TEN_NU = ["Anh", "Ánh", "Hà", "Hạnh", "Hoà", "Lan", "Linh", "Mai", "Nga", "Thảo", "Trang", "Yến"]

# The 7 cells with a Bí thư and a Phó Bí thư on 24/5/2023 (F-4); the other 4 have a Bí thư.
WITH_DEPUTY = {
    "Tân Bình",
    "Bình Lâm",
    "Hiệp Hòa",
    "Phước Gia",
    "Quế Lưu",
    "Sông Trà",
    "Thăng Phước",
}
# The 3 probationary members on 24/5/2023 (F-3): (cell, decision, ceremony).
PROBATIONERS = [
    ("Bình Sơn", D(2022, 8, 10), D(2022, 9, 2)),
    ("Phước Trà", D(2022, 10, 20), D(2022, 11, 15)),
    ("Quế Thọ", D(2023, 1, 9), D(2023, 2, 3)),
]
COMMITTEE_DEPUTY = "Chủ tịch UBND xã"


class Names:
    """Deterministic fictional names and CCCD numbers."""

    def __init__(self):
        self.counter = itertools.count(1)

    def next(self, *, female: bool = False, born: int) -> PersonData:
        i = next(self.counter)
        ho = HO[(i * 5) % len(HO)]
        if female:
            ten_dem, ten = "Thị", TEN_NU[(i * 7) % len(TEN_NU)]
        else:
            ten_dem, ten = DEM_NAM[(i * 3) % len(DEM_NAM)], TEN_NAM[(i * 7) % len(TEN_NAM)]
        birth = D(born, 1 + (i * 5) % 12, 1 + (i * 11) % 28)
        century = {19: 0, 20: 2}[born // 100] + (1 if female else 0)
        # Fictional: province code 049 (Quảng Nam), then the gender/century digit and the
        # birth year, then a serial that no real registry issued in this form.
        cccd = f"049{century}{born % 100:02d}9{i:05d}"
        return PersonData(
            ho=ho,
            ten_dem=ten_dem,
            ten=ten,
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_date=birth,
            ethnicity="Kinh",
            home_town=f"Quảng Nam, thôn {1 + i % 9}",
            cccd=cccd,
            phone=f"0905{i:06d}",
        )


def _officer(names, cell, place, *, post, rank, born, start, female=False):
    person = ops.add_person(data=names.next(female=female, born=born), registered_by=cell, by=None)
    ops.set_police_service(person=person, on=start, cell=cell, position=post, rank=rank, by=None)
    return person


def build(tree: Tree) -> dict:
    names = Names()
    cells = tree.cells
    people: dict[str, list] = {}
    for index, (unit, place) in enumerate(COMMUNES):
        cell = cells[place]
        start = CELLS_START
        staff = []
        chief = _officer(
            names,
            cell,
            place,
            post=PolicePosition.CHIEF,
            rank=Rank.THIEU_TA,
            born=1978 + index % 6,
            start=start,
        )
        staff.append(chief)
        deputies = 2 if place in WITH_DEPUTY else 1
        for d in range(deputies):
            staff.append(
                _officer(
                    names,
                    cell,
                    place,
                    post=PolicePosition.DEPUTY,
                    rank=Rank.DAI_UY,
                    born=1982 + (index + d) % 7,
                    start=start,
                )
            )
        while len(staff) < 5:
            staff.append(
                _officer(
                    names,
                    cell,
                    place,
                    post=PolicePosition.OFFICER,
                    rank=[Rank.TRUNG_UY, Rank.THIEU_UY, Rank.THUONG_SI][len(staff) % 3],
                    born=1990 + (index + len(staff)) % 8,
                    start=start,
                    female=(index + len(staff)) % 7 == 0,
                )
            )
        probation = next((p for p in PROBATIONERS if p[0] == place), None)
        for n, person in enumerate(staff):
            if probation and person is staff[-1]:
                ops.admit(
                    person=person,
                    cell=cell,
                    decision_date=probation[1],
                    ceremony_date=probation[2],
                    decision_no=f"{20 + index}-QĐ/ĐU",
                    by=None,
                )
                continue
            year = 2004 + (index * 3 + n * 2) % 16
            decision = D(year, 3 + n, 10)
            ops.record_existing_member(
                person=person,
                cell=cell,
                since=start,
                decision_date=decision,
                ceremony_date=decision + dt.timedelta(days=20),
                official=True,
                decision_no=f"{100 + index * 5 + n}-QĐ/HU",
                by=None,
            )
        ops.appoint(
            person=chief,
            organization=cell,
            role=Role.SECRETARY,
            on=start,
            term="2020–2025",
            by=None,
        )
        if place in WITH_DEPUTY:
            ops.appoint(
                person=staff[1],
                organization=cell,
                role=Role.DEPUTY,
                on=start,
                term="2020–2025",
                by=None,
            )
        documents.add_regulation(
            cell=cell,
            number="01-QC/CB",
            title=f"Quy chế làm việc của Chi bộ Công an {unit} {place} nhiệm kỳ 2020–2025",
            issued_on=D(2021, 8, 2 + index),
            by=None,
        )
        _committee_deputy(names, tree.communes[place], D(2020, 10, 1))
        people[place] = staff

    # R-MEM-06: the 2023 probationers become official at the end of probation.
    for place, _decision, _ceremony in PROBATIONERS:
        person = people[place][-1]
        ops.recognize(
            person=person,
            decided_on=person.party.probation_end + dt.timedelta(days=12),
            decision_no="05-QĐ/ĐU",
            by=None,
        )

    # 2024: an official transfer between cells, with both sides recorded.
    mover = people["Bình Lâm"][4]
    ops.transfer(
        person=mover,
        kind=MembershipKind.OFFICIAL,
        on=D(2024, 3, 4),
        to_cell=cells["Quế Lưu"],
        received_on=D(2024, 3, 15),
        reason="Điều động công tác",
        by=None,
    )
    ops.set_police_service(
        person=mover,
        on=D(2024, 3, 4),
        cell=cells["Quế Lưu"],
        position=PolicePosition.OFFICER,
        rank=None,
        by=None,
    )
    # 2024: a new officer of Bình Sơn is admitted, then recognized in 2025.
    recruit = _officer(
        names,
        cells["Bình Sơn"],
        "Bình Sơn",
        post=PolicePosition.OFFICER,
        rank=Rank.HA_SI,
        born=2000,
        start=D(2024, 1, 15),
    )
    ops.admit(
        person=recruit,
        cell=cells["Bình Sơn"],
        decision_date=D(2024, 5, 10),
        ceremony_date=D(2024, 6, 1),
        decision_no="41-QĐ/ĐU",
        by=None,
    )
    ops.recognize(person=recruit, decided_on=D(2025, 6, 10), decision_no="12-QĐ/ĐU", by=None)

    # R-GEO-02: Quế Tân's cell takes the members of Hiệp Thuận and Hiệp Hòa; the merged
    # communes' posts end.
    que_tan = cells["Quế Tân"]
    ops.follow_reorganization(
        sources=[tree.communes["Hiệp Thuận"], tree.communes["Hiệp Hòa"]],
        successor=tree.communes["Quế Tân"],
        on=QUE_TAN_MERGER,
    )
    ops.follow_reorganization(
        sources=[cells["Hiệp Thuận"], cells["Hiệp Hòa"]], successor=que_tan, on=QUE_TAN_MERGER
    )
    ops.appoint(
        person=people["Hiệp Thuận"][0],
        organization=que_tan,
        role=Role.SECRETARY,
        on=QUE_TAN_MERGER,
        term="2024–2025",
        appointed=True,
        by=None,
    )
    ops.appoint(
        person=people["Hiệp Hòa"][0],
        organization=que_tan,
        role=Role.DEPUTY,
        on=QUE_TAN_MERGER,
        term="2024–2025",
        appointed=True,
        by=None,
    )
    ops.set_police_service(
        person=people["Hiệp Hòa"][0],
        on=QUE_TAN_MERGER,
        cell=que_tan,
        position=PolicePosition.DEPUTY,
        rank=None,
        by=None,
    )
    documents.add_regulation(
        cell=que_tan,
        number="01-QC/CB",
        title="Quy chế làm việc của Chi bộ Công an xã Quế Tân",
        issued_on=D(2024, 12, 20),
        by=None,
    )
    _committee_deputy(names, tree.communes["Quế Tân"], QUE_TAN_MERGER)

    # R-GEO-03: 1/7/2025, the three new communes' cells.
    sources = {
        "Hiệp Đức": ["Quế Tân", "Tân Bình", "Quế Lưu"],
        "Việt An": ["Thăng Phước", "Bình Sơn", "Quế Thọ", "Bình Lâm"],
        "Phước Trà": ["Phước Trà", "Sông Trà", "Phước Gia"],
    }
    for new, olds in sources.items():
        cell = cells[f"{new} (2025)"]
        ops.follow_reorganization(sources=[cells[o] for o in olds], successor=cell, on=REFORM)
        ops.follow_reorganization(
            sources=[tree.communes[o] for o in olds],
            successor=tree.communes[f"{new} (2025)"],
            on=REFORM,
        )
        chief = people["Hiệp Thuận" if olds[0] == "Quế Tân" else olds[0]][0]
        deputy = people[olds[1]][0]
        ops.appoint(
            person=chief,
            organization=cell,
            role=Role.SECRETARY,
            on=REFORM,
            term="2025–2030",
            appointed=True,
            by=None,
        )
        ops.appoint(
            person=deputy,
            organization=cell,
            role=Role.DEPUTY,
            on=REFORM,
            term="2025–2030",
            appointed=True,
            by=None,
        )
        for old in olds[1:]:
            ops.set_police_service(
                person=people[old][0],
                on=REFORM,
                cell=cell,
                position=PolicePosition.DEPUTY,
                rank=None,
                by=None,
            )
        _committee_deputy(names, tree.communes[f"{new} (2025)"], REFORM)
    # Xã Hiệp Đức's cell (20 official members) has a chi ủy of 5 (R-ORG-04); Việt An and
    # Phước Trà have not elected one yet, which the overview flags.
    hiep_duc = cells["Hiệp Đức (2025)"]
    for old in ("Tân Bình", "Quế Lưu", "Quế Tân"):
        member = people["Hiệp Thuận" if old == "Quế Tân" else old][1]
        ops.appoint(
            person=member,
            organization=hiep_duc,
            role=Role.CELL_COMMITTEE,
            on=REFORM,
            term="2025–2030",
            appointed=True,
            by=None,
        )
    for cell, number, day in (
        (hiep_duc, "01-QC/CB", D(2025, 8, 15)),
        (cells["Việt An (2025)"], "01-QC/CB", D(2025, 9, 1)),
    ):
        documents.add_regulation(
            cell=cell,
            number=number,
            issued_on=day,
            by=None,
            title=f"Quy chế làm việc của {cell.version_on(day).name} nhiệm kỳ 2025–2030",
        )

    # After the reform: a transfer out of the system, a temporary transfer, an exemption,
    # admissions, and an officer who is not yet a party member (R-POL-02).
    viet_an, phuoc_tra = cells["Việt An (2025)"], cells["Phước Trà (2025)"]
    leaving = people["Bình Sơn"][3]
    ops.transfer(
        person=leaving,
        kind=MembershipKind.OFFICIAL,
        on=D(2025, 10, 6),
        to_outside="Đảng bộ Phòng Cảnh sát hình sự, Công an thành phố Đà Nẵng",
        reason="Điều động về Công an thành phố",
        by=None,
    )
    ops.set_police_service(
        person=leaving, on=D(2025, 10, 6), cell=None, position=None, rank=None, by=None
    )
    trainee = people["Tân Bình"][4]
    ops.transfer(
        person=trainee,
        kind=MembershipKind.TEMPORARY,
        on=D(2026, 2, 2),
        to_cell=phuoc_tra,
        until=D(2026, 6, 1),
        received_on=D(2026, 2, 5),
        reason="Tăng cường công tác 4 tháng",
        by=None,
    )
    ops.exempt(
        person=people["Sông Trà"][3], on=D(2026, 5, 4), reason="Điều trị bệnh dài ngày", by=None
    )
    for cell, day in ((viet_an, D(2025, 11, 20)), (phuoc_tra, D(2026, 4, 2))):
        newcomer = _officer(
            names,
            cell,
            "",
            post=PolicePosition.OFFICER,
            rank=Rank.HA_SI,
            born=2001,
            start=day - dt.timedelta(days=100),
        )
        ops.admit(
            person=newcomer,
            cell=cell,
            decision_date=day - dt.timedelta(days=21),
            ceremony_date=day,
            decision_no="15-QĐ/ĐU",
            by=None,
        )
    _officer(
        names,
        phuoc_tra,
        "",
        post=PolicePosition.OFFICER,
        rank=Rank.HA_SI,
        born=2003,
        start=D(2026, 3, 2),
        female=True,
    )
    return people


def _committee_deputy(names, commune, start) -> None:
    """F-6: the commune committee's Phó Bí thư – Chủ tịch UBND xã, who follows the cell."""
    person = ops.add_person(data=names.next(born=1972), registered_by=commune, by=None)
    ops.appoint(
        person=person,
        organization=commune,
        role=Role.DEPUTY,
        on=start,
        government_post=COMMITTEE_DEPUTY,
        by=None,
    )
