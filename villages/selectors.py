"""Reads with logic: what the dashboard and the hierarchy pages count, always within the user's reach."""

from django.db.models import Count, Prefetch

from .jurisdiction import Action, jurisdiction_for
from .models import Cadre, CareCategory, Grid, Household, Post, Resident, Village, VillagerGroup


def visible_categories(user, obj=None):
    """Care categories the user may see (on `obj`, or anywhere when obj is None)."""
    jurisdiction = jurisdiction_for(user)
    allowed = jurisdiction.allows(Action.SENSITIVE, obj) if obj is not None else jurisdiction.has_any(Action.SENSITIVE)
    codes = [code for code in CareCategory.Code if allowed or code not in CareCategory.SENSITIVE]
    return CareCategory.objects.filter(code__in=codes)


def households_in_category(user, category, households=None):
    """Households of `category` the user may know of: a sensitive category only where the user
    may see sensitive categories, even when they see the household itself more widely."""
    households = (Household.objects.for_user(user) if households is None else households).filter(categories=category)
    if category.is_sensitive:
        households = households.filter(jurisdiction_for(user).q(Household, Action.SENSITIVE))
    return households


def category_counts(user):
    """Households per care category, by the same rule as households_in_category: two queries."""
    households = Household.objects.for_user(user)
    jurisdiction = jurisdiction_for(user)

    def count(queryset, codes):
        rows = queryset.filter(categories__code__in=codes).values_list("categories__code")
        return dict(rows.annotate(n=Count("pk", distinct=True)).order_by())

    counts = count(households, [c for c in CareCategory.Code if c not in CareCategory.SENSITIVE])
    if jurisdiction.has_any(Action.SENSITIVE):
        counts |= count(households.filter(jurisdiction.q(Household, Action.SENSITIVE)), CareCategory.SENSITIVE)
    return [(category, counts.get(category.code, 0)) for category in visible_categories(user)]


def registry_summary(user):
    """Counts by level and by care category, and the grids out of range, for the home dashboard."""
    return {
        "villages": Village.objects.for_user(user).count(),
        "grids": Grid.objects.for_user(user).count(),
        "groups": VillagerGroup.objects.for_user(user).count(),
        "households": Household.objects.for_user(user).count(),
        "residents": Resident.objects.for_user(user).count(),
        "categories": category_counts(user),
        "grids_out_of_range": grids_out_of_range(user),
    }


def grids_with_people(user):
    """The user's grids with their size, village and current leader, one query plus one prefetch."""
    leaders = Post.objects.current().filter(role=Post.Role.GRID_LEADER).select_related("cadre")
    return (
        Grid.objects.for_user(user)
        .with_size()
        .select_related("village")
        .prefetch_related(Prefetch("posts", queryset=leaders, to_attr="leader_posts"))
    )


def grids_out_of_range(user):
    return [grid for grid in grids_with_people(user) if grid.size_warnings]


def current_posts(node_filter):
    """Current posts on a node (filter kwargs), people first by role order."""
    order = {role: i for i, role in enumerate(Post.Role.values)}
    posts = (
        Post.objects.current()
        .filter(**node_filter)
        .select_related("cadre", "township", "village", "grid__village", "group__village")
    )
    return sorted(posts, key=lambda p: (order[p.role], p.cadre.name_pinyin))


def cadre_directory(user):
    """Cadres of the user's townships with their current posts."""
    posts = Post.objects.current().select_related("village", "grid__village", "group__village", "township")
    return (
        Cadre.objects.for_user(user)
        .filter(posts__in=Post.objects.current())
        .distinct()
        .prefetch_related(Prefetch("posts", queryset=posts, to_attr="current_posts"))
    )
