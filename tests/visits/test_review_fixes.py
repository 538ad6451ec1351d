"""What the review of the visits pages found, held fixed: sensitive cases stay out of drafts and
agendas that others read, case summaries only for those who see the case, a representative sees
their own contact visits only, bad query parameters answer a page, one who is both cadre and
representative keeps two lists, and the default patrol times are valid at any hour."""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.forms import label
from cases.models import Case, Category, Channel
from cases.workflow import Procedure
from tests import factories
from villages.models import CareCategory, Household, Post
from visits import services
from visits.forms import PatrolForm
from visits.rules import Kind

DAY = datetime.timedelta(days=1)
SECRET = "上访人员聚集苗头"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def unstable_case(world, **where):
    return case_services.open_case(
        actor=world.users["leader"],
        case=Case(
            category=Category.UNSTABLE,
            procedure=Procedure.COORDINATION,
            channel=Channel.PATROL,
            summary=SECRET,
            **where,
        ),
    )


def registered(days_ago, *households):
    moment = timezone.now() - days_ago * DAY
    Household.objects.filter(pk__in=[h.pk for h in households]).update(created_at=moment)


def test_a_work_log_draft_counts_a_sensitive_case_without_naming_it(world):
    unstable_case(world, grid=world.places["G1"])
    for key in ("leader", "member"):
        response = client_for(world.users[key]).get(reverse("visits:log_create") + "?period=day")
        text = response.context["form"].initial["text"]
        assert SECRET not in text
    leader_draft = client_for(world.users["leader"]).get(reverse("visits:log_create") + "?period=day")
    assert "1 sensitive case, not named here" in leader_draft.context["form"].initial["text"]


def test_a_meeting_agenda_counts_a_sensitive_case_without_naming_it(world):
    unstable_case(world, household=world.households["g1b"])
    page = client_for(world.users["village"]).get(reverse("visits:meeting_create", args=[world.places["v1"].pk]))
    agenda = page.context["form"].initial["agenda"]
    assert SECRET not in agenda
    assert "1 sensitive case, not named here" in agenda


def test_a_patrol_page_names_its_case_only_to_those_who_see_the_case(world):
    patrol = services.record_patrol(
        actor=world.users["leader"],
        grid=world.places["G1"],
        patrolled_on=timezone.localdate(),
        started_at=datetime.time(8),
        ended_at=datetime.time(9),
        area="村口",
        findings="情况见事件",
        case_category=Category.UNSTABLE,
        case_summary="聚集",
    )
    url = reverse("visits:patrol", args=[patrol.pk])
    assert "聚集" in client_for(world.users["leader"]).get(url).content.decode()
    member_page = client_for(world.users["member"]).get(url).content.decode()  # no sensitive matters
    assert "聚集" not in member_page and patrol.case.reference in member_page


def test_the_visit_log_links_only_the_cases_one_may_open(world):
    visit = services.record_visit(
        actor=world.users["leader"],
        household=world.households["g1b"],
        visited_on=timezone.localdate(),
        kind=Kind.ROUTINE,
        findings={"dangers": "聚集"},
        case_category=Category.UNSTABLE,
    )
    case_url = visit.case.get_absolute_url()
    assert case_url in client_for(world.users["leader"]).get(reverse("visits:list")).content.decode()
    member_log = client_for(world.users["member"]).get(reverse("visits:list")).content.decode()
    assert case_url not in member_log and visit.case.reference in member_log


def test_a_representative_sees_their_contact_visits_not_the_cadres_findings(world):
    household = world.households["g1a"]
    cadre_visit = services.record_visit(
        actor=world.users["leader"],
        household=household,
        visited_on=timezone.localdate(),
        kind=Kind.ROUTINE,
        findings={"people": "户主系信访人员"},
    )
    contact = services.record_visit(
        actor=world.users["representative"], household=household, visited_on=timezone.localdate(), kind=Kind.CONTACT
    )
    representative = client_for(world.users["representative"])
    assert representative.get(cadre_visit.get_absolute_url()).status_code == 404
    assert representative.get(contact.get_absolute_url()).status_code == 200
    page = representative.get(household.get_absolute_url()).content.decode()
    assert "户主系信访人员" not in page and contact.get_absolute_url() in page
    assert cadre_visit.get_absolute_url() not in page


def test_the_suggested_kind_does_not_reveal_a_sensitive_category(world):
    household = world.households["g1b"]
    household.categories.set([CareCategory.objects.get_or_create(code=CareCategory.Code.PETITIONER)[0]])
    url = reverse("visits:create") + f"?household={household.pk}"
    assert client_for(world.users["leader"]).get(url).context["form"].initial["kind"] == Kind.MUST_VISIT
    assert client_for(world.users["member"]).get(url).context["form"].initial["kind"] == Kind.ROUTINE


