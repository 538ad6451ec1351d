"""The set-based due-date query (visits/selectors.py) against the pure rules (visits/rules.py).

On random households — random care categories on the household or on a resident (present or
gone), with or without a contact representative, registered on random days, visited at random by
cadres and representatives — and random township intervals, `with_due` must give every household
the due date and the rule that `rules.next_due` gives it, and the overdue filter must keep exactly
the households the rules call overdue.
"""

import datetime
import random

import pytest
from django.utils import timezone

from tests import factories
from villages.models import CareCategory, Household, Post, Resident
from visits import rules, selectors
from visits.models import Interval, Visit
from visits.rules import Kind, Standing

TODAY = datetime.date(2026, 11, 29)
CODES = list(CareCategory.Code)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def build(seed, households=30):
    """Random households and visits; {pk: Due} by all the rules, and by the cadres' rules alone."""
    rng = random.Random(seed)
    categories = {c: CareCategory.objects.get_or_create(code=c)[0] for c in CODES}
    township = factories.TownshipFactory()
    grid = factories.GridFactory(village__township=township)
    group = factories.VillagerGroupFactory(grid=grid, village=grid.village)
    cadre = factories.CadreFactory(township=township)
    factories.post(cadre, Post.Role.GRID_LEADER, grid=grid)
    representative = factories.CadreFactory(township=township)
    factories.post(representative, Post.Role.REPRESENTATIVE, group=group)
    if rng.random() < 0.7:  # a township with intervals of its own
        for name in rng.sample(sorted(rules.RULES), rng.randint(1, len(rules.RULES))):
            Interval.objects.create(township=township, rule=name, days=rng.randint(1, 400))
    expected, for_cadres = {}, {}
    table = selectors.intervals(township.pk)
    for _ in range(households):
        household = factories.HouseholdFactory(
            group=group, contact_representative=representative if rng.random() < 0.5 else None
        )
        since = TODAY - datetime.timedelta(days=rng.randint(0, 800))
        Household.objects.filter(pk=household.pk).update(created_at=at(since))
        own = rng.sample(CODES, rng.choice([0, 0, 1, 2]))
        household.categories.set([categories[c] for c in own])
        codes = set(own)
        for _ in range(rng.choice([0, 1, 2])):
            resident = factories.ResidentFactory(household=household)
            status = rng.choice([Resident.Status.REGISTERED, Resident.Status.DECEASED])
            Resident.objects.filter(pk=resident.pk).update(status=status)
            worn = rng.sample(CODES, rng.choice([0, 1]))
            resident.categories.set([categories[c] for c in worn])
            if status not in Resident.GONE:
                codes |= set(worn)
        days = {TODAY - datetime.timedelta(days=rng.randint(0, 700)) for _ in range(rng.choice([0, 0, 1, 3, 6]))}
        for day in days:
            kind = rng.choice([*rules.CADRE_KINDS, Kind.CONTACT])
            if kind == Kind.CONTACT and not household.contact_representative_id:
                kind = Kind.ROUTINE
            Visit.objects.create(
                household=household,
                visitor=representative if kind == Kind.CONTACT else cadre,
                visited_on=day,
                kind=kind,
                township=township,
                village=grid.village,
                grid=grid,
                group=group,
                recorded_by=cadre.user,
            )
        stored = Visit.objects.filter(household=household).values_list("kind", "visited_on")
        expected[household.pk] = rules.next_due(
            codes,
            has_representative=household.contact_representative_id is not None,
            last_visits=rules.last_visits(stored),
            since=since,
            intervals=table,
        )
        # what the grid's cadres answer for: the same rules without the representative's visit
        for_cadres[household.pk] = rules.next_due(
            codes, has_representative=False, last_visits=rules.last_visits(stored), since=since, intervals=table
        )
    return expected, for_cadres


@pytest.mark.parametrize("seed", range(8))
def test_the_query_agrees_with_the_rules(db, seed):
    expected, for_cadres = build(seed)
    tables = selectors.interval_tables()
    rows = list(selectors.with_due(Household.objects.all()))
    assert {h.pk: h.due_on for h in rows} == {pk: due.on for pk, due in expected.items()}
    explained = {h.pk: selectors.explain(h, tables, TODAY) for h in rows}
    assert {pk: (due.on, due.rule.name) for pk, (due, _) in explained.items()} == {
        pk: (due.on, due.rule.name) for pk, due in expected.items()
    }
    overdue = set(
        selectors.by_standing(selectors.with_due(Household.objects.all()), Standing.OVERDUE, TODAY).values_list(
            "pk", flat=True
        )
    )
    assert overdue == {pk for pk, due in expected.items() if due.on < TODAY}
    assert overdue == {pk for pk, (_, standing) in explained.items() if standing == Standing.OVERDUE}

    cadres = list(selectors.with_due(Household.objects.all(), cadre_only=True))
    assert {h.pk: h.due_on for h in cadres} == {pk: due.on for pk, due in for_cadres.items()}
    assert {h.pk: selectors.explain(h, tables, TODAY, cadre_only=True)[0].rule.name for h in cadres} == {
        pk: due.rule.name for pk, due in for_cadres.items()
    }


def test_one_query_for_any_number_of_households(db, django_assert_num_queries):
    build(1, households=5)
    with django_assert_num_queries(2):  # the township intervals, then the households
        small = list(selectors.with_due(Household.objects.all()))
    build(2, households=40)
    with django_assert_num_queries(2):
        large = list(selectors.with_due(Household.objects.all()))
    assert len(small) == 5 and len(large) == 45
