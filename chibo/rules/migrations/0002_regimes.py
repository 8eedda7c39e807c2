"""The two regimes of domain §2 as data. An admin adds a later one in the admin, no code.

* 30/7/2021 – 30/6/2025: Điều lệ 2011 with QĐ 24-QĐ/TW (2021), HD 01-HD/TW; cell congress
  twice in five years (R-ORG-06).
* from 1/7/2025: QĐ 294-QĐ/TW (26/5/2025) with HD 06-HD/TW; the pilot of one cell congress
  in five years (R-ORG-06). Thresholds unchanged (R-ORG-01, R-ORG-04 restated).
"""

import datetime as dt

from django.db import migrations

REGIMES = [
    {
        "name": "Điều lệ Đảng và Quy định 24-QĐ/TW (2021–2025)",
        "regulation": "Quy định 24-QĐ/TW ngày 30/7/2021",
        "sources": "Điều lệ Đảng (Đại hội XI, 2011)\n"
        "Quy định 24-QĐ/TW ngày 30/7/2021 thi hành Điều lệ Đảng\n"
        "Hướng dẫn 01-HD/TW ngày 28/9/2021\n"
        "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018 về nâng cao chất lượng sinh hoạt chi bộ",
        "valid_from": dt.date(2021, 7, 30),
        "valid_to": dt.date(2025, 7, 1),
        "term_policy": "2_per_5y",
    },
    {
        "name": "Điều lệ Đảng và Quy định 294-QĐ/TW (từ 1/7/2025)",
        "regulation": "Quy định 294-QĐ/TW ngày 26/5/2025",
        "sources": "Điều lệ Đảng (Đại hội XI, 2011)\n"
        "Quy định 294-QĐ/TW ngày 26/5/2025 thi hành Điều lệ Đảng (hiệu lực 1/7/2025)\n"
        "Hướng dẫn 06-HD/TW ngày 9/6/2025\n"
        "Chỉ thị 50-CT/TW ngày 23/7/2025; Hướng dẫn 42-HD/BTCTW ngày 28/10/2025",
        "valid_from": dt.date(2025, 7, 1),
        "valid_to": None,
        "term_policy": "1_per_5y",
    },
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for regime in REGIMES:
        # Idempotent, so a rollback and a new forward run never duplicate a regime.
        RuleSet.objects.get_or_create(
            name=regime["name"], valid_from=regime["valid_from"], defaults=regime
        )


def remove(apps, schema_editor):
    apps.get_model("rules", "RuleSet").objects.filter(
        name__in=[r["name"] for r in REGIMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
