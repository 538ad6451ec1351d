"""Field-work pages: my visits, the visit form, coverage, patrols, work logs, meetings, intervals.

Pages about a place load it through the jurisdiction first (404 outside, 403 without the action);
the forms narrow their choices to where the user works and the services check again, so a visit
to another grid's household or a patrol of another grid is refused with a message.
"""

import calendar
import datetime
import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_tables2 import SingleTableMixin

from accounts.views import SubmitOnceMixin
from cases.forms import as_pk
from cases.models import Case
from gridadmin.exports import SpreadsheetExportMixin
from villages.jurisdiction import (
    Action,
    ActionAnywhereMixin,
    ParentInScopeMixin,
    ScopedViewMixin,
    jurisdiction_for,
    scoped_object_or_404,
)
from villages.models import Grid, Household, Post, Township, Village
from villages.selectors import cadres_posted_in_villages

from . import drafts, rules, selectors, services
from .forms import IntervalForm, MeetingForm, PatrolForm, TalkForm, VisitForm, WorkLogForm
from .models import Meeting, Patrol, Visit, WorkLog, period_end
from .rules import Standing
from .tables import DueTable, VisitTable

log = logging.getLogger(__name__)


def refused(form, error):
    """A service's refusal on the form: a ValidationError's messages, or a PermissionDenied's."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You may not do this here."))
    else:
        form.add_error(None, error)


class RecordFormMixin:
    """Form pages whose write is a service: `record(form)` calls it and answers the redirect; a
    refusal lands on the form. It comes after SubmitOnceMixin in a view's bases, which wraps it
    (a form sent twice is written once)."""

    def form_valid(self, form):
        try:
            return self.record(form)
        except (ValidationError, PermissionDenied) as error:
            refused(form, error)
            return self.form_invalid(form)


# --- my visits --------------------------------------------------------------------------------

STANDING_CHOICES = [
    ("", gettext_lazy("Overdue or due soon")),
    (Standing.OVERDUE, Standing.OVERDUE.label),
    (Standing.DUE_SOON, Standing.DUE_SOON.label),
    ("all", gettext_lazy("All households")),
]


class DueView(ActionAnywhereMixin, SingleTableMixin, TemplateView):
    """My visits: the households I must see, overdue first, then due soon, each with a one-click
    "log a visit"; for a representative, their contact households; for a two-committee cadre, the
    representatives due a special talk."""

    required_action = Action.VISIT
    template_name = "visits/due.html"
    table_class = DueTable
    table_pagination = {"per_page": 50}

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.today = timezone.localdate()
        self.tables = selectors.interval_tables()
        # A representative's list is their contact households; one who is also a cadre switches.
        self.contact_only = selectors.is_representative_only(request.user) or (
            request.GET.get("as") == "representative" and selectors.is_representative(request.user)
        )

    def filters(self):
        get = self.request.GET
        standing = get.get("standing", "")
        return {
            "standing": standing if standing in dict(STANDING_CHOICES) else "",
            "grid": as_pk(get.get("grid", "")),
            "never": get.get("never") == "1",
            "mine": get.get("mine") == "1",
        }

    def get_table_data(self):
        user, chosen = self.request.user, self.filters()
        households = selectors.due_households(user, as_representative=self.contact_only)
        if chosen["grid"] is not None:
            households = households.filter(grid_id=chosen["grid"])
        if chosen["mine"]:
            households = households.filter(responsible_cadre__user=user)
        if chosen["never"]:
            households = households.filter(visits__isnull=True)
        if chosen["standing"] in (Standing.OVERDUE, Standing.DUE_SOON):
            households = selectors.by_standing(households, chosen["standing"], self.today)
        elif chosen["standing"] != "all":
            households = households.filter(due_on__lte=self.today + datetime.timedelta(days=selectors.DUE_SOON_DAYS))
        return households

    def explain(self, household):
        if self.contact_only:
            due = rules.Due(household.due_on, rules.RULES["contact"])
            return due, rules.standing(due.on, self.today, warn_days=selectors.DUE_SOON_DAYS)
        return selectors.explain(household, self.tables, self.today, cadre_only=True)

    def get_table_kwargs(self):
        return {"explain": self.explain}

    def get_context_data(self, **kwargs):
        user = self.request.user
        households = selectors.due_households(user, as_representative=self.contact_only)
        standing = selectors.standing_counts(households, self.today)
        counts = {"overdue": standing[Standing.OVERDUE], "due_soon": standing[Standing.DUE_SOON]}
        talks = None
        if selectors.may_talk(user):
            talks = [
                (rep, rules.standing(rep.due_on, self.today, warn_days=selectors.DUE_SOON_DAYS))
                for rep in selectors.representatives_due(user)[:30]
            ]
        return super().get_context_data(
            counts=counts,
            talks=talks,
            soon_days=selectors.DUE_SOON_DAYS,
            contact_only=self.contact_only,
            switches_role=selectors.is_representative(user) and not selectors.is_representative_only(user),
            chosen=self.filters(),
            standing_choices=STANDING_CHOICES,
            grids=Grid.objects.for_user(user, Action.VISIT).select_related("village"),
            **kwargs,
        )


# --- one visit --------------------------------------------------------------------------------


@method_decorator(never_cache, name="get")
class VisitCreateView(ActionAnywhereMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """The visit form: keyboard first, sensible defaults, done in under a minute."""

    required_action = Action.VISIT
    form_class = VisitForm
    template_name = "visits/visit_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {}
        household_pk = as_pk(self.request.GET.get("household", ""))
        if household_pk is not None:
            household = selectors.visitable_households(self.request.user).filter(pk=household_pk).first()
            if household is not None:
                user = self.request.user
                by_representative = not selectors.answers_for(user, household)
                codes = selectors.visible_codes(user, household)
                initial.update(
                    household=household.pk, kind=rules.usual_kind(codes, by_representative=by_representative)
                )
        return initial

    def record(self, form):
        data = form.cleaned_data
        visit = services.record_visit(
            actor=self.request.user,
            household=data["household"],
            visited_on=data["visited_on"],
            kind=data["kind"],
            met=data["met"],
            findings={name: data[name] for name in Visit.FINDINGS},
            notes=data["notes"],
            photo=data.get("photo"),
            late_reason=data["late_reason"],
            case_category=data["case_category"],
            case_summary=data["case_summary"],
        )
        text = _("Visit to %(household)s logged.") % {"household": visit.household.head_name}
        if visit.case_id:
            text += " " + _("Case %(reference)s registered.") % {"reference": visit.case.reference}
        messages.success(self.request, text)
        if self.request.GET.get("from") == "household":  # logged from the household's page: back there
            return redirect(visit.household)
        return redirect("visits:due")


@method_decorator(never_cache, name="get")
class TalkCreateView(LoginRequiredMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """A special talk with a villager representative (the two committees, every six months)."""

    form_class = TalkForm
    template_name = "visits/talk_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_talk(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        pk = as_pk(self.request.GET.get("representative", ""))
        return {"representative": pk} if pk is not None else {}

    def record(self, form):
        data = form.cleaned_data
        services.record_visit(
            actor=self.request.user,
            representative=data["representative"],
            visited_on=data["visited_on"],
            kind=rules.Kind.TALK,
            notes=data["notes"],
            late_reason=data["late_reason"],
        )
        messages.success(self.request, _("Talk with %(name)s logged.") % {"name": data["representative"].name})
        return redirect("visits:due")


class VisitDetailView(ScopedViewMixin, DetailView):
    model = Visit
    template_name = "visits/visit_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("household__group", "representative", "visitor", "grid__village", "case", "recorded_by")
        )

    def get_context_data(self, **kwargs):
        household = self.object.household
        return super().get_context_data(
            can_see_household=household is not None and self.jurisdiction.allows(Action.VIEW, household),
            can_see_case=selectors.sees_case(self.request.user, self.object.case_id),
            **kwargs,
        )


class VisitPhotoView(LoginRequiredMixin, View):
    """A visit's photo, only to those who may see the visit (404 otherwise)."""

    def get(self, request, pk):
        visit = scoped_object_or_404(request.user, Visit.objects.exclude(photo=""), pk=pk)
        try:
            opened = visit.photo.open("rb")
        except FileNotFoundError:
            log.error("visit photo missing", extra={"visit": visit.pk})
            raise Http404 from None
        response = FileResponse(opened, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class VisitListView(LoginRequiredMixin, SpreadsheetExportMixin, SingleTableMixin, TemplateView):
    """The visit log: every visit and talk the user may see, newest first, by grid and kind; the
    current choice exports to .xlsx or .csv."""

    template_name = "visits/visit_list.html"
    export_name = "visits"
    table_class = VisitTable
    table_pagination = {"per_page": 50}

    def get_table_data(self):
        visits = selectors.with_case_visible(
            Visit.objects.for_user(self.request.user).select_related(
                "household", "representative", "visitor", "grid__village", "case"
            ),
            self.request.user,
        )
        grid = as_pk(self.request.GET.get("grid", ""))
        if grid is not None:
            visits = visits.filter(grid_id=grid)
        kind = self.request.GET.get("kind", "")
        if kind in rules.Kind.values:
            visits = visits.filter(kind=kind)
        return visits

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            grids=Grid.objects.for_user(self.request.user).select_related("village"),
            kinds=rules.Kind.choices,
            chosen={"grid": as_pk(self.request.GET.get("grid", "")), "kind": self.request.GET.get("kind", "")},
            **kwargs,
        )


