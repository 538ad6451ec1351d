"""Prints: each is a print-ready page (the browser prints it as it is) and the same page as a PDF
made on the server. Who may print what follows the registry: a grid's bulletin for those who see
the grid, contact cards and letters for the households one sees, the wording for township staff."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import UpdateView

from cases.models import Case
from cases.workflow import Procedure, Status
from villages import identity
from villages.images import picture_response
from villages.jurisdiction import Action, ScopedViewMixin, jurisdiction_for, scoped_object_or_404
from villages.models import Grid, Household, Township, Village, VillagerGroup

from . import content, letters, network, qr, selectors, services
from .forms import PrintedForm, PrintSettingsForm
from .models import BulletinPrint, PrintSettings
from .pdf import pdf_response

CARDS_PER_SHEET = 10  # 2 × 5 business cards (90 × 54 mm) on an A4 sheet, cut along these lines (mm):
CUT_COLUMNS = (15, 105, 195)
CUT_ROWS = (13.5, 67.5, 121.5, 175.5, 229.5, 283.5)

# The places whose households get cards or letters: the URL's word → (model, household field).
SCOPES = {
    "households": (Household, "pk"),
    "groups": (VillagerGroup, "group_id"),
    "grids": (Grid, "grid_id"),
    "villages": (Village, "village_id"),
}


def paper(request):
    size = request.GET.get("size", "").upper()
    return size if size in BulletinPrint.Size.values else BulletinPrint.Size.A3


class PrintView(LoginRequiredMixin, View):
    """A print: `context()` says what it shows; `?` → the page, `.pdf` → the PDF."""

    template_name = None
    as_pdf = False

    def context(self):
        raise NotImplementedError

    def filename(self, context):
        raise NotImplementedError

    def get(self, request, **kwargs):
        context = self.context()
        if self.as_pdf:
            return pdf_response(request, self.template_name, context, self.filename(context))
        return render(request, self.template_name, context)


class BulletinView(PrintView):
    template_name = "publicity/bulletin.html"

    def context(self):
        grid = scoped_object_or_404(
            self.request.user, Grid.objects.select_related("village__township"), pk=self.kwargs["pk"]
        )
        board = content.board(grid)
        size = paper(self.request)
        return {
            "board": board,
            "size": size,
            "diagram": None if grid.map else network.village_network(grid.village, highlight=grid),
            "last_print": grid.bulletin_prints.select_related("printed_by").first(),
            "printed_form": PrintedForm(initial={"size": size, "fingerprint": board.fingerprint}),
            "can_record": jurisdiction_for(self.request.user).allows(Action.EDIT, grid),
        }

    def filename(self, context):
        board = context["board"]
        what = _("grid bulletin")
        return f"{board.village.name}{board.grid.name}-{what}-{context['size']}.pdf"


class BulletinPrintedView(LoginRequiredMixin, View):
    """Someone who answers for the grid says its new bulletin is printed (the page's button)."""

    def post(self, request, pk):
        grid = scoped_object_or_404(request.user, Grid.objects.select_related("village__township"), Action.EDIT, pk=pk)
        form = PrintedForm(request.POST)
        board = content.board(grid)
        if not form.is_valid():
            messages.error(request, _("Nothing was recorded: the page was incomplete. Reload it and try again."))
            return redirect_back(grid, paper(request))
        if form.cleaned_data["fingerprint"] != board.fingerprint:
            messages.warning(
                request, _("The bulletin changed after the page was opened; print it again from this page.")
            )
            return redirect_back(grid, form.cleaned_data["size"])
        services.record_print(board, form.cleaned_data["size"], request.user)
        messages.success(request, _("Recorded: this grid's bulletin was printed today."))
        return redirect_back(grid, form.cleaned_data["size"])


def redirect_back(grid, size):
    return redirect(reverse("publicity:bulletin", args=[grid.pk]) + f"?size={size}")


class NetworkView(PrintView):
    template_name = "publicity/network.html"

    def context(self):
        village = scoped_object_or_404(
            self.request.user, Village.objects.select_related("township"), pk=self.kwargs["pk"]
        )
        return {"village": village, "diagram": network.village_network(village)}

    def filename(self, context):
        what = _("grid network diagram")
        return f"{context['village'].name}-{what}.pdf"


class HouseholdPrintView(PrintView):
    """Cards or letters for the households of a place that this user sees."""

    def place(self):
        try:
            model, field = SCOPES[self.kwargs["scope"]]
        except KeyError:
            raise Http404 from None
        place = scoped_object_or_404(self.request.user, model.objects.all(), pk=self.kwargs["pk"])
        households = Household.objects.for_user(self.request.user).filter(**{field: place.pk})
        return place, households

    def filename(self, context):
        return f"{context['place']}-{self.what}.pdf".replace(" ", "")


class CardsView(HouseholdPrintView):
    template_name = "publicity/cards.html"

    @property
    def what(self):
        return _("contact cards")

    def context(self):
        place, households = self.place()
        cards = content.cards(households)
        codes = {}  # one code per grid leader and grid (a leader of two grids is named with each)
        for card in cards:
            if card.leader:
                key = (card.leader.cadre_id, card.household.grid_id)
                if key not in codes:
                    codes[key] = qr.vcard_uri(card.leader, card.household)
                card.qr = codes[key]
            else:
                card.qr = None
        return {
            "scope": self.kwargs["scope"],
            "place": place,
            "cards": cards,
            "sheets": [cards[i : i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)],
            "cut_columns": CUT_COLUMNS,
            "cut_rows": CUT_ROWS,
        }


class LettersView(HouseholdPrintView):
    template_name = "publicity/letters.html"

    @property
    def what(self):
        return _("letters")

    def context(self):
        place, households = self.place()
        cards = content.cards(households)
        wording = content.print_settings(place_township(place))
        for card in cards:
            card.paragraphs = letters.paragraphs(letters.fill(wording.letter_body, card))
        return {"scope": self.kwargs["scope"], "place": place, "cards": cards, "wording": wording}


def place_township(place):
    """The township of a village or household (their own field) or of a grid or group."""
    return place.village.township if isinstance(place, Grid | VillagerGroup) else place.township


class BoardsView(ScopedViewMixin, View):
    """The township's bulletins: when each was last printed and whether it still matches."""

    def get(self, request, pk):
        township = scoped_object_or_404(request.user, Township.objects.all(), pk=pk)
        rows = selectors.board_status(request.user, township)
        stale = selectors.needs_printing(rows)
        show = request.GET.get("show")
        return render(
            request,
            "publicity/boards.html",
            {
                "township": township,
                "rows": stale if show == "stale" else rows,
                "show": show,
                "total": len(rows),
                "stale_count": len(stale),
                "can_manage": self.jurisdiction.allows(Action.MANAGE, township),
            },
        )


class WordingView(ScopedViewMixin, UpdateView):
    """Township staff write what every bulletin, card and letter says."""

    model = PrintSettings
    form_class = PrintSettingsForm
    template_name = "publicity/wording_form.html"
    action = Action.MANAGE

    def get_object(self, queryset=None):
        township = scoped_object_or_404(self.request.user, Township.objects.all(), Action.MANAGE, pk=self.kwargs["pk"])
        return content.print_settings(township)

    def form_valid(self, form):
        messages.success(self.request, _("Saved. The next prints use the new wording."))
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("publicity:boards", args=[self.object.township_id])


class NoticeView(PrintView):
    """The three-level public notice (三级公示) of an approval matter: one sheet for each board."""

    template_name = "publicity/notice.html"

    def context(self):
        case = scoped_object_or_404(
            self.request.user,
            Case.objects.select_related("township", "village", "grid", "group", "household").filter(
                procedure=Procedure.APPROVAL, status__in=[Status.IN_NOTICE, Status.CLOSED], notice_ends_at__isnull=False
            ),
            pk=self.kwargs["pk"],
        )
        return {
            "case": case,
            # What a cadre typed goes on three public boards: no ID number on any of them.
            "summary": identity.mask_id_numbers_in(case.summary),
            "decision": identity.mask_id_numbers_in(case.decision),
            **selectors.notice_context(case),
        }

    def filename(self, context):
        what = _("public notice")
        return f"{context['case'].reference}-{what}.pdf"


class GridMapView(LoginRequiredMixin, View):
    """A grid's map picture, to those who see the grid."""

    def get(self, request, pk):
        return picture_response(scoped_object_or_404(request.user, Grid.objects.all(), pk=pk).map)
