"""One cell at a time, from what the file holds to what chibo stores (issue 13, item 3):
dates in every usual form (R-TXT-01), CCCD numbers that a spreadsheet turned into numbers,
genders, ranks (R-TXT-07) and police posts (R-TXT-09) matched to chibo's lists with a
suggestion for a near miss. Each function returns the value or raises ``Refused`` with a
Vietnamese message for the field."""

import datetime as dt
import difflib
import re

from django.core.exceptions import ValidationError

from chibo.lib import cccd as cccd_lib
from chibo.lib import vntext
from chibo.members.models import Gender, PolicePosition, Rank


class Refused(ValueError):
    """The cell cannot be read; the message is Vietnamese and quotes no personal number."""


EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1/1/1900 with Excel's 1900 leap-year bug
_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_WORDS = re.compile(r"(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{2,4})")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return vntext.nfc(str(value))


def date(value, *, as_of: dt.date) -> dt.date | None:
    """dd/mm/yyyy, d/m/yy, yyyy-mm-dd, "ngày 5 tháng 3 năm 2012", or an Excel date or serial
    number; never mm/dd (R-TXT-01). Two-digit years are the latest such year not after
    ``as_of``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        if 1 <= value < 2_958_466 and float(value).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise Refused(f"“{value}” không phải là ngày.")
    raw = vntext.nfc(str(value))
    key = vntext.search_key(raw)
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_WORDS, "dmy")):
        found = pattern.fullmatch(key)
        if found:
            parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
            year = parts["y"]
            if year < 100:
                year += 2000 if year <= as_of.year % 100 else 1900
            try:
                return dt.date(year, parts["m"], parts["d"])
            except ValueError:
                raise Refused(f"Ngày “{raw[:40]}” không có trong lịch.") from None
    if re.fullmatch(r"\d{4}", key):
        raise Refused(f"Chỉ có năm “{raw}”; cần đủ ngày, tháng, năm (dd/mm/yyyy).")
    raise Refused(
        f"Không đọc được ngày “{raw[:40]}”; hãy ghi theo dạng dd/mm/yyyy (ví dụ 05/03/1990)."
    )


def cccd(value) -> tuple[str | None, list[str]]:
    """The 12 digits and notes. A number cell lost its leading zeros (001… became 1…): they
    are put back, and said. A 9-digit number is an old CMND, which chibo does not store."""
    notes: list[str] = []
    if value is None or value == "":
        return None, notes
    if isinstance(value, float | int):
        if isinstance(value, float) and not value.is_integer():
            raise Refused(cccd_lib.MESSAGE_INVALID)
        digits = str(int(value))
        if len(digits) == 9:
            notes.append("Số CMND cũ (9 chữ số) không được ghi; hãy bổ sung số CCCD 12 chữ số.")
            return None, notes
        if 9 < len(digits) < 12:
            notes.append(
                "Số CCCD trong tệp là ô kiểu số nên mất số 0 ở đầu; đã thêm lại cho đủ 12 chữ "
                "số. Hãy định dạng cột CCCD là văn bản."
            )
            digits = digits.zfill(12)
        raw = digits
    else:
        raw = vntext.nfc(str(value))
        if re.fullmatch(r"\d\.\d+[eE]\+\d+", raw):
            raise Refused(
                "Số CCCD bị bảng tính ghi dạng số mũ (ví dụ 1,08E+11) nên đã mất chữ số; hãy "
                "định dạng cột là văn bản và nhập lại số."
            )
        if re.fullmatch(r"\d{9}", raw):
            notes.append("Số CMND cũ (9 chữ số) không được ghi; hãy bổ sung số CCCD 12 chữ số.")
            return None, notes
    try:
        return cccd_lib.normalize(raw), notes
    except ValidationError:
        raise Refused(cccd_lib.MESSAGE_INVALID) from None


_GENDERS = {"nam": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "x": None}
_GENDERS |= {"nu": Gender.FEMALE, "f": Gender.FEMALE, "female": Gender.FEMALE}


def gender(value) -> str | None:
    raw = text(value)
    if not raw:
        return None
    key = vntext.search_key(raw)
    if key in _GENDERS and _GENDERS[key] is not None:
        return str(_GENDERS[key])
    raise Refused(f"Giới tính “{raw[:20]}” không rõ; hãy ghi “Nam” hoặc “Nữ”.")


def _suggest(raw: str, choices: dict[str, str]) -> str:
    close = difflib.get_close_matches(vntext.search_key(raw), list(choices), n=1, cutoff=0.6)
    return f" Có phải “{choices[close[0]]}”?" if close else ""


_RANKS = {vntext.search_key(r.label): r for r in Rank}


def rank(value) -> int | None:
    """A CAND rank (R-TXT-07), whatever the tones, tone placement or case: "Đại uý", "dai uy"."""
    raw = text(value)
    if not raw:
        return None
    key = vntext.search_key(raw)
    if key in _RANKS:
        return int(_RANKS[key])
    labels = {k: r.label for k, r in _RANKS.items()}
    raise Refused(
        f"Cấp bậc “{raw[:30]}” không có trong danh mục cấp bậc hàm CAND (R-TXT-07)."
        + _suggest(raw, labels)
    )


_POSITION_LABELS = {vntext.search_key(p.label): p.label for p in PolicePosition}


def position(value) -> str | None:
    """A post in commune police (R-TXT-09): Trưởng, Phó Trưởng, cán bộ chiến sĩ; "Công an
    phường, thị trấn" and the short "CA" count as the same posts."""
    raw = text(value)
    if not raw:
        return None
    key = vntext.search_key(raw).replace(",", " ")
    key = " ".join(key.split())
    if key.startswith("pho truong"):
        return str(PolicePosition.DEPUTY)
    if key.startswith("truong"):
        return str(PolicePosition.CHIEF)
    if key in ("cbcs", "can bo", "chien si", "can bo chien si", "can bo chien sy"):
        return str(PolicePosition.OFFICER)
    raise Refused(
        f"Chức vụ “{raw[:40]}” không có trong danh mục chức vụ Công an xã (R-TXT-09)."
        + _suggest(raw, _POSITION_LABELS)
    )