# --- coverage ---------------------------------------------------------------------------------

LEVELS = {"township": Township, "village": Village, "grid": Grid}


class CoverageView(LoginRequiredMixin, TemplateView):
    """Coverage of a township, village or grid (or, without one, of everything the user sees): the
    share of households visited within their interval by care category, the overdue and the never
    visited, with patrol and meeting compliance below."""

    template_name = "visits/coverage.html"

    def get(self, request, *args, level=None, pk=None, **kwargs):
        self.node = None
        if level is not None:
            if level not in LEVELS:
                raise Http404
            self.node = scoped_object_or_404(request.user, LEVELS[level].objects.all(), pk=pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user, node = self.request.user, self.node
        households = Household.objects.for_user(user)
        grids = Grid.objects.for_user(user).select_related("village")
        villages = Village.objects.for_user(user)
        if isinstance(node, Township):
            households, grids, villages = (
                households.filter(township=node),
                grids.filter(village__township=node),
                villages.filter(township=node),
            )
        elif isinstance(node, Village):
            households, grids = households.filter(village=node), grids.filter(village=node)
            villages = villages.filter(pk=node.pk)
        elif isinstance(node, Grid):
            households, grids = households.filter(grid=node), grids.filter(pk=node.pk)
            villages = villages.none()
        figures = selectors.coverage(user, households)
        compliance = selectors.compliance(user, grids=grids, villages=villages)
        return super().get_context_data(
            node=node,
            level=type(node).__name__.lower() if node else None,
            figures=figures,
            compliance=compliance,
            **kwargs,
        )


# --- patrols ----------------------------------------------------------------------------------


@method_decorator(never_cache, name="get")
class PatrolCreateView(LoginRequiredMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """Record a patrol of one of one's grids (403 for those who patrol none)."""

    form_class = PatrolForm
    template_name = "visits/patrol_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not Grid.objects.for_user(request.user, Action.VISIT).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        grid = as_pk(self.request.GET.get("grid", ""))
        return {"grid": grid} if grid is not None else {}

    def record(self, form):
        data = form.cleaned_data
        patrol = services.record_patrol(
            actor=self.request.user,
            **{name: data[name] for name in PatrolForm.Meta.fields},
            case_category=data["case_category"],
            case_summary=data["case_summary"],
        )
        messages.success(self.request, _("Patrol of %(grid)s logged.") % {"grid": patrol.grid})
        month = f"{patrol.patrolled_on:%Y-%m}"
        return redirect(f"{reverse('visits:patrol_calendar', args=[patrol.grid_id])}?month={month}")


class PatrolDetailView(ScopedViewMixin, DetailView):
    model = Patrol
    template_name = "visits/patrol_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("grid__village", "patroller", "case", "recorded_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_see_case=selectors.sees_case(self.request.user, self.object.case_id), **kwargs
        )


def month_of(value, today):
    """The first day of the month `value` ("2026-11") names, or of this month: from 2000 to the
    month after this one (a calendar further out has nothing to show)."""
    try:
        year, month = (int(part) for part in value.split("-"))
        first = datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)
    return first if datetime.date(2000, 1, 1) <= first <= today + datetime.timedelta(days=31) else today.replace(day=1)


