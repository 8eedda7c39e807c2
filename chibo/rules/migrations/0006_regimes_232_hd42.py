"""Two more regimes as data (domain §2), so findings cite what was in force on their date:

* QĐ 232-QĐ/TW, in force on signing, 20/1/2025, until QĐ 294 took effect on 1/7/2025: the
  QĐ 24 rule set ends on 19/1/2025; thresholds unchanged.
* from 28/10/2025, Hướng dẫn 42-HD/BTCTW: the QĐ 294 rule set ends on 27/10/2025 and its
  copy cites HD 42 for meetings, where one combined session may count as both the month's
  regular meeting and the quarter's thematic one (R-MTG-02); before it, it may not.

Reversible: the added rule sets are deleted and the two ends restored.
"""

import datetime as dt

from django.db import migrations

QD24 = "Điều lệ Đảng và Quy định 24-QĐ/TW (2021–2025)"
QD294 = "Điều lệ Đảng và Quy định 294-QĐ/TW (từ 1/7/2025)"
QD232 = "Điều lệ Đảng và Quy định 232-QĐ/TW (20/1/2025 – 30/6/2025)"
HD42 = "Điều lệ Đảng, Quy định 294-QĐ/TW và Hướng dẫn 42-HD/BTCTW (từ 28/10/2025)"
QD232_FROM = dt.date(2025, 1, 20)
QD294_FROM = dt.date(2025, 7, 1)
HD42_FROM = dt.date(2025, 10, 28)
HD12 = "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018"

COPIED = [
    "min_official",
    "committee_from",
    "committee_max",
    "probation_months",
    "recognition_window_days",
    "probation_warn_days",
    "removal_months",
    "term_policy",
    "term_warn_days",
    "thematic_per_quarter",
    "superior_absent_in_a_row",
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    old = RuleSet.objects.filter(name=QD24, valid_to=QD294_FROM).first()
    if old is not None:
        old.valid_to = QD232_FROM
        old.save(update_fields=["valid_to"])
        RuleSet.objects.create(
            name=QD232,
            regulation="Quy định 232-QĐ/TW ngày 20/1/2025",
            sources="Điều lệ Đảng (Đại hội XI, 2011)\n"
            "Quy định 232-QĐ/TW ngày 20/1/2025 thi hành Điều lệ Đảng (hiệu lực từ ngày ký)\n"
            "Hướng dẫn 01-HD/TW ngày 28/9/2021\n"
            f"{HD12} về nâng cao chất lượng sinh hoạt chi bộ",
            valid_from=QD232_FROM,
            valid_to=QD294_FROM,
            meeting_guide=HD12,
            combined_counts_both=False,
            **{f: getattr(old, f) for f in COPIED},
        )
    current = RuleSet.objects.filter(name=QD294, valid_from=QD294_FROM, valid_to=None).first()
    if current is not None:
        current.valid_to = HD42_FROM
        current.save(update_fields=["valid_to"])
        RuleSet.objects.create(
            name=HD42,
            regulation=current.regulation,
            sources=current.sources,
            valid_from=HD42_FROM,
            valid_to=None,
            meeting_guide="Hướng dẫn 42-HD/BTCTW ngày 28/10/2025",
            combined_counts_both=True,
            **{f: getattr(current, f) for f in COPIED},
        )


def remove(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    if RuleSet.objects.filter(name=QD232).delete()[0]:
        RuleSet.objects.filter(name=QD24, valid_to=QD232_FROM).update(valid_to=QD294_FROM)
    if RuleSet.objects.filter(name=HD42).delete()[0]:
        RuleSet.objects.filter(name=QD294, valid_to=HD42_FROM).update(valid_to=None)


class Migration(migrations.Migration):
    dependencies = [("rules", "0005_ruleset_meeting_guide")]
    operations = [migrations.RunPython(create, remove)]
