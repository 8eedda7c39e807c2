"""Legacy 8-bit Vietnamese text read back as Unicode (R-TXT-06): TCVN3 (ABC, ".VnTime")
and VNI-Windows ("VNI-Times"), as spreadsheets of old party offices hold them.

The code tables are viparse's (``viparse.fix(text, encoding=...)``, pure standard library),
checked in ``tests_vnlegacy`` against the published tables; its VNI table misses two letters,
supplied here. Its automatic detection is not
used: on one cell it is wrong or silent (a name like "B¶o Th¾ng" is taken for VISCII,
"NguyÔn V¨n An" for no encoding at all). A spreadsheet gives more to judge by: a whole
column. So the encoding is decided here per column by which conversion leaves only
Vietnamese letters, then applied to each of its cells.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import viparse

ENCODINGS = ("tcvn3", "vni")
# Letters of the published VNI-Windows table that viparse's corpus-built VNI table lacks
# (ẳ, it says, was never seen; ỵ it has only as "yï", not the table's single byte 0xEE).
_VNI_MISSING = {"aú": "ẳ", "AÚ": "Ẳ", "î": "ỵ", "Î": "Ỵ"}
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_TCVN3_ONLY = frozenset("¸µ¶·¹¨©ª«¬\xad®§¡¢£¤¥¦")
_VNI_PAIR = re.compile("[aeiouyAEIOUY][ùøûõïÙØÛÕÏ]|[ñÑ][aeiouAEIOU]")
_PUNCTUATION = set(" \t\n,.;:-/()'\"&+*%!?#_[]")


@cache
def _vietnamese() -> frozenset[str]:
    """Every letter a Vietnamese text uses: ASCII and the precomposed vowels with tones."""
    letters = set("đĐ")
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in _TONES:
            char = unicodedata.normalize("NFC", base + tone)
            letters |= {char, char.upper()}
    return frozenset(letters)


def _foreign(text: str) -> int:
    """How many characters of ``text`` no Vietnamese text would hold."""
    letters = _vietnamese()
    return sum(
        1
        for char in text
        if not (char.isascii() or char in letters or char in _PUNCTUATION or char.isspace())
    )


def _beyond_latin1(text: str) -> bool:
    """Holds a Vietnamese letter that Latin-1 lacks (ă, ơ, ư, đ, ễ…): written in Unicode.
    Legacy text reaches Python as Latin-1/Windows-1252 characters only."""
    letters = _vietnamese()
    return any(ord(char) > 0xFF and char in letters for char in text)


def convert(text: str, encoding: str) -> str:
    """``text`` from ``encoding`` to Unicode NFC (R-TXT-05). An all-capitals cell was typed in
    an upper-case font (".VnTimeH"): the same bytes draw capitals there, so the result is
    upper-cased (R-TXT-06)."""
    if not text or _beyond_latin1(text):
        return unicodedata.normalize("NFC", text)
    if encoding == "vni":
        for legacy, letter in _VNI_MISSING.items():
            text = text.replace(legacy, letter)
    result = unicodedata.normalize("NFC", viparse.fix(text, encoding=encoding))
    ascii_letters = [c for c in text if c.isascii() and c.isalpha()]
    if len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters):
        result = result.upper()
    return result


def detect(texts: Iterable[str]) -> str | None:
    """The legacy encoding of a column of cells ("tcvn3" or "vni"), or ``None`` when it is
    Unicode (or too little to tell, when nothing is converted: the safe side)."""
    sample = [t for t in texts if t and not _beyond_latin1(t)]
    if not sample:
        return None
    joined = "\n".join(sample[:500])
    before = _foreign(joined)
    if before == 0:
        # Only letters Vietnamese Unicode uses: "Lê Hoàng" is valid as it is, although as
        # VNI it would read "Lê Hồng"; without a foreign character nothing says convert.
        return None
    scores = {enc: _foreign(viparse.fix(joined, encoding=enc)) for enc in ENCODINGS}
    # A conversion that leaves a third of the strange characters is a guess: refuse it.
    clean = [enc for enc in ENCODINGS if scores[enc] * 3 <= before and scores[enc] < before]
    if len(clean) == 2:
        # Both tables turn most bytes into letters. What tells them apart: TCVN3 puts the
        # accented letters on bytes VNI never uses (¸ µ ¶ ¨ © ª « ® § …); VNI writes a
        # vowel followed by its tone byte ("eã" is typed "eã": Nguyeãn).
        if any(char in _TCVN3_ONLY for char in joined):
            return "tcvn3"
        if _VNI_PAIR.search(joined):
            return "vni"
    return min(clean, key=lambda enc: scores[enc]) if clean else None


def candidates(text: str) -> list[str]:
    """``text`` read as each legacy encoding, for a header cell judged on its own."""
    if not text or _beyond_latin1(text) or (_foreign(text) == 0 and text.isascii()):
        return []
    return [convert(text, enc) for enc in ENCODINGS]
