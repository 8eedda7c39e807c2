"""``{{ f.rule_id|rule_name }}``: the regulation's subject instead of its code on a page."""

from django import template

from chibo.rules import titles

register = template.Library()


@register.filter
def rule_name(rule_id: str) -> str:
    return titles.title(rule_id)
