"""Vietnamese text at the boundary: NFC, collation and search keys (R-TXT-04, R-TXT-05).

Python's ``sorted()`` and pyuca order Vietnamese wrongly (stack.md), so the collation key
comes from ICU's CLDR "vi" rules: ă, â after a; đ after d; tones secondary.
"""

import hashlib
import unicodedata
from functools import cache

import icu

# Marks that carry tone (R-TXT-04); classified by code point, never by position.
_TONE_MARKS = {"\u0300", "\u0309", "\u0303", "\u0301", "\u0323"}


def nfc(text: str) -> str:
    """Normalise to NFC and collapse runs of white space (R-TXT-05)."""
    # str.split() breaks at exactly the characters \s matches (str.isspace), at a third of
    # the cost of a regular expression: thousands of names per national overview.
    return " ".join(unicodedata.normalize("NFC", text or "").split())


@cache
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi"))


def sort_key(text: str) -> bytes:
    """ICU sort key for Vietnamese order (R-TXT-04): Anh < Ánh < Bình < Dũng < Đức."""
    return _collator().getSortKey(nfc(text))


def search_key(text: str) -> str:
    """Key for matching that ignores case, tones, tone placement and đ/d (R-TXT-05).

    "Hòa", "Hoà", "HOA" and "hoa" share one key; so do "Nguyễn Văn" and "nguyen van".
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return kept.replace("đ", "d")


def same_text_key(text: str) -> str:
    """A fixed-length key equal for texts that differ only in Unicode form, case and runs of
    white space: what makes "the same text sent twice" a natural duplicate the database can
    refuse. Tones are kept: "Hòa" and "Hoa" are different words."""
    folded = unicodedata.normalize("NFC", nfc(text).casefold())
    return hashlib.sha256(folded.encode()).hexdigest()


def strip_tones(text: str) -> str:
    """Remove tone marks only, keeping letter-forming marks (ă â ê ô ơ ư)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))


def split_full_name(full: str) -> tuple[str, str, str]:
    """(họ, tên đệm, tên) from a full name (R-TXT-03): first word, middle words, last word.

    "Nguyễn Thị Minh Anh" gives ("Nguyễn", "Thị Minh", "Anh"); a single word is the tên,
    ("", "", "Anh"). Compound family names ("Tôn Nữ", "Âu Dương") are not guessed: the user
    corrects the split, as R-TXT-03 asks.
    """
    words = nfc(full).split()
    if not words:
        return ("", "", "")
    if len(words) == 1:
        return ("", "", words[0])
    return (words[0], " ".join(words[1:-1]), words[-1])


def join_name(ho: str, ten_dem: str, ten: str) -> str:
    """The full name from its parts (R-TXT-03), NFC, single-spaced, empty parts skipped."""
    # One pass over the whole name, not one per part: a space between the parts is what
    # nfc() makes of the white space inside each, and an empty part leaves a run it collapses.
    return nfc(f"{ho or ''} {ten_dem or ''} {ten or ''}")


def name_sort_key(ho: str, ten_dem: str, ten: str) -> bytes:
    """Key for the official order of people: Tên, then Tên đệm, then Họ (R-TXT-03, R-TXT-04).

    The ICU keys of the three parts, concatenated. Each ICU key ends with its only 0x00
    byte, which sorts below every other byte: where one part's key is a prefix of the
    other's, the 0x00 decides as ICU would, and a later part is only reached when the
    earlier parts are equal. So plain byte comparison, as a database does on a bytea or BLOB
    column, gives the order of the tuple of the three keys.
    """
    return sort_key(ten) + sort_key(ten_dem) + sort_key(ho)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with "…" when cut:
    a syllable is never split ("ban hàn…" misreads as another word; issue 14)."""
    text = " ".join(nfc(text).split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-–") + "…"