class PatrolCalendarView(ParentInScopeMixin, TemplateView):
    """A grid's month of patrols: each day with its patrols, the days without one marked."""

    template_name = "visits/patrol_calendar.html"
    parent_queryset = Grid.objects.select_related("village")
    parent_action = Action.VIEW
    parent_name = "grid"

    def get(self, request, *args, **kwargs):
        if not selectors.patrol_grids(request.user).filter(pk=self.grid.pk).exists():
            raise PermissionDenied  # the grid's page opens to them, not its patrols
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        first = month_of(self.request.GET.get("month", ""), today)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        patrols = list(
            Patrol.objects.for_user(self.request.user)
            .filter(grid=self.grid, patrolled_on__range=(first, last))
            .select_related("patroller")
            .order_by("patrolled_on", "started_at")
        )
        by_day = {}
        for patrol in patrols:
            by_day.setdefault(patrol.patrolled_on, []).append(patrol)
        end = min(last, today - datetime.timedelta(days=1))  # today is not over yet
        missing = set(rules.days_without_patrol(by_day, first, end)) if first <= end else set()
        weeks = [
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "patrols": by_day.get(day, []),
                    "missing": day in missing,
                    "future": day > today,
                    "today": day == today,
                }
                for day in week
            ]
            for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
        ]
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (last + datetime.timedelta(days=1)) if last < today else None
        return super().get_context_data(
            grid=self.grid,
            month=first,
            weeks=weeks,
            patrols=patrols,
            missing=len(missing),
            elapsed=max(0, (end - first).days + 1),
            previous=previous,
            following=following,
            can_patrol=jurisdiction_for(self.request.user).allows(Action.VISIT, self.grid),
            weekdays=[WEEKDAYS_ABBR[i] for i in range(7)],
            **kwargs,
        )


