"""Vietnamese text at the boundary: NFC, collation and search keys (R-TXT-04, R-TXT-05).

Python's ``sorted()`` and pyuca order Vietnamese wrongly (stack.md), so the collation key
comes from ICU's CLDR "vi" rules: ă, â after a; đ after d; tones secondary.
"""

import re
import unicodedata
from functools import cache

import icu

_SPACES = re.compile(r"\s+")
# Marks that carry tone (R-TXT-04); classified by code point, never by position.
_TONE_MARKS = {"\u0300", "\u0309", "\u0303", "\u0301", "\u0323"}


def nfc(text: str) -> str:
    """Normalise to NFC and collapse runs of white space (R-TXT-05)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


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


def strip_tones(text: str) -> str:
    """Remove tone marks only, keeping letter-forming marks (ă â ê ô ơ ư)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
