"""Cases (事件): a villager's problem from registration to the resident's satisfaction.

A case sits at one level of the chain in one place. `cases/workflow.py` says which transitions are
legal; `cases/services.py` makes them, one service each, and writes a `CaseEvent` for every change.
Who may see and act on a case follows villages/jurisdiction.py: the registry's view grants cover
the cases of their places, a department sees what was dispatched to it, a reporter keeps sight of
what they raised, and `scope_limits` keep each post's hands to the levels at or below its own.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villages.jurisdiction import Action, ScopedQuerySet
from villages.models import Grid, Household, Place, Township, Village, VillagerGroup

from .workflow import IN_HAND, Level, Procedure, Status, Urgency


class Category(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    HAZARD = "hazard", _("Safety hazard")
    UNSTABLE = "unstable", _("Unstable factor")
    POPULATION = "population", _("Birth, death or population change")
    MIGRANT = "migrant", _("Arrival of migrants")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    SOCIAL_SECURITY = "social_security", _("Social security")
    HEALTH = "health", _("Health")
    EMPLOYMENT = "employment", _("Employment")
    ENVIRONMENT = "environment", _("Environment")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    OTHER = "other", _("Other")


# "Four must report" (四必报): the grid reports these whatever their size.
MUST_REPORT = frozenset({Category.HAZARD, Category.UNSTABLE, Category.POPULATION, Category.MIGRANT})


class Channel(models.TextChoices):
    VISIT = "visit", _("Household visit")
    PATROL = "patrol", _("Grid patrol")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    VOLUNTEER = "volunteer", _("Volunteer report")


class CaseQuerySet(ScopedQuerySet):
    def in_hand(self):
        return self.filter(status__in=IN_HAND)

    def overdue(self, now=None):
        return self.in_hand().filter(due_at__lte=now or timezone.now())

    def due_soon(self, now=None):
        now = now or timezone.now()
        return self.in_hand().filter(warn_at__lte=now, due_at__gt=now)

    def by_urgency(self):
        """Most urgent first: in hand before the rest, then by the red limit."""
        in_hand = models.Case(models.When(status__in=IN_HAND, then=0), default=1)
        return self.order_by(in_hand, "due_at", "-pk")

    def unacknowledged_emergencies(self):
        return self.filter(procedure=Procedure.EMERGENCY, status=Status.OPEN, level=Level.TOWNSHIP)


class Case(models.Model):
    """One matter, where it stands now; its history is the list of its events."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="cases", verbose_name=_("village"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="cases", verbose_name=_("grid"))
    group = models.ForeignKey(
        VillagerGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("villager group"),
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("household")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("facility or enterprise"),
    )
    location = models.CharField(_("where"), max_length=200, blank=True)

    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.VISIT)
    summary = models.CharField(_("summary"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    resident_name = models.CharField(
        _("reported by resident"), max_length=50, blank=True, help_text=_("When a cadre records it for a resident.")
    )
    resident_phone = models.CharField(_("resident's phone"), max_length=20, blank=True)

    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_cases", verbose_name=_("reported by")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("responsible person"),
    )

    # Deadlines: set when the case arrives at a level, from the township's table; an approved
    # extension moves them. Lateness is computed from these dates, never stored.
    arrived_at = models.DateTimeField(_("arrived at this level"), default=timezone.now)
    warn_at = models.DateTimeField(_("due soon from"))
    due_at = models.DateTimeField(_("due by"))
    extension_requested = models.DurationField(_("extension requested"), null=True, blank=True)
    extension_reason = models.CharField(_("reason for the extension"), max_length=200, blank=True)
    notice_ends_at = models.DateTimeField(_("public notice ends"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    satisfied = models.BooleanField(_("resident satisfied"), null=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # compare-and-set on every change

    # A case about an unstable factor names people the registry shows only to posts that may see
    # sensitive matters (petitioners, stability): the same holds here (jurisdiction.py).
    sensitive_rows = ("category", Category.UNSTABLE)
    objects = CaseQuerySet.as_manager()
    scope_paths = {
        "township": "township_id",
        "village": "village_id",
        "grid": "grid_id",
        "group": "group_id",
        "contact": "household__contact_representative_id",
        "department": ("township_id", "department"),
        "reporter": "reported_by_id",
    }
    # The highest level each kind of post may act at: the level holding a case and those above it.
    # A department acts only on what is at the department level, and only if it is theirs.
    scope_limits = {
        Action.HANDLE: {
            "contact": {"level__lte": Level.REPRESENTATIVE},
            "grid": {"level__lte": Level.GRID},
            "group": {"level__lte": Level.VILLAGE},
            "village": {"level__lte": Level.VILLAGE},
            "township": {"level__lte": Level.TOWNSHIP},
            "department": {"level": Level.DEPARTMENT},
        }
    }

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["township", "status", "due_at"], name="case_township_queue"),
            models.Index(fields=["village", "status", "due_at"], name="case_village_queue"),
            models.Index(fields=["grid", "status", "due_at"], name="case_grid_queue"),
            models.Index(fields=["status", "due_at"], name="case_overdue"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(warn_at__lte=models.F("due_at")), name="case_warns_before_due"),
            models.CheckConstraint(
                condition=~Q(level=Level.DEPARTMENT) | ~Q(department=""), name="case_department_named"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.summary}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    @property
    def reference(self):
        """The number a clerk reads out on the phone: the registration date and the row."""
        return f"{timezone.localtime(self.created_at):%Y%m%d}-{self.pk}"

    @property
    def is_must_report(self):
        return self.category in MUST_REPORT

    @property
    def is_in_hand(self):
        return self.status in IN_HAND

    def urgency(self, now=None):
        if not self.is_in_hand:
            return Urgency.ON_TIME
        now = now or timezone.now()
        if now >= self.due_at:
            return Urgency.RED
        return Urgency.YELLOW if now >= self.warn_at else Urgency.ON_TIME

    @property
    def holder_label(self):
        """Who holds the case now, in words: the level and its place."""
        place = {
            Level.REPRESENTATIVE: lambda: self.household.contact_representative if self.household else None,
            Level.GRID: lambda: self.grid,
            Level.VILLAGE: lambda: self.village.name,
            Level.TOWNSHIP: lambda: self.township.name,
            Level.DEPARTMENT: lambda: self.department,
        }[self.level]()
        return f"{self.get_level_display()} · {place}" if place else self.get_level_display()


class CaseEventQuerySet(models.QuerySet):
    """Events are added, never changed or removed, one by one or in bulk."""

    def update(self, **kwargs):
        raise ValueError("Case events are written once and never changed.")

    def delete(self):
        raise ValueError("Case events are never deleted.")


class CaseEvent(models.Model):
    """One change to a case, written once and never changed: the timeline is the case's record."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        ACCEPT = "accept", _("Accepted")
        ESCALATE = "escalate", _("Escalated")
        AUTO_ESCALATE = "auto_escalate", _("Escalated past its deadline")
        DISPATCH = "dispatch", _("Dispatched to a department")
        RETURN = "return", _("Returned")
        SEND_BACK = "send_back", _("Sent back for more information")
        RECALL = "recall", _("Taken back from the department by the township centre")
        RESOLVE = "resolve", _("Resolved")
        CONFIRM_SATISFIED = "confirm_satisfied", _("Resident satisfied; closed")
        REOPEN = "reopen", _("Reopened: resident not satisfied")
        CLOSE_DISSATISFIED = "close_dissatisfied", _("Closed; the resident remains dissatisfied")
        WITHDRAW = "withdraw", _("Closed without handling (duplicate or withdrawn)")
        SUBMIT_FOR_VERIFICATION = "submit_for_verification", _("Submitted to the village for verification")
        VERIFY_AND_SUBMIT = "verify_and_submit", _("Verified and submitted to the department")
        DECIDE = "decide", _("Decided")
        PUBLISH_NOTICE = "publish_notice", _("Public notice posted")
        CLOSE_NOTICE = "close_notice", _("Public notice ended; closed")
        ASSIGN = "assign", _("Responsible person assigned")
        UPDATE = "update", _("Progress update")
        OBJECTION = "objection", _("Objection recorded")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_APPROVED = "extension_approved", _("Extension approved")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        ATTACHMENT = "attachment", _("File attached")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("what happened"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the portal acted by itself (a deadline passed)."),
    )
    from_level = models.PositiveSmallIntegerField(_("from level"), choices=Level.choices, null=True)
    to_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices, null=True)
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # For a step taken on a case in hand: whether its level had already passed the deadline it
    # was working to. Kept with the step because the deadline moves with the case (assessments/).
    late = models.BooleanField(_("after the deadline"), null=True, editable=False)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Case events are written once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Case events are never deleted.")

    @property
    def moved(self):
        return self.from_level != self.to_level or self.from_status != self.to_status


def _attachment_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    """A photo or a document of a case; served only to those who may see the case."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document (PDF)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    sensitive_rows = ("case__category", Category.UNSTABLE)
    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        level: (f"case__{path}" if isinstance(path, str) else tuple(f"case__{p}" for p in path))
        for level, path in Case.scope_paths.items()
    }

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:attachment", args=[self.pk])

    @property
    def content_type(self):
        return "image/jpeg" if self.kind == self.Kind.PHOTO else "application/pdf"


class Deadline(models.Model):
    """A township's own deadline for one procedure at one level; without a row, the default holds."""

    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="case_deadlines")
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    warn_after = models.DurationField(_("due soon after"))
    due_after = models.DurationField(_("overdue after"))

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        constraints = [
            models.UniqueConstraint(fields=["township", "procedure", "level"], name="deadline_once_per_level"),
            models.CheckConstraint(
                condition=Q(warn_after__lte=models.F("due_after")), name="deadline_warns_before_due"
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.procedure} {self.level}"


class Notification(models.Model):
    """A line in a user's notification list: a case arrived at their level, or one they raised moved."""

    class Reason(models.TextChoices):
        ARRIVED = "arrived", _("A case arrived at your level")
        MOVED = "moved", _("A case you raised moved")
        EMERGENCY = "emergency", _("Emergency reported")
        ANSWERED = "answered", _("Your request was decided")
        VERDICT = "verdict", _("A result waits for the resident's verdict")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-event__at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.recipient_id} {self.event_id} {self.reason}"