# --- work logs --------------------------------------------------------------------------------


class WorkLogListView(LoginRequiredMixin, ListView):
    """Work logs: my own first, and those of the grids I oversee."""

    template_name = "visits/log_list.html"
    paginate_by = 50

    def get_queryset(self):
        logs = WorkLog.objects.for_user(self.request.user).select_related("grid__village", "author")
        if self.request.GET.get("mine") == "1":
            logs = logs.filter(author__user=self.request.user)
        return logs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_write=jurisdiction_for(self.request.user).has_any(Action.VISIT) and hasattr(self.request.user, "cadre"),
            grids=Grid.objects.for_user(self.request.user, Action.VISIT).select_related("village"),
            today=timezone.localdate(),
            mine=self.request.GET.get("mine") == "1",
            **kwargs,
        )


@method_decorator(never_cache, name="get")
class WorkLogCreateView(ActionAnywhereMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """Today's log or this week's summary, drafted from the records: open the one already
    written, or start one with the draft to edit."""

    required_action = Action.VISIT
    form_class = WorkLogForm
    template_name = "visits/log_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        today = timezone.localdate()
        self.period = request.GET.get("period", WorkLog.Period.DAY)
        if self.period not in WorkLog.Period.values:
            raise Http404
        grids = Grid.objects.for_user(request.user, Action.VISIT).select_related("village")
        chosen = as_pk(request.GET.get("grid", ""))
        if chosen is not None:
            # 404 for a grid outside the user's places, 403 for one they see but do not walk
            scoped_object_or_404(request.user, Grid.objects.all(), Action.VISIT, pk=chosen)
        self.grid = grids.filter(pk=chosen).first() if chosen is not None else grids.first()
        if self.grid is None:
            raise PermissionDenied
        try:
            day = datetime.date.fromisoformat(request.GET.get("on", ""))
        except ValueError:
            day = today
        day = min(max(day, today - datetime.timedelta(days=services.OLDEST_DAYS)), today)
        self.starts_on = services.week_of(day) if self.period == WorkLog.Period.WEEK else day
        existing = WorkLog.objects.filter(
            author__user=request.user, grid=self.grid, period=self.period, starts_on=self.starts_on
        ).first()
        if existing is not None and request.method == "GET":
            return redirect(existing)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"text": drafts.work_log(self.grid, self.period, self.starts_on, self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            grid=self.grid,
            period=WorkLog.Period(self.period),
            starts_on=self.starts_on,
            ends_on=period_end(self.period, self.starts_on),
            **kwargs,
        )

    def record(self, form):
        entry = services.save_work_log(
            actor=self.request.user,
            grid=self.grid,
            period=self.period,
            starts_on=self.starts_on,
            text=form.cleaned_data["text"],
            submit="submit" in self.request.POST,
        )
        messages.success(self.request, _("Submitted.") if entry.is_submitted else _("Draft saved."))
        return redirect(entry)


class WorkLogView(ScopedViewMixin, RecordFormMixin, FormView, DetailView):
    """One work log; its author edits the draft and submits it."""

    model = WorkLog
    template_name = "visits/log_detail.html"
    form_class = WorkLogForm

    def get_queryset(self):
        return super().get_queryset().select_related("grid__village", "author")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        cadre = getattr(request.user, "cadre", None)
        self.editable = cadre is not None and self.object.author_id == cadre.pk and not self.object.is_submitted
        if request.method == "POST" and not self.editable:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"text": self.object.text}

    def get_context_data(self, **kwargs):
        return super().get_context_data(editable=self.editable, entry=self.object, **kwargs)

    def record(self, form):
        entry = services.save_work_log(
            actor=self.request.user,
            log_entry=self.object,
            text=form.cleaned_data["text"],
            submit="submit" in self.request.POST,
        )
        messages.success(self.request, _("Submitted.") if entry.is_submitted else _("Draft saved."))
        return redirect(entry)


