"""A village's grid network diagram (网格划分网络图), read from the registry for a bulletin or a print.

The tree is township → village → its grids → each grid's villager groups, every box naming who
answers for it and their phone, in four queries whatever the size of the village. The geometry is
`villages/diagram.py`'s; templates/publicity/network_svg.html draws it.

A village of a dozen groups makes a leaf row wider than an A4 landscape page (about 1050 px at
96 dpi inside the margins): the template scales the drawing down to the page through its viewBox,
so group boxes are kept narrow — the group's name, its representative, their phone.
"""

from dataclasses import replace

from django.db.models import F, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from villages.diagram import Node, layout
from villages.models import Grid, Post, Township, VillagerGroup

Role = Post.Role

PAGE_WIDTH = 1050  # px: an A4 landscape page inside its margins, at 96 dpi
MAX_LINES = 3  # under a box's label, so that no row of the drawing grows taller than it must
MAX_NAMES = 3  # resident cadres named on the village box before "+N"


def village_network(village, highlight=None):
    """The diagram of `village`'s grids and groups; `highlight` (a grid of it) and its groups are
    marked. Four queries: the township, the grids, the groups and the current posts."""
    township = Township.objects.get(pk=village.township_id)
    grids = list(Grid.objects.filter(village=village).order_by("number", "pk"))
    groups = {}
    for group in VillagerGroup.objects.filter(village=village).order_by("number", "pk"):
        groups.setdefault(group.grid_id, []).append(group)
    posts = _posts(village)
    highlight_id = highlight.pk if highlight is not None else None

    grid_nodes = []
    for grid in grids:
        marked = grid.pk == highlight_id
        group_nodes = [
            Node(group.name, _one_of(posts.get(("group", group.pk), [])), highlight=marked)
            for group in groups.get(grid.pk, [])
        ]
        leader = _one_of(posts.get(("grid", grid.pk), []), _("Grid leader"))
        grid_nodes.append(Node(grid.name, leader, group_nodes, highlight=marked))

    village_node = Node(village.name, _village_lines(posts), grid_nodes)
    supervision = (f"{capfirst(_('supervision phone'))} {township.supervision_phone}",)
    root = Node(township.name, supervision if township.supervision_phone else (), [village_node])
    title = _("Grid network diagram of %(village)s") % {"village": village.name}
    return replace(layout(root, gap_x=10), title=title)


def _posts(village):
    """The current posts the diagram names, by the node they are posted to."""
    wanted = (
        Q(village=village, role__in=[Role.VILLAGE_SECRETARY, Role.RESIDENT_CADRE])
        | Q(grid__village=village, role=Role.GRID_LEADER)
        | Q(group__village=village, role=Role.REPRESENTATIVE)
    )
    found = {}
    for post in (
        Post.objects.current()
        .filter(wanted)
        .select_related("cadre")
        # resident cadres by the groups they cover, one covering the whole village first
        .order_by(F("first_group").asc(nulls_first=True), "cadre__name_pinyin", "pk")
    ):
        if post.role == Role.GRID_LEADER:
            key = ("grid", post.grid_id)
        elif post.role == Role.REPRESENTATIVE:
            key = ("group", post.group_id)
        else:
            key = ("village", post.role)
        found.setdefault(key, []).append(post)
    return found


def _one_of(posts, role=""):
    """Lines for the first of `posts`: (role) name and "+N" for the others, then the phone."""
    if not posts:
        return ()
    name = " ".join(filter(None, [role, posts[0].cadre.name, f"+{len(posts) - 1}" if len(posts) > 1 else ""]))
    return (name, posts[0].cadre.phone)


def _village_lines(posts):
    """The party secretary and their phone, then the resident township cadres in what room is left."""
    residents = posts.get(("village", Role.RESIDENT_CADRE), [])
    lines = list(_one_of(posts.get(("village", Role.VILLAGE_SECRETARY), []), _("Village party secretary")))
    if residents and len(lines) < MAX_LINES:
        if len(residents) == 1 and len(lines) + 2 <= MAX_LINES:
            lines += _one_of(residents, _("Resident township cadre"))
        else:
            names = [p.cadre.name for p in residents[:MAX_NAMES]]
            if len(residents) > MAX_NAMES:
                names.append(f"+{len(residents) - MAX_NAMES}")
            lines.append(" ".join([_("Resident township cadre"), *names]))
    return tuple(lines[:MAX_LINES])
