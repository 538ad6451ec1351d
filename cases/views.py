"""Case pages: intake, the queue and the lists, a case's timeline and its steps, notices, deadlines.

Every step is a POST to its own URL. The case is loaded through the jurisdiction first (404
outside it); the service then checks the actor's level (403) and the workflow (a message), and a
refused step changes nothing.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.views import SubmitOnceMixin
from gridadmin.exports import SpreadsheetExportMixin
from villages.filters import search_households
from villages.jurisdiction import (
    Action,
    ActionAnywhereMixin,
    ParentInScopeMixin,
    ScopedViewMixin,
    jurisdiction_for,
    scoped_object_or_404,
)
from villages.models import Resident, Township

from . import selectors, services, workflow
from .filters import CaseFilter
from .forms import (
    STEP_LABELS,
    AssignForm,
    AttachForm,
    DeadlineForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    IntakeForm,
    NewcomerForm,
    NoteForm,
    StepForm,
    as_pk,
    label,
    reportable_households,
)
from .models import Attachment, Case, CaseEvent, Category, Notification
from .tables import CaseTable
from .workflow import Level, Procedure

log = logging.getLogger(__name__)

CASE_PAGES = Case.objects.select_related(
    "township",
    "village",
    "grid__village",
    "group",
    "household__contact_representative",
    "place",
    "assignee",
    "reported_by",
)


def refused(request, case, error):
    """A step the service refused: say why, change nothing, back to the case."""
    messages.error(request, " ".join(error.messages))
    return redirect(case)


# --- lists -----------------------------------------------------------------------------------


class CaseListView(LoginRequiredMixin, SpreadsheetExportMixin, SingleTableMixin, FilterView):
    """All cases the user can see, filtered; the current filter exports to .xlsx or .csv."""

    table_class = CaseTable
    filterset_class = CaseFilter
    template_name = "cases/case_list.html"
    table_pagination = {"per_page": 25}
    export_name = "cases"

    def get_queryset(self):
        return selectors.case_rows(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_report=jurisdiction_for(self.request.user).has_any(Action.REPORT), **kwargs)


class QueueView(LoginRequiredMixin, SingleTableMixin, TemplateView):
    """My queue: cases at a level I act for, in my places, most urgent first."""

    table_class = CaseTable
    template_name = "cases/queue.html"
    table_pagination = {"per_page": 50}
    heading = gettext_lazy("My queue")

    def get_table_data(self):
        return selectors.queue(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class InboxView(QueueView):
    """A department's inbox: everything dispatched to it."""

    heading = gettext_lazy("Department inbox")

    def get_table_data(self):
        return selectors.department_inbox(self.request.user)


class EmergencyBoardView(QueueView):
    """The township centre's emergency board."""

    template_name = "cases/emergencies.html"
    heading = gettext_lazy("Emergency board")

    def get_table_data(self):
        return selectors.emergencies(self.request.user)


# --- one case --------------------------------------------------------------------------------


STEP_STYLES = {
    "accept": "btn-success",
    "resolve": "btn-success",
    "confirm_satisfied": "btn-success",
    "decide": "btn-success",
    "escalate": "btn-outline-warning",
    "return": "btn-outline-secondary",
    "send_back": "btn-outline-secondary",
    "recall": "btn-outline-warning",
    "close_dissatisfied": "btn-outline-secondary",
    "withdraw": "btn-outline-secondary",
    "reopen": "btn-outline-danger",
}


class CaseDetailView(ScopedViewMixin, DetailView):
    model = Case
    template_name = "cases/case_detail.html"

    def get_queryset(self):
        return CASE_PAGES.for_user(self.request.user).prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            "attachments",
        )

    def get_context_data(self, **kwargs):
        case, user = self.object, self.request.user
        handle, follow = services.may_handle(user, case), services.may_follow(user, case)
        names = workflow.legal(procedure=case.procedure, level=case.level, status=case.status)
        allowed = [n for n in names if services.may_take(user, case, n)]
        if case.notice_ends_at and timezone.now() < case.notice_ends_at and "close_notice" in allowed:
            allowed.remove("close_notice")  # the notice runs its period; the page says until when
        steps = [
            (
                name,
                STEP_LABELS[name],
                StepForm(case=case, name=name, initial={"version": case.version}),
                STEP_STYLES.get(name, "btn-primary"),
            )
            for name in allowed
        ]
        version = {"version": case.version}
        return super().get_context_data(
            steps=steps,
            steps_names=allowed,
            can_handle=handle,
            can_follow=follow,
            assign_form=AssignForm(case=case, initial=version) if handle and case.is_in_hand else None,
            note_form=NoteForm(initial=version) if follow else None,
            objection_form=(
                NoteForm(initial={"objection": True, **version}) if follow and case.status == "in_notice" else None
            ),
            attach_form=AttachForm(initial=version) if follow else None,
            extension_form=(
                ExtensionRequestForm(initial=version)
                if handle and case.is_in_hand and case.extension_requested is None
                else None
            ),
            extension_decision_form=(
                ExtensionDecisionForm(initial=version) if services.may_decide_extension(user, case) else None
            ),
            urgency=case.urgency(),
            can_see_household=bool(case.household_id) and jurisdiction_for(user).allows(Action.VIEW, case.household),
            handlers=services.handlers(case) if case.is_in_hand else [],
            **kwargs,
        )


