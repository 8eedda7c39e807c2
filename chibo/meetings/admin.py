"""Rubrics are data (R-MTG-13): a superuser adds a province's framework or a later version
here, without code."""

from django.contrib import admin

from chibo.meetings.models import Criterion, Level, Rubric


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "province",
        "valid_from",
        "valid_to",
        "min_minutes",
        "min_minutes_combined",
    ]
    raw_id_fields = ["province"]
    inlines = [CriterionInline, LevelInline]
