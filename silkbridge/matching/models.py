from django.db import models
from django.utils.translation import gettext_lazy as _


class Exposure(models.Model):
    """How often records of a country (and kind) were shown in search results on a day:
    the raw material of the fair-exposure report. Counts only, nothing about who searched."""

    day = models.DateField()
    kind = models.CharField(max_length=20)
    country = models.CharField(max_length=2, blank=True)  # "" for records without a country
    appearances = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("search exposure")
        verbose_name_plural = _("search exposure")
        constraints = [models.UniqueConstraint(fields=["day", "kind", "country"], name="exposure_once_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.country}: {self.appearances}"
