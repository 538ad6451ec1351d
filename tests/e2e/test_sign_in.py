"""Signing in through the real form, as a cadre at a village office would."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.browsing import PASSWORD, at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_cadre_signs_in_and_arrives_home(world, page):
    page.goto(reverse("home"))
    expect(page).to_have_url(at(reverse("accounts:login") + "?next=/"))  # sent to sign in first

    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")

    expect(page).to_have_url(at(reverse("home")))
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("nav.navbar")).to_contain_text("leader")


def test_a_wrong_password_is_refused_with_the_message(world, page):
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("The user name or password is not correct.")).to_be_visible()
    expect(page).to_have_url(at(reverse("accounts:login")))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
