from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import (
    ApiToken,
    DutyShift,
    Household,
    ResidentProfile,
    RoleAssignment,
    User,
)
from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ("region",)  # search regions by name, not by id
    readonly_fields = ("created_by", "created_at")


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    audited_fields = ["username", "display_name", "email", "is_staff", "is_active", "is_superuser"]
    list_display = ("__str__", "username", "masked_phone", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active")
    search_fields = ("username", "display_name")
    ordering = ("-date_joined",)
    fieldsets = (
        (None, {"fields": ("username", "password", "display_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "password1", "password2"),
            },
        ),
    )
    inlines = [RoleInline]

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj):
        return obj.masked_phone


@admin.register(ResidentProfile)
class ResidentProfileAdmin(AuditedAdmin):
    audited_fields = ["community", "grid", "address", "household", "verification_status"]
    list_display = ("user", "community", "grid", "verification_status")
    list_filter = ("verification_status",)
    search_fields = ("user__display_name", "address")
    raw_id_fields = ("user", "household", "verified_by")
    # Moving a resident goes through the profile service (it keeps region_path and
    # verification consistent), so the admin shows the place read-only.
    readonly_fields = ("community", "grid")
    exclude = ("id_number",)


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin):
    list_display = ("address", "community", "grid")
    search_fields = ("address",)
    autocomplete_fields = ("community", "grid")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    list_display = ("user", "role", "region", "skills", "created_at")
    list_filter = ("role",)
    raw_id_fields = ("user", "created_by")
    autocomplete_fields = ("region",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedAdmin):
    list_display = ("user", "region", "starts_at", "ends_at")
    raw_id_fields = ("user",)
    autocomplete_fields = ("region",)
    date_hierarchy = "starts_at"
