"""Reads of the field work: who is due a visit, coverage, patrol and meeting compliance.

`with_due` asks the database, for any number of households at once, what `rules.next_due` answers
for one: each household's last visits are subqueries, its care categories are EXISTS tests, and
its due date is date arithmetic in SQL — no loop over households. tests/visits/test_due.py holds
the two to the same answer on random data.
"""

import datetime
from functools import reduce
from operator import or_

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone

from cases.models import Case as CaseRecord
from cases.selectors import percent
from villages.jurisdiction import Action, jurisdiction_for
from villages.models import Cadre, CareCategory, Grid, Household, Post, Resident, Village
from villages.selectors import visible_categories

from . import rules
from .models import Interval, Meeting, Patrol, Visit
from .rules import Kind, Standing

DUE_SOON_DAYS = 7


class AddDays(Func):
    """A date plus a whole number of days, as a date, on PostgreSQL and SQLite alike."""

    output_field = DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        (date_sql, date_params), (days_sql, days_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"({date_sql} + ({days_sql})::integer)", (*date_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (date_sql, date_params), (days_sql, days_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"date({date_sql}, ({days_sql}) || ' days')", (*date_params, *days_params)


# --- intervals --------------------------------------------------------------------------------


def intervals(township_id):
    """{rule name: days} for a township: the defaults with its own rows."""
    table = dict(rules.DEFAULT_INTERVALS)
    table.update(Interval.objects.filter(township_id=township_id).values_list("rule", "days"))
    return table


def interval_tables():
    """{township id: intervals} for townships with rows of their own (the rest use the defaults);
    one query, for with_due and explain."""
    tables = {}
    for township_id, rule, days in Interval.objects.values_list("township_id", "rule", "days"):
        tables.setdefault(township_id, dict(rules.DEFAULT_INTERVALS))[rule] = days
    return tables


def _per_township(tables, make):
    """An expression that is make(intervals) for each township's own intervals."""
    default = make(rules.DEFAULT_INTERVALS)
    if not tables:
        return default
    return Case(*(When(township_id=t, then=make(table)) for t, table in tables.items()), default=default)


# --- households -------------------------------------------------------------------------------


def carries(codes, outer="pk"):
    """The household at OuterRef(outer), or one of its present residents, carries one of `codes`
    (the categories' ids are an uncorrelated subquery: no join per household)."""
    ids = CareCategory.objects.filter(code__in=codes).values("pk")
    own = Household.categories.through.objects.filter(household_id=OuterRef(outer), carecategory_id__in=ids)
    residents = Resident.categories.through.objects.filter(
        resident__household_id=OuterRef(outer), carecategory_id__in=ids
    ).exclude(resident__status__in=Resident.GONE)
    return ExpressionWrapper(Q(Exists(own)) | Q(Exists(residents)), output_field=BooleanField())


CATEGORY_RULES = tuple(rule for rule in rules.CADRE_RULES if rule.categories)
NEVER = 36500  # days: a rule that does not apply is due a century on, never the earliest


def _last(kinds, **match):
    visits = Visit.objects.filter(kind__in=kinds, **match).order_by("-visited_on")
    return Subquery(visits.values("visited_on")[:1])


def _days(tables, name):
    return ExpressionWrapper(_per_township(tables, lambda table: Value(table[name])), output_field=IntegerField())


def with_due(households, cadre_only=False, as_of=None):
    """Households annotated with `due_on`, their next due date, in SQL so that a list can filter
    and sort by it, and with the facts it follows from (`last_visit`, `last_contact`, `since`,
    `carries_<rule>`) for `explain`. Each subquery appears once in `due_on`: the strictest cadre
    interval is a LEAST over the rules a household falls under, and a rule that does not apply
    counts as due a century away. With `cadre_only`, the date by the rules a grid's cadres
    answer for, leaving out the representative's contact visits (theirs to make). With `as_of`,
    as the household stood at the end of that day (the visits after it not yet made)."""
    tables = interval_tables()
    since = TruncDate("created_at")
    until = {} if as_of is None else {"visited_on__lte": as_of}
    last_visit = _last(rules.CADRE_KINDS, household=OuterRef("pk"), **until)
    last_contact = _last([Kind.CONTACT], household=OuterRef("pk"), **until)
    cadre_days = Least(
        *(
            _days(tables, rule.name)
            if not rule.categories
            else Case(When(carries(rule.categories), then=_days(tables, rule.name)), default=Value(NEVER))
            for rule in rules.CADRE_RULES
        ),
        output_field=IntegerField(),
    )
    contact_days = Case(
        When(contact_representative__isnull=True, then=Value(NEVER)),
        default=_days(tables, "contact"),
        output_field=IntegerField(),
    )
    due_cadre = AddDays(Coalesce(last_visit, since), cadre_days)
    return households.annotate(
        due_on=due_cadre
        if cadre_only
        else Least(due_cadre, AddDays(Coalesce(last_contact, since), contact_days), output_field=DateField()),
        last_visit=last_visit,
        last_contact=last_contact,
        since=since,
        **{f"carries_{rule.name}": carries(rule.categories) for rule in CATEGORY_RULES},
    )


def explain(household, tables, today=None, cadre_only=False):
    """The Due (date and rule) of a household annotated by with_due, and its Standing: computed
    by the pure rules from the facts the query fetched (the property test holds both equal)."""
    due = rules.due_by_name(
        {rule.name for rule in CATEGORY_RULES if getattr(household, f"carries_{rule.name}")},
        has_representative=household.contact_representative_id is not None and not cadre_only,
        last_visits=rules.last_visits(
            [
                (kind, on)
                for kind, on in ((Kind.ROUTINE, household.last_visit), (Kind.CONTACT, household.last_contact))
                if on
            ]
        ),
        since=household.since,
        intervals=tables.get(household.township_id, rules.DEFAULT_INTERVALS),
    )
    return due, rules.standing(due.on, today or timezone.localdate(), warn_days=DUE_SOON_DAYS)


def with_contact_due(households):
    """For a representative: their contact households by the contact rule alone (`due_on`)."""
    tables = interval_tables()
    last_contact = _last([Kind.CONTACT], household=OuterRef("pk"))
    since = TruncDate("created_at")
    return households.annotate(
        due_on=AddDays(Coalesce(last_contact, since), _days(tables, "contact")),
        last_contact=last_contact,
        since=since,
    )


def visit_grants(user):
    """The kinds of node the user logs visits on: a representative's are their contact households."""
    return {level for level, ids in jurisdiction_for(user).grants.get(Action.VISIT, {}).items() if ids}


def is_representative(user):
    return "contact" in visit_grants(user)


def is_representative_only(user):
    jurisdiction = jurisdiction_for(user)
    return not jurisdiction.everything and visit_grants(user) == {"contact"}


def visitable_households(user):
    """Households the user both sees and may log visits to."""
    return Household.objects.for_user(user).for_user(user, Action.VISIT)


def answers_for(user, household):
    """Whether the user logs visits to the household as a cadre, not only as its representative."""
    jurisdiction = jurisdiction_for(user)
    if jurisdiction.everything:
        return True
    grants = jurisdiction.grants.get(Action.VISIT, {})
    return any(
        getattr(household, path) in grants.get(level, ())
        for level, path in Household.scope_paths.items()
        if level != "contact"
    )


def cadre_households(user):
    """Households the user logs visits to as a cadre (not only as their representative)."""
    jurisdiction = jurisdiction_for(user)
    households = visitable_households(user)
    if jurisdiction.everything:
        return households
    parts = [q for level, q in jurisdiction.node_filters(Household, Action.VISIT) if level != "contact"]
    return households.filter(reduce(or_, parts)) if parts else households.none()


def contact_households(user):
    """The households the user is the contact representative of."""
    return visitable_households(user).filter(contact_representative__user=user)


def visible_codes(user, household):
    """The care codes of a household and its present residents that the user may see."""
    codes = set(visible_categories(user, household).values_list("code", flat=True))
    own = set(household.categories.filter(code__in=codes).values_list("code", flat=True))
    worn = Resident.objects.present().filter(household=household, categories__code__in=codes)
    return own | set(worn.values_list("categories__code", flat=True))


def sees_case(user, case_id):
    return case_id is not None and CaseRecord.objects.for_user(user).filter(pk=case_id).exists()


def with_case_visible(visits, user):
    """Visits (or patrols) annotated with whether the user may open the case they opened."""
    return visits.annotate(case_visible=Exists(CaseRecord.objects.for_user(user).filter(pk=OuterRef("case_id"))))


def due_households(user, as_representative=False):
    """'My visits': the households the user must see, soonest due (most overdue) first. A
    representative's are their contact households by the contact rule; a cadre's, the households
    they answer for as a cadre by the cadres' rules (a visit of theirs is what takes one off the
    list). One who is both chooses `as_representative`."""
    relations = ("group", "grid__village", "contact_representative")
    if as_representative or is_representative_only(user):
        households = contact_households(user).select_related(*relations)
        return with_contact_due(households).order_by("due_on", "head_pinyin", "pk")
    households = with_due(cadre_households(user).select_related(*relations), cadre_only=True)
    return households.order_by("due_on", "head_pinyin", "pk")


def standing_counts(households, today=None):
    """{Standing: number of households} in one query: grouped by due date, which is computed once
    per household (two filtered counts would compute it twice each)."""
    today = today or timezone.localdate()
    counts = dict.fromkeys(Standing, 0)
    for due_on, n in households.order_by().values_list("due_on").annotate(n=Count("pk")).values_list("due_on", "n"):
        counts[rules.standing(due_on, today, warn_days=DUE_SOON_DAYS)] += n
    return counts


def by_standing(households, standing, today=None):
    """Filter households annotated with `due_on` to one Standing."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    if standing == Standing.OVERDUE:
        return households.filter(due_on__lt=today)
    if standing == Standing.DUE_SOON:
        return households.filter(due_on__range=(today, soon))  # BETWEEN: the date computed once
    if standing == Standing.ON_TIME:
        return households.filter(due_on__gt=soon)
    return households


# --- representatives: the special talk -----------------------------------------------------------


def talk_posts(user):
    """Current representative posts in the places where the user holds a post over a village or
    a range of its groups (the two committees, resident cadres, the township)."""
    jurisdiction = jurisdiction_for(user)
    posts = Post.objects.current().filter(role=Post.Role.REPRESENTATIVE, group__isnull=False)
    if jurisdiction.everything:
        return posts
    grants = jurisdiction.grants.get(Action.VISIT, {})
    places = Q(pk__in=[])
    if grants.get("township"):
        places |= Q(township_id__in=grants["township"])
    if grants.get("village"):
        places |= Q(group__village_id__in=grants["village"])
    if grants.get("group"):
        places |= Q(group_id__in=grants["group"])
    return posts.filter(places)


def representatives_due(user):
    """Representatives the user is to hold a special talk with, soonest due first, with
    `last_talk`, `since` (the start of their post) and `due_on`."""
    posts = talk_posts(user)
    first = posts.filter(cadre=OuterRef("pk")).order_by("started_on")
    tables = interval_tables()
    last_talk = _last([Kind.TALK], representative=OuterRef("pk"))
    since = Subquery(first.values("started_on")[:1])
    return (
        Cadre.objects.filter(pk__in=posts.values("cadre"))
        .annotate(
            due_on=AddDays(Coalesce(last_talk, since), _days(tables, rules.REPRESENTATIVE_TALK.name)),
            last_talk=last_talk,
            group_name=Subquery(first.values("group__name")[:1]),
            village_name=Subquery(first.values("group__village__name")[:1]),
        )
        .order_by("due_on", "name_pinyin")
    )


def may_talk(user):
    """Whether the user holds a post over a village or more (the two committees and above)."""
    return jurisdiction_for(user).everything or bool(visit_grants(user) & {"township", "village", "group"})


# --- coverage ---------------------------------------------------------------------------------


def coverage(user, households, today=None):
    """The share of `households` visited within their interval, overall and for each care
    category the user may see (a sensitive one only where they may see it), with the overdue and
    the never visited; the same for the representatives' contact rule. Overdue and in time are by
    the cadres' rules (the representatives' contact visits have their own row). Two queries: each
    household's due date and last visits, and the (household, category) pairs."""
    today = today or timezone.localdate()
    tables = interval_tables()
    categories = list(visible_categories(user))
    rows = with_due(households.order_by(), cadre_only=True).values_list(
        "pk",
        "grid_id",
        "township_id",
        "contact_representative_id",
        "due_on",
        "last_visit",
        "last_contact",
        "since",
    )
    jurisdiction = jurisdiction_for(user)
    sensitive_ok = jurisdiction.everything or None
    if sensitive_ok is None:
        sensitive_ok = set(households.filter(jurisdiction.q(Household, Action.SENSITIVE)).values_list("pk", flat=True))
    in_category = category_pairs(households, [c.code for c in categories])
    figures = {key: dict.fromkeys(("total", "within", "overdue", "never"), 0) for key in ("all", "contact")}
    figures.update({c.code: dict.fromkeys(("total", "within", "overdue", "never"), 0) for c in categories})
    blank = dict.fromkeys(("total", "within", "overdue", "never"), 0)
    grids = {}
    for pk, grid_id, township_id, representative, due_on, last_visit, last_contact, since in rows:
        table = tables.get(township_id, rules.DEFAULT_INTERVALS)
        within = last_visit is not None and due_on >= today  # due_on follows the last visit
        keys = ["all"] + [
            code
            for code in in_category.get(pk, ())
            if code not in CareCategory.SENSITIVE or sensitive_ok is True or pk in sensitive_ok
        ]
        for counts in [*(figures[key] for key in keys), grids.setdefault(grid_id, dict(blank))]:
            counts["total"] += 1
            counts["within"] += within
            counts["overdue"] += due_on < today
            counts["never"] += last_visit is None and last_contact is None
        if representative is not None:
            contact_due = (last_contact or since) + datetime.timedelta(days=table["contact"])
            counts = figures["contact"]
            counts["total"] += 1
            counts["within"] += last_contact is not None and contact_due >= today
            counts["overdue"] += contact_due < today
            counts["never"] += last_contact is None

    def row(key, label, counts):
        return {"key": key, "label": label, **counts, "share": percent(counts["within"], counts["total"])}

    by_grid = Grid.objects.filter(pk__in=list(grids)).select_related("village").order_by("village__name", "number")
    return {
        "all": row("all", None, figures["all"]),
        "categories": [row(c.code, c, figures[c.code]) for c in categories],
        "contact": row("contact", None, figures["contact"]),
        "by_grid": [row(grid.pk, grid, grids[grid.pk]) for grid in by_grid],
    }


def category_pairs(households, codes):
    """{household id: set of category codes} from the household's own and its present residents'
    categories: one query (a UNION), as the registry counts them."""
    own = Household.categories.through.objects.filter(household__in=households.order_by(), carecategory__code__in=codes)
    residents = Resident.categories.through.objects.filter(
        resident__household__in=households.order_by(), carecategory__code__in=codes
    ).exclude(resident__status__in=Resident.GONE)
    pairs = own.values_list("household_id", "carecategory__code").union(
        residents.values_list("resident__household_id", "carecategory__code")
    )
    found = {}
    for pk, code in pairs:
        found.setdefault(pk, set()).add(code)
    return found


# --- patrols and meetings -------------------------------------------------------------------------


def patrol_grids(user):
    """Grids whose patrols the user sees: those granted to them, not those a grant below opens."""
    return Grid.objects.filter(jurisdiction_for(user).q(Grid, Action.VIEW, reach=False))


def meeting_villages(user):
    """Villages whose committee meetings the user sees (a post over the village or the township)."""
    return Village.objects.filter(jurisdiction_for(user).q(Village, Action.VIEW, reach=False))


def patrol_days(grid_ids, start, end):
    """{grid id: set of days patrolled} between two dates, one query."""
    days = {grid_id: set() for grid_id in grid_ids}
    rows = (
        Patrol.objects.filter(grid_id__in=grid_ids, patrolled_on__range=(start, end))
        .values_list("grid_id", "patrolled_on")
        .distinct()
    )
    for grid_id, day in rows:
        days[grid_id].add(day)
    return days


def meeting_days(village_ids, start, end):
    """{village id: set of meeting days} between two dates, one query."""
    days = {village_id: set() for village_id in village_ids}
    for village_id, day in Meeting.objects.filter(village_id__in=village_ids, held_on__range=(start, end)).values_list(
        "village_id", "held_on"
    ):
        days[village_id].add(day)
    return days


def compliance(user, grids=None, villages=None, today=None, days=30):
    """Per grid the days with a patrol among the last `days` whole days (today is not over), per
    village the weeks with a meeting among the last whole weeks of that span (default: all the
    user sees): four queries."""
    today = today or timezone.localdate()
    end = today - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=days - 1)
    grids = patrol_grids(user) if grids is None else grids.filter(pk__in=patrol_grids(user))
    grids = list(grids.select_related("village").order_by("village__name", "number"))
    walked = patrol_days([g.pk for g in grids], start, end)
    grid_rows = []
    for grid in grids:
        patrolled = days - len(rules.days_without_patrol(walked[grid.pk], start, end))
        grid_rows.append({"grid": grid, "patrolled": patrolled, "share": percent(patrolled, days)})
    villages = meeting_villages(user) if villages is None else villages.filter(pk__in=meeting_villages(user))
    villages = sorted(villages, key=lambda village: village.name)
    last_sunday = today - datetime.timedelta(days=today.weekday() + 1)
    first_monday = last_sunday - datetime.timedelta(weeks=days // 7, days=-1)
    met = meeting_days([v.pk for v in villages], first_monday, last_sunday)
    weeks = days // 7
    village_rows = []
    for village in villages:
        missing = rules.weeks_without_meeting(met[village.pk], first_monday, last_sunday)
        village_rows.append({"village": village, "met": weeks - len(missing), "weeks": weeks})
    return {"days": days, "grids": grid_rows, "villages": village_rows, "weeks": weeks}


DASHBOARD_ROWS = 8


def dashboard(user, today=None):
    """The home page's visits panel: coverage and overdue counts, and the grids and villages
    furthest behind on patrols and meetings (the coverage page lists them all)."""
    households = Household.objects.for_user(user)
    behind = compliance(user, today=today)
    behind["furthest_behind"] = max(len(behind["grids"]), len(behind["villages"])) > DASHBOARD_ROWS
    behind["grids"] = sorted(behind["grids"], key=lambda row: row["share"])[:DASHBOARD_ROWS]
    behind["villages"] = sorted(behind["villages"], key=lambda row: row["met"])[:DASHBOARD_ROWS]
    return {
        "coverage": coverage(user, households, today),
        "compliance": behind,
        "contact_only": is_representative_only(user),  # their overdue count is their contact visits
    }


# --- the meeting's agenda ---------------------------------------------------------------------


def agenda_cases(village, user):
    """The village's cases in hand that the user may see, most urgent (overdue) first."""
    return CaseRecord.objects.for_user(user).filter(village=village).in_hand().by_urgency().select_related("grid")


def overdue_households(village, today=None):
    """The village's households overdue a cadre's visit, for the meeting's agenda."""
    households = with_due(Household.objects.filter(village=village).select_related("grid"), cadre_only=True)
    return households.filter(due_on__lt=today or timezone.localdate()).order_by("due_on", "pk")
