"""villages/diagram.py: the grid network diagram's geometry, without a database — rows by level,
parents centred over their children, nothing overlapping, text that fits its box."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from villages.diagram import EM, PADDING, Node, layout, text_width


def zheng_rong():
    groups = [Node(f"第{n}组", (f"代表 郑{n}",)) for n in range(1, 14)]
    grids = [
        Node("第一网格", ("网格长 郑章木", "139 0595 1234"), groups[:6]),
        Node("第二网格", ("网格长 郑玉才", "139 0595 5678"), groups[6:]),
    ]
    return Node("青山乡", ("综治中心 0595-2288 1100",), [Node("郑荣村", ("书记 郑文华",), grids)])


def test_chinese_characters_are_one_em_and_latin_about_half():
    assert text_width("郑章木") == 3 * EM
    assert text_width("139") == pytest.approx(3 * 0.6 * EM)
    assert text_width("网格长 郑章木") == pytest.approx(6 * EM + 0.6 * EM)


def test_each_level_is_a_row_below_the_one_above():
    diagram = layout(zheng_rong())
    by_level = {}
    for box in diagram.boxes:
        by_level.setdefault(box.level, set()).add(box.y)
    assert all(len(tops) == 1 for tops in by_level.values())  # one row per level
    tops = [by_level[level].pop() for level in sorted(by_level)]
    assert tops == sorted(tops) and len(set(tops)) == 4


def test_a_parent_is_centred_over_its_children_and_linked_to_each():
    diagram = layout(zheng_rong())
    boxes = {box.label: box for box in diagram.boxes}
    grid1 = boxes["第一网格"]
    first, last = boxes["第1组"], boxes["第6组"]
    assert abs(grid1.centre - (first.centre + last.centre) / 2) < 1e-6
    assert len(diagram.links) == len(diagram.boxes) - 1
    assert any(
        link.x1 == grid1.centre and link.y1 == grid1.bottom and link.x2 == first.centre for link in diagram.links
    )


def test_the_text_fits_inside_every_box():
    for box in layout(zheng_rong()).boxes:
        assert all(text_width(text) + 2 * PADDING <= box.width + 1e-6 for text in (box.label, *box.lines))


trees = st.recursive(
    st.builds(Node, st.text(alphabet="网格郑村组1234abc", min_size=1, max_size=8)),
    lambda children: st.builds(
        Node,
        st.text(alphabet="网格郑村组", min_size=1, max_size=12),
        st.just(()),
        st.lists(children, min_size=1, max_size=4),
    ),
    max_leaves=25,
)


@given(trees)
def test_boxes_of_a_row_never_overlap_and_all_lie_inside_the_drawing(root):
    diagram = layout(root)
    rows = {}
    for box in diagram.boxes:
        assert box.x >= 0 and box.x + box.width <= diagram.width + 1e-6
        assert box.y >= 0 and box.bottom <= diagram.height + 1e-6
        rows.setdefault(box.level, []).append(box)
    for row in rows.values():
        row.sort(key=lambda box: box.x)
        for left, right in itertools.pairwise(row):
            assert left.x + left.width <= right.x + 1e-6


def test_a_highlighted_node_gives_a_highlighted_box_and_the_others_stay_plain():
    root = zheng_rong()
    grid1 = root.children[0].children[0]
    grid1.highlight = True
    marked = [box.label for box in layout(root).boxes if box.highlight]
    assert marked == ["第一网格"]


def test_every_line_of_text_sits_inside_its_box_label_first():
    for box in layout(zheng_rong()).boxes:
        baselines = [y for y, _text, _is_label in box.texts]
        assert [text for _y, text, _is_label in box.texts] == [box.label, *box.lines]
        assert [is_label for _y, _text, is_label in box.texts] == [True] + [False] * len(box.lines)
        assert box.y + EM <= baselines[0] and baselines[-1] <= box.bottom - PADDING + 1e-6


def test_the_groups_of_two_grids_lie_further_apart_than_two_groups_of_one_grid():
    boxes = {box.label: box for box in layout(zheng_rong(), gap_x=10).boxes}
    within = boxes["第6组"].x - (boxes["第5组"].x + boxes["第5组"].width)
    between = boxes["第7组"].x - (boxes["第6组"].x + boxes["第6组"].width)
    assert within == pytest.approx(10) and between == pytest.approx(20)
