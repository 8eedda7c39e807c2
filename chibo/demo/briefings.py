"""Demo: the conference of 24/5/2023 (article F-1..F-9) with 11 cell reports, a handful of
recommendations (some answered, one overdue), the conclusions the article lists as tasks, and
the two papers issued. People are fictional; the chair is not the article's official."""

import datetime as dt

from chibo.briefings import operations as ops
from chibo.briefings.models import Category, PaperKind, RecStatus
from chibo.demo.structure import Tree
from chibo.members import operations as members
from chibo.members.models import Role
from chibo.orgs.models import Term

D = dt.date
DAY = D(2023, 5, 24)
TITLE = "loại hình tổ chức đảng trong đơn vị Công an chính quy các xã, thị trấn"
SECURITY = (
    "Chủ động tham mưu Đảng ủy, UBND xã bảo đảm an ninh chính trị, trật tự an toàn xã hội; "
    "không để xảy ra vụ việc phức tạp; giải quyết kịp thời tin báo, tố giác tội phạm."
)
OTHER = (
    "Tham gia xây dựng nông thôn mới, đô thị văn minh; phối hợp hòa giải các vụ mâu thuẫn, "
    "khiếu nại ở cơ sở."
)
TASKS = [
    (
        "Các chi bộ Công an xã, thị trấn",
        "Tiếp tục phát huy những kết quả đạt được; quán triệt và tổ chức thực hiện nghiêm túc, hiệu "
        "quả các nghị quyết, chỉ thị của cấp ủy cấp trên.",
        D(2023, 12, 31),
        "cells",
    ),
    (
        "Các chi bộ Công an xã, thị trấn",
        "Kịp thời nắm bắt chủ trương, kế hoạch phát triển chung của địa phương để tham mưu đảng ủy "
        "xã, thị trấn xây dựng, ban hành nghị quyết, chương trình, kế hoạch bảo đảm an ninh, trật tự ở "
        "cơ sở.",
        D(2023, 9, 30),
        "cells",
    ),
    (
        "Đảng ủy các xã, thị trấn",
        "Tiếp tục lãnh đạo, chỉ đạo trực tiếp, toàn diện hoạt động của chi bộ Công an; phân công đồng "
        "chí Phó Bí thư – Chủ tịch UBND xã dự, theo dõi, hướng dẫn và phối hợp đánh giá chất lượng sinh "
        "hoạt chi bộ hằng tháng.",
        D(2023, 12, 31),
        "communes",
    ),
    (
        "Đảng ủy Công an huyện",
        "Phối hợp xây dựng lực lượng Công an xã, thị trấn thật sự trong sạch, vững mạnh, chính quy, "
        "tinh nhuệ, hiện đại theo tinh thần Nghị quyết số 12-NQ/TW ngày 16/3/2022 của Bộ Chính trị.",
        D(2023, 12, 31),
        "police",
    ),
]


