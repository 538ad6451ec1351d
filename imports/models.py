"""One row per roster a user brought in: who, which file, when, what it found and what it wrote."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from villages.jurisdiction import ScopedQuerySet
from villages.models import Township


class ImportRun(models.Model):
    """An uploaded roster: checked (the preview), then imported all at once or not at all. The file
    is kept, so the import writes exactly what was previewed and the report can be downloaded later."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, ready to import")
        REJECTED = "rejected", _("Problems found, nothing written")
        IMPORTED = "imported", _("Imported")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    households_new = models.PositiveIntegerField(_("new households"), default=0)
    households_updated = models.PositiveIntegerField(_("households updated"), default=0)
    residents_new = models.PositiveIntegerField(_("new residents"), default=0)
    residents_updated = models.PositiveIntegerField(_("residents updated"), default=0)
    unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # [[row, column letter, header, message, value], …] in the language of the user who uploaded;
    # the first MAX_KEPT of them (the count above is the whole number).
    problems = models.JSONField(_("problems"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)  # columns not read, and the like

    objects = ScopedQuerySet.as_manager()
    # The township's staff see every import of the township; anyone else, the imports they ran.
    scope_paths = {"township": "township_id", "reporter": "user_id"}

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "-created_at"], name="import_township_recent")]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("imports:run", args=[self.pk])

    @property
    def can_import(self):
        return self.status == self.Status.CHECKED
