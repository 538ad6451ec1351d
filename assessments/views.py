"""Assessment pages: schemes and their editor, periods (overview, compute, close), score cards with
their evidence, "my score", manual items (enter, decide, answer) and the long-term-failure list.

Who sees what is villages/jurisdiction.py's one rule: a score outside the user's sight is 404 (a
grid leader opening a colleague's card), a step inside it they may not take is 403."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_tables2 import RequestConfig, SingleTableMixin

from accounts.views import SubmitOnceMixin
from gridadmin.exports import SpreadsheetExportMixin
from villages.jurisdiction import Action, ActionAnywhereMixin, scoped_object_or_404
from villages.models import Township
from visits.views import RecordFormMixin

from . import charts, selectors, services
from .evidence import evidence
from .forms import (
    AnswerForm,
    DecisionForm,
    EntryForm,
    ItemFormSet,
    NewItemFormSet,
    OpenPeriodForm,
    SchemeForm,
    item_initial,
)
from .models import Entry, Item, Scheme, Score
from .scoring import DEFAULT_FAILING_PERIODS
from .tables import OverviewTable


class SchemeListView(LoginRequiredMixin, TemplateView):
    """The schemes of the user's townships, their periods, and what waits for the user."""

    template_name = "assessments/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        schemes = list(selectors.schemes(self.request.user).order_by("township__name", "name"))
        periods = {}
        for period in selectors.periods(user).order_by("-starts_on"):
            periods.setdefault(period.scheme_id, []).append(period)
        for scheme in schemes:
            scheme.recent = periods.get(scheme.pk, [])[:4]
            scheme.manageable = services.may_manage(user, scheme.township)
        managed = [t for t in Township.objects.for_user(user) if services.may_manage(user, t)]
        return super().get_context_data(
            schemes=schemes,
            managed=managed,
            mine=selectors.my_scores(user)[:6],
            pending=selectors.pending_entries(user).count() if managed else 0,
            **kwargs,
        )


class SchemeFormView(LoginRequiredMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """The scheme editor: name, cycle, posts, total and marks, and the items (a formset)."""

    template_name = "assessments/scheme_form.html"
    form_class = SchemeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "pk" in kwargs:
            self.scheme = scoped_object_or_404(request.user, Scheme.objects.all(), pk=kwargs["pk"])
            self.township = self.scheme.township
        else:
            self.scheme = None
            self.township = scoped_object_or_404(request.user, Township.objects.all(), pk=kwargs["township"])
        if not services.may_manage(request.user, self.township):
            raise PermissionDenied
        self.version = self.scheme.versions.first() if self.scheme else None
        initial = item_initial(self.version) if self.version else []
        data = request.POST if request.method == "POST" else None
        formset = ItemFormSet if self.version else NewItemFormSet
        self.formset = formset(data, initial=initial, prefix="items")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.scheme or Scheme(township=self.township)
        kwargs["version"] = self.version
        if self.scheme is None:
            kwargs["initial"] = {"total": 100, "pass_mark": 60, "excellent_at": 90}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            scheme=self.scheme, township=self.township, version=self.version, formset=self.formset, **kwargs
        )

    def record(self, form):
        if not self.formset.is_valid():
            raise ValidationError(_("Correct the items marked below."))
        scheme = form.save(commit=False)
        scheme.roles = form.cleaned_data["roles"]
        data = form.cleaned_data
        services.save_scheme(
            actor=self.request.user,
            scheme=scheme,
            total=data["total"],
            pass_mark=data["pass_mark"],
            excellent_at=data["excellent_at"],
            items=self.formset.items(),
        )
        messages.success(self.request, _("Scheme saved. Open periods were computed again with it."))
        return redirect(scheme)


class SchemeDetailView(LoginRequiredMixin, TemplateView):
    """A scheme: its items as they stand, its versions, its periods, and the trend of its scores."""

    template_name = "assessments/scheme_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scheme = scoped_object_or_404(user, Scheme.objects.select_related("township"), pk=self.kwargs["pk"])
        version = scheme.versions.first()
        trend = selectors.trend(scheme, user)
        stats = {row["period_id"]: row for row in trend}
        periods = list(scheme.periods.select_related("scheme").order_by("-starts_on"))
        labels = {period.pk: period.label for period in periods}
        chart = None
        if version and trend:
            chart = charts.line_chart(
                _("Average total per period"),
                [(labels[row["period_id"]], row["average"]) for row in trend],
                version.total,
                version.pass_mark,
            )
        for period in periods:
            period.stats = stats.get(period.pk)
        return super().get_context_data(
            scheme=scheme,
            version=version,
            items=list(version.items.all()) if version else [],
            versions=scheme.versions.all(),
            periods=periods,
            chart=chart,
            manages=services.may_manage(user, scheme.township),
            open_form=OpenPeriodForm(initial={"day": timezone.localdate()}),
            **kwargs,
        )


