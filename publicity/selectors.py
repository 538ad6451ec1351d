"""Reads of the publicity app: the state of a township's bulletin boards."""

from django.db.models import OuterRef, Subquery

from villages.models import Grid

from . import content
from .models import BulletinPrint


def board_status(user, township):
    """Each board of `township` that `user` sees, with `last` (its latest print or None) and
    `changed` (None: never printed; []: the wall shows what is true; else what changed since)."""
    grids = (
        Grid.objects.for_user(user)
        .filter(village__township=township)
        .annotate(
            last_print=Subquery(
                BulletinPrint.objects.filter(grid=OuterRef("pk")).order_by("-printed_at", "-pk").values("pk")[:1]
            )
        )
        .order_by("village__name", "number")
    )
    rows = content.boards(grids)
    prints = BulletinPrint.objects.select_related("printed_by").in_bulk(
        [row.grid.last_print for row in rows if row.grid.last_print]
    )
    for row in rows:
        row.last = prints.get(row.grid.last_print)
        row.changed = content.changes(row.last.shown, row.shown) if row.last else None
    return rows


def needs_printing(rows):
    return [row for row in rows if row.changed is None or row.changed]
