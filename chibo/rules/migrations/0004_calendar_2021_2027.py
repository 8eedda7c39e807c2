"""The official working calendar 2021–2027 as data (R-MEM-03, R-MEM-05, R-MEM-09): every day
off of the year (public holidays of Bộ luật Lao động 2019, Art. 112; compensatory days,
Art. 111 §3; the weekdays the government swapped) and the make-up working days (Saturdays
worked in exchange). Weekend days inside a break are listed too, so the page shows the
break as people know it (Tết 2025: 25/01–02/02).

Entered from the yearly notices on days off for cadres, civil servants and public employees
(Bộ Lao động – Thương binh và Xã hội until 2025, Bộ Nội vụ from 2025). The document numbers
are not recorded here; a superuser adds them in the admin. A year or day that is not known
for certain says [?] and its year is not marked as checked.
"""

import datetime as dt

from django.db import migrations

D = dt.date

OFF, MAKE_UP = "off", "make_up"

NEW_YEAR, TET, HUNG, REUNIFICATION, LABOUR, NATIONAL = (
    "Tết Dương lịch",
    "Tết Nguyên đán",
    "Giỗ Tổ Hùng Vương (10/3 âm lịch)",
    "Ngày Chiến thắng 30/4",
    "Ngày Quốc tế Lao động 1/5",
    "Quốc khánh 2/9",
)