class OpenPeriodView(LoginRequiredMixin, View):
    def post(self, request, pk):
        scheme = scoped_object_or_404(request.user, Scheme.objects.all(), pk=pk)
        if not services.may_manage(request.user, scheme.township):
            raise PermissionDenied
        form = OpenPeriodForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a valid date (year-month-day)."))
            return redirect(scheme)
        try:
            period = services.open_period(actor=request.user, scheme=scheme, day=form.cleaned_data["day"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(scheme)
        return redirect(period)


def visible_period(user, pk):
    """A period of a scheme the user sees (404 otherwise)."""
    return get_object_or_404(selectors.periods(user).select_related("scheme__township", "closed_by"), pk=pk)


class PeriodView(LoginRequiredMixin, SpreadsheetExportMixin, SingleTableMixin, TemplateView):
    """The period overview: every cadre the user sees, each item's points, sortable, to .xlsx."""

    template_name = "assessments/period.html"
    table_pagination = False

    def get(self, request, *args, **kwargs):
        self.period = visible_period(request.user, kwargs["pk"])
        self.items = list(self.period.version.items.all())
        return super().get(request, *args, **kwargs)

    def get_table(self, **kwargs):
        table = OverviewTable(selectors.overview(self.period, self.request.user), self.items)
        RequestConfig(self.request, paginate=False).configure(table)  # every cadre on one sheet
        return table

    def get_export_filename(self, export_format):
        return f"assessment-{self.period.scheme_id}-{self.period.label}.{export_format}"

    def get_context_data(self, **kwargs):
        manages = services.may_manage(self.request.user, self.period.scheme.township)
        return super().get_context_data(
            period=self.period,
            scheme=self.period.scheme,
            items=self.items,
            manages=manages,
            pending=Entry.objects.filter(score__period=self.period, status=Entry.Status.PENDING).count()
            if manages
            else 0,
            **kwargs,
        )


class PeriodActionView(LoginRequiredMixin, View):
    """Compute or close a period (the township centre)."""

    action = "compute"

    def post(self, request, pk):
        period = visible_period(request.user, pk)
        if not services.may_manage(request.user, period.scheme.township):
            raise PermissionDenied
        try:
            if self.action == "close":
                services.close(period, actor=request.user)
                messages.success(request, _("Period closed: its scores are final."))
            else:
                services.compute(period, actor=request.user)
                messages.success(request, _("Scores computed from the records."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(period)


def visible_score(user, pk):
    return scoped_object_or_404(user, Score.objects.select_related(*selectors.SCORE_RELATIONS, "post"), pk=pk)


class ScoreView(LoginRequiredMixin, TemplateView):
    """A cadre's score card: every item with its metric, what it counted and its points, the
    manual items with their answers, the ranks and grade, and the trend over periods."""

    template_name = "assessments/score.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        score = visible_score(user, self.kwargs["pk"])
        version = score.period.version
        lines = list(score.lines.select_related("item"))
        history = selectors.history(score, user)
        chart = charts.line_chart(
            _("Total per period"),
            [(row.period.label, row.total) for row in history],
            max(row.period.version.total for row in history),
            version.pass_mark,
        )
        entries = list(selectors.entries_of(score, user))
        for entry in entries:
            entry.score = score  # loaded once, with its period, cadre and township
            entry.may_decide = services.may_decide(user, entry)
            entry.may_answer = services.may_answer(user, entry)
        return super().get_context_data(
            score=score,
            period=score.period,
            version=version,
            lines=lines,
            history=history,
            chart=chart,
            entries=entries,
            may_enter=services.may_enter(user, score),
            is_mine=score.cadre.user_id == user.pk,
            **kwargs,
        )


class EvidenceView(LoginRequiredMixin, TemplateView):
    """What an automatic item counted for one score: the visits, patrols, logs, meetings or cases."""

    template_name = "assessments/evidence.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        score = visible_score(user, self.kwargs["pk"])
        items = Item.objects.exclude(metric="").filter(version=score.period.version)
        item = get_object_or_404(items, pk=self.kwargs["item_pk"])
        line = score.lines.filter(item=item).first()
        rows, hidden = evidence(score, item, user)
        return super().get_context_data(score=score, item=item, line=line, rows=rows, hidden=hidden, **kwargs)


class MyScoreView(LoginRequiredMixin, TemplateView):
    """Every score of mine, newest first, with the trend of each scheme."""

    template_name = "assessments/mine.html"

    def get_context_data(self, **kwargs):
        scores = list(selectors.my_scores(self.request.user))
        by_scheme = {}
        for score in reversed(scores):
            by_scheme.setdefault(score.period.scheme, []).append(score)
        charts_ = [
            charts.line_chart(
                scheme.name,
                [(row.period.label, row.total) for row in rows],
                max(row.period.version.total for row in rows),
                rows[-1].period.version.pass_mark,
            )
            for scheme, rows in by_scheme.items()
        ]
        return super().get_context_data(scores=scores, charts=charts_, **kwargs)


class EntryCreateView(LoginRequiredMixin, SubmitOnceMixin, RecordFormMixin, FormView):
    """A manual reward or deduction about a cadre, by the level above, with reason and evidence."""

    template_name = "assessments/entry_form.html"
    form_class = EntryForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.score = visible_score(request.user, kwargs["pk"])
        if not services.may_enter(request.user, self.score):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "score": self.score, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(score=self.score, **kwargs)

    def record(self, form):
        data = form.cleaned_data
        services.enter(
            actor=self.request.user,
            score=self.score,
            item=data["item"],
            points=data["points"],
            reason=data["reason"],
            source=data["source"],
            case=data["case"],
            visit=data["visit"],
            evidence=data["evidence"],
        )
        messages.success(self.request, _("Entered. It counts once the township centre approves it."))
        return redirect(self.score)


def visible_entry(user, pk):
    return get_object_or_404(
        Entry.objects.for_user(user).select_related("score__period", "score__cadre", "score__township", "item"), pk=pk
    )


class DecideView(LoginRequiredMixin, View):
    def post(self, request, pk):
        entry = visible_entry(request.user, pk)
        if not services.may_manage(request.user, entry.score.township):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("note", [])) or _("The note is not valid."))
            return redirect("assessments:pending" if request.POST.get("next") == "pending" else entry.score)
        try:
            services.decide(
                actor=request.user,
                entry=entry,
                approve=request.POST.get("approve") == "1",
                note=form.cleaned_data.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Decided."))
        return redirect("assessments:pending" if request.POST.get("next") == "pending" else entry.score)


class AnswerView(LoginRequiredMixin, RecordFormMixin, FormView):
    """The cadre answers a manual item about them, while the period is open."""

    template_name = "assessments/answer_form.html"
    form_class = AnswerForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.entry = visible_entry(request.user, kwargs["pk"])
        if not services.may_answer(request.user, self.entry):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"answer": self.entry.answer}

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, score=self.entry.score, **kwargs)

    def record(self, form):
        services.answer(actor=self.request.user, entry=self.entry, text=form.cleaned_data["answer"])
        messages.success(self.request, _("Your answer is saved with the item."))
        return redirect(self.entry.score)


class PendingView(ActionAnywhereMixin, TemplateView):
    """Manual items waiting for the township centre's decision."""

    template_name = "assessments/pending.html"
    required_action = Action.MANAGE

    def get_context_data(self, **kwargs):
        entries = list(selectors.pending_entries(self.request.user))
        for entry in entries:
            entry.may_decide = services.may_decide(self.request.user, entry)
        return super().get_context_data(entries=entries, **kwargs)


class FailingView(LoginRequiredMixin, TemplateView):
    """Cadres under the pass mark for N closed periods in a row, with their history: for the
    township to decide on; nothing happens to anyone by itself."""

    template_name = "assessments/failing.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scheme = scoped_object_or_404(user, Scheme.objects.select_related("township"), pk=self.kwargs["pk"])
        try:
            periods = max(1, min(24, int(self.request.GET.get("periods", DEFAULT_FAILING_PERIODS))))
        except ValueError:
            periods = DEFAULT_FAILING_PERIODS
        version = scheme.versions.first()
        return super().get_context_data(
            scheme=scheme,
            periods=periods,
            failing=selectors.long_term_failures(scheme, user, periods),
            version=version,
            **kwargs,
        )
