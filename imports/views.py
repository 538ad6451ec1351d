"""The roster import's pages: upload and check, the preview, the import, the history, the files."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View

from villages.jurisdiction import REGISTRY_LEVELS, Action, jurisdiction_for, scoped_object_or_404

from . import services, workbooks
from .forms import UploadForm
from .models import ImportRun

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 200  # problems listed on the page; the report holds them all


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class EditorsOnlyMixin(LoginRequiredMixin):
    """Importing is for those who may change the registry somewhere; others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not jurisdiction_for(request.user).has_any(Action.EDIT, REGISTRY_LEVELS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UploadView(EditorsOnlyMixin, FormView):
    form_class = UploadForm
    template_name = "imports/upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        run = services.check(
            actor=self.request.user, township=form.cleaned_data["township"], upload=form.cleaned_data["file"]
        )
        return redirect(run)


class RunListView(LoginRequiredMixin, ListView):
    template_name = "imports/run_list.html"
    paginate_by = 25

    def get_queryset(self):
        return ImportRun.objects.for_user(self.request.user).select_related("township", "user")

    def get_context_data(self, **kwargs):
        can_import = jurisdiction_for(self.request.user).has_any(Action.EDIT, REGISTRY_LEVELS)
        return super().get_context_data(can_import=can_import, **kwargs)


def _run(request, pk):
    return scoped_object_or_404(request.user, ImportRun.objects.select_related("township", "user"), pk=pk)


class RunDetailView(LoginRequiredMixin, DetailView):
    template_name = "imports/run_detail.html"
    context_object_name = "run"

    def get_object(self, queryset=None):
        return _run(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        run = self.object
        return super().get_context_data(
            shown=run.problems[:SHOWN],
            more=run.problem_count - min(len(run.problems), SHOWN),
            may_import=run.can_import and run.user_id == self.request.user.pk,
            **kwargs,
        )


class RunImportView(LoginRequiredMixin, View):
    def post(self, request, pk):
        run = services.run_import(actor=request.user, run=_run(request, pk))
        if run.status == ImportRun.Status.IMPORTED:
            messages.success(
                request,
                _("Imported: %(households)s new households, %(residents)s new residents, %(updated)s records updated.")
                % {
                    "households": run.households_new,
                    "residents": run.residents_new,
                    "updated": run.households_updated + run.residents_updated,
                },
            )
        else:
            messages.error(request, _("Nothing was imported: the registry changed since the check. See the problems."))
        return redirect(run)


class RunReportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        run = _run(request, pk)
        return _xlsx(workbooks.report(run), f"import-{run.pk}-problems.xlsx")


class TemplateDownloadView(LoginRequiredMixin, View):
    def get(self, request):
        return _xlsx(workbooks.template(), "roster-template.xlsx")
