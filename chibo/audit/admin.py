"""The audit history in the admin: read-only for the superuser; no add, change, delete or
bulk action exists for it."""

from django.contrib import admin

from chibo.audit.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_name",
        "interface",
        "operation",
        "action",
        "object_type",
        "object_id",
    ]
    list_filter = ["interface", "action", "object_type"]
    search_fields = ["actor_name", "operation", "object_type", "note"]
    date_hierarchy = "at"
    actions = None
    readonly_fields = [f.name for f in Entry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