# --- meetings ---------------------------------------------------------------------------------


class MeetingListView(ParentInScopeMixin, TemplateView):
    """A village's meetings, and the weeks of the last quarter without one."""

    template_name = "visits/meeting_list.html"
    parent_queryset = Village.objects.select_related("township")
    parent_action = Action.VIEW
    parent_name = "village"
    WEEKS = 13

    def get(self, request, *args, **kwargs):
        if not selectors.meeting_villages(request.user).filter(pk=self.village.pk).exists():
            raise PermissionDenied  # the village's page opens to them, not its meetings
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        last_sunday = services.week_of(today) - datetime.timedelta(days=1)  # whole weeks only
        start = services.week_of(today) - datetime.timedelta(weeks=self.WEEKS)
        meetings = (
            Meeting.objects.for_user(self.request.user)
            .filter(village=self.village)
            .annotate(attendee_count=Count("attendees", distinct=True), case_count=Count("cases", distinct=True))
        )
        recent = meetings.filter(held_on__gte=start).values_list("held_on", flat=True)
        return super().get_context_data(
            village=self.village,
            meetings=meetings[:100],
            weeks_without=rules.weeks_without_meeting(recent, start, last_sunday),
            weeks=self.WEEKS,
            can_record=jurisdiction_for(self.request.user).allows(Action.VISIT, self.village),
            **kwargs,
        )


@method_decorator(never_cache, name="get")
class MeetingCreateView(ParentInScopeMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """Record the weekly meeting; the agenda comes drafted from the village's open and overdue
    cases and its households overdue a visit."""

    form_class = MeetingForm
    template_name = "visits/meeting_form.html"
    parent_queryset = Village.objects.select_related("township")
    parent_action = Action.VISIT
    parent_name = "village"

    def get_form_kwargs(self):
        roles = Post.VILLAGE_ROLES | {Post.Role.GRID_LEADER, Post.Role.GRID_MEMBER}
        return {
            **super().get_form_kwargs(),
            "village": self.village,
            "attendees": cadres_posted_in_villages([self.village.pk], roles),
            "cases": selectors.agenda_cases(self.village, self.request.user),
        }

    def get_initial(self):
        cases = list(selectors.agenda_cases(self.village, self.request.user))
        overdue_cases = [case for case in cases if case.due_at <= timezone.now()]
        return {
            "agenda": drafts.meeting_agenda(self.village, cases, self.request.user),
            "cases": [case.pk for case in overdue_cases],
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(village=self.village, **kwargs)

    def record(self, form):
        meeting = services.record_meeting(
            actor=self.request.user,
            village=self.village,
            **{name: form.cleaned_data[name] for name in MeetingForm.Meta.fields},
        )
        messages.success(self.request, _("Meeting of %(date)s recorded.") % {"date": meeting.held_on.isoformat()})
        return redirect(meeting)


class MeetingDetailView(ScopedViewMixin, DetailView):
    model = Meeting
    template_name = "visits/meeting_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("village", "recorded_by")
            .prefetch_related(
                "attendees", Prefetch("cases", queryset=Case.objects.for_user(self.request.user).select_related("grid"))
            )
        )


# --- the township's intervals -----------------------------------------------------------------


class IntervalView(ParentInScopeMixin, RecordFormMixin, FormView):
    """Township staff set how often each rule asks for a visit."""

    form_class = IntervalForm
    template_name = "visits/intervals.html"
    parent_queryset = Township.objects.all()
    parent_action = Action.MANAGE
    parent_name = "township"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "table": selectors.intervals(self.township.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(township=self.township, **kwargs)

    def record(self, form):
        services.save_intervals(actor=self.request.user, township=self.township, table=form.cleaned_data)
        messages.success(self.request, _("Visit intervals saved. Due dates follow them at once."))
        return redirect("visits:intervals", pk=self.township.pk)