@pytest.mark.parametrize("month", ["0001-01", "1-1", "9999-12", "2026-13", "x", "2026-02-30"])
def test_any_month_answers_the_calendar(world, month):
    response = client_for(world.users["leader"]).get(
        reverse("visits:patrol_calendar", args=[world.places["G1"].pk]), {"month": month}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("on", ["0001-01-01", "1900-01-01", "9999-12-31", "yesterday"])
def test_any_day_answers_the_work_log_form_within_a_year(world, on):
    response = client_for(world.users["leader"]).get(reverse("visits:log_create"), {"period": "day", "on": on})
    assert response.status_code == 200
    oldest = timezone.localdate() - datetime.timedelta(days=services.OLDEST_DAYS)
    assert oldest <= response.context["starts_on"] <= timezone.localdate()


def test_a_work_log_more_than_a_year_back_is_refused(world):
    with pytest.raises(Exception, match="more than a year ago"):
        services.save_work_log(
            actor=world.users["leader"],
            grid=world.places["G1"],
            period="day",
            starts_on=datetime.date(1900, 1, 1),
            text="旧日志",
        )


def test_a_grid_outside_ones_places_is_404_on_the_work_log_form(world):
    response = client_for(world.users["leader"]).get(reverse("visits:log_create"), {"grid": world.places["G2"].pk})
    assert response.status_code == 404


def test_one_who_is_cadre_and_representative_keeps_two_lists(world):
    """The neighbouring grid's leader is also the representative of a G1 household: as a cadre
    their list is G2; as representative, that household by the contact rule."""
    neighbour = world.cadres["neighbour"]
    factories.post(neighbour, Post.Role.REPRESENTATIVE, group=world.places["g1b"])
    household = world.households["g1b"]
    household.contact_representative = neighbour
    household.save()
    registered(400, household, world.households["g2"])
    client = client_for(world.users["neighbour"])

    def listed(response):
        return {h.pk for h in response.context["table"].data.data}

    assert listed(client.get(reverse("visits:due"))) == {world.households["g2"].pk}
    assert listed(client.get(reverse("visits:due"), {"as": "representative"})) == {household.pk}
    services.record_visit(
        actor=world.users["neighbour"], household=household, visited_on=timezone.localdate(), kind=Kind.CONTACT
    )
    assert listed(client.get(reverse("visits:due"), {"as": "representative"})) == set()


def test_a_representatives_home_counts_what_their_list_shows(world):
    registered(400, world.households["g1a"])
    client = client_for(world.users["representative"])
    home = client.get(reverse("home"))
    due = client.get(reverse("visits:due"))
    assert home.context["visits"]["contact_only"]
    assert home.context["visits"]["coverage"]["contact"]["overdue"] == due.context["counts"]["overdue"] == 1


@pytest.mark.parametrize("clock", ["00:00", "00:30", "09:15", "23:59"])
def test_the_default_patrol_times_are_valid_at_any_hour(world, clock):
    hour, minute = (int(part) for part in clock.split(":"))
    moment = timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)
    with mock.patch("django.utils.timezone.localtime", return_value=moment):
        form = PatrolForm(user=world.users["leader"])
    start = datetime.time.fromisoformat(form.fields["started_at"].initial)
    end = datetime.time.fromisoformat(form.fields["ended_at"].initial)
    assert start < end


def test_the_never_visited_figure_opens_the_list_of_those_households(world):
    registered(10, world.households["g1a"], world.households["g1b"], world.households["g1a_other"])
    leader = client_for(world.users["leader"])
    page = leader.get(reverse("visits:coverage", args=["grid", world.places["G1"].pk])).content.decode()
    link = f"{reverse('visits:due')}?standing=all&amp;never=1&amp;grid={world.places['G1'].pk}"
    assert link in page
    listed = leader.get(reverse("visits:due"), {"standing": "all", "never": "1", "grid": world.places["G1"].pk})
    assert {h.pk for h in listed.context["table"].data.data} == {
        world.households[key].pk for key in ("g1a", "g1b", "g1a_other")
    }


def test_a_visit_logged_from_the_household_page_goes_back_to_it(world):
    household = world.households["g1b"]
    leader = client_for(world.users["leader"])
    page = leader.get(household.get_absolute_url()).content.decode()
    url = f"{reverse('visits:create')}?household={household.pk}&amp;from=household"
    assert url in page
    data = {"household": label(household), "visited_on": timezone.localdate().isoformat(), "kind": Kind.ROUTINE}
    response = leader.post(url.replace("&amp;", "&"), data)
    assert response.status_code == 302 and response.url == household.get_absolute_url()
