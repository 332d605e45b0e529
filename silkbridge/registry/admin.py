from django.contrib import admin

from silkbridge.registry.models import Country, Expert, Field, Organisation


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "is_partner", "partner_since", "partner_is_demo"]
    list_filter = ["is_partner", "partner_is_demo"]
    search_fields = ["code", "name_en"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "city", "ror_id", "source"]
    list_filter = ["kind", "source", "status"]
    search_fields = ["name", "ror_id", "search_text"]
    raw_id_fields = ["country"]
    filter_horizontal = ["fields"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "visibility", "is_demo"]
    list_filter = ["visibility", "is_demo"]
    search_fields = ["name", "search_text"]
    raw_id_fields = ["user", "affiliations", "country"]
