"""Registry pages: the hierarchy, households and residents, the cadre directory."""

from axes.helpers import get_client_ip_address
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, DetailView, FormView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.views import SubmitOnceMixin
from gridadmin.exports import SpreadsheetExportMixin

from . import exports, selectors, services
from .filters import CadreFilter, HouseholdFilter
from .forms import (
    CadreCreateForm,
    CadreForm,
    EndPostForm,
    GridForm,
    GroupForm,
    HouseholdForm,
    MoveHouseholdForm,
    PlaceForm,
    PostForm,
    ResidentForm,
    RevealForm,
    VillageForm,
)
from .images import picture_response
from .jurisdiction import (
    REGISTRY_LEVELS,
    Action,
    ActionAnywhereMixin,
    ParentInScopeMixin,
    ScopedViewMixin,
    jurisdiction_for,
    scoped_object_or_404,
)
from .models import Cadre, Grid, Household, HouseholdMove, Place, Post, Resident, Township, Village, VillagerGroup
from .tables import HouseholdTable

# A household with what its breadcrumbs show, for the pages under it.
HOUSEHOLD_PAGES = Household.objects.select_related("group__village__township", "grid")


class ServiceFormMixin:
    """Form views whose write is a service: a ValidationError the service raises lands on the form."""

    def call_service(self, form, service, **kwargs):
        try:
            return service(actor=self.request.user, **kwargs)
        except ValidationError as error:
            form.add_error(None, error)
            return None


def holds(user, place):
    """Whether a post of the user's is over `place` itself, not only below it (a grid leader
    reaches the village page but holds only the grid): the place's own records open to them."""
    q = jurisdiction_for(user).q(type(place), Action.VIEW, reach=False)
    return type(place).objects.filter(q, pk=place.pk).exists()


class TownshipDetailView(ScopedViewMixin, DetailView):
    model = Township
    template_name = "villages/township_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        villages = (
            Village.objects.for_user(user)
            .filter(township=self.object)
            .annotate(household_total=selectors.household_count(user, "village"))
            .annotate(grid_total=selectors.count_under(Grid.objects.for_user(user), "village"))
        )
        return super().get_context_data(
            villages=villages,
            can_manage=self.jurisdiction.allows(Action.MANAGE, self.object),
            posts=selectors.current_posts({"township": self.object, "role__in": Post.TOWNSHIP_ROLES}),
            **kwargs,
        )


class VillageDetailView(ScopedViewMixin, DetailView):
    model = Village
    template_name = "villages/village_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("township")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            grids=selectors.grids_with_people(user).filter(village=self.object),
            groups=VillagerGroup.objects.for_user(user)
            .filter(village=self.object)
            .select_related("grid")
            .annotate(household_total=selectors.household_count(user, "group")),
            posts=selectors.current_posts({"village": self.object}),
            can_manage=self.jurisdiction.allows(Action.MANAGE, self.object),
            holds_place=holds(user, self.object),
            **kwargs,
        )


class GridDetailView(ScopedViewMixin, DetailView):
    model = Grid
    template_name = "villages/grid_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_size().select_related("village__township")

    def get_context_data(self, **kwargs):
        user = self.request.user
        grid = self.object
        return super().get_context_data(
            groups=VillagerGroup.objects.for_user(user)
            .filter(grid=grid)
            .annotate(household_total=selectors.household_count(user, "group")),
            posts=selectors.current_posts({"grid": grid}),
            village_posts=selectors.current_posts({"village": grid.village_id}),
            places=grid.places.all(),
            can_edit=self.jurisdiction.allows(Action.EDIT, grid),
            can_manage=self.jurisdiction.allows(Action.MANAGE, grid),
            holds_place=holds(self.request.user, grid),
            **kwargs,
        )


class GroupDetailView(ScopedViewMixin, SingleTableMixin, DetailView):
    model = VillagerGroup
    template_name = "villages/group_detail.html"
    table_class = HouseholdTable
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return super().get_queryset().select_related("grid", "village__township")

    def get_table_data(self):
        return selectors.household_rows(self.request.user).filter(group=self.object)

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            posts=selectors.current_posts({"group": self.object}),
            regrids=self.object.regrids.select_related("from_grid", "to_grid", "regridded_by"),
            can_add=self.jurisdiction.allows(Action.EDIT, self.object),
            can_manage=self.jurisdiction.allows(Action.MANAGE, self.object),
            **kwargs,
        )


