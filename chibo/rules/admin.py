"""Rule sets and the working calendar are data: a superuser adds a later regime or a day off
here, without code (domain §2)."""

from django.contrib import admin

from chibo.rules.models import CalendarDay, CalendarYear, Dismissal, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "valid_from",
        "valid_to",
        "regulation",
        "meeting_guide",
        "combined_counts_both",
        "term_policy",
    ]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "confirmed", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    list_display = ["key", "from_day", "reason", "by", "at"]
    readonly_fields = ["key", "from_day", "reason", "by", "at", "organization"]
