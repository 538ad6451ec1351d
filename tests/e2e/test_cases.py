"""A coordination case through the pages: registered by the grid leader on a household's page,
escalated to the village, found and accepted there by the village party secretary."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from cases.workflow import Level, Status
from tests.e2e.browsing import at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUMMARY = "院墙开裂，邻居纠纷"


def test_a_grid_leader_escalates_a_case_and_the_village_secretary_accepts_it(world, signed_in):
    household = world.households["g1a"]
    leader = signed_in("leader")
    leader.locator("nav.navbar").get_by_role("link", name="Households").click()
    leader.get_by_role("link", name=household.head_name).click()
    leader.get_by_role("link", name="Report a case").click()

    picked = re.compile(rf"^{household.head_name} .*#{household.pk}$")  # the picker's entry for it
    expect(leader.get_by_role("combobox", name="Household")).to_have_value(picked)
    leader.get_by_label("Summary").fill(SUMMARY)
    leader.get_by_label("Category").select_option(label="Dispute")
    leader.get_by_label("Procedure").select_option(label="Coordination matter")
    leader.get_by_role("button", name="Register", exact=True).click()

    expect(leader.get_by_role("heading", level=1)).to_contain_text(SUMMARY)
    case = Case.objects.get(summary=SUMMARY)
    expect(leader).to_have_url(at(case.get_absolute_url()))
    expect(leader.get_by_test_id("holder")).to_have_text(f"Grid · {world.places['G1']}")

    leader.get_by_label("Why it cannot be solved at this level").fill("需要村委会协调两户")
    leader.get_by_role("button", name="Escalate to the level above").click()
    expect(leader.get_by_test_id("holder")).to_have_text("Village committees · 郑荣村")
    expect(leader.get_by_test_id("timeline")).to_contain_text("需要村委会协调两户")
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.VILLAGE, Status.OPEN)

    secretary = signed_in("village")
    expect(secretary.get_by_test_id("unread")).to_have_text("1")  # the bell: a case arrived at the village
    secretary.locator("nav.navbar").get_by_role("link", name="My queue").click()
    secretary.get_by_role("link", name=SUMMARY).click()
    expect(secretary).to_have_url(at(case.get_absolute_url()))
    expect(secretary.get_by_test_id("holder")).to_have_text("Village committees · 郑荣村")
    secretary.get_by_role("button", name="Accept", exact=True).click()

    expect(secretary.get_by_text("Being handled", exact=True)).to_be_visible()
    expect(secretary.get_by_role("button", name="Dispatch to a department")).to_be_visible()
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.VILLAGE, Status.ACCEPTED)
