"""Assessment (考核): schemes, periods, and the ledger of points behind every score.

    Scheme          a township's way of scoring some posts (grid leaders: 100 points a month)
    SchemeVersion   its total, pass mark and items as they were; a closed period keeps its version
    Item            one line of a version: automatic (a metric of the work) or manual (an entry)
    Period          a month, quarter or year of one scheme: open (computed again and again), closed
    Score           one cadre's result for a period: total, grade, ranks
    Line            the ledger: the metric, what it counted and the points, per item of a score
    Entry           a manual reward or deduction (or a supervision finding), with its reason and
                    evidence, approved by the township, answered by the cadre

Who sees a score is the registry's one rule (villages/jurisdiction.py): the township sees all, a
village its cadres, everyone their own (the "reporter" grant is the user); entering an item about
a cadre is the ASSESS action at the level above theirs (`scope_limits`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from cases.models import Case
from cases.workflow import Level
from villages.jurisdiction import Action, ScopedQuerySet
from villages.models import Cadre, Grid, Post, Township, Village
from visits.models import Visit

from .scoring import SHORT_LABELS, Grade, Linear, Metric, PerUnit

POINTS = {"max_digits": 8, "decimal_places": 1}
MAX_POINTS = 100_000  # a scheme's total or an item's points, at most
# Metrics that count things (a deduction per unit); the rest are shares in per cent, or minutes.
COUNTED = frozenset({Metric.OVERDUE_ESCALATIONS})
MINUTES = frozenset({Metric.EMERGENCY_ACKNOWLEDGEMENT})


class Cycle(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    YEAR = "year", _("Yearly")


class Scheme(models.Model):
    """How a township scores some posts; its items live in versions."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="schemes", verbose_name=_("township"))
    name = models.CharField(_("name"), max_length=100)
    cycle = models.CharField(_("assessed"), max_length=8, choices=Cycle.choices, default=Cycle.MONTH)
    roles = models.JSONField(_("posts assessed"), default=list)  # Post.Role values
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "township_id"}
    reach_paths = {"township": "township_id"}

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["township", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="scheme_name_once_per_township")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assessments:scheme", args=[self.pk])

    @property
    def role_labels(self):
        # Translators: between the names in a list of posts ("grid leader, grid member").
        return pgettext("list", ", ").join(
            str(Post.Role(role).label) for role in self.roles if role in Post.Role.values
        )


class SchemeVersion(models.Model):
    """A scheme's total, marks and items as they stood from `created_at`; never changed once a
    closed period was scored by it (services.save_scheme makes a new one instead)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions", verbose_name=_("scheme"))
    number = models.PositiveSmallIntegerField(_("version"))
    total = models.PositiveIntegerField(
        _("total points"), validators=[MinValueValidator(1), MaxValueValidator(MAX_POINTS)]
    )
    pass_mark = models.DecimalField(_("pass mark"), **POINTS)
    excellent_at = models.DecimalField(_("excellent from"), **POINTS)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_once"),
            models.CheckConstraint(condition=Q(pass_mark__lte=models.F("total")), name="pass_mark_within_total"),
        ]

    def __str__(self):
        return f"{self.scheme} v{self.number}"


class Item(models.Model):
    """One item of a version. Items that earn points add up to the total; a reward adds bonus
    points up to its maximum, a deduction takes away up to its maximum."""

    class Effect(models.TextChoices):
        EARN = "earn", _("Earns points")
        REWARD = "reward", _("Reward (bonus)")
        DEDUCT = "deduct", _("Deduction")

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    metric = models.CharField(
        _("measured from the records"),
        max_length=32,
        choices=Metric.choices,
        blank=True,
        help_text=_("Empty: a manual item, entered by the level above and approved by the township."),
    )
    name = models.CharField(_("item"), max_length=100, blank=True)
    effect = models.CharField(_("effect"), max_length=8, choices=Effect.choices, default=Effect.EARN)
    max_points = models.PositiveIntegerField(_("points"))
    zero_at = models.DecimalField(_("no points at"), max_digits=9, decimal_places=2, null=True, blank=True)
    full_at = models.DecimalField(_("full points at"), max_digits=9, decimal_places=2, null=True, blank=True)
    points_each = models.DecimalField(_("points per case"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["version", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return self.name or (Metric(self.metric).label if self.metric else "")

    @property
    def short_label(self):
        """For a table's column heading."""
        return self.name or (SHORT_LABELS[self.metric] if self.metric else "")

    @property
    def scale(self):
        """The scoring.py scale of an automatic item."""
        if self.metric in COUNTED:
            return PerUnit(-self.points_each, Decimal(self.max_points))
        return Linear(self.zero_at, self.full_at)

    @property
    def unit(self):
        if self.metric in COUNTED:
            return "count"
        return "minutes" if self.metric in MINUTES else "percent"


