"""Who sees what: one mechanism for every page, list, form and export.

A user's current posts give a jurisdiction. Each post grants some actions on a node (a township,
a village, a range of its groups, a grid, or a representative's contact households), and a grant
on a node covers everything below it. Every scoped model lists, in `scope_paths`, how its rows
reach each kind of node; the hierarchy's own models also list `reach_paths`, by which a grant
below a node opens that node's page (a grid leader sees their village's page, not its other
grids). `ScopedQuerySet.for_user(user, action)` turns the jurisdiction into one filter, and
`Jurisdiction.allows(action, obj)` answers the same question for a loaded object without a query.
Outside the view scope a page answers 404; inside it but without the action, 403.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from operator import or_

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404


class Action(StrEnum):
    VIEW = "view"  # see households, residents and the hierarchy
    EDIT = "edit"  # create and change households and residents, move households
    REVEAL = "reveal"  # reveal a full resident ID number (logged)
    SENSITIVE = "sensitive"  # see sensitive care categories (petitioner, corrections, stability)
    MANAGE = "manage"  # edit cadres, posts and the hierarchy itself
    REPORT = "report"  # register a case (事件) in a place
    HANDLE = "handle"  # act on a case held at one's own level or below (cases/models.py says which)
    VISIT = "visit"  # log visits to households, patrols, work logs and meetings (visits/)
    ASSESS = "assess"  # enter rewards and deductions about the cadres below (assessments/)


# What each role may do on the node it is posted to. Field work is reporting and handling cases
# and logging visits, patrols, work logs and meetings (a representative: at their contact
# households). Volunteers see nothing of the registry but report cases in their grid; department
# officers see and handle the cases dispatched to their department (a node of its own kind).
_ALL = frozenset(Action)
_FIELD_WORK = frozenset({Action.REPORT, Action.HANDLE, Action.VISIT})
ROLE_ACTIONS = {
    "township_staff": _ALL,
    "department_officer": frozenset({Action.VIEW, Action.SENSITIVE, Action.HANDLE}),  # what is sent to them
    "resident_cadre": frozenset({Action.VIEW, Action.EDIT, Action.SENSITIVE}) | _FIELD_WORK,
    "area_chief": frozenset({Action.VIEW, Action.EDIT, Action.SENSITIVE}) | _FIELD_WORK,
    "village_secretary": frozenset({Action.VIEW, Action.EDIT, Action.REVEAL, Action.SENSITIVE, Action.ASSESS})
    | _FIELD_WORK,
    "village_director": frozenset({Action.VIEW, Action.EDIT, Action.REVEAL, Action.SENSITIVE, Action.ASSESS})
    | _FIELD_WORK,
    "committee_member": frozenset({Action.VIEW, Action.EDIT}) | _FIELD_WORK,
    "grid_leader": frozenset({Action.VIEW, Action.EDIT, Action.REVEAL, Action.SENSITIVE}) | _FIELD_WORK,
    "grid_member": frozenset({Action.VIEW, Action.EDIT}) | _FIELD_WORK,
    "representative": frozenset({Action.VIEW}) | _FIELD_WORK,
    "information_officer": frozenset({Action.REPORT}),
    "supervisor": frozenset({Action.REPORT}),
}

# Kinds of node a grant can name. "member" is every township the user holds any post in: it opens
# the cadre directory (cadres' phones are public by design) even to those who see no households.
# "department" is a (township id, department name) pair; "reporter" is the user themselves, who
# keeps sight of every case they raised.
LEVELS = ("township", "village", "grid", "group", "contact", "member", "department", "reporter")
REGISTRY_LEVELS = ("township", "village", "grid", "group", "contact")
# Actions a model's `sensitive_rows` do not restrict: anyone may report a sensitive matter.
UNGUARDED = frozenset({Action.SENSITIVE, Action.REPORT})
# The hierarchy levels whose pages a user may open when a grant lies below them (breadcrumbs).
NAVIGABLE = ("township", "village", "grid", "group")


@dataclass
class Jurisdiction:
    """The grants of one user, computed once per request."""

    everything: bool = False
    grants: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    reach: dict = field(default_factory=lambda: defaultdict(set))

    def _granted(self, model, action, reach=True):
        """(path, ids, limits) triples: the rows of `model` whose node at `path` is one of `ids`,
        and which meet the model's `scope_limits` for that kind of grant, are granted. A path may
        be a tuple of fields whose ids are tuples (a department is a township and a name)."""
        granted = self.grants.get(action, {})
        limits = getattr(model, "scope_limits", {}).get(action, {})
        for level, path in model.scope_paths.items():
            if level == "member":
                ids = self.reach["member"] if action == Action.VIEW else set()
            else:
                ids = granted.get(level, set())
            if ids:
                yield path, ids, limits.get(level, {})
        if action == Action.VIEW and reach:  # a grant below a node opens the node's page (reach_paths)
            for level, path in getattr(model, "reach_paths", {}).items():
                if self.reach[level]:
                    yield path, self.reach[level], {}

    def q(self, model, action=Action.VIEW, reach=True):
        """A filter for `model` that keeps the rows this user may `action`; without `reach`, only
        the places granted, not those a grant below them opens (whose records one may see)."""
        if self.everything:
            return Q()
        parts = [_match(path, ids) & Q(**limits) for path, ids, limits in self._granted(model, action, reach)]
        return reduce(or_, parts) if parts else Q(pk__in=[])

    def allows(self, action, obj):
        """Whether this user may `action` the loaded object; no query for households and below."""
        if self.everything:
            return True
        sensitive = getattr(type(obj), "sensitive_rows", None)
        if (
            sensitive
            and action not in UNGUARDED
            and _follow(obj, sensitive[0]) == sensitive[1]
            and not self.allows(Action.SENSITIVE, obj)
        ):
            return False
        return any(
            _key(obj, path) in ids and all(_meets(obj, lookup, value) for lookup, value in limits.items())
            for path, ids, limits in self._granted(type(obj), action)
        )

    def node_filters(self, model, action):
        """(kind of node, filter) for each kind of node `action` is granted on, before the model's
        `scope_limits`: for pages that ask more than "may they" (a queue: "at their own level")."""
        for level, path in model.scope_paths.items():
            ids = self.grants.get(action, {}).get(level)
            if ids and level != "member":
                yield level, _match(path, ids)

    def has_any(self, action, levels=LEVELS):
        """Whether the user holds `action` anywhere (menus show only what can be used), optionally
        only on some kinds of node."""
        return self.everything or any(ids for level, ids in self.grants.get(action, {}).items() if level in levels)


def _match(path, ids):
    if isinstance(path, str):
        return Q(**{f"{path}__in": sorted(ids)})
    return reduce(or_, (Q(**dict(zip(path, key, strict=True))) for key in sorted(ids)))


def _key(obj, path):
    return _follow(obj, path) if isinstance(path, str) else tuple(_follow(obj, part) for part in path)


def _meets(obj, lookup, value):
    """The Python side of the few lookups `scope_limits` uses."""
    field, _, op = lookup.partition("__")
    actual = getattr(obj, field)
    return {"": actual == value, "lte": actual <= value, "gte": actual >= value}[op]


def _follow(obj, path):
    for part in path.split("__")[:-1]:
        obj = getattr(obj, part)
        if obj is None:
            return None
    return getattr(obj, path.split("__")[-1])


def jurisdiction_for(user):
    """The user's jurisdiction, computed on first use and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return Jurisdiction()
    cached = getattr(user, "_jurisdiction", None)
    if cached is None:
        cached = user._jurisdiction = _build(user)
    return cached


