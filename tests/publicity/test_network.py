"""publicity/network.py and its template: a village's grid network diagram names who answers for
each box, marks the bulletin's grid, reads the registry in a fixed number of queries and draws
well-formed SVG whatever the names hold."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from publicity.network import PAGE_WIDTH, village_network
from tests import factories
from villages.models import Post, Village

Role = Post.Role
SVG = "{http://www.w3.org/2000/svg}"


def boxes_of(diagram):
    return {box.label: box for box in diagram.boxes}


@pytest.fixture
def zheng_rong(world):
    """郑荣村 of the personas, with a supervision phone: 第一网格 (groups 1, 2), 第二网格 (group 3)."""
    township = world.places["t1"]
    township.supervision_phone = "0595-22881100"
    township.save()
    return Village.objects.get(pk=world.places["v1"].pk)


def test_each_box_names_who_answers_for_it_and_their_phone(world, zheng_rong):
    cadres = world.cadres
    diagram = village_network(zheng_rong)

    assert [(box.level, box.label) for box in diagram.boxes] == [
        (0, "青山乡"),
        (1, "郑荣村"),
        (2, "第一网格"),
        (3, "第1组"),
        (3, "第2组"),
        (2, "第二网格"),
        (3, "第3组"),
    ]
    boxes = boxes_of(diagram)
    assert boxes["青山乡"].lines == ("Supervision phone 0595-22881100",)
    assert boxes["郑荣村"].lines == (
        "Village party secretary 郑书记",
        cadres["village"].phone,
        "Resident township cadre 刘惠明",
    )
    assert boxes["第一网格"].lines == ("Grid leader 郑章木", cadres["leader"].phone)
    assert boxes["第二网格"].lines == ("Grid leader 郑玉才", cadres["neighbour"].phone)
    assert boxes["第1组"].lines == ("郑代表", cadres["representative"].phone)
    assert boxes["第2组"].lines == ()  # no representative
    assert "郑忠兴" not in str(diagram)  # a grid member is not on the diagram
    assert diagram.title == "Grid network diagram of 郑荣村"


def test_role_words_follow_the_language(world, zheng_rong):
    with translation.override("zh-hans"):
        boxes = boxes_of(village_network(zheng_rong))
    assert boxes["第一网格"].lines[0] == "网格长 郑章木"
    assert boxes["青山乡"].lines == ("监督电话 0595-22881100",)


def test_a_resident_cadre_gets_their_phone_when_the_village_has_no_secretary(world, zheng_rong):
    Post.objects.filter(role=Role.VILLAGE_SECRETARY).delete()
    boxes = boxes_of(village_network(zheng_rong))
    assert boxes["郑荣村"].lines == ("Resident township cadre 刘惠明", world.cadres["resident_cadre"].phone)


def test_many_resident_cadres_are_named_on_one_line_and_a_box_keeps_to_three_lines(world, zheng_rong):
    for name, first in [("刘俊辉", 2), ("郑惠坚", 3), ("连晓芳", 4)]:
        cadre = factories.CadreFactory(township=world.places["t1"], name=name)
        factories.post(cadre, Role.RESIDENT_CADRE, village=zheng_rong, first_group=first, last_group=first)
    lines = boxes_of(village_network(zheng_rong))["郑荣村"].lines
    assert len(lines) == 3
    assert lines[2] == "Resident township cadre 刘惠明 刘俊辉 郑惠坚 +1"  # in the order of their groups


def test_ended_and_future_posts_are_not_shown(world, zheng_rong):
    today = timezone.localdate()
    Post.objects.filter(cadre=world.cadres["leader"]).update(ended_on=today)
    Post.objects.filter(cadre=world.cadres["representative"]).update(
        started_on=today - datetime.timedelta(days=30), ended_on=today - datetime.timedelta(days=1)
    )
    newcomer = factories.CadreFactory(township=world.places["t1"], name="郑新来")
    factories.post(newcomer, Role.GRID_LEADER, grid=world.places["G1"])
    Post.objects.filter(cadre=newcomer).update(started_on=today + datetime.timedelta(days=1))

    boxes = boxes_of(village_network(zheng_rong))
    assert boxes["第一网格"].lines == ()
    assert boxes["第1组"].lines == ()


def test_a_group_with_several_representatives_shows_the_first_and_how_many_more(world, zheng_rong):
    for name in ["郑一", "郑二"]:
        cadre = factories.CadreFactory(township=world.places["t1"], name=name)
        factories.post(cadre, Role.REPRESENTATIVE, group=world.places["g1a"])
    box = boxes_of(village_network(zheng_rong))["第1组"]
    assert box.lines == ("郑代表 +2", world.cadres["representative"].phone)  # by pinyin: dai, er, yi


def test_the_highlighted_grid_and_its_groups_are_marked_and_nothing_else(world, zheng_rong):
    diagram = village_network(zheng_rong, highlight=world.places["G1"])
    assert {box.label for box in diagram.boxes if box.highlight} == {"第一网格", "第1组", "第2组"}
    assert not any(box.highlight for box in village_network(zheng_rong).boxes)


def test_group_boxes_stay_narrow(world, zheng_rong):
    for box in village_network(zheng_rong).boxes:
        if box.level == 3:
            assert len(box.lines) <= 2 and box.width < 120


def _village(grids, groups_per_grid):
    """A village with a secretary, two resident cadres, a leader per grid, a representative per group."""
    village = factories.VillageFactory(township=factories.TownshipFactory(supervision_phone="0595-1"))
    factories.post(factories.CadreFactory(township=village.township), Role.VILLAGE_SECRETARY, village=village)
    for _ in range(2):
        factories.post(factories.CadreFactory(township=village.township), Role.RESIDENT_CADRE, village=village)
    number = 0
    for n in range(1, grids + 1):
        grid = factories.GridFactory(village=village, number=n)
        factories.post(factories.CadreFactory(township=village.township), Role.GRID_LEADER, grid=grid)
        for _ in range(groups_per_grid):
            number += 1
            group = factories.VillagerGroupFactory(grid=grid, number=number)
            for _ in range(2):
                factories.post(factories.CadreFactory(township=village.township), Role.REPRESENTATIVE, group=group)
    return Village.objects.get(pk=village.pk)


@pytest.mark.parametrize(("grids", "groups_per_grid"), [(1, 1), (3, 5)])
def test_four_queries_whatever_the_size_of_the_village(db, django_assert_num_queries, grids, groups_per_grid):
    village = _village(grids, groups_per_grid)
    grid = village.grids.first()
    with django_assert_num_queries(4):
        diagram = village_network(village, highlight=grid)
    assert len(diagram.boxes) == 2 + grids * (1 + groups_per_grid)
    assert all(box.lines for box in diagram.boxes)


def render(diagram):
    return render_to_string("publicity/network_svg.html", {"diagram": diagram}).strip()


def test_the_drawing_is_well_formed_svg_with_every_name_and_text_escaped(world, zheng_rong):
    representative = world.cadres["representative"]
    representative.name = '郑<b>&"代表'
    representative.save()
    diagram = village_network(zheng_rong, highlight=world.places["G1"])
    svg = render(diagram)

    root = ET.fromstring(svg)  # raises on anything not well-formed
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 {diagram.width:.1f} {diagram.height:.1f}"
    assert root.get("aria-label") == "Grid network diagram of 郑荣村"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts.count('郑<b>&"代表') == 1 and "&lt;b&gt;" in svg
    for name in ["青山乡", "郑荣村", "第一网格", "Grid leader 郑章木", "Village party secretary 郑书记", "第3组"]:
        assert name in texts
    assert len(root.findall(f"{SVG}g/{SVG}rect")) == len(diagram.boxes)
    assert len(root.findall(f"{SVG}g/{SVG}path")) == len(diagram.links)
    highlighted = [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == "#ffd666"]
    assert len(highlighted) == 3
    assert "<script" not in svg and "href" not in svg and "url(" not in svg  # nothing fetched, nothing run


def test_a_wide_village_keeps_its_size_for_print_css_to_scale_down(db):
    village = _village(3, 5)
    diagram = village_network(village)
    assert diagram.width > PAGE_WIDTH  # fifteen groups side by side
    root = ET.fromstring(render(diagram))
    assert root.get("width") == f"{diagram.width:.1f}"  # its own size; print.css shrinks it to the page, never up
    assert root.get("style") is None  # the CSP blocks style attributes
