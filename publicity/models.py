"""What a township hangs on walls and hands to every household (公示): the wording it prints, and a
record of each grid bulletin printed, so the township can see which boards no longer match the
people on duty.

The prints themselves are made from the registry as it is (`publicity/content.py`); nothing here
copies a cadre's name or phone except the snapshot a bulletin print keeps of what it showed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villages.jurisdiction import ScopedQuerySet
from villages.models import Grid, Township


class PrintSettings(models.Model):
    """A township's own wording on its prints: the service promise on every bulletin, the
    emergency numbers on every contact card, and the letter to every household."""

    township = models.OneToOneField(
        Township, on_delete=models.CASCADE, related_name="print_settings", verbose_name=_("township")
    )
    service_promise = models.TextField(_("service promise"), max_length=500)
    emergency_numbers = models.TextField(
        _("emergency numbers"),
        max_length=300,
        help_text=_("One a line: what it is for, then the number (for example: Police 110)."),
    )
    letter_title = models.CharField(_("letter title"), max_length=100)
    letter_body = models.TextField(
        _("letter"), max_length=1500, help_text=_("One A4 page: about 1,200 Chinese characters at most.")
    )
    letter_signature = models.CharField(_("signed by"), max_length=100)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "township_id"}
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("print settings")
        verbose_name_plural = _("print settings")

    def __str__(self):
        return str(self.township)

    @property
    def emergency_lines(self):
        """(what, number) pairs; a line without a space is a number alone."""
        pairs = []
        for line in self.emergency_numbers.splitlines():
            what, _sep, number = line.strip().rpartition(" ")
            if number:
                pairs.append((what.strip(), number))
        return pairs


class BulletinPrint(models.Model):
    """One printing of a grid's bulletin (网格公示牌), with a snapshot of what it showed: recorded when
    someone who answers for the grid says the new board is printed (a print preview or a PDF
    downloaded to look at is not a board on the wall)."""

    class Size(models.TextChoices):
        A3 = "A3", "A3"
        A4 = "A4", "A4"

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="bulletin_prints", verbose_name=_("grid"))
    size = models.CharField(_("paper"), max_length=2, choices=Size.choices)
    fingerprint = models.CharField(max_length=64, editable=False)
    shown = models.JSONField(_("what it showed"), editable=False)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("printed by")
    )
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "grid__village__township_id", "village": "grid__village_id", "grid": "grid_id"}

    class Meta:
        verbose_name = _("bulletin print")
        verbose_name_plural = _("bulletin prints")
        ordering = ["-printed_at", "-pk"]
        indexes = [models.Index(fields=["grid", "-printed_at"], name="bulletin_print_latest")]

    def __str__(self):
        return f"{self.grid} {self.size} {self.printed_at:%Y-%m-%d}"
