"""The demo's organization tree: the real structure of Hiệp Đức (R-GEO-01..03), built only
through ``chibo.orgs.operations`` so its history is what a user would have recorded.

Fictional people only live elsewhere; this module holds public facts about organizations.
"""

import datetime as dt
from dataclasses import dataclass

from chibo.orgs import operations
from chibo.orgs.models import Kind, Organization
from chibo.orgs.operations import Attrs

D = dt.date
PROVINCE_START = D(1997, 1, 1)  # Quảng Nam and Đà Nẵng re-established
TAN_BINH_START = D(2020, 2, 1)  # thị trấn Tân Bình = Tân An + Quế Bình (R-GEO-01)
CELLS_START = D(2021, 7, 1)  # cells set up under CV 273-CV/BTCTW of 5/4/2021 (R-POL-01)
# R-GEO-02 [?]: NQ 1241/NQ-UBTVQH15; the exact effective date is unconfirmed (about 12/2024).
QUE_TAN_MERGER = D(2024, 12, 1)
# R-POL-06 [S]: district police and their party organizations end (KL 121-KL/TW), about 3/2025.
DISTRICT_POLICE_END = D(2025, 3, 1)
REFORM = D(2025, 7, 1)  # R-GEO-03, R-ORG-11: no district level; Quảng Nam joins Đà Nẵng

# The 11 commune-level units of Hiệp Đức in 2020–2024 (R-GEO-01): (kind of unit, name).
COMMUNES = [
    ("thị trấn", "Tân Bình"),
    ("xã", "Bình Lâm"),
    ("xã", "Bình Sơn"),
    ("xã", "Hiệp Hòa"),
    ("xã", "Hiệp Thuận"),
    ("xã", "Phước Gia"),
    ("xã", "Phước Trà"),
    ("xã", "Quế Lưu"),
    ("xã", "Quế Thọ"),
    ("xã", "Sông Trà"),
    ("xã", "Thăng Phước"),
]
# R-GEO-03: the three communes of 1/7/2025 and what each was formed from.
NEW_COMMUNES = {
    "Hiệp Đức": ["Quế Tân", "Tân Bình", "Quế Lưu"],
    "Việt An": ["Thăng Phước", "Bình Sơn", "Quế Thọ", "Bình Lâm"],
    "Phước Trà": ["Phước Trà", "Sông Trà", "Phước Gia"],
}


@dataclass
class Tree:
    province: Organization
    city: Organization
    district: Organization
    province_police: Organization
    city_police: Organization
    district_police: Organization
    communes: dict[str, Organization]  # by place name, as of their own time
    cells: dict[str, Organization]


def committee(unit: str, place: str) -> Attrs:
    return Attrs(
        kind=Kind.GRASSROOTS_COMMITTEE,
        name=f"Đảng ủy {unit} {place}",
        party_name=f"Đảng bộ {unit} {place}",
        issuer_code="ĐU",
        place_name=place,
    )


def police_cell(unit: str, place: str, kind: str = Kind.SUBORDINATE_CELL) -> Attrs:
    return Attrs(
        kind=kind,
        name=f"Chi bộ Công an {unit} {place}",
        party_name=f"Chi bộ Công an {unit} {place}",
        issuer_code="CB",
        place_name=place,
    )


