"""Read-mostly admin views of events for staff; organisers work on the site's own pages,
which check the scheduling rules (the admin does not)."""

from django.contrib import admin

from silkbridge.events.models import Event, Meeting, MeetingRequest, Registration, RegistrationCategory, ScheduleRun


class CategoryInline(admin.TabularInline):
    model = RegistrationCategory
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["slug", "starts_on", "ends_on", "time_zone", "is_public"]
    search_fields = ["slug", "venue"]
    filter_horizontal = ["organisers"]
    inlines = [CategoryInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "category", "status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["name", "organisation_name", "external_id"]
    raw_id_fields = ["user", "event", "category"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "status", "weight", "created_at"]
    list_filter = ["status", "event"]
    raw_id_fields = ["event", "requester", "recipient"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "state", "pinned"]
    list_filter = ["state", "event"]
    raw_id_fields = ["event", "request", "slot", "table"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # changes go through the schedule page, which checks the rules

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ["event", "status", "objective", "upper_bound", "created_at"]
    readonly_fields = [f.name for f in ScheduleRun._meta.fields]
