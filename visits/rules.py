"""The seed's visit rules as a table: who must be seen how often, and when a grid is walked and a
village committee meets. Pure: no database. The visit pages ask this module when a household is
due; the set-based query that lists every overdue household of a township must agree with it
(groundwork for the visits issue: its models and pages come with it).

    every household                              at least once a year
    key and needy households (low income too)    once a quarter
    the "four must visit" categories             every month
    its villager representative → each contact   twice a year
    a two-committee cadre → each representative  every six months (a special talk)
    grid patrol                                  every day
    village committee working meeting            every week

Intervals are rolling: a rule is due its interval after the last visit that satisfies it (or,
before any, after the date the household came under the rules). A household's next due date is
the earliest of the rules that apply to it: the strictest rule wins. A township may set its own
intervals; these are the defaults.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from villages.models import CareCategory

Code = CareCategory.Code


class Visitor(models.TextChoices):
    """Whose visit satisfies a rule."""

    CADRE = "cadre", _("Any cadre answering for the household")
    REPRESENTATIVE = "representative", _("The household's contact representative")
    COMMITTEE = "committee", _("A two-committee cadre")


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    days: int  # the default interval
    visitor: str = Visitor.CADRE
    categories: frozenset = frozenset()  # empty: every household the rule is for


# The "four must visit" (四必访): hardship, key assistance, elderly alone, disabled families,
# petitioners, key persons for stability, community corrections.
MUST_VISIT = frozenset(
    {
        Code.NEEDY,
        Code.KEY_ASSISTANCE,
        Code.ELDERLY_ALONE,
        Code.DISABLED,
        Code.PETITIONER,
        Code.STABILITY_KEY,
        Code.COMMUNITY_CORRECTIONS,
    }
)
KEY_AND_NEEDY = frozenset({Code.NEEDY, Code.KEY_ASSISTANCE, Code.LOW_INCOME, Code.FIVE_GUARANTEE})

HOUSEHOLD_RULES = (
    Rule("every_household", _("Every household, yearly"), 365),
    Rule("key_and_needy", _("Key and needy households, quarterly"), 92, categories=KEY_AND_NEEDY),
    Rule("must_visit", _("The four must visit, monthly"), 31, categories=MUST_VISIT),
    Rule("contact", _("Its villager representative, twice a year"), 183, visitor=Visitor.REPRESENTATIVE),
)
# Not about households: a cadre's talk with each contact representative, the grid's patrol, the
# village committee's meeting.
REPRESENTATIVE_TALK = Rule("representative_talk", _("Special talk with each representative"), 183, Visitor.COMMITTEE)
PATROL_DAYS = 1
MEETING_DAYS = 7

RULES = {rule.name: rule for rule in (*HOUSEHOLD_RULES, REPRESENTATIVE_TALK)}
DEFAULT_INTERVALS = {name: rule.days for name, rule in RULES.items()}
CADRE_RULES = tuple(rule for rule in HOUSEHOLD_RULES if rule.visitor == Visitor.CADRE)


class Kind(models.TextChoices):
    """What a visit was; the kind says which rules it satisfies (SATISFIES)."""

    ROUTINE = "routine", _("Routine visit")
    KEY = "key", _("Key household visit")
    MUST_VISIT = "must_visit", _("Must-visit household")
    CONTACT = "contact", _("Representative's contact visit")
    TALK = "talk", _("Special talk with a representative")


# A cadre's visit of any kind counts for the cadres' rules, whichever category brought them; the
# representative's contact visit counts for the contact rule only (it is the representative's own
# duty, not the grid's); a special talk is with a representative, not a household.
SATISFIES = {
    Kind.ROUTINE: {rule.name for rule in CADRE_RULES},
    Kind.KEY: {rule.name for rule in CADRE_RULES},
    Kind.MUST_VISIT: {rule.name for rule in CADRE_RULES},
    Kind.CONTACT: {"contact"},
    Kind.TALK: {REPRESENTATIVE_TALK.name},
}
CADRE_KINDS = tuple(kind for kind, names in SATISFIES.items() if names == {rule.name for rule in CADRE_RULES})
HOUSEHOLD_KINDS = (*CADRE_KINDS, Kind.CONTACT)
LATE_AFTER_DAYS = 1  # a visit logged for a day before yesterday says why it comes late


def usual_kind(categories, *, by_representative):
    """The kind a visit to a household with these categories most likely is (the form's default)."""
    codes = set(categories)
    if by_representative:
        return Kind.CONTACT
    if codes & MUST_VISIT:
        return Kind.MUST_VISIT
    return Kind.KEY if codes & KEY_AND_NEEDY else Kind.ROUTINE


def last_visits(visits):
    """{rule name: date of the last visit satisfying it} from (kind, date) pairs."""
    last = {}
    for kind, on in visits:
        for name in SATISFIES[kind]:
            if last.get(name) is None or on > last[name]:
                last[name] = on
    return last


def carried(categories):
    """The names of the category rules a household with these care categories falls under."""
    codes = set(categories)
    return {rule.name for rule in HOUSEHOLD_RULES if rule.categories and codes & rule.categories}


def applicable(categories, *, has_representative):
    """The household rules that apply to a household with these care categories."""
    return applicable_by_name(carried(categories), has_representative=has_representative)


def applicable_by_name(names, *, has_representative):
    """The household rules that apply, given the category rules a household falls under."""
    return [
        rule
        for rule in HOUSEHOLD_RULES
        if (not rule.categories or rule.name in names)
        and (rule.visitor != Visitor.REPRESENTATIVE or has_representative)
    ]


@dataclass(frozen=True)
class Due:
    on: datetime.date  # the next due date
    rule: Rule  # the rule that sets it (the strictest)


def next_due(categories, *, has_representative, last_visits, since, intervals=DEFAULT_INTERVALS):
    """When a household is next due, and by which rule.

    `last_visits` maps a rule's name to the date of the last visit that satisfies it (missing or
    None: none yet, counted from `since`, the date the household came under the rules). Of two
    rules due the same day, the stricter (shorter interval) is named."""
    return due_by_name(
        carried(categories),
        has_representative=has_representative,
        last_visits=last_visits,
        since=since,
        intervals=intervals,
    )


def due_by_name(names, *, has_representative, last_visits, since, intervals=DEFAULT_INTERVALS):
    """next_due, given the category rules a household falls under (as the database query gives them)."""
    dues = []
    for rule in applicable_by_name(names, has_representative=has_representative):
        last = last_visits.get(rule.name) or since
        days = intervals.get(rule.name, rule.days)
        dues.append((last + datetime.timedelta(days=days), days, rule))
    on, _days, rule = min(dues, key=lambda due: (due[0], due[1]))
    return Due(on, rule)


class Standing(models.TextChoices):
    ON_TIME = "on_time", _("Visited in time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


def standing(due_on, today, *, warn_days=7):
    """Overdue once the due date has passed; due soon within `warn_days` of it."""
    if due_on < today:
        return Standing.OVERDUE
    return Standing.DUE_SOON if (due_on - today).days <= warn_days else Standing.ON_TIME


def days_without_patrol(patrolled, start, end):
    """The days from `start` to `end` (inclusive) on which a grid had no patrol (daily rule)."""
    walked = set(patrolled)
    day, missing = start, []
    while day <= end:
        if day not in walked:
            missing.append(day)
        day += datetime.timedelta(days=PATROL_DAYS)
    return missing


def weeks_without_meeting(met, start, end):
    """The Mondays of the weeks from `start` to `end` in which a village committee did not meet."""
    weeks = {day - datetime.timedelta(days=day.weekday()) for day in met}
    monday = start - datetime.timedelta(days=start.weekday())
    missing = []
    while monday <= end:
        if monday not in weeks:
            missing.append(monday)
        monday += datetime.timedelta(days=MEETING_DAYS)
    return missing
