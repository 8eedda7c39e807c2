"""Ship the two meeting-quality rubrics of domain §2 as data (R-MTG-13); an admin can add a
province's own or a later version without code.

* until 27/10/2025: the five criteria of HD 12-HD/BTCTW (6/7/2018), 20 points each; the
  levels Tốt / Khá / Trung bình / Kém and their thresholds are [G] (Quảng Nam's
  QĐ 15-QĐi/TU scale was not read);
* from 28/10/2025: the 100-point sheet of HD 42-HD/BTCTW: Tốt ≥ 90, Khá 70–<90,
  Trung bình 50–<70, Kém < 50; 120 minutes for a combined meeting. The split of points
  between criteria is [?] (peers disagree) and configurable.
"""

import datetime as dt

from django.db import migrations

RUBRICS = [
    {
        "name": "Khung tiêu chí chất lượng sinh hoạt chi bộ theo Hướng dẫn 12-HD/BTCTW",
        "source": "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018; mức xếp loại mặc định [G]",
        "valid_from": dt.date(2018, 7, 6),
        "valid_to": dt.date(2025, 10, 28),
        "min_minutes": 90,
        "min_minutes_combined": 90,
        "criteria": [
            (
                "Tỷ lệ đảng viên dự họp trên 85%, không có đảng viên vắng không lý do, không có đảng "
                "viên vắng có lý do quá 3 lần liên tiếp trong năm",
                20,
                "attendance",
            ),
            (
                "Chuẩn bị chu đáo: Bí thư trực tiếp chuẩn bị, chi ủy họp trước, có dự thảo nghị quyết",
                20,
                "",
            ),
            ("Thời lượng sinh hoạt từ 90 phút trở lên", 10, "duration"),
            (
                "Tiến hành đúng thời gian, trình tự; nhiều đảng viên phát biểu; sổ biên bản ghi đầy đủ",
                10,
                "",
            ),
            ("Chấp hành nghiêm nguyên tắc tổ chức và sinh hoạt đảng", 20, ""),
            ("Kết luận, nghị quyết của chi bộ được tổ chức thực hiện tốt", 20, ""),
        ],
    },
    {
        "name": "Khung chấm điểm chất lượng sinh hoạt chi bộ theo Hướng dẫn 42-HD/BTCTW",
        "source": "Chỉ thị 50-CT/TW ngày 23/7/2025; Hướng dẫn 42-HD/BTCTW ngày 28/10/2025; "
        "phân bổ điểm giữa các tiêu chí [?]",
        "valid_from": dt.date(2025, 10, 28),
        "valid_to": None,
        "min_minutes": 90,
        "min_minutes_combined": 120,
        "criteria": [
            (
                "Thời gian, thời lượng: từ 90 phút; từ 120 phút khi kết hợp sinh hoạt chuyên đề",
                10,
                "duration",
            ),
            (
                "Tỷ lệ đảng viên dự họp trên 85%, không vắng không lý do, không vắng có lý do quá 3 lần "
                "liên tiếp trong năm",
                20,
                "attendance",
            ),
            (
                "Công tác chuẩn bị; thông báo thời gian, địa điểm, nội dung cho đảng viên và cấp ủy "
                "viên cấp trên theo dõi chi bộ",
                15,
                "",
            ),
            ("Tiến hành sinh hoạt đúng trình tự, đủ nội dung; đảng viên phát biểu", 20, ""),
            ("Chấp hành nguyên tắc tổ chức và sinh hoạt đảng", 15, ""),
            ("Kết quả thực hiện nghị quyết kỳ trước", 10, ""),
            ("Tài liệu đăng tải lên Sổ tay đảng viên điện tử trước 1 ngày và sau họp", 10, ""),
        ],
    },
]
LEVELS = [("Tốt", 90), ("Khá", 70), ("Trung bình", 50), ("Kém", 0)]


def create(apps, schema_editor):
    """Add each shipped rubric that is not there yet, so applying again after a partial
    rollback (``migrate meetings 0001`` with rubrics in use) never duplicates one."""
    Rubric = apps.get_model("meetings", "Rubric")
    Criterion = apps.get_model("meetings", "Criterion")
    Level = apps.get_model("meetings", "Level")
    for data in RUBRICS:
        fields = {k: v for k, v in data.items() if k != "criteria"}
        if Rubric.objects.filter(name=fields["name"], valid_from=fields["valid_from"]).exists():
            continue
        rubric = Rubric.objects.create(**fields)
        for order, (title, points, computed) in enumerate(data["criteria"], start=1):
            Criterion.objects.create(
                rubric=rubric, order=order, title=title, max_points=points, computed=computed
            )
        for label, minimum in LEVELS:
            Level.objects.create(rubric=rubric, label=label, min_points=minimum)


def _delete_where_in(schema_editor, model, column: str, ids: list[int]) -> None:
    # Plain SQL on purpose: Django's delete collector follows the hidden (related_name="+")
    # relations of the historical models to stale model classes and fails with "Cannot
    # query Rubric object (1): Must be Rubric instance" (issue 11).
    if not ids:
        return
    quote = schema_editor.quote_name
    marks = ", ".join(["%s"] * len(ids))
    schema_editor.execute(
        f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN ({marks})", ids
    )


def remove(apps, schema_editor):
    """Remove the shipped rubrics that no evaluation uses. Those in use stay (the scores
    keep pointing at them); when the whole app goes to zero its tables are dropped next."""
    Rubric = apps.get_model("meetings", "Rubric")
    Criterion = apps.get_model("meetings", "Criterion")
    Level = apps.get_model("meetings", "Level")
    Evaluation = apps.get_model("meetings", "Evaluation")
    used = Evaluation.objects.values("rubric_id")
    ids = list(
        Rubric.objects.filter(name__in=[r["name"] for r in RUBRICS])
        .exclude(pk__in=used)
        .values_list("pk", flat=True)
    )
    _delete_where_in(schema_editor, Level, "rubric_id", ids)
    _delete_where_in(schema_editor, Criterion, "rubric_id", ids)
    _delete_where_in(schema_editor, Rubric, "id", ids)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
