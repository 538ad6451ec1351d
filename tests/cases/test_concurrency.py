"""Compare-and-set: every change names the version of the case its author saw. Of two people acting
on the same case at once exactly one succeeds; the other is told the case changed, and exactly one
event is written."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, Category
from cases.workflow import Level, Procedure, Status

Kind = CaseEvent.Kind


def open_case(world, actor="leader", household="g1a", **kwargs):
    case = Case(household=world.households[household], procedure=Procedure.COORDINATION, category=Category.DISPUTE)
    case.summary = "院墙开裂"
    return services.open_case(actor=world.users[actor], case=case, **kwargs)


def waiting_at_the_grid(world):
    """Sent down to the grid by the village: open there, for the leader or the member to accept."""
    case = open_case(world, actor="village", start_level=Level.GRID)
    assert (case.level, case.status) == (Level.GRID, Status.OPEN)
    return case


def snapshot(case):
    row = Case.objects.get(pk=case.pk)
    return row.version, row.status, row.level, row.assignee_id, row.due_at, row.extension_requested, row.events.count()


STALE_CALLS = {
    "transition": lambda world, case, version: services.transition(
        actor=world.users["member"], case=case, name="resolve", version=version, note="已处理"
    ),
    "assign": lambda world, case, version: services.assign(
        actor=world.users["leader"], case=case, version=version, assignee=world.users["member"]
    ),
    "request_extension": lambda world, case, version: services.request_extension(
        actor=world.users["leader"], case=case, version=version, days=2, reason="下雨"
    ),
}


@pytest.mark.parametrize("call", STALE_CALLS)
def test_a_stale_version_is_refused_and_changes_nothing(world, call):
    case = open_case(world)
    seen = case.version
    services.add_note(actor=world.users["leader"], case=case, note="现场查看", version=seen)  # a note moves it too
    seen += 1
    assert Case.objects.get(pk=case.pk).version == seen
    services.transition(actor=world.users["leader"], case=case, name="escalate", version=seen, note="村里")
    services.transition(actor=world.users["village"], case=case, name="return", version=seen + 1, note="网格处理")
    services.transition(actor=world.users["leader"], case=case, name="accept", version=seen + 2)
    before = snapshot(case)

    with pytest.raises(ValidationError) as error:
        STALE_CALLS[call](world, case, seen)

    assert error.value.code == "case_changed"
    assert "changed" in " ".join(error.value.messages)
    assert snapshot(case) == before
    # with the version it has now, the same call goes through
    STALE_CALLS[call](world, case, before[0])
    assert snapshot(case)[0] == before[0] + 1


def test_a_stale_extension_decision_is_refused(world):
    case = open_case(world)
    services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=2, reason="下雨")
    stale = Case.objects.get(pk=case.pk).version
    services.transition(actor=world.users["leader"], case=case, name="resolve", version=stale, note="已处理")
    before = snapshot(case)

    with pytest.raises(ValidationError) as error:
        services.decide_extension(actor=world.users["village"], case=case, version=stale, approve=True)

    assert error.value.code == "case_changed"
    assert snapshot(case) == before


def test_the_same_step_sent_twice_through_the_page_is_taken_once(world, login):
    case = waiting_at_the_grid(world)
    client = login(world.users["leader"])
    url = reverse("cases:step", args=[case.pk, "accept"])

    first = client.post(url, {"version": case.version})
    second = client.post(url, {"version": case.version})

    assert first.status_code == second.status_code == 302
    assert first.url == second.url == case.get_absolute_url()
    assert case.events.filter(kind=Kind.ACCEPT).count() == 1
    messages = [str(m) for m in second.wsgi_request._messages]
    assert messages[-1] == "Someone changed this case a moment ago. Look at it again before you act."
    case.refresh_from_db()
    assert (case.status, case.assignee, case.version) == (Status.ACCEPTED, world.users["leader"], 2)


def test_two_people_sending_the_same_step_from_the_same_page_take_it_once(world, login):
    """The member and the leader both opened the case and press accept: the second is told."""
    case = waiting_at_the_grid(world)
    url = reverse("cases:step", args=[case.pk, "accept"])
    seen = case.version

    login(world.users["member"]).post(url, {"version": seen})
    response = login(world.users["leader"]).post(url, {"version": seen}, follow=True)

    assert "Someone changed this case" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == world.users["member"]
    assert case.events.filter(kind=Kind.ACCEPT).count() == 1


def test_the_loser_of_a_race_that_moved_the_case_away_is_told_it_changed(world):
    case = waiting_at_the_grid(world)
    case = services.transition(actor=world.users["member"], case=case, name="accept", version=case.version)
    seen = case.version
    services.transition(actor=world.users["leader"], case=case, name="escalate", version=seen, note="村里协调")
    before = snapshot(case)

    try:
        with pytest.raises(ValidationError) as error:
            services.transition(actor=world.users["member"], case=case, name="resolve", version=seen, note="已调解")
        assert error.value.code == "case_changed"
    finally:
        assert snapshot(case) == before


def test_on_the_page_the_loser_is_told_it_changed_not_refused(world, client):
    """The member's page still shows the grid-level step; the leader escalated meanwhile."""
    case = waiting_at_the_grid(world)
    case = services.transition(actor=world.users["member"], case=case, name="accept", version=case.version)
    seen = case.version
    services.transition(actor=world.users["leader"], case=case, name="escalate", version=seen, note="村里协调")
    client.force_login(world.users["member"])

    response = client.post(reverse("cases:step", args=[case.pk, "resolve"]), {"version": seen, "note": "已调解"})

    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert any("changed this case" in str(m) for m in response.wsgi_request._messages)
    case.refresh_from_db()
    assert case.level == Level.VILLAGE and not case.events.filter(kind=Kind.RESOLVE).exists()


# Each pair keeps its hands on the case whichever of them wins, so the loser is always told it changed.
RACES = {
    "both accept": (("leader", "accept", ""), ("member", "accept", "")),
    "escalate and resolve": (("village", "escalate", "村里协调"), ("resident_cadre", "resolve", "已调解")),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("race", RACES)
def test_of_two_people_acting_at_once_exactly_one_succeeds(world, monkeypatch, race):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    case = waiting_at_the_grid(world)
    if race == "escalate and resolve":
        case = services.transition(actor=world.users["member"], case=case, name="accept", version=case.version)
    version, events = case.version, case.events.count()
    record = services._record

    def slow_record(*args, **kwargs):  # hold the row lock a moment: the other must meet it
        event = record(*args, **kwargs)
        time.sleep(0.2)
        return event

    monkeypatch.setattr(services, "_record", slow_record)
    barrier = threading.Barrier(2)
    outcomes, failures = {}, []

    def run(persona, name, note):
        try:
            barrier.wait()
            services.transition(
                actor=world.users[persona], case=Case(pk=case.pk), name=name, version=version, note=note
            )
            outcomes[persona] = "done"
        except ValidationError as error:
            outcomes[persona] = error.code
        except Exception as error:  # anything else fails the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in RACES[race]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(outcomes.values()) == ["case_changed", "done"]
    case.refresh_from_db()
    assert case.version == version + 1
    assert case.events.count() == events + 1
    winner = next(persona for persona, outcome in outcomes.items() if outcome == "done")
    name = {persona: step for persona, step, _ in RACES[race]}[winner]
    assert case.events.latest("at", "pk").kind == name
    assert case.events.latest("at", "pk").actor == world.users[winner]