def _build(user):
    if user.is_superuser:
        return Jurisdiction(everything=True)
    Post = apps.get_model("villages", "Post")
    Household = apps.get_model("villages", "Household")
    VillagerGroup = apps.get_model("villages", "VillagerGroup")
    jurisdiction = Jurisdiction()
    grants, reach = jurisdiction.grants, jurisdiction.reach
    grants[Action.VIEW]["reporter"].add(user.pk)
    grants[Action.SENSITIVE]["reporter"].add(user.pk)  # whoever reported a sensitive matter knows it
    posts = Post.objects.current().filter(cadre__user=user).select_related("grid", "group", "village")
    for post in posts:
        reach["member"].add(post.township_id)
        actions = ROLE_ACTIONS.get(post.role, frozenset())
        if not actions:
            continue
        # Only a post that sees the registry opens the pages of the places above it.
        reach = jurisdiction.reach if Action.VIEW in actions else defaultdict(set)
        if post.role == Post.Role.DEPARTMENT_OFFICER:
            nodes = [("department", (post.township_id, post.department))]
        elif post.role in Post.TOWNSHIP_ROLES:
            nodes = [("township", post.township_id)]
            reach["township"].add(post.township_id)
        elif post.role in Post.VILLAGE_ROLES and post.first_group:
            groups = VillagerGroup.objects.filter(
                village_id=post.village_id, number__gte=post.first_group, number__lte=post.last_group
            ).values_list("id", "grid_id")
            nodes = [("group", group_id) for group_id, _ in groups]
            reach["grid"].update(grid_id for _, grid_id in groups)
            reach["village"].add(post.village_id)
            reach["township"].add(post.township_id)
        elif post.role in Post.VILLAGE_ROLES:
            nodes = [("village", post.village_id)]
            reach["village"].add(post.village_id)
            reach["township"].add(post.township_id)
        elif post.role in Post.GRID_ROLES:
            nodes = [("grid", post.grid_id)]
            reach["grid"].add(post.grid_id)
            reach["village"].add(post.grid.village_id)
            reach["township"].add(post.township_id)
        else:  # a villager representative: their contact households
            nodes = [("contact", post.cadre_id)]
            placed = (
                Household.objects.filter(contact_representative_id=post.cadre_id)
                .values_list("township_id", "village_id", "grid_id", "group_id")
                .distinct()
            )
            for township_id, village_id, grid_id, group_id in placed:
                reach["township"].add(township_id)
                reach["village"].add(village_id)
                reach["grid"].add(grid_id)
                reach["group"].add(group_id)
        for action in actions:
            for level, node_id in nodes:
                grants[action][level].add(node_id)
    return jurisdiction


