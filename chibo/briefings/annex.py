"""The conference's annex (.xlsx): one row per police cell under the host, as of the
conference day, headed "Kèm theo Báo cáo số …" so it travels with the BÁO CÁO it belongs to
(issue 14, item 4). The warnings column lists the same findings the overview and the alerts
board show for the cell that day (the compliance checks, handed in as for the BÁO CÁO), not
only the structural ones."""

import datetime as dt
from collections import defaultdict

from chibo.briefings.models import Conference, IssuedPaper, PaperKind
from chibo.briefings.papers import open_findings
from chibo.figures import stats
from chibo.lib import xlsx
from chibo.lib.xlsx import Column
from chibo.orgs.models import Organization

COLUMNS = [
    Column("STT", xlsx.INTEGER),
    Column("Chi bộ"),
    Column("Đảng viên", xlsx.INTEGER, total=True),
    Column("Chính thức", xlsx.INTEGER, total=True),
    Column("Dự bị", xlsx.INTEGER, total=True),
    Column("Bí thư"),
    Column("Phó Bí thư"),
    Column("Quy chế làm việc"),
    Column("Cán bộ chính quy", xlsx.INTEGER, total=True),
    Column("Cán bộ chính quy là đảng viên", xlsx.INTEGER, total=True),
    Column("Cảnh báo"),
]


def attached_to(conference: Conference) -> str:
    """ "Kèm theo Báo cáo số 01-BC/HU ngày 24/5/2023 của Huyện ủy Hiệp Đức"; before the
    BÁO CÁO is issued its number is left blank for the clerk, as on a draft."""
    paper = (
        IssuedPaper.objects.filter(conference=conference, kind=PaperKind.REPORT)
        .select_related("number")
        .first()
    )
    host = conference.host.version_on(conference.date).name
    if paper is None:
        return f"Kèm theo Báo cáo số      ngày {_day(conference.date)} của {host}"
    return f"Kèm theo Báo cáo số {paper.number.code} ngày {_day(paper.issued_on)} của {host}"


def _day(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"  # R-TXT-01: no leading zeros in running text


def rows(conference: Conference):
    ids = Organization.objects.subtree_ids(
        [conference.host_id], conference.date, with_predecessors=True
    )
    data = stats.compute(scope_ids=ids, on=conference.date)
    found = defaultdict(list)
    for finding in open_findings(ids, conference.date, data):
        found[finding.organization_id].append(finding.message)
    for index, row in enumerate(data.cells, start=1):
        yield [
            index,
            row.version.name,
            row.members,
            row.official,
            row.probationary,
            ", ".join(row.secretaries),
            ", ".join(row.deputies),
            row.regulation,
            row.officers,
            row.officers_members,
            "\n".join(f"- {message}" for message in found.get(row.organization_id, [])) or None,
        ]


def render(conference: Conference) -> bytes:
    return xlsx.render(
        title=f"Phụ lục: số liệu các chi bộ Công an — {conference.title}",
        as_of=conference.date,
        columns=COLUMNS,
        rows=rows(conference),
        lines=[attached_to(conference)],
    )
