"""Which column is which (issue 13, item 2): the usual Vietnamese headers, in any order and
spelling, found whatever the case, tones, tone placement (R-TXT-05) or legacy font
(R-TXT-06) they were typed in."""

import datetime as dt
import re

from chibo.lib import vnlegacy as legacy
from chibo.lib import vntext

# Field → (label shown to the user, headers that name it, as search keys).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stt": ("STT", ("stt", "so thu tu", "tt", "so tt")),
    "full_name": (
        "Họ và tên",
        ("ho va ten", "ho ten", "ho va ten khai sinh", "ho ten khai sinh", "ten dang vien"),
    ),
    "ho": ("Họ", ("ho",)),
    "ten_dem": ("Tên đệm", ("ten dem", "chu dem", "dem")),
    "ten": ("Tên", ("ten",)),
    "birth_date": (
        "Ngày sinh",
        ("ngay sinh", "ngay thang nam sinh", "sinh ngay", "ngay, thang, nam sinh", "nam sinh"),
    ),
    "gender": ("Giới tính", ("gioi tinh", "nam/nu", "nam, nu", "phai")),
    "cccd": (
        "Số CCCD",
        (
            "so cccd",
            "cccd",
            "so cmnd",
            "cmnd",
            "so dinh danh",
            "so dinh danh ca nhan",
            "cccd/cmnd",
            "so cccd/cmnd",
            "so can cuoc",
            "so can cuoc cong dan",
            "can cuoc cong dan",
        ),
    ),
    "home_town": ("Quê quán", ("que quan", "que")),
    "decision_date": (
        "Ngày vào Đảng",
        (
            "ngay vao dang",
            "vao dang",
            "ngay ket nap",
            "ngay ket nap dang",
            "ket nap",
            "ngay vao dang (ket nap)",
        ),
    ),
    "official_date": (
        "Ngày chính thức",
        ("ngay chinh thuc", "chinh thuc", "ngay cong nhan chinh thuc", "ngay vao dang chinh thuc"),
    ),
    "card_no": ("Số thẻ đảng viên", ("so the dang vien", "so the", "the dang vien", "so the dv")),
    "rank": ("Cấp bậc", ("cap bac", "cap bac ham", "quan ham", "cap ham")),
    "position": (
        "Chức vụ",
        ("chuc vu", "chuc vu cong an", "chuc vu chinh quyen", "chuc danh"),
    ),
    "party_role": ("Chức vụ đảng", ("chuc vu dang", "chuc vu trong dang")),
    "cell": ("Chi bộ", ("chi bo", "don vi", "chi bo sinh hoat", "chi bo, don vi", "chi bo/don vi")),
    "status": ("Trạng thái", ("trang thai",)),
    "note": ("Ghi chú", ("ghi chu",)),
}
# What the preview lets the user map; the rest (STT, export-only columns) are recognised
# so that they are not reported as unknown, and are not imported.
IMPORTED = [
    "full_name",
    "ho",
    "ten_dem",
    "ten",
    "birth_date",
    "gender",
    "cccd",
    "home_town",
    "decision_date",
    "official_date",
    "card_no",
    "rank",
    "position",
    "cell",
    "note",
]
_ALIASES = {alias: name for name, (_label, aliases) in FIELDS.items() for alias in aliases}
_NOISE = re.compile(r"\(.*?\)|[.:*]")


def label(name: str) -> str:
    return FIELDS[name][0]


def cell_text(value) -> str:
    """The text a person sees in a cell: whole numbers without ".0", dates dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.timedelta | dt.time):
        return str(value)
    return vntext.nfc(str(value))


def _key(text: str) -> str:
    return " ".join(_NOISE.sub(" ", vntext.search_key(text)).split())


def field_of(header: str) -> str | None:
    """The field a header names, or ``None``; headers typed in TCVN3 or VNI count too."""
    if not header:
        return None
    for candidate in (header, *legacy.candidates(header)):
        key = _key(candidate)
        if key in _ALIASES:
            return _ALIASES[key]
        # A parenthesis often explains the format: "Ngày sinh (dd/mm/yyyy)".
        bare = _key(re.sub(r"\(.*", "", vntext.search_key(candidate)))
        if bare in _ALIASES:
            return _ALIASES[bare]
    return None


def score(headers: list[str]) -> int:
    return len({f for f in map(field_of, headers) if f is not None and f != "stt"})


def has_name(headers: list[str]) -> bool:
    found = set(map(field_of, headers))
    return "full_name" in found or "ten" in found


def looks_like_data(text: str) -> bool:
    """A cell of a data row rather than of a header: a date or a long number."""
    return bool(re.fullmatch(r"\d{5,}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text))


def guess(headers: list[str]) -> dict[str, int]:
    """Field → column index, the first column naming each field."""
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = field_of(header)
        if name is not None and name not in mapping:
            mapping[name] = index
    if "full_name" in mapping:
        # One full-name column wins over the parts: "Tên" may then be a nickname column.
        for part in ("ho", "ten_dem", "ten"):
            mapping.pop(part, None)
    return {k: v for k, v in mapping.items() if k in IMPORTED}


def from_saved(saved: dict[str, str], headers: list[str]) -> dict[str, int]:
    """A saved mapping (field → header key) applied to this file's headers."""
    keys = [_key(h) for h in headers]
    mapping = {}
    for name, key in saved.items():
        if name in IMPORTED and key in keys:
            mapping[name] = keys.index(key)
    return mapping


def to_saved(mapping: dict[str, int], headers: list[str]) -> dict[str, str]:
    return {name: _key(headers[index]) for name, index in mapping.items() if index < len(headers)}
