"""Reads with logic: what the dashboard and the hierarchy pages count, always within the user's reach."""

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from .jurisdiction import REGISTRY_LEVELS, Action, jurisdiction_for
from .models import Cadre, CareCategory, Grid, Household, Post, Resident, Village, VillagerGroup


def visible_categories(user, obj=None):
    """Care categories the user may see (on `obj`, or anywhere when obj is None)."""
    jurisdiction = jurisdiction_for(user)
    allowed = (
        jurisdiction.allows(Action.SENSITIVE, obj)
        if obj is not None
        else jurisdiction.has_any(Action.SENSITIVE, REGISTRY_LEVELS)
    )
    codes = [code for code in CareCategory.Code if allowed or code not in CareCategory.SENSITIVE]
    return CareCategory.objects.filter(code__in=codes)


def has_category(code):
    """Households where the household or one of its present residents carries the care category."""
    return Q(categories__code=code) | Q(
        Exists(Resident.objects.present().filter(household=OuterRef("pk"), categories__code=code))
    )


def households_in_category(user, category, households=None):
    """Households of `category` the user may know of: a sensitive category only where the user
    may see sensitive categories, even when they see the household itself more widely."""
    households = (Household.objects.for_user(user) if households is None else households).filter(
        pk__in=Household.objects.filter(has_category(category.code)).values("pk")
    )
    if category.is_sensitive:
        households = households.filter(jurisdiction_for(user).q(Household, Action.SENSITIVE))
    return households


def category_counts(user):
    """Households per care category (the household's or a resident's), by the same rule as
    households_in_category: one query, two when the user may see sensitive categories."""
    households = Household.objects.for_user(user)
    jurisdiction = jurisdiction_for(user)

    def count(queryset, codes):
        # One query: the distinct (household, category) pairs from both registers, counted here.
        own = Household.categories.through.objects.filter(household__in=queryset, carecategory__code__in=codes)
        residents = Resident.categories.through.objects.filter(
            resident__household__in=queryset, carecategory__code__in=codes
        ).exclude(resident__status__in=Resident.GONE)
        pairs = own.values_list("household_id", "carecategory__code").union(
            residents.values_list("resident__household_id", "carecategory__code")
        )
        return Counter(code for _, code in pairs)

    counts = count(households, [c for c in CareCategory.Code if c not in CareCategory.SENSITIVE])
    if jurisdiction.has_any(Action.SENSITIVE, REGISTRY_LEVELS):
        counts |= count(households.filter(jurisdiction.q(Household, Action.SENSITIVE)), CareCategory.SENSITIVE)
    return [(category, counts.get(category.code, 0)) for category in visible_categories(user)]


def registry_summary(user):
    """Counts by level and by care category, and the grids with their size, for the home dashboard."""
    grids = list(grids_with_people(user))
    return {
        "villages": Village.objects.for_user(user).count(),
        "grids": grids,
        "groups": VillagerGroup.objects.for_user(user).count(),
        "households": Household.objects.for_user(user).count(),
        "residents": Resident.objects.for_user(user).present().count(),
        "categories": category_counts(user),
        "grids_out_of_range": [grid for grid in grids if grid.size_warnings],
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


def current_posts(node_filter):
    """Current posts on a node (filter kwargs), people first by role order."""
    order = {role: i for i, role in enumerate(Post.Role.values)}
    posts = (
        Post.objects.current()
        .filter(**node_filter)
        .select_related("cadre", "township", "village", "grid__village", "group__village")
    )
    return sorted(posts, key=lambda p: (order[p.role], p.cadre.name_pinyin))


def with_current_posts(cadres):
    """Cadres with `current_posts`, each able to say where it is posted without a query."""
    posts = Post.objects.current().select_related("township", "village", "grid__village", "group__village")
    return cadres.prefetch_related(Prefetch("posts", queryset=posts, to_attr="current_posts"))


def cadre_directory(user):
    """Cadres of the user's townships with a current post, and, for township staff, also those
    they manage who hold none yet (just registered, or between posts)."""
    has_post = Exists(Post.objects.current().filter(cadre=OuterRef("pk")))
    managed = Q(pk__in=Cadre.objects.for_user(user, Action.MANAGE).values("pk"))
    return with_current_posts(Cadre.objects.for_user(user).filter(has_post | managed))


RESPONSIBLE_ROLES = Post.VILLAGE_ROLES | {Post.Role.GRID_LEADER, Post.Role.GRID_MEMBER}


def posts_in_villages(village_ids):
    """Posts on the villages or on their grids and groups."""
    return Q(village__in=village_ids) | Q(grid__village__in=village_ids) | Q(group__village__in=village_ids)


def cadres_posted_in_villages(village_ids, roles):
    """Cadres with a current post of one of `roles` in (or below) one of the villages."""
    posts = Post.objects.current().filter(posts_in_villages(village_ids), role__in=roles)
    return Cadre.objects.filter(pk__in=posts.values("cadre")).order_by("name_pinyin")


def count_under(queryset, field):
    """A subquery counting, for each outer row, the rows of `queryset` whose `field` points to it."""
    counts = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts), 0)


def household_count(user, field):
    """Per outer row (a village, a group), the households under it that `user` can see."""
    return count_under(Household.objects.for_user(user), field)


def household_rows(user):
    """The household list's queryset: one query for a page, whatever its size."""
    residents = (
        Resident.objects.present()
        .filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
    )
    return (
        Household.objects.for_user(user)
        .select_related("group__village", "grid")
        .prefetch_related("categories")
        .annotate(resident_count=Coalesce(Subquery(residents.values("n")), 0))
    )