def build(by=None) -> Tree:
    """Found the 1997–2021 structure, then record the reorganizations of 2024 and 2025."""
    create = operations.create
    province = create(
        attrs=Attrs(Kind.PROVINCE, "Tỉnh ủy Quảng Nam", "Đảng bộ tỉnh Quảng Nam", "TU", "Tam Kỳ"),
        on=PROVINCE_START,
        by=by,
    )
    city = create(
        attrs=Attrs(
            Kind.PROVINCE, "Thành ủy Đà Nẵng", "Đảng bộ thành phố Đà Nẵng", "TU", "Đà Nẵng"
        ),
        on=PROVINCE_START,
        by=by,
    )
    province_police = create(
        attrs=Attrs(
            Kind.POLICE_COMMITTEE,
            "Đảng ủy Công an tỉnh Quảng Nam",
            "Đảng bộ Công an tỉnh Quảng Nam",
            "ĐU",
            "Tam Kỳ",
        ),
        on=PROVINCE_START,
        by=by,
        parent=province,
        is_police=True,
    )
    city_police = create(
        attrs=Attrs(
            Kind.POLICE_COMMITTEE,
            "Đảng ủy Công an thành phố Đà Nẵng",
            "Đảng bộ Công an thành phố Đà Nẵng",
            "ĐU",
            "Đà Nẵng",
        ),
        on=PROVINCE_START,
        by=by,
        parent=city,
        is_police=True,
    )
    district = create(
        attrs=Attrs(Kind.DISTRICT, "Huyện ủy Hiệp Đức", "Đảng bộ huyện Hiệp Đức", "HU", "Hiệp Đức"),
        on=PROVINCE_START,
        by=by,
        parent=province,
    )
    district_police = create(
        attrs=Attrs(
            Kind.POLICE_COMMITTEE,
            "Đảng ủy Công an huyện Hiệp Đức",
            "Đảng bộ Công an huyện Hiệp Đức",
            "ĐU",
            "Hiệp Đức",
        ),
        on=PROVINCE_START,
        by=by,
        parent=district,
        sector_superior=province_police,
        is_police=True,
    )
    communes, cells = {}, {}
    for unit, place in COMMUNES:
        start = TAN_BINH_START if place == "Tân Bình" else PROVINCE_START
        communes[place] = create(attrs=committee(unit, place), on=start, by=by, parent=district)
        cells[place] = create(
            attrs=police_cell(unit, place),
            on=CELLS_START,
            by=by,
            parent=communes[place],
            sector_superior=district_police,
            is_police=True,
            decision="Công văn 273-CV/BTCTW ngày 5/4/2021",
        )

    # R-GEO-02: Hiệp Thuận and Hiệp Hòa form xã Quế Tân; their police cells merge too.
    decision = "Nghị quyết 1241/NQ-UBTVQH15"
    communes["Quế Tân"] = operations.merge(
        sources=[communes["Hiệp Thuận"], communes["Hiệp Hòa"]],
        new=committee("xã", "Quế Tân"),
        on=QUE_TAN_MERGER,
        by=by,
        decision=decision,
    )
    cells["Quế Tân"] = operations.merge(
        sources=[cells["Hiệp Thuận"], cells["Hiệp Hòa"]],
        new=police_cell("xã", "Quế Tân"),
        on=QUE_TAN_MERGER,
        by=by,
        decision=decision,
    )

    # R-POL-06: the district police party committee ends; cells answer to the province's.
    for place, cell in cells.items():
        if place not in {"Hiệp Thuận", "Hiệp Hòa"}:
            operations.move(
                org=cell,
                on=DISTRICT_POLICE_END,
                by=by,
                parent=province_police,
                relation="sector",
                decision="Kết luận 121-KL/TW ngày 24/1/2025",
            )
    operations.dissolve(
        org=district_police, on=DISTRICT_POLICE_END, by=by, decision="Kết luận 121-KL/TW"
    )

    # R-GEO-03 / R-ORG-11 / R-POL-08: 1/7/2025.
    decision = "Nghị quyết 202/2025/QH15; Nghị quyết 1659/NQ-UBTVQH15"
    operations.merge(
        sources=[province_police], into=city_police, on=REFORM, by=by, decision=decision
    )
    for place, formed_from in NEW_COMMUNES.items():
        communes[place + " (2025)"] = operations.merge(
            sources=[communes[p] for p in formed_from],
            new=committee("xã", place),
            parent=city,
            on=REFORM,
            by=by,
            decision=decision,
        )
        cells[place + " (2025)"] = operations.merge(
            sources=[cells[p] for p in formed_from],
            new=police_cell("xã", place, Kind.GRASSROOTS_CELL),
            on=REFORM,
            by=by,
            decision=decision,
        )
    operations.dissolve(org=district, on=REFORM, by=by, decision=decision)
    operations.merge(sources=[province], into=city, on=REFORM, by=by, decision=decision)
    return Tree(
        province=province,
        city=city,
        district=district,
        province_police=province_police,
        city_police=city_police,
        district_police=district_police,
        communes=communes,
        cells=cells,
    )