class HouseholdListView(LoginRequiredMixin, SpreadsheetExportMixin, SingleTableMixin, FilterView):
    """The households the user sees, searched and filtered; the current filter exports to .xlsx or
    .csv, as households or as the roster of their residents (exports.py)."""

    table_class = HouseholdTable
    export_name = "households"
    filterset_class = HouseholdFilter
    template_name = "villages/household_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return selectors.household_rows(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        jurisdiction = jurisdiction_for(self.request.user)
        return super().get_context_data(
            can_add=jurisdiction.has_any(Action.EDIT),
            can_import=jurisdiction.has_any(Action.EDIT, REGISTRY_LEVELS),
            can_reveal=jurisdiction.has_any(Action.REVEAL),
            **kwargs,
        )


class RosterExportView(LoginRequiredMixin, View):
    """The residents of the households on the list as filtered, in the import template's columns:
    GET with ID numbers masked; POST with a reason for them in full where the user may reveal them,
    each one logged."""

    def households(self):
        queryset = Household.objects.for_user(self.request.user)
        filterset = HouseholdFilter(self.request.GET, queryset=queryset, user=self.request.user)
        # A filter the list refuses (a village the user does not see) shows nobody there: here too.
        return filterset.qs if filterset.is_valid() else queryset.none()

    def respond(self, full_for=frozenset(), residents=None):
        export_format = self.request.GET.get("format", "xlsx")
        if export_format not in exports.FORMATS:
            raise Http404
        residents = residents if residents is not None else exports.roster_residents(self.households())
        write, content_type = exports.FORMATS[export_format]
        response = HttpResponse(write(exports.rows(residents, full_for)), content_type=content_type)
        name = f"roster-{timezone.localdate():%Y%m%d}{'-full-id' if full_for else ''}.{export_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get(self, request):
        return self.respond()

    def post(self, request):
        form = RevealForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for exporting full ID numbers."))
            return redirect(reverse("villages:household_list") + "?" + request.GET.urlencode())
        if not jurisdiction_for(request.user).has_any(Action.REVEAL):
            raise PermissionDenied
        residents = list(exports.roster_residents(self.households()))
        full_for = exports.revealed(
            actor=request.user,
            residents=residents,
            reason=form.cleaned_data["reason"],
            ip_address=get_client_ip_address(request),
        )
        return self.respond(full_for, residents)


class HouseholdDetailView(ScopedViewMixin, DetailView):
    model = Household
    template_name = "villages/household_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("group__village__township", "grid", "responsible_cadre", "contact_representative")
            .prefetch_related(
                "categories",
                Prefetch("residents", queryset=Resident.objects.prefetch_related("categories")),
                Prefetch("moves", queryset=HouseholdMove.objects.select_related("from_group", "to_group", "moved_by")),
            )
        )

    def get_context_data(self, **kwargs):
        household = self.object
        jurisdiction = self.jurisdiction
        sensitive = jurisdiction.allows(Action.SENSITIVE, household)
        return super().get_context_data(
            categories=[c for c in household.categories.all() if sensitive or not c.is_sensitive],
            residents=[
                (r, [c for c in r.categories.all() if sensitive or not c.is_sensitive])
                for r in household.residents.all()
            ],
            can_edit=jurisdiction.allows(Action.EDIT, household),
            can_reveal=jurisdiction.allows(Action.REVEAL, household),
            can_report=jurisdiction.allows(Action.REPORT, household),
            cases=household.cases.for_user(self.request.user).order_by("-created_at")[:20],
            history=household.history.select_related("history_user").order_by("-history_date")[:10],
            panels=household_panels(self.request, household),
            **kwargs,
        )


def household_panels(request, household):
    """Cards that the apps built on the registry add to a household's page: each app whose config
    has `household_panel(request, household)` returns a context with the `template` to include."""
    return [
        config.household_panel(request, household)
        for config in apps.get_app_configs()
        if hasattr(config, "household_panel")
    ]


class HouseholdFormMixin(ServiceFormMixin):
    model = Household
    form_class = HouseholdForm
    template_name = "villages/household_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        household = form.save(commit=False)
        self.object = self.call_service(
            form, services.save_household, household=household, categories=form.cleaned_data["categories"]
        )
        if self.object is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Household %(name)s saved.") % {"name": household.head_name})
        return redirect(self.object)


class HouseholdCreateView(ActionAnywhereMixin, SubmitOnceMixin, HouseholdFormMixin, CreateView):
    def get_initial(self):
        group = self.request.GET.get("group")
        return {"group": group} if group and group.isdigit() else {}


class HouseholdUpdateView(ScopedViewMixin, HouseholdFormMixin, UpdateView):
    action = Action.EDIT


class HouseholdMoveView(ParentInScopeMixin, ServiceFormMixin, FormView):
    form_class = MoveHouseholdForm
    template_name = "villages/household_move.html"
    parent_queryset = HOUSEHOLD_PAGES
    parent_name = "household"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "household": self.household}

    def get_context_data(self, **kwargs):
        return super().get_context_data(household=self.household, **kwargs)

    def form_valid(self, form):
        moved = self.call_service(form, services.move_household, household=self.household, **form.cleaned_data)
        if moved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("The household was moved; its earlier group is kept in its history."))
        if moved.village_id != self.household.village_id:
            messages.warning(
                self.request,
                _("It is now in another village: choose its responsible cadre and contact representative there."),
            )
        return redirect(moved)