class CaseStepMixin(LoginRequiredMixin):
    """POST-only pages acting on one case: load it through the jurisdiction (404 outside), call
    the service, and go back to the case with what happened."""

    http_method_names = ["post"]
    form_class = None
    may = staticmethod(services.may_handle)  # who may send this form at all (403 for the rest)

    def post(self, request, pk, **kwargs):
        self.case = scoped_object_or_404(request.user, CASE_PAGES.all(), pk=pk)
        sent = as_pk(request.POST.get("version", ""))
        if sent is not None and sent != self.case.version:  # lost a race: say so, whoever they are
            messages.error(request, services.CHANGED)
            return redirect(self.case)
        if not self.allowed(request.user, self.case):
            raise PermissionDenied
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
            return redirect(self.case)
        try:
            self.act(form)
        except ValidationError as error:
            return refused(request, self.case, error)
        return redirect(self.case)

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def allowed(self, user, case):
        return self.may(user, case)


class StepView(CaseStepMixin, View):
    def allowed(self, user, case):
        name = self.kwargs["name"]
        if name not in workflow.TRANSITIONS:
            raise Http404
        return services.may_take(user, case, name)

    def get_form(self):
        return StepForm(self.request.POST, case=self.case, name=self.kwargs["name"])

    def act(self, form):
        name = self.kwargs["name"]
        case = services.transition(
            actor=self.request.user,
            case=self.case,
            name=name,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            department=form.cleaned_data.get("department", ""),
        )
        messages.success(
            self.request,
            _("%(step)s. The case is now: %(status)s, held at %(level)s.")
            % {"step": CaseEvent.Kind(name).label, "status": case.get_status_display(), "level": case.holder_label},
        )


class AssignView(CaseStepMixin, View):
    def get_form(self):
        return AssignForm(self.request.POST, case=self.case)

    def act(self, form):
        services.assign(actor=self.request.user, case=self.case, **form.cleaned_data)
        messages.success(self.request, _("The responsible person is recorded."))


class NoteView(CaseStepMixin, View):
    form_class = NoteForm
    may = staticmethod(services.may_follow)

    def act(self, form):
        services.add_note(actor=self.request.user, case=self.case, **form.cleaned_data)  # with its version
        messages.success(self.request, _("Added to the case's timeline."))


class AttachView(CaseStepMixin, View):
    form_class = AttachForm
    may = staticmethod(services.may_follow)

    def act(self, form):
        added = services.attach(actor=self.request.user, case=self.case, **form.cleaned_data)
        messages.success(self.request, _("%(count)s file(s) attached.") % {"count": len(added)})


class ExtensionRequestView(CaseStepMixin, View):
    form_class = ExtensionRequestForm

    def act(self, form):
        services.request_extension(actor=self.request.user, case=self.case, **form.cleaned_data)
        messages.success(self.request, _("The extension request went to the level above."))


class ExtensionDecisionView(CaseStepMixin, View):
    form_class = ExtensionDecisionForm
    may = staticmethod(services.may_approve_extension)

    def act(self, form):
        services.decide_extension(actor=self.request.user, case=self.case, **form.cleaned_data)
        messages.success(self.request, _("The decision on the extension is recorded."))


class AttachmentView(LoginRequiredMixin, View):
    """A case's photo or document, only to those who may see the case (404 otherwise)."""

    def get(self, request, pk):
        attachment = scoped_object_or_404(request.user, Attachment.objects.all(), pk=pk)
        try:
            opened = attachment.file.open("rb")
        except FileNotFoundError:
            log.error("attachment file missing", extra={"attachment": attachment.pk})
            raise Http404 from None
        document = attachment.kind == Attachment.Kind.DOCUMENT  # saved, never run on the portal's origin
        response = FileResponse(
            opened, content_type=attachment.content_type, as_attachment=document, filename=attachment.name
        )
        if document:
            response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- intake ----------------------------------------------------------------------------------