def build(tree: Tree) -> None:
    district = tree.district
    Term.objects.create(
        organization=district, label="2020–2025", valid_from=D(2020, 10, 15), valid_to=D(2025, 7, 1)
    )
    chair = members.add_person(
        data=members.PersonData(
            ho="Lê", ten_dem="Thị Thu", ten="Hà", gender="F", birth_date=D(1972, 3, 8)
        ),
        registered_by=district,
        by=None,
    )
    members.appoint(
        person=chair,
        organization=district,
        role=Role.DEPUTY,
        on=D(2020, 10, 15),
        term="2020–2025",
        by=None,
    )
    cells = ops.cells_of(district, DAY)
    conference = ops.create_conference(
        host=district,
        title=TITLE,
        date=DAY,
        period_start=D(2023, 1, 1),
        period_end=D(2023, 5, 23),
        invited=cells,
        chair=chair,
        by=None,
        chair_title="Phó Bí thư Thường trực Huyện ủy",
        reporter="đồng chí Trưởng Ban Tổ chức Huyện ủy",
        attendees="đại diện lãnh đạo Đảng ủy Công an huyện; các cơ quan tham mưu, giúp việc Huyện ủy; "
        "Thường trực Đảng ủy, Bí thư các chi bộ Công an xã, thị trấn",
        assessment="Các chi bộ Công an xã, thị trấn là loại hình tổ chức đảng mới, chưa có hướng dẫn "
        "hoạt động riêng; song Đảng ủy cơ sở đã lãnh đạo, chỉ đạo tốt; 100% chi bộ xây dựng và ban "
        "hành quy chế làm việc; vai trò nòng cốt của Công an xã trong bảo đảm an ninh, trật tự ở cơ "
        "sở từng bước được khẳng định.",
        recipients="- Ban Thường vụ Tỉnh ủy (b/c),\n- Các đảng ủy xã, thị trấn,\n"
        "- Đảng ủy Công an huyện,\n- Các chi bộ Công an xã, thị trấn,\n- Lưu Văn phòng Huyện ủy.",
    )
    for cell in cells:
        ops.save_report(
            conference=conference,
            cell=cell,
            submit=True,
            by=None,
            security=SECURITY,
            other_tasks=OTHER,
            difficulties="Chưa có hướng dẫn hoạt động riêng cho loại hình chi bộ này.",
        )
    by_place = {c.version_on(DAY).place_name: c for c in cells}
    communes = {place: tree.communes[place] for place in by_place}
    recommendations = [
        (
            by_place["Bình Sơn"],
            district,
            Category.GUIDANCE,
            "Đề nghị Huyện ủy ban hành hướng dẫn riêng về nội dung sinh hoạt của chi bộ Công an xã.",
            D(2023, 7, 31),
            RecStatus.ANSWERED,
            "Ban Tổ chức Huyện ủy đã tham mưu ban hành hướng dẫn ngày 15/7/2023.",
        ),
        (
            by_place["Phước Trà"],
            communes["Phước Trà"],
            Category.FACILITIES,
            "Đề nghị bố trí phòng sinh hoạt chi bộ tại trụ sở Công an xã.",
            D(2023, 8, 31),
            RecStatus.IN_PROGRESS,
            "",
        ),
        (
            by_place["Sông Trà"],
            tree.district_police,
            Category.GUIDANCE,
            "Đề nghị tổ chức tập huấn nghiệp vụ công tác đảng cho bí thư chi bộ.",
            D(2023, 9, 30),
            RecStatus.ANSWERED,
            "Đảng ủy Công an huyện đã mở lớp tập huấn tháng 8/2023.",
        ),
        (
            by_place["Quế Thọ"],
            district,
            Category.ORGANIZATION,
            "Đề nghị kiện toàn chức danh Phó Bí thư chi bộ khi đủ điều kiện.",
            D(2023, 10, 31),
            RecStatus.CLOSED,
            "Đảng ủy xã Quế Thọ xem xét khi đảng viên dự bị được công nhận chính thức.",
        ),
    ]
    for cell, to, category, text, due, status, reply in recommendations:
        rec = ops.raise_recommendation(
            conference=conference,
            raised_by=cell,
            addressed_to=to,
            category=category,
            text=text,
            raised_on=DAY,
            due_on=due,
            by=None,
        )
        if status != RecStatus.NEW:
            ops.answer(
                recommendation=rec,
                status=status,
                text=reply,
                by=None,
                on=due - dt.timedelta(days=15),
            )
    targets = {
        "cells": cells,
        "communes": list(communes.values()),
        "police": [tree.district_police],
    }
    for group, text, due, who in TASKS:
        conclusion = ops.add_conclusion(
            conference=conference,
            text=text,
            group=group,
            due_on=due,
            assignees=targets[who],
            by=None,
        )
        for index, assignment in enumerate(conclusion.assignments.all()):
            if index % 4 == 3:
                continue  # left open: overdue on the follow-up page
            ops.report_progress(
                assignment=assignment,
                on=due - dt.timedelta(days=10),
                text="Đã triển khai thực hiện; kết quả được báo cáo tại hội nghị sơ kết.",
                by=None,
            )
            ops.close_task(assignment=assignment, by=None, on=due - dt.timedelta(days=5))
    ops.issue_paper(conference=conference, kind=PaperKind.REPORT, by=None)
    ops.issue_paper(conference=conference, kind=PaperKind.NOTICE, by=None)
