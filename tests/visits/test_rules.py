"""visits/rules.py: the seed's visit rules, without a database."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from villages.models import CareCategory
from visits import rules
from visits.rules import Standing, applicable, days_without_patrol, next_due, standing, weeks_without_meeting

Code = CareCategory.Code
DAY = datetime.timedelta(days=1)
START = datetime.date(2026, 1, 1)


def names(found):
    return {rule.name for rule in found}


def test_every_household_is_visited_yearly_and_by_its_representative_if_it_has_one():
    assert names(applicable([], has_representative=False)) == {"every_household"}
    assert names(applicable([], has_representative=True)) == {"every_household", "contact"}


def test_categories_bring_their_rules():
    assert names(applicable([Code.LOW_INCOME], has_representative=False)) == {"every_household", "key_and_needy"}
    assert names(applicable([Code.ELDERLY_ALONE], has_representative=False)) == {"every_household", "must_visit"}
    assert names(applicable([Code.NEEDY], has_representative=False)) == {
        "every_household",
        "key_and_needy",
        "must_visit",
    }
    assert names(applicable([Code.MIGRANT], has_representative=False)) == {"every_household"}


def test_the_strictest_rule_sets_the_due_date():
    due = next_due([Code.NEEDY], has_representative=True, last_visits={}, since=START)
    assert (due.on, due.rule.name) == (START + 31 * DAY, "must_visit")

    due = next_due([Code.LOW_INCOME], has_representative=False, last_visits={}, since=START)
    assert (due.on, due.rule.name) == (START + 92 * DAY, "key_and_needy")


def test_a_visit_moves_only_the_rules_it_satisfies():
    # before any visit, the representative's rule is due first: 3 July, 183 days from the start
    due = next_due([], has_representative=True, last_visits={}, since=START)
    assert (due.on, due.rule.name) == (START + 183 * DAY, "contact")
    # the representative visited on 1 June: their rule moves to 1 December, the yearly one stays
    visits = {"contact": datetime.date(2026, 6, 1)}
    due = next_due([], has_representative=True, last_visits=visits, since=START)
    assert (due.on, due.rule.name) == (datetime.date(2026, 12, 1), "contact")
    # a cadre's visit in November as well: the representative's rule is still the earlier
    visits["every_household"] = datetime.date(2026, 11, 20)
    assert next_due([], has_representative=True, last_visits=visits, since=START).on == datetime.date(2026, 12, 1)


def test_a_township_sets_its_own_intervals():
    intervals = {**rules.DEFAULT_INTERVALS, "must_visit": 14}
    due = next_due([Code.DISABLED], has_representative=False, last_visits={}, since=START, intervals=intervals)
    assert due.on == START + 14 * DAY


def test_standing_from_dates():
    today = datetime.date(2026, 3, 10)
    assert standing(today - DAY, today) == Standing.OVERDUE
    assert standing(today, today) == Standing.DUE_SOON
    assert standing(today + 7 * DAY, today) == Standing.DUE_SOON
    assert standing(today + 8 * DAY, today) == Standing.ON_TIME


def test_days_without_patrol_and_weeks_without_meeting():
    patrolled = [START, START + 2 * DAY]
    assert days_without_patrol(patrolled, START, START + 3 * DAY) == [START + DAY, START + 3 * DAY]
    # 1 Jan 2026 is a Thursday: its week starts on Monday 29 December 2025
    met = [datetime.date(2026, 1, 7)]  # the week of Monday 5 January
    assert weeks_without_meeting(met, START, datetime.date(2026, 1, 18)) == [
        datetime.date(2025, 12, 29),
        datetime.date(2026, 1, 12),
    ]


categories = st.sets(st.sampled_from(list(Code)))
dates = st.dates(min_value=START, max_value=datetime.date(2027, 12, 31))


@given(categories, st.booleans(), st.dictionaries(st.sampled_from(list(rules.RULES)), dates), dates)
def test_next_due_is_the_earliest_of_the_applicable_rules(codes, has_representative, visits, since):
    due = next_due(codes, has_representative=has_representative, last_visits=visits, since=since)
    expected = min(
        (visits.get(rule.name) or since) + rule.days * DAY
        for rule in applicable(codes, has_representative=has_representative)
    )
    assert due.on == expected
    assert due.rule in applicable(codes, has_representative=has_representative)


@given(categories, st.booleans(), st.dictionaries(st.sampled_from(list(rules.RULES)), dates), dates, dates)
def test_a_later_visit_never_brings_the_due_date_forward(codes, has_representative, visits, since, visited_on):
    before = next_due(codes, has_representative=has_representative, last_visits=visits, since=since)
    for name in rules.RULES:
        last = visits.get(name) or since
        later = {**visits, name: max(last, visited_on)}
        after = next_due(codes, has_representative=has_representative, last_visits=later, since=since)
        assert after.on >= before.on
