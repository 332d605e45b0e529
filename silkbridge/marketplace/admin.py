from django.contrib import admin

from silkbridge.marketplace.models import Interest, Listing


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "organisation", "expires_on", "is_demo"]
    list_filter = ["kind", "status", "is_demo"]
    exclude = ["details"]  # confidential: read on the site, through the access rules
    raw_id_fields = ["organisation", "poster"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "stage", "created_at"]
    list_filter = ["status", "stage"]
    fields = readonly_fields = ("listing", "sender", "status", "stage", "decline_reason", "created_at")
