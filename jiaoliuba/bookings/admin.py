"""Configuration of bookings in the admin. Bookings and sessions change only through
their services (each with an event), so they are read-only here; consultation notes are
not shown at all (they are read through the logged page only)."""

from django.contrib import admin

from jiaoliuba.bookings.models import (
    Availability,
    Booking,
    BookingEvent,
    Certificate,
    Expert,
    Restriction,
    Service,
    Session,
)
from jiaoliuba.core import clock
from jiaoliuba.core.admin import AuditedAdmin, ReadOnlyAdmin


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ("title", "issuer", "number", "status", "checked_by", "checked_at")
    readonly_fields = ("status", "checked_by", "checked_at")


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    """The expert pool; certificates are verified by staff on the pool page."""

    list_display = ("name", "profession", "organisation", "region", "active", "hours_total")
    list_filter = ("active", "profession")
    search_fields = ("name", "skills", "organisation")
    fields = ("name", "profession", "organisation", "skills", "bio", "region", "user", "active")
    raw_id_fields = ("user", "region")
    inlines = [AvailabilityInline, CertificateInline]

    def save_model(self, request, obj, form, change):
        obj.region_path = obj.region.path  # the scope filters' copy
        if not change and obj.created_at is None:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    """Text, place and whether it is listed; who offers it is fixed at creation."""

    list_display = ("title", "kind", "provider_kind", "region", "eligibility", "active")
    list_filter = ("kind", "provider_kind", "active")
    search_fields = ("title",)
    fields = ("title", "description", "place", "online", "eligibility", "max_seats", "active")

    def has_add_permission(self, request):
        return False  # created on the workbench, in a scope


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "data")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = (
        "service",
        "starts_at",
        "capacity",
        "seats_taken",
        "attended",
        "status",
    )
    list_filter = ("status",)
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("session", "resident", "status", "seats", "at_desk", "rating", "created_at")
    list_filter = ("status", "at_desk", "rating")
    exclude = ("feedback",)
    inlines = [BookingEventInline]


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ("user", "reason", "starts_at", "ends_at", "lifted_at")
