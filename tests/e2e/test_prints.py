"""The prints as Chromium prints them (print to PDF on the paper the page's CSS asks for): a grid's
contact cards, ten to an A4 sheet, and its bulletin on one A3 sheet; each sheet has ink on it."""

import math
from contextlib import closing

import pypdfium2
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.e2e.browsing import at
from villages.models import Household, Post

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CARDS_PER_SHEET = 10
A3 = (842, 1191)  # 297 × 420 mm in points
A4 = (595, 842)


@pytest.fixture
def grid(world):
    """Grid 1 of 郑荣村 with 23 households (the world's three and twenty more) and three more members."""
    grid = world.places["G1"]
    factories.HouseholdFactory.create_batch(20, group=world.places["g1b"], responsible_cadre=world.cadres["leader"])
    for n, name in enumerate(["郑明辉", "郑丽华", "郑国平"], start=1):
        cadre = factories.CadreFactory(township=world.places["t1"], name=name, duties=f"负责第{n}组的走访和矛盾调解")
        factories.post(cadre, Post.Role.GRID_MEMBER, grid=grid)
    return grid


def printed(page):
    """The page as Chromium prints it, once its fonts are in."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return pypdfium2.PdfDocument(page.pdf(prefer_css_page_size=True, print_background=True))


def text_of(pdf):
    return "".join(sheet.get_textpage().get_text_range() for sheet in pdf)


def assert_paper(sheet, paper):
    width, height = sheet.get_size()
    assert abs(width - paper[0]) <= 2 and abs(height - paper[1]) <= 2, f"{width:.0f} × {height:.0f} pt"


def assert_not_blank(sheet):
    """Rendered at 72 dpi, some of the sheet is ink, and not all of it."""
    image = sheet.render(scale=1).to_pil().convert("L")
    white = sum(image.histogram()[245:])
    ink = 1 - white / (image.width * image.height)
    assert 0.01 < ink < 0.9, f"{ink:.1%} of the sheet is not white"


def open_print(page, grid, name, menu="Print"):
    """On the grid's page, pick `name` from its Print menu; a print that opens in a new tab is
    followed there."""
    page.goto(grid.get_absolute_url())
    page.get_by_role("button", name=menu).click()
    item = page.get_by_role("link", name=name, exact=True)
    if item.get_attribute("target") == "_blank":
        with page.context.expect_page() as opened:
            item.click()
        return opened.value
    item.click()
    return page


def test_the_contact_cards_of_a_grid_print_ten_to_an_a4_sheet(world, grid, signed_in):
    head_names = list(Household.objects.filter(grid=grid).values_list("head_name", flat=True))
    assert len(head_names) == 23
    cards_url = reverse("publicity:cards", args=["grids", grid.pk])
    page = open_print(signed_in("leader"), grid, "Service contact cards")
    expect(page).to_have_url(at(cards_url))
    expect(page.locator(".contact-card")).to_have_count(23)

    with closing(printed(page)) as pdf:
        assert len(pdf) == math.ceil(23 / CARDS_PER_SHEET) == 3
        for sheet in pdf:
            assert_paper(sheet, A4)
        text = text_of(pdf)
        assert all(name in text for name in head_names)  # every household has its card, none cut off
        assert text.count(world.cadres["leader"].phone) >= 23  # the grid leader's phone on each card
        assert_not_blank(pdf[0])


@pytest.fixture
def bulletin(world, grid, signed_in):
    """The A3 bulletin of the grid as its leader prints it, in Chinese."""
    page = open_print(signed_in("leader", locale="zh-CN"), grid, "网格公示牌（A3）", menu="打印")
    expect(page).to_have_url(at(reverse("publicity:bulletin", args=[grid.pk]) + "?size=A3"))
    expect(page.locator(".bulletin")).to_contain_text("郑章木")
    with closing(printed(page)) as pdf:
        yield pdf


def test_the_grid_bulletin_fits_one_a3_sheet_with_everyone_on_duty(world, bulletin):
    assert len(bulletin) == 1, f"the A3 bulletin prints on {len(bulletin)} sheets"
    assert_paper(bulletin[0], A3)
    text = text_of(bulletin)
    for shown in ["郑荣村", "第一网格", "郑章木", world.cadres["leader"].phone, "郑明辉", "郑丽华", "郑国平", "郑书记"]:
        assert shown in text
    assert_not_blank(bulletin[0])
