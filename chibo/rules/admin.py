"""Rule sets and extra holidays are data: a superuser adds a later regime or a day off
here, without code (domain §2)."""

from django.contrib import admin

from chibo.rules.models import Dismissal, Holiday, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_to", "regulation", "term_policy"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name"]


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    list_display = ["key", "from_day", "reason", "by", "at"]
    readonly_fields = ["key", "from_day", "reason", "by", "at", "organization"]
