"""Vietnamese dates: parsing dd/mm/yyyy and ISO input, writing dd/mm/yyyy (R-TXT-01)."""

import datetime as dt
import re

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class DateParseError(ValueError):
    """The text is not a date; the message is Vietnamese and fit to show to a user."""


def parse_date(text: str) -> dt.date:
    """Parse ``dd/mm/yyyy`` (also with - or .) or ISO ``yyyy-mm-dd``; never mm/dd."""
    text = (text or "").strip()
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise DateParseError(
            f"Ngày “{text[:40]}” không đúng định dạng; hãy nhập theo dạng dd/mm/yyyy "
            "(ví dụ 24/05/2023) hoặc yyyy-mm-dd."
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(f"Ngày “{text[:40]}” không tồn tại trong lịch.") from None


def format_date(value: dt.date) -> str:
    """dd/mm/yyyy, with leading zeros, as shown in tables and forms."""
    return value.strftime("%d/%m/%Y")


def day_before(value: dt.date) -> dt.date:
    return value - dt.timedelta(days=1)
