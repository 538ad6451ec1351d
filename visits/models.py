"""Visits, patrols, work logs and meetings: the grid's field work, written down.

Each record carries the scope keys of where it happened (township, village, grid and, for a visit,
the villager group), copied from the household or grid it is about, so that who may see it is the
registry's own rule (villages/jurisdiction.py): a grant on a place covers the records made there,
and whoever wrote a record keeps sight of it. `visits/rules.py` says when a household is due;
`visits/selectors.py` asks the database the same question for every household at once.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from villages.jurisdiction import Action, ScopedQuerySet
from villages.models import Cadre, Grid, Household, PlacedInGroup, Township, Village, VillagerGroup

from . import rules
from .rules import Kind

PLACE_PATHS = {"township": "township_id", "village": "village_id", "grid": "grid_id"}


class Visit(PlacedInGroup, models.Model):
    """A cadre's visit to a household, or a two-committee cadre's special talk with a representative."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", editable=False)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="visits", editable=False)
    group = models.ForeignKey(VillagerGroup, on_delete=models.PROTECT, related_name="+", editable=False)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("household")
    )
    representative = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="talks",
        verbose_name=_("villager representative"),
    )
    visitor = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="visits", verbose_name=_("visited by"))
    visited_on = models.DateField(_("date of the visit"))
    kind = models.CharField(_("kind of visit"), max_length=16, choices=Kind.choices)
    met = models.CharField(_("who was met"), max_length=100, blank=True)
    # The "six clears" (六清): what the visit found out.
    situation = models.CharField(_("household situation"), max_length=500, blank=True)
    people = models.CharField(_("people and their categories"), max_length=500, blank=True)
    facilities = models.CharField(_("facilities of the area"), max_length=500, blank=True)
    dangers = models.CharField(_("hidden dangers and disputes"), max_length=500, blank=True)
    needs = models.CharField(_("service needs raised"), max_length=500, blank=True)
    hot_issues = models.CharField(_("hot issues people care about"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="visits/", blank=True)
    late_reason = models.CharField(_("why it is logged late"), max_length=200, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name=_("case opened")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        **PLACE_PATHS,
        "group": "group_id",
        "contact": "household__contact_representative_id",
        "reporter": "recorded_by_id",
    }

    # A representative sees their own contact visits to their households, not what the grid's
    # cadres found there (the six clears name people's categories).
    scope_limits = {Action.VIEW: {"contact": {"kind": Kind.CONTACT}}}

    FINDINGS = ("situation", "people", "facilities", "dangers", "needs", "hot_issues")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-recorded_at"]
        indexes = [
            # The due-date query: each household's last visit of each kind.
            models.Index(fields=["household", "kind", "visited_on"], name="visit_household_last"),
            models.Index(fields=["representative", "visited_on"], name="visit_talk_last"),
            models.Index(fields=["grid", "visited_on"], name="visit_grid_log"),
            models.Index(fields=["visitor", "visited_on"], name="visit_visitor_week"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=Kind.TALK, representative__isnull=False, household__isnull=True)
                | (~Q(kind=Kind.TALK) & Q(representative__isnull=True, household__isnull=False)),
                name="visit_to_a_household_or_a_talk_with_a_representative",
                violation_error_message=_("A visit is to a household; a special talk is with a representative."),
            ),
            # A double submit (a double click, a retry on a weak connection) records one visit.
            models.UniqueConstraint(
                fields=["household", "visitor", "visited_on"],
                condition=Q(household__isnull=False),
                name="one_visit_per_household_visitor_and_day",
                violation_error_message=_("You already logged a visit to this household on that day."),
            ),
            models.UniqueConstraint(
                fields=["representative", "visitor", "visited_on"],
                condition=Q(representative__isnull=False),
                name="one_talk_per_representative_visitor_and_day",
                violation_error_message=_("You already logged a talk with this representative on that day."),
            ),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.subject}"

    def get_absolute_url(self):
        return reverse("visits:detail", args=[self.pk])

    @property
    def subject(self):
        return self.household or self.representative

    @property
    def findings(self):
        """(label, text) for each of the six clears the visit wrote something for."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in self.FINDINGS
            if getattr(self, name)
        ]


class Patrol(models.Model):
    """A grid member's walk of the grid (巡查): when, where, and what was found."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", editable=False)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("grid"))
    patroller = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("patrolled by")
    )
    patrolled_on = models.DateField(_("date"))
    started_at = models.TimeField(_("from"))
    ended_at = models.TimeField(_("to"))
    area = models.CharField(_("area covered"), max_length=300)
    findings = models.TextField(_("findings"), blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="patrols", verbose_name=_("case opened")
    )
    late_reason = models.CharField(_("why it is logged late"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**PLACE_PATHS, "reporter": "recorded_by_id"}

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-patrolled_on", "-started_at"]
        indexes = [models.Index(fields=["grid", "patrolled_on"], name="patrol_grid_calendar")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")),
                name="patrol_ends_after_it_starts",
                violation_error_message=_("A patrol ends after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.grid} {self.patrolled_on} {self.started_at:%H:%M}–{self.ended_at:%H:%M}"

    def get_absolute_url(self):
        return reverse("visits:patrol", args=[self.pk])


def period_end(period, starts_on):
    """The last day a work log covers: its day, or the Sunday of its week."""
    return starts_on + datetime.timedelta(days=6 if period == WorkLog.Period.WEEK else 0)


class WorkLog(models.Model):
    """A grid leader's daily entry (日清) or weekly summary (周结): a draft until submitted."""

    class Period(models.TextChoices):
        DAY = "day", _("Daily log")
        WEEK = "week", _("Weekly summary")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", editable=False)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="work_logs", verbose_name=_("grid"))
    author = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="work_logs", verbose_name=_("written by"))
    period = models.CharField(_("log"), max_length=8, choices=Period.choices)
    starts_on = models.DateField(_("day or week"), help_text=_("The day, or the Monday of the week."))
    text = models.TextField(_("log"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = ScopedQuerySet.as_manager()
    scope_paths = {**PLACE_PATHS, "reporter": "recorded_by_id"}

    class Meta:
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")
        ordering = ["-starts_on", "period", "grid"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "grid", "period", "starts_on"],
                name="work_log_once_per_day_or_week",
                violation_error_message=_("You already have a log for this day or week; open it instead."),
            ),
        ]

    def __str__(self):
        return f"{self.get_period_display()} {self.starts_on} {self.author}"

    def get_absolute_url(self):
        return reverse("visits:log", args=[self.pk])

    @property
    def ends_on(self):
        return period_end(self.period, self.starts_on)

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Meeting(models.Model):
    """The village two committees' weekly working meeting: who came, what was discussed and decided."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("village"))
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(Cadre, blank=True, related_name="meetings", verbose_name=_("attendees"))
    other_attendees = models.CharField(_("others present"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    cases = models.ManyToManyField(Case, blank=True, related_name="meetings", verbose_name=_("cases discussed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "township_id", "village": "village_id", "reporter": "recorded_by_id"}

    class Meta:
        verbose_name = _("village committee meeting")
        verbose_name_plural = _("village committee meetings")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "held_on"],
                name="meeting_once_a_day_per_village",
                violation_error_message=_("This village already has a meeting recorded on that day."),
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.held_on}"

    def get_absolute_url(self):
        return reverse("visits:meeting", args=[self.pk])


class Interval(models.Model):
    """A township's own interval for one visit rule (the defaults are in visits/rules.py)."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("township"))
    rule = models.CharField(
        _("rule"), max_length=32, choices=[(name, rule.label) for name, rule in rules.RULES.items()]
    )
    days = models.PositiveSmallIntegerField(_("every so many days"))

    class Meta:
        verbose_name = _("visit interval")
        verbose_name_plural = _("visit intervals")
        constraints = [
            models.UniqueConstraint(fields=["township", "rule"], name="interval_once_per_rule"),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=731),
                name="interval_between_a_day_and_two_years",
                violation_error_message=_("An interval is between 1 and 731 days."),
            ),
        ]

    def __str__(self):
        return f"{self.township_id} {self.rule} {self.days}"
