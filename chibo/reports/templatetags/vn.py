from django import template

from chibo.lib.vnnumbers import number

register = template.Library()


@register.filter(name="vn_number")
def vn_number(value):
    """{{ members|vn_number }} → "120.000" (R-TXT-02)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return number(value)


@register.filter(name="clip")
def clip(value, limit: int):
    """{{ text|clip:120 }}: cut at a word, never mid-syllable (issue 14; ``vntext.clip``)."""
    from chibo.lib.vntext import clip as clip_text

    return clip_text(str(value or ""), int(limit))
