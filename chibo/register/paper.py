"""A cell's own document in the Party format (R-DOC-01..08), through ``chibo.lib.partydoc``'s
public functions only: header with the superior and the cell, "Số 03-NQ/CB" (R-DOC-03), the
place and date line, the type and the subject, the text, and "T/M CHI BỘ / BÍ THƯ"."""

from chibo.lib import partydoc
from chibo.members.models import Position, Role
from chibo.orgs.models import Relation
from chibo.register.models import Document


def render(document: Document) -> bytes:
    cell, day = document.organization, document.issued_on
    version = cell.version_on(day) or cell.version_on(cell.nearest_day(day))
    parent = cell.superior_on(day, Relation.TERRITORIAL)
    superior = parent.version_on(day).party_name if parent else ""
    paper = partydoc.PartyDocument(
        header=partydoc.Header(
            superior=superior.upper(),
            issuer=version.name.upper(),
            number=f"Số {document.number}",
            place=version.place_name,
            date=day,
        ),
        doc_type=document.get_doc_type_display().upper(),
        subject=document.title,
    )
    if document.meeting_id is not None:
        paper.paragraph(
            f"Tại buổi sinh hoạt ngày {document.meeting.date:%d/%m/%Y}, chi bộ đã thảo luận "
            "và thống nhất:"
        )
    if document.implements_id is not None:
        paper.paragraph(
            f"Thực hiện {document.implements.label} của {document.implements.issuer_name}."
        )
    for line in document.summary.splitlines():
        if line.strip():
            paper.paragraph(line.strip())
    secretary = (
        Position.objects.on(day)
        .filter(organization=cell, role=Role.SECRETARY)
        .select_related("person")
        .first()
    )
    paper.signatures(
        None,
        partydoc.Signature(
            ["T/M CHI BỘ", "BÍ THƯ"], secretary.person.full_name if secretary else ""
        ),
        recipients=["- Đảng ủy xã (b/c),", "- Đảng viên trong chi bộ,", "- Lưu chi bộ."],
    )
    return paper.render()
