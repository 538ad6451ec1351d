"""The grid network diagram (网格划分网络图) as geometry, without a database or a template.

A village's diagram is a tree — township → village → grids → villager groups —, each node a box
with a name and a few lines (the leader and their phone). `layout` places the boxes: one row per
level, the leaves left to right, each parent centred over its children, so that a server-drawn SVG
(and its print) needs no script. Widths are estimated from the text: a Chinese character is one em,
a Latin letter or digit a little over half. Groundwork for the printing issue: the page that
draws it comes with it.
"""

import unicodedata
from dataclasses import dataclass, field

EM = 14  # px: the diagram's font size
PADDING = 8  # px inside a box, each side
LINE = 18  # px between lines of a box
BASELINE = 12  # px from the top of a line to its baseline: a Chinese character sits in the em box


@dataclass
class Node:
    label: str
    lines: tuple = ()  # under the label: "网格长 郑章木", "139 0595 1234"
    children: list = field(default_factory=list)
    highlight: bool = False  # drawn in a stronger colour: the grid a bulletin is about, say


@dataclass(frozen=True)
class Box:
    x: float  # left edge
    y: float  # top edge
    width: float
    height: float
    label: str
    lines: tuple
    level: int
    highlight: bool = False

    @property
    def centre(self):
        return self.x + self.width / 2

    @property
    def texts(self):
        """(baseline y, text, is the label) for each line of the box, the label first."""
        top = self.y + PADDING + BASELINE
        return tuple((top + LINE * n, text, n == 0) for n, text in enumerate((self.label, *self.lines)))

    @property
    def bottom(self):
        return self.y + self.height


@dataclass(frozen=True)
class Link:
    """An elbow from a parent's bottom centre to a child's top centre, through the gap between rows."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def middle(self):
        return (self.y1 + self.y2) / 2

    @property
    def path(self):
        return f"M{self.x1:g},{self.y1:g} V{self.middle:g} H{self.x2:g} V{self.y2:g}"


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    boxes: tuple
    links: tuple
    title: str = ""  # what the drawing is, for those who cannot see it

    @property
    def font_size(self):
        return EM


def text_width(text, size=EM):
    """The width of `text` in px at `size`: wide (CJK) characters one em, the rest 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size for ch in text)


def box_size(node):
    texts = (node.label, *node.lines)
    width = max(text_width(text) for text in texts) + 2 * PADDING
    height = LINE * len(texts) + 2 * PADDING - (LINE - EM)
    return width, height


def layout(root, *, gap_x=16, gap_y=40, margin=10):
    """Place every node of the tree under `root`: rows by depth (each row as tall as its tallest
    box), leaves packed left to right `gap_x` apart (subtrees twice that), a parent centred over
    its children (or its children centred under it when it is the wider)."""
    sizes, depths = {}, {}

    def measure(node, depth):
        sizes[id(node)] = box_size(node)
        depths[id(node)] = depth
        for child in node.children:
            measure(child, depth + 1)

    measure(root, 0)
    rows = max(depths.values()) + 1
    row_height = [0.0] * rows
    for node_id, (_width, height) in sizes.items():
        row_height[depths[node_id]] = max(row_height[depths[node_id]], height)
    row_top = [margin]
    for depth in range(1, rows):
        row_top.append(row_top[-1] + row_height[depth - 1] + gap_y)

    lefts = {}

    def gap(node):
        """Between the children of `node`: twice `gap_x` between subtrees, so that each grid's groups
        read as a cluster apart from the next grid's."""
        return 2 * gap_x if any(child.children for child in node.children) else gap_x

    def children_span(node):
        return sum(span(child) for child in node.children) + gap(node) * (len(node.children) - 1)

    def span(node):
        """The width a subtree needs: its own box or its children side by side, whichever is wider."""
        own = sizes[id(node)][0]
        if not node.children:
            return own
        return max(own, children_span(node))

    def place(node, left):
        width = span(node)
        children_width = children_span(node)
        x = left + (width - children_width) / 2 if node.children else left
        for child in node.children:
            place(child, x)
            x += span(child) + gap(node)
        lefts[id(node)] = left + (width - sizes[id(node)][0]) / 2

    place(root, margin)
    boxes, links = [], []

    def collect(node, parent_box=None):
        width, height = sizes[id(node)]
        depth = depths[id(node)]
        box = Box(lefts[id(node)], row_top[depth], width, height, node.label, tuple(node.lines), depth, node.highlight)
        boxes.append(box)
        if parent_box is not None:
            links.append(Link(parent_box.centre, parent_box.bottom, box.centre, box.y))
        for child in node.children:
            collect(child, box)

    collect(root)
    total_width = span(root) + 2 * margin
    total_height = row_top[-1] + row_height[-1] + margin
    return Diagram(total_width, total_height, tuple(boxes), tuple(links))
