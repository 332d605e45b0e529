from django.contrib import admin

from silkbridge.cooperation.models import (
    Agreement,
    AgreementParty,
    CentreYear,
    DemonstrationCentre,
    JointLab,
    Output,
    Partnership,
    ProgrammeOfficer,
    Project,
)


class PartyInline(admin.TabularInline):
    model = AgreementParty
    raw_id_fields = ["organisation"]
    extra = 2


class PartnershipInline(admin.TabularInline):
    model = Partnership
    raw_id_fields = ["organisation"]
    fields = ["organisation", "role"]
    extra = 1


class OutputInline(admin.TabularInline):
    model = Output
    fields = ["kind", "year", "count", "identifier"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "signed_on", "in_force_from", "expires_on", "terminated_on", "is_demo"]
    list_filter = ["kind", "is_demo", "is_published", "review_status"]
    search_fields = ["external_id", "titles"]
    filter_horizontal = ["fields"]
    inlines = [PartyInline]


@admin.register(JointLab)
class JointLabAdmin(admin.ModelAdmin):
    list_display = ["__str__", "established_on", "closed_on", "is_demo"]
    filter_horizontal = ["fields"]
    inlines = [PartnershipInline, OutputInline]


class CentreYearInline(admin.TabularInline):
    model = CentreYear
    extra = 1


@admin.register(DemonstrationCentre)
class DemonstrationCentreAdmin(admin.ModelAdmin):
    list_display = ["__str__", "host_country", "opened_on", "closed_on", "is_demo"]
    filter_horizontal = ["fields"]
    inlines = [PartnershipInline, CentreYearInline, OutputInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "start_on", "end_on", "funding_programme", "is_demo"]
    search_fields = ["title", "external_id"]
    raw_id_fields = ["agreement", "lab"]
    filter_horizontal = ["fields"]
    inlines = [PartnershipInline, OutputInline]


@admin.register(ProgrammeOfficer)
class ProgrammeOfficerAdmin(admin.ModelAdmin):
    """Staff grant the programme officer role per country here."""

    list_display = ["user", "country"]
    list_filter = ["country"]
    raw_id_fields = ["user"]
    search_fields = ["user__email", "country__code"]
