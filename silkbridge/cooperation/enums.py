from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental S&T cooperation agreement")
    MOU = "mou", _("Memorandum of understanding")
    INSTITUTIONAL = "institutional", _("Institutional agreement")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class PeriodStatus(models.TextChoices):
    """A lab, centre or project on a day, by its start and end dates (see models.py)."""

    PLANNED = "planned", _("Not yet started")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    UNKNOWN = "unknown", _("No start date")


class PartnerRole(models.TextChoices):
    HOST = "host", _("Host")
    PARTNER = "partner", _("Partner")
    COORDINATOR = "coordinator", _("Coordinator")
    PARTICIPANT = "participant", _("Participant")


class OutputKind(models.TextChoices):
    PUBLICATION = "publication", _("Publication")
    PATENT = "patent", _("Patent")
    DATASET = "dataset", _("Dataset")
    TRAINING = "training", _("Training")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")


class RecordKind(models.TextChoices):
    """The kinds of cooperation record: the slug of their pages, import files and API paths.
    Each model names its own (``record_kind``); ``cooperation.kinds`` gives its form and more."""

    AGREEMENTS = "agreements", _("Agreements")
    LABS = "labs", _("Joint laboratories")
    CENTRES = "centres", _("Demonstration centres")
    PROJECTS = "projects", _("Projects")
    OUTPUTS = "outputs", _("Outputs")


class ReviewStatus(models.TextChoices):
    """Where a record's latest version stands in review. A published record may carry a
    submitted change while its published version stays public."""

    DRAFT = "draft", _("Draft (withdrawn)")
    SUBMITTED = "submitted", _("Submitted for review")
    SENT_BACK = "sent_back", _("Sent back")
    PUBLISHED = "published", _("Published")
