"""The error report (issue 13, item 5): the rows that were not imported as the file had them,
with a column of reasons, so the office fixes its file and imports it again."""

from chibo.imports.models import Batch, RowStatus
from chibo.lib import xlsx


def render(batch: Batch) -> bytes:
    headers = ["Dòng", *[h or f"Cột {i + 1}" for i, h in enumerate(batch.headers)]]
    headers += ["Trạng thái", "Lý do"]
    labels = dict(RowStatus.choices)
    width = len(batch.headers)

    def rows():
        queryset = batch.rows.filter(status__in=[RowStatus.ERROR, RowStatus.CONFLICT])
        for row in queryset.order_by("number").iterator(chunk_size=2000):
            cells = [*row.original, *[""] * width][:width]
            reasons = "; ".join(m["message"] for m in row.messages if m["level"] == "error")
            yield [row.number, *cells, labels[row.status], reasons]

    return xlsx.render(
        title="Các dòng chưa nhập được",
        as_of=batch.as_of,
        columns=headers,
        rows=rows(),
    )
