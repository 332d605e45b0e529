from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationType(models.TextChoices):
    # The ROR organisation types, so that imported records keep their meaning.
    EDUCATION = "education", _("Education")
    FACILITY = "facility", _("Research facility")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government")
    HEALTHCARE = "healthcare", _("Healthcare")
    NONPROFIT = "nonprofit", _("Non-profit")
    FUNDER = "funder", _("Funder")
    ARCHIVE = "archive", _("Archive")
    OTHER = "other", pgettext_lazy("organisation type", "Other")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OrganisationSource(models.TextChoices):
    ROR_V2 = "ror-v2", _("ROR (schema v2)")
    ROR_V1 = "ror-v1", _("ROR (schema v1)")
    CORDIS = "cordis", _("CORDIS (EU research projects)")
    USER = "user", _("Entered by a user")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone")
    MEMBERS = "members", _("Members only: signed-in users")
    HIDDEN = "hidden", _("Hidden: only me")


class OrganisationSort(models.TextChoices):
    NAME = "name", _("Name (A-Z)")
    NAME_DESC = "-name", _("Name (Z-A)")
    COUNTRY = "country", pgettext_lazy("sort", "Country")
    ESTABLISHED = "established", _("Oldest first")
    ESTABLISHED_DESC = "-established", _("Newest first")


class NameResolution(models.TextChoices):
    """How a typed organisation name was resolved to a registry record."""

    EXACT = "exact", _("named exactly (name, acronym or ROR id)")
    MATCHED = "matched", _("found by the matcher")
    AMBIGUOUS = "ambiguous", _("ambiguous")
    UNKNOWN = "unknown", _("not in the registry")


class EditorRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