class ScopedQuerySet(models.QuerySet):
    """The queryset of every model that belongs to a place in the hierarchy."""

    def for_user(self, user, action=Action.VIEW):
        """The rows `user` may `action`. A model's `sensitive_rows` ((path, value): a case about an
        unstable factor, say) are kept only for those who may also see sensitive matters there;
        `Jurisdiction.allows` applies the same rule to a loaded object."""
        jurisdiction = jurisdiction_for(user)
        q = jurisdiction.q(self.model, action)
        sensitive = getattr(self.model, "sensitive_rows", None)
        if sensitive and action not in UNGUARDED and not jurisdiction.everything:
            q &= ~Q(**{sensitive[0]: sensitive[1]}) | jurisdiction.q(self.model, Action.SENSITIVE)
        return self.filter(q)


class ScopedViewMixin(LoginRequiredMixin):
    """Apply the user's jurisdiction to a view's queryset: objects outside it are 404, like a
    missing object; an object inside it without the view's `action` is 403."""

    action = Action.VIEW

    @property
    def jurisdiction(self):
        return jurisdiction_for(self.request.user)

    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.action != Action.VIEW and not self.jurisdiction.allows(self.action, obj):
            raise PermissionDenied
        return obj


def scoped_object_or_404(user, queryset, action=Action.VIEW, **lookup):
    """The same rule for function views and sub-objects: 404 outside, 403 inside without `action`."""
    obj = get_object_or_404(queryset.for_user(user), **lookup)
    if action != Action.VIEW and not jurisdiction_for(user).allows(action, obj):
        raise PermissionDenied
    return obj


class ParentInScopeMixin(LoginRequiredMixin):
    """Pages under a parent object (a household's new resident, a grid's new place, a cadre's new
    post): the parent is loaded through the jurisdiction first, 404 outside it, 403 without
    `parent_action`, and kept as `self.<parent_name>`."""

    parent_queryset = None
    parent_action = Action.EDIT
    parent_name = "parent"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        parent = scoped_object_or_404(request.user, self.parent_queryset.all(), self.parent_action, pk=kwargs["pk"])
        setattr(self, self.parent_name, parent)
        return super().dispatch(request, *args, **kwargs)


class ActionAnywhereMixin(LoginRequiredMixin):
    """Pages that start something new: 403 for a user whose posts hold `required_action` (or,
    given a tuple, each of them) nowhere."""

    required_action = Action.EDIT

    def dispatch(self, request, *args, **kwargs):
        required = self.required_action if isinstance(self.required_action, tuple) else (self.required_action,)
        if request.user.is_authenticated and not all(jurisdiction_for(request.user).has_any(a) for a in required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
