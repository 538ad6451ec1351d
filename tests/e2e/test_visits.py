"""Logging a visit through the visit form, keyboard first, and finding it on the household's page."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browsing import at
from visits.models import Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_grid_leader_logs_a_visit_and_sees_it_on_the_household_page(world, signed_in):
    household = world.households["g1b"]
    today = timezone.localdate().isoformat()
    page = signed_in("leader")

    navigation = page.locator("nav.navbar")
    navigation.get_by_role("button", name="Visits").click()  # the menu folds open
    navigation.get_by_role("link", name="Log a visit").click()
    expect(page).to_have_url(at(reverse("visits:create")))
    expect(page.get_by_label("Date")).to_have_value(today)  # today is filled in

    page.get_by_role("combobox", name="Household").fill(household.head_name)  # typed, as the picker allows
    page.get_by_label("Who was met").fill("户主及其妻子")
    page.get_by_label("Household situation").fill("家中一切正常，老人身体健康")
    page.get_by_role("button", name="Log the visit").click()

    expect(page).to_have_url(at(reverse("visits:due")))
    expect(page.get_by_role("status")).to_contain_text(f"Visit to {household.head_name} logged.")
    assert Visit.objects.filter(household=household, visited_on=today).count() == 1

    page.locator("nav.navbar").get_by_role("link", name="Households").click()
    page.get_by_role("link", name=household.head_name).click()
    expect(page).to_have_url(at(household.get_absolute_url()))
    visits = page.get_by_test_id("household-visits")
    expect(visits).to_contain_text(f"Last visit: {today}")
    expect(visits.locator(".list-group-item").first).to_contain_text(today)
    expect(visits.locator(".list-group-item").first).to_contain_text("郑章木")

    visits.locator(".list-group-item").first.get_by_role("link", name=today).click()
    expect(page.get_by_text("家中一切正常，老人身体健康")).to_be_visible()
