"""Finding one's grid through the pages: the household list, a household, its grid — in Chinese."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.browsing import at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_grid_leader_finds_their_grid_from_the_household_list_in_chinese(world, signed_in):
    grid = world.places["G1"]
    page = signed_in("leader", locale="zh-CN")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.locator("nav.navbar").get_by_role("link", name="住户").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("住户")
    expect(page.locator("table tbody tr")).to_have_count(3)  # the grid's three households
    expect(page.get_by_role("link", name="户主g2")).to_have_count(0)  # not the neighbouring grid's

    page.get_by_role("link", name="户主g1b").click()
    expect(page).to_have_url(at(world.households["g1b"].get_absolute_url()))
    page.get_by_role("navigation", name="导航路径").get_by_role("link", name="第一网格").click()

    expect(page).to_have_url(at(grid.get_absolute_url()))
    expect(page.get_by_role("heading", level=1)).to_have_text("郑荣村 第一网格")
    groups = page.locator(".card", has_text="村民小组").locator("tbody tr")
    expect(groups.nth(0).locator("td")).to_have_text(["第1组", "2"])
    expect(groups.nth(1).locator("td")).to_have_text(["第2组", "1"])
    expect(page.locator(".card", has_text="网格长和网格员")).to_contain_text("郑章木")
    page.get_by_role("link", name="本网格全部住户").click()
    expect(page).to_have_url(at(reverse("villages:household_list") + f"?grid={grid.pk}"))
    expect(page.locator("table tbody tr")).to_have_count(3)