class PeriodQuerySet(models.QuerySet):
    def closed(self):
        return self.filter(status=Period.Status.CLOSED)


class Period(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("period", "Open")
        CLOSED = "closed", pgettext_lazy("period", "Closed")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="periods", verbose_name=_("scheme"))
    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="periods")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(pgettext_lazy("assessment", "status"), max_length=8, choices=Status.choices)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["scheme", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "starts_on"], name="period_once_per_start"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.scheme} {self.label}"

    def get_absolute_url(self):
        return reverse("assessments:period", args=[self.pk])

    @property
    def label(self):
        if self.scheme.cycle == Cycle.MONTH:
            return f"{self.starts_on:%Y-%m}"
        if self.scheme.cycle == Cycle.QUARTER:
            return _("%(year)s Q%(quarter)s") % {
                "year": self.starts_on.year,
                "quarter": (self.starts_on.month - 1) // 3 + 1,
            }
        return f"{self.starts_on:%Y}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class Score(models.Model):
    """One cadre's result for one period, where they were posted then (the scope keys)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="scores", verbose_name=_("period"))
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="scores", verbose_name=_("cadre"))
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("post"))
    role = models.CharField(_("role"), max_length=32, choices=Post.Role.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    total = models.DecimalField(_("total"), **POINTS)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    passed = models.BooleanField(_("passed"))
    rank_township = models.PositiveSmallIntegerField(_("rank in the township"))
    rank_village = models.PositiveSmallIntegerField(_("rank in the village"))

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "township_id", "village": "village_id", "reporter": "cadre__user_id"}
    # Entering an item about a cadre is for the level above: a village's grant covers its grids'
    # cadres, not its own (the township enters theirs).
    scope_limits = {Action.ASSESS: {"village": {"level": Level.GRID}}}

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["period", "rank_township", "cadre__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["period", "cadre"], name="score_once_per_period")]

    def __str__(self):
        return f"{self.cadre} {self.period.label} {self.total}"

    def get_absolute_url(self):
        return reverse("assessments:score", args=[self.pk])


class Line(models.Model):
    """The ledger: what an item measured for a score and the points it gave."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=12, decimal_places=1, null=True)  # None: nothing to measure
    counted = models.PositiveIntegerField(null=True)
    out_of = models.PositiveIntegerField(null=True)
    points = models.DecimalField(**POINTS)
    assessed = models.BooleanField()

    class Meta:
        ordering = ["item__position", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["score", "item"], name="line_once_per_item")]

    def __str__(self):
        return f"{self.item} {self.points}"


class Source(models.TextChoices):
    LEVEL_ABOVE = "level_above", _("Assessment by the level above")
    SUPERIORS = "superiors", _("Supervision by superiors")
    INSIDE = "inside", _("Supervision inside the village")
    SOCIETY = "society", _("Supervision by society")
    MASSES = "masses", _("Supervision by the masses (a complaint)")


class Entry(models.Model):
    """A manual reward or deduction about one cadre in one period, with its reason and evidence;
    it counts once the township approves it, and the cadre may answer it while the period is open."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the township's approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="entries", verbose_name=_("score"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="entries", verbose_name=_("item"))
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.LEVEL_ABOVE)
    reason = models.TextField(_("reason"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("visit")
    )
    evidence = models.CharField(
        _("other evidence"),
        max_length=200,
        blank=True,
        help_text=_(
            "A complaint or a report: when and how it came in. Do not name the complainant: the cadre reads this."
        ),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    status = models.CharField(
        pgettext_lazy("assessment", "status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=200, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {level: f"score__{path}" for level, path in Score.scope_paths.items()}

    class Meta:
        verbose_name = _("manual item")
        verbose_name_plural = _("manual items")
        ordering = ["-entered_at", "-pk"]

    def __str__(self):
        return f"{self.item} {self.signed_points}"

    @property
    def signed_points(self):
        return -self.points if self.item.effect == Item.Effect.DEDUCT else self.points