class ResidentDetailView(ScopedViewMixin, DetailView):
    model = Resident
    template_name = "villages/resident_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("household__group__village__township", "household__grid")
            .prefetch_related("categories")
        )

    def get_context_data(self, **kwargs):
        resident = self.object
        jurisdiction = self.jurisdiction
        sensitive = jurisdiction.allows(Action.SENSITIVE, resident)
        kwargs.setdefault("reveal_form", RevealForm())
        return super().get_context_data(
            household=resident.household,
            categories=[c for c in resident.categories.all() if sensitive or not c.is_sensitive],
            can_edit=jurisdiction.allows(Action.EDIT, resident),
            can_reveal=jurisdiction.allows(Action.REVEAL, resident),
            **kwargs,
        )


class ResidentFormMixin(ServiceFormMixin):
    model = Resident
    form_class = ResidentForm
    template_name = "villages/resident_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "household": self.household}

    def get_context_data(self, **kwargs):
        return super().get_context_data(household=self.household, **kwargs)

    def form_valid(self, form):
        resident = form.save(commit=False)
        saved = self.call_service(
            form, services.save_resident, resident=resident, categories=form.cleaned_data["categories"]
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Resident %(name)s saved.") % {"name": resident.name})
        return redirect(self.household)


class ResidentCreateView(ParentInScopeMixin, SubmitOnceMixin, ResidentFormMixin, CreateView):
    parent_queryset = HOUSEHOLD_PAGES
    parent_name = "household"


class ResidentUpdateView(ScopedViewMixin, ResidentFormMixin, UpdateView):
    action = Action.EDIT

    def get_queryset(self):
        return super().get_queryset().select_related("household__group__village__township", "household__grid")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.household = obj.household
        return obj


@method_decorator(never_cache, name="dispatch")
class ResidentRevealView(ResidentDetailView):
    """POST only: show one full ID number once, after writing who asked and why."""

    action = Action.REVEAL
    http_method_names = ["post"]

    def post(self, request, pk):
        self.object = resident = self.get_object()
        form = RevealForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(reveal_form=form), status=400)
        number = services.reveal_id_number(
            actor=request.user,
            resident=resident,
            reason=form.cleaned_data["reason"],
            ip_address=get_client_ip_address(request),
        )
        context = {"resident": resident, "household": resident.household, "number": number}
        return render(request, "villages/resident_reveal.html", context)


class CadreListView(LoginRequiredMixin, FilterView):
    filterset_class = CadreFilter
    template_name = "villages/cadre_list.html"
    context_object_name = "cadres"
    paginate_by = 50

    def get_queryset(self):
        return selectors.cadre_directory(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            query_string=query.urlencode(),
            can_manage=jurisdiction_for(self.request.user).has_any(Action.MANAGE),
            **kwargs,
        )


class CadreDetailView(ScopedViewMixin, DetailView):
    model = Cadre
    template_name = "villages/cadre_detail.html"

    def get_queryset(self):
        posts = Post.objects.select_related("village", "grid__village", "group__village", "township").order_by(
            "-started_on"
        )
        return super().get_queryset().prefetch_related(Prefetch("posts", queryset=posts))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_manage=self.jurisdiction.allows(Action.MANAGE, self.object), end_form=EndPostForm(), **kwargs
        )


class CadreUpdateView(ScopedViewMixin, UpdateView):
    model = Cadre
    form_class = CadreForm
    template_name = "villages/cadre_form.html"
    action = Action.MANAGE

    def form_valid(self, form):
        cadre = services.update_cadre(actor=self.request.user, cadre=form.save(commit=False))
        messages.success(self.request, _("Cadre %(name)s saved.") % {"name": cadre.name})
        return redirect(cadre)


class CadrePhotoView(LoginRequiredMixin, View):
    """A cadre's photo, served to those who can see the cadre."""

    def get(self, request, pk):
        return picture_response(scoped_object_or_404(request.user, Cadre.objects.all(), pk=pk).photo)


