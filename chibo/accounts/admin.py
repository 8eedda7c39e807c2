from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from chibo.accounts.forms import AdminLoginForm
from chibo.accounts.models import ApiToken, Grant, User

# The admin's login asks for the two-step code too, else it would be a way around it.
admin.site.login_form = AdminLoginForm
admin.site.login_template = "accounts/admin_login.html"


class GrantInline(admin.TabularInline):
    model = Grant
    fk_name = "user"
    extra = 0
    raw_id_fields = ["organization"]


@admin.register(User)
class ChiboUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("chibo", {"fields": ("full_name",)}))
    list_display = ["username", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name"]
    inlines = [GrantInline]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["digest", "prefix"]