# year: (checked, source note, [(first, last, name)] days off, [(day, name)] make-up days)
CALENDAR = {
    2021: (
        True,
        "Thông báo nghỉ Tết Âm lịch và Quốc khánh năm 2021 của Bộ Lao động – Thương binh và "
        "Xã hội: Tết Tân Sửu nghỉ từ 10/02 đến hết 16/02/2021; Quốc khánh nghỉ 02/09 và "
        "03/09/2021. Không có ngày làm bù.",
        [
            (D(2021, 1, 1), D(2021, 1, 1), NEW_YEAR),
            (D(2021, 2, 10), D(2021, 2, 16), f"{TET} Tân Sửu"),
            (D(2021, 4, 21), D(2021, 4, 21), HUNG),
            (D(2021, 4, 30), D(2021, 4, 30), REUNIFICATION),
            (D(2021, 5, 1), D(2021, 5, 2), LABOUR),
            (D(2021, 5, 3), D(2021, 5, 3), "Nghỉ bù ngày 01/05 (thứ Bảy)"),
            (D(2021, 9, 2), D(2021, 9, 3), NATIONAL),
        ],
        [],
    ),
    2022: (
        True,
        "Thông báo nghỉ Tết Âm lịch và Quốc khánh năm 2022 của Bộ Lao động – Thương binh và "
        "Xã hội: Tết Nhâm Dần nghỉ từ 29/01 đến hết 06/02/2022; Quốc khánh nghỉ 01/09 và "
        "02/09/2022. Không có ngày làm bù.",
        [
            (D(2022, 1, 1), D(2022, 1, 2), NEW_YEAR),
            (D(2022, 1, 3), D(2022, 1, 3), "Nghỉ bù Tết Dương lịch (thứ Bảy)"),
            (D(2022, 1, 29), D(2022, 2, 6), f"{TET} Nhâm Dần"),
            (D(2022, 4, 10), D(2022, 4, 10), HUNG),
            (D(2022, 4, 11), D(2022, 4, 11), "Nghỉ bù Giỗ Tổ Hùng Vương (Chủ nhật)"),
            (D(2022, 4, 30), D(2022, 4, 30), REUNIFICATION),
            (D(2022, 5, 1), D(2022, 5, 1), LABOUR),
            (D(2022, 5, 2), D(2022, 5, 3), "Nghỉ bù 30/04 và 01/05 (thứ Bảy, Chủ nhật)"),
            (D(2022, 9, 1), D(2022, 9, 4), NATIONAL),
        ],
        [],
    ),
    2023: (
        True,
        "Thông báo nghỉ Tết Âm lịch và Quốc khánh năm 2023 của Bộ Lao động – Thương binh và "
        "Xã hội: Tết Quý Mão nghỉ từ 20/01 đến hết 26/01/2023; Giỗ Tổ (thứ Bảy 29/4) và "
        "30/4, 1/5 nghỉ từ 29/04 đến hết 03/05/2023; Quốc khánh nghỉ từ 01/09 đến hết "
        "04/09/2023. Không có ngày làm bù.",
        [
            (D(2023, 1, 1), D(2023, 1, 1), NEW_YEAR),
            (D(2023, 1, 2), D(2023, 1, 2), "Nghỉ bù Tết Dương lịch (Chủ nhật)"),
            (D(2023, 1, 20), D(2023, 1, 26), f"{TET} Quý Mão"),
            (D(2023, 4, 29), D(2023, 4, 29), HUNG),
            (D(2023, 4, 30), D(2023, 4, 30), REUNIFICATION),
            (D(2023, 5, 1), D(2023, 5, 1), LABOUR),
            (D(2023, 5, 2), D(2023, 5, 3), "Nghỉ bù Giỗ Tổ và 30/04 (thứ Bảy, Chủ nhật)"),
            (D(2023, 9, 1), D(2023, 9, 4), NATIONAL),
        ],
        [],
    ),
    2024: (
        True,
        "Thông báo nghỉ Tết Âm lịch, 30/4–1/5 và Quốc khánh năm 2024 của Bộ Lao động – "
        "Thương binh và Xã hội: Tết Giáp Thìn nghỉ từ 08/02 đến hết 14/02/2024; 30/4–1/5 "
        "nghỉ từ 27/04 đến hết 01/05/2024, hoán đổi thứ Hai 29/04, làm bù thứ Bảy "
        "04/05/2024; Quốc khánh nghỉ từ 31/08 đến hết 03/09/2024.",
        [
            (D(2024, 1, 1), D(2024, 1, 1), NEW_YEAR),
            (D(2024, 2, 8), D(2024, 2, 14), f"{TET} Giáp Thìn"),
            (D(2024, 4, 18), D(2024, 4, 18), HUNG),
            (D(2024, 4, 27), D(2024, 4, 28), "Nghỉ hằng tuần trong đợt nghỉ 30/04–01/05"),
            (D(2024, 4, 29), D(2024, 4, 29), "Hoán đổi, làm bù thứ Bảy 04/05/2024"),
            (D(2024, 4, 30), D(2024, 4, 30), REUNIFICATION),
            (D(2024, 5, 1), D(2024, 5, 1), LABOUR),
            (D(2024, 8, 31), D(2024, 9, 1), "Nghỉ hằng tuần trong đợt nghỉ Quốc khánh"),
            (D(2024, 9, 2), D(2024, 9, 3), NATIONAL),
        ],
        [(D(2024, 5, 4), "Làm bù cho thứ Hai 29/04/2024")],
    ),
    2025: (
        True,
        "Thông báo nghỉ Tết Âm lịch, 30/4–1/5 và Quốc khánh năm 2025: Tết Ất Tỵ nghỉ 9 ngày "
        "từ thứ Bảy 25/01 đến hết Chủ nhật 02/02/2025 (5 ngày Tết từ 27/01 đến 31/01, không "
        "làm bù; thứ Hai 03/02 đi làm); 30/4–1/5 nghỉ từ 30/04 đến hết 04/05/2025, hoán đổi "
        "thứ Sáu 02/05, làm bù thứ Bảy 26/04/2025; Quốc khánh nghỉ từ 30/08 đến hết "
        "02/09/2025.",
        [
            (D(2025, 1, 1), D(2025, 1, 1), NEW_YEAR),
            (D(2025, 1, 25), D(2025, 2, 2), f"{TET} Ất Tỵ"),
            (D(2025, 4, 7), D(2025, 4, 7), HUNG),
            (D(2025, 4, 30), D(2025, 4, 30), REUNIFICATION),
            (D(2025, 5, 1), D(2025, 5, 1), LABOUR),
            (D(2025, 5, 2), D(2025, 5, 2), "Hoán đổi, làm bù thứ Bảy 26/04/2025"),
            (D(2025, 5, 3), D(2025, 5, 4), "Nghỉ hằng tuần trong đợt nghỉ 30/04–01/05"),
            (D(2025, 8, 30), D(2025, 8, 31), "Nghỉ hằng tuần trong đợt nghỉ Quốc khánh"),
            (D(2025, 9, 1), D(2025, 9, 2), NATIONAL),
        ],
        [(D(2025, 4, 26), "Làm bù cho thứ Sáu 02/05/2025")],
    ),
    2026: (
        False,
        "Tết Bính Ngọ: nghỉ 9 ngày từ thứ Bảy 14/02 đến hết Chủ nhật 22/02/2026 (5 ngày Tết "
        "từ 16/02 đến 20/02, không làm bù), theo thông báo của Bộ Nội vụ. [?] Các ngày khác "
        "tính theo Bộ luật Lao động 2019 (Điều 111, 112) khi chưa đối chiếu thông báo: "
        "Giỗ Tổ Chủ nhật 26/04 nghỉ bù 27/04; Quốc khánh giả định nghỉ 01/09 và 02/09, không "
        "hoán đổi. Chưa đưa vào ngày nghỉ mới nào ngoài Điều 112 (ví dụ Ngày Văn hóa Việt "
        "Nam 24/11) — người quản trị thêm khi có văn bản.",
        [
            (D(2026, 1, 1), D(2026, 1, 1), f"{NEW_YEAR} [?]"),
            (D(2026, 2, 14), D(2026, 2, 22), f"{TET} Bính Ngọ"),
            (D(2026, 4, 26), D(2026, 4, 26), f"{HUNG} [?]"),
            (D(2026, 4, 27), D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương (Chủ nhật) [?]"),
            (D(2026, 4, 30), D(2026, 4, 30), f"{REUNIFICATION} [?]"),
            (D(2026, 5, 1), D(2026, 5, 1), f"{LABOUR} [?]"),
            (D(2026, 9, 1), D(2026, 9, 2), f"{NATIONAL} [?]"),
        ],
        [],
    ),
    2027: (
        False,
        "[?] Chưa có thông báo chính thức khi nhập: tính theo Bộ luật Lao động 2019 (Điều "
        "111, 112). Tết Đinh Mùi (mùng 1 là thứ Bảy 06/02/2027): giả định nghỉ từ 05/02 đến "
        "hết 11/02/2027 (nghỉ bù 10, 11/02); 01/05 thứ Bảy nghỉ bù 03/05; Quốc khánh giả "
        "định nghỉ 02/09 và 03/09. Sửa khi có thông báo.",
        [
            (D(2027, 1, 1), D(2027, 1, 1), f"{NEW_YEAR} [?]"),
            (D(2027, 2, 5), D(2027, 2, 11), f"{TET} Đinh Mùi [?]"),
            (D(2027, 4, 16), D(2027, 4, 16), f"{HUNG} [?]"),
            (D(2027, 4, 30), D(2027, 4, 30), f"{REUNIFICATION} [?]"),
            (D(2027, 5, 1), D(2027, 5, 1), f"{LABOUR} [?]"),
            (D(2027, 5, 3), D(2027, 5, 3), "Nghỉ bù 01/05 (thứ Bảy) [?]"),
            (D(2027, 9, 2), D(2027, 9, 3), f"{NATIONAL} [?]"),
        ],
        [],
    ),
}


def days(year):
    _checked, _source, off, make_up = CALENDAR[year]
    for first, last, name in off:
        day = first
        while day <= last:
            yield day, OFF, name
            day += dt.timedelta(days=1)
    for day, name in make_up:
        yield day, MAKE_UP, name


def create(apps, schema_editor):
    CalendarYear = apps.get_model("rules", "CalendarYear")
    CalendarDay = apps.get_model("rules", "CalendarDay")
    for year, (checked, source, _off, _make_up) in CALENDAR.items():
        CalendarYear.objects.create(year=year, source=source, confirmed=checked)
        # A day entered before in the old extra-holiday table keeps its row and its name.
        CalendarDay.objects.bulk_create(
            [CalendarDay(day=d, kind=k, name=n) for d, k, n in days(year)], ignore_conflicts=True
        )


def remove(apps, schema_editor):
    CalendarDay = apps.get_model("rules", "CalendarDay")
    for year in CALENDAR:
        for day, kind, name in days(year):
            CalendarDay.objects.filter(day=day, kind=kind, name=name).delete()
    apps.get_model("rules", "CalendarYear").objects.filter(year__in=list(CALENDAR)).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_working_calendar")]
    operations = [migrations.RunPython(create, remove)]
