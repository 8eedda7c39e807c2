"""The 12-digit citizen ID number, số Căn cước công dân (CCCD) (design §2, Members).

The number is sensitive personal data: nothing here logs it, and no error or warning quotes
it or any of its digits (nor the year of birth they encode), so that a message copied into a
log, a ticket or an error report leaks nothing of it.

Layout (Nghị định 137/2015/NĐ-CP Art. 7; Thông tư 07/2016/TT-BCA): digits 1–3 are the
code of the province where the birth was registered, digit 4 the gender and century of
birth, digits 5–6 the last two digits of the year of birth, digits 7–12 a random number.
"""

import datetime as dt

from django.core.exceptions import ValidationError

from chibo.lib.forms import Caution

MESSAGE_INVALID = "Số CCCD phải gồm đúng 12 chữ số."

# Province codes of the place of birth registration, Thông tư 07/2016/TT-BCA, Appendix 1:
# the 63 provinces and cities as they were from 2008 to 2025. Numbers already issued keep
# these codes after the 2025 merger of provinces, so the list stays the complete one.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Separators people type or paste between groups of digits ("001 084 000123",
# "001.084.000.123"); any Unicode space counts, as copies from Word carry no-break spaces.
_SEPARATORS = frozenset(".-．－")
# Full-width digits come from East Asian input methods and mean the same digits; every other
# non-ASCII digit (Arabic-Indic, superscript, circled) is refused rather than guessed at.
_FULL_WIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}

_GENDER_LABELS = {"M": "Nam", "F": "Nữ"}


def normalize(value: str) -> str:
    """The 12 ASCII digits of a CCCD number, without spaces, dots or dashes.

    Full-width digits are converted; anything else that is not an ASCII digit, a space, a
    dot or a dash (letters, other scripts' digits, combining marks) makes the value invalid.

    Raises ``ValidationError`` with a Vietnamese message that does not quote the value.
    """
    digits = []
    for char in (value or "").translate(_FULL_WIDTH_DIGITS):
        if "0" <= char <= "9":
            digits.append(char)
        elif not (char.isspace() or char in _SEPARATORS):
            # The message never quotes the value: error pages and logs must not carry it.
            raise ValidationError(MESSAGE_INVALID, code="invalid_cccd")
    if len(digits) != 12:
        raise ValidationError(MESSAGE_INVALID, code="invalid_cccd")
    return "".join(digits)


def warnings(cccd: str, *, gender: str, birth_date: dt.date | None) -> list[Caution]:
    """Vietnamese warnings where the number disagrees with the record; ``[]`` when it agrees.
    Each is a ``Caution`` (a ``str``) with a code: ``cccd_province``, ``cccd_gender``,
    ``cccd_birth_year``.

    These are warnings, not errors: the number may be right and the record wrong. Checked:
    the province code (digits 1–3) is in ``PROVINCE_CODES``; the gender of digit 4 matches
    ``gender`` ("M" Nam, "F" Nữ, "" not recorded: not checked); the year of birth from
    digit 4 (century: 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s) and digits 5–6
    matches ``birth_date``, when known.

    ``cccd`` goes through ``normalize`` first, and so may raise ``ValidationError``.
    """
    if gender not in ("M", "F", ""):
        raise ValueError(f"gender must be 'M', 'F' or '', got {gender!r}")
    number = normalize(cccd)
    found: list[Caution] = []
    if number[:3] not in PROVINCE_CODES:
        found.append(
            Caution(
                "cccd_province",
                "Ba chữ số đầu của số CCCD không phải là mã tỉnh, thành phố nơi đăng ký khai sinh "
                "trong danh mục của Bộ Công an; hãy kiểm tra lại số CCCD (trừ khi công dân đăng "
                "ký khai sinh ở nước ngoài).",
            )
        )
    code = int(number[3])
    encoded_gender = "M" if code % 2 == 0 else "F"
    if gender and encoded_gender != gender:
        found.append(
            Caution(
                "cccd_gender",
                f"Chữ số thứ 4 của số CCCD ứng với giới tính {_GENDER_LABELS[encoded_gender]}, "
                f"nhưng hồ sơ ghi giới tính {_GENDER_LABELS[gender]}.",
            )
        )
    encoded_year = 1900 + 100 * (code // 2) + int(number[4:6])
    if birth_date is not None and encoded_year != birth_date.year:
        found.append(
            Caution(
                "cccd_birth_year",
                "Năm sinh ghi trong số CCCD (chữ số thứ 4 đến thứ 6) khác năm sinh "
                f"{birth_date.year} trong hồ sơ; hãy kiểm tra lại số CCCD hoặc ngày sinh.",
            )
        )
    return found


def mask(cccd: str | None) -> str | None:
    """The number as shown to its holder on a read-only page: only the last 3 digits, which
    are random (digits 1–6 give away the province, gender and year of birth), e.g.
    ``*********123``. ``None`` stays ``None``."""
    if not cccd:
        return None
    return "*" * (len(cccd) - 3) + cccd[-3:]