class CadreCreateView(ActionAnywhereMixin, SubmitOnceMixin, ServiceFormMixin, CreateView):
    model = Cadre
    form_class = CadreCreateForm
    template_name = "villages/cadre_form.html"
    required_action = Action.MANAGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = self.call_service(
            form,
            services.create_cadre,
            cadre=form.save(commit=False),
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if self.object is None:
            return self.form_invalid(form)
        messages.success(
            self.request, _("Cadre %(name)s registered. Now give them a post.") % {"name": self.object.name}
        )
        return redirect("villages:post_create", pk=self.object.pk)


class PostCreateView(ParentInScopeMixin, SubmitOnceMixin, ServiceFormMixin, CreateView):
    model = Post
    form_class = PostForm
    template_name = "villages/post_form.html"
    parent_queryset = Cadre.objects.all()
    parent_action = Action.MANAGE
    parent_name = "cadre"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "cadre": self.cadre}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cadre=self.cadre, **kwargs)

    def form_valid(self, form):
        if self.call_service(form, services.add_post, post=form.save(commit=False)) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Post added."))
        return redirect(self.cadre)


class PostEndView(LoginRequiredMixin, View):
    """POST only: end a post on a date (the cadre keeps it in their history)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        cadres = Cadre.objects.for_user(request.user)
        post = get_object_or_404(Post.objects.select_related("cadre").filter(cadre__in=cadres), pk=pk)
        if not jurisdiction_for(request.user).allows(Action.MANAGE, post.cadre):
            raise PermissionDenied
        form = EndPostForm(request.POST)
        if form.is_valid():
            try:
                services.end_post(actor=request.user, post=post, ended_on=form.cleaned_data["ended_on"])
                messages.success(request, _("Post ended."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, _("Give the date the post ended."))
        return redirect(post.cadre)


class PlaceFormMixin(ServiceFormMixin):
    model = Place
    form_class = PlaceForm
    template_name = "villages/place_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(grid=self.grid, **kwargs)

    def form_valid(self, form):
        place = form.save(commit=False)
        place.grid = self.grid
        if self.call_service(form, services.save_place, place=place) is None:
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s saved.") % {"name": place.name})
        return redirect(self.grid)


class PlaceCreateView(ParentInScopeMixin, SubmitOnceMixin, PlaceFormMixin, CreateView):
    parent_queryset = Grid.objects.select_related("village__township")
    parent_name = "grid"


class PlaceUpdateView(ScopedViewMixin, PlaceFormMixin, UpdateView):
    action = Action.EDIT

    def get_queryset(self):
        return super().get_queryset().select_related("grid__village__township")

    def get_object(self, queryset=None):
        place = super().get_object(queryset)
        self.grid = place.grid
        return place


class NodeFormMixin(ServiceFormMixin):
    """Create and edit pages of the hierarchy (villages, grids, villager groups), for township staff."""

    template_name = "villages/node_form.html"
    heading = None  # for create pages; an edit page is headed by the node's name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        node = context["form"].instance  # a new node already knows its parent
        village = node if isinstance(node, Village) else node.village
        context["trail"] = {
            "township": village.township,
            "village": village if village.pk else None,
            "grid": (node if isinstance(node, Grid) else getattr(node, "grid", None)) if node.pk else None,
        }
        context["heading"] = _("Edit %(name)s") % {"name": node} if node.pk else self.heading
        return context

    def form_valid(self, form):
        node = self.call_service(form, services.save_node, node=form.save(commit=False))
        if node is None:
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s saved.") % {"name": node})
        return redirect(node)


class NodeCreateView(ParentInScopeMixin, SubmitOnceMixin, NodeFormMixin, CreateView):
    """A new village, grid or group under its parent (`parent_name` is also the model's field)."""

    parent_action = Action.MANAGE

    def get_form_kwargs(self):
        parent = getattr(self, self.parent_name)
        return {**super().get_form_kwargs(), "instance": self.model(**{self.parent_name: parent})}


class NodeUpdateView(ScopedViewMixin, NodeFormMixin, UpdateView):
    action = Action.MANAGE
    related = ()  # what the breadcrumbs show

    def get_queryset(self):
        return super().get_queryset().select_related(*self.related)


class VillageCreateView(NodeCreateView):
    model = Village
    form_class = VillageForm
    heading = gettext_lazy("New village")
    parent_queryset = Township.objects.all()
    parent_name = "township"


class GridCreateView(NodeCreateView):
    model = Grid
    form_class = GridForm
    heading = gettext_lazy("New grid")
    parent_queryset = Village.objects.select_related("township")
    parent_name = "village"


class GroupCreateView(NodeCreateView):
    model = VillagerGroup
    form_class = GroupForm
    heading = gettext_lazy("New villager group")
    parent_queryset = Village.objects.select_related("township")
    parent_name = "village"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class VillageUpdateView(NodeUpdateView):
    model = Village
    form_class = VillageForm
    related = ["township"]


class GridUpdateView(NodeUpdateView):
    model = Grid
    form_class = GridForm
    related = ["village__township"]


class GroupUpdateView(NodeUpdateView):
    model = VillagerGroup
    form_class = GroupForm
    related = ["village__township", "grid"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}