class IntakeMixin:
    """The intake's form handling; SubmitOnceMixin wraps it (it comes first in the view's bases)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_add_residents=jurisdiction_for(self.request.user).has_any(Action.EDIT), **kwargs
        )

    def get_initial(self):
        initial = {}
        for name in ("household", "grid", "place"):
            value = as_pk(self.request.GET.get(name, ""))
            if value is not None:
                initial[name] = value
        if self.request.GET.get("category") in Category.values:
            initial["category"] = self.request.GET["category"]
            initial["procedure"] = Procedure.COORDINATION
        if self.request.GET.get("procedure") in Procedure.values:
            initial["procedure"] = self.request.GET["procedure"]
        return initial

    def form_valid(self, form):
        case = form.save(commit=False)
        try:
            case = services.open_case(
                actor=self.request.user,
                case=case,
                result=form.cleaned_data["result"],
                start_level=form.cleaned_data["start_level"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Case %(reference)s registered: %(status)s, held at %(level)s.")
            % {"reference": case.reference, "status": case.get_status_display(), "level": case.holder_label},
        )
        if "another" in self.request.POST:
            return redirect("cases:create")
        return redirect(case)


@method_decorator(never_cache, name="get")
class CaseCreateView(ActionAnywhereMixin, SubmitOnceMixin, IntakeMixin, FormView):
    """Quick intake: a general matter recorded in one screen, by keyboard."""

    form_class = IntakeForm
    template_name = "cases/case_form.html"
    required_action = Action.REPORT


class HouseholdSearchView(LoginRequiredMixin, View):
    """The household picker's suggestions: at most 20, only households the user may report on."""

    def get(self, request):
        term = request.GET.get("q", "").split("·")[0].replace("\x00", "").strip()[:50]
        if not term:
            return JsonResponse({"results": []})
        households = search_households(reportable_households(request.user), term).select_related("group")[:20]
        return JsonResponse({"results": [label(h) for h in households]})


class NewcomerMixin:
    """The "four must report" shortcut for a birth or a migrant's arrival, in one form: the
    resident joins the household and a case records the report. SubmitOnceMixin wraps it."""

    kind = "birth"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "kind": self.kind}

    def get_initial(self):
        value = as_pk(self.request.GET.get("household", ""))
        return {"household": value} if value is not None else {}

    def get_context_data(self, **kwargs):
        title = _("Report a birth") if self.kind == "birth" else _("Report a migrant's arrival")
        return super().get_context_data(title=title, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        household = data["household"]
        note = data["note"].strip()
        pending = self.kind == "birth" and not data.get("id_number")
        with translation.override(settings.LANGUAGE_CODE):  # the record is in the township's language
            if self.kind == "birth":
                summary = _("Birth: %(name)s, household of %(head)s") % {
                    "name": data["name"],
                    "head": household.head_name,
                }
                category = Category.POPULATION
                if pending:
                    note = " ".join(
                        filter(None, [_("Add the child to the household once registered (no ID number yet)."), note])
                    )
            else:
                summary = _("Migrant arrival: %(name)s from %(origin)s") % {
                    "name": data["name"],
                    "origin": data["origin"],
                }
                category = Category.MIGRANT
                note = " ".join(filter(None, [_("Arrived on %(date)s.") % {"date": data["arrived_on"]}, note]))
        case = Case(household=household, category=category, summary=summary[:120], description=note)
        try:
            if pending:
                case = services.report_unregistered_birth(actor=self.request.user, case=case)
                done = _("The birth is reported; case %(reference)s stays open until the child is registered.")
            else:
                resident = form.save(commit=False)
                resident.household = household
                if self.kind != "birth":
                    resident.status = Resident.Status.FLOATING
                case.procedure = Procedure.GENERAL
                case = services.report_newcomer(actor=self.request.user, case=case, resident=resident)
                done = _("%(name)s joined the household; case %(reference)s records the report.")
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, done % {"name": data["name"], "reference": case.reference})
        return redirect(household)


@method_decorator(never_cache, name="get")
class NewcomerView(ActionAnywhereMixin, SubmitOnceMixin, NewcomerMixin, FormView):
    """For those who may both report cases and add residents somewhere (403 for the rest)."""

    form_class = NewcomerForm
    template_name = "cases/newcomer_form.html"
    required_action = (Action.REPORT, Action.EDIT)


class MigrantView(NewcomerView):
    kind = "migrant"


# --- the township's settings and the user's notifications ------------------------------------


class DeadlineView(ParentInScopeMixin, FormView):
    """Township staff set the deadlines of each procedure at each level."""

    form_class = DeadlineForm
    template_name = "cases/deadlines.html"
    parent_queryset = Township.objects.all()
    parent_action = Action.MANAGE
    parent_name = "township"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "table": services.deadlines(self.township.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(township=self.township, levels=list(Level), **kwargs)

    def form_valid(self, form):
        try:
            services.save_deadlines(actor=self.request.user, township=self.township, table=form.table())
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Deadlines saved. They apply to cases from their next move."))
        return redirect("cases:deadlines", pk=self.township.pk)


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "cases/notifications.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.notifications(self.request.user).select_related("event__case__grid__village", "event__actor")


class NotificationsReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("cases:notifications")
