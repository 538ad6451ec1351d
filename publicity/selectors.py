"""Reads of the publicity app: the state of a township's bulletin boards; a notice's boards and dates."""

from django.db.models import Case, OuterRef, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent
from cases.workflow import NOTICE_PERIOD
from villages.models import Grid, Post

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


def notice_context(case):
    """The three boards an approval matter's notice is posted on, its dates and whom to object to."""
    published = case.events.filter(kind=CaseEvent.Kind.PUBLISH_NOTICE).order_by("at").first()
    ends = timezone.localtime(case.notice_ends_at)
    contact = (
        Post.objects.current()
        .filter(village=case.village, role__in=[Post.Role.VILLAGE_DIRECTOR, Post.Role.VILLAGE_SECRETARY])
        .select_related("cadre")
        .order_by(Case(When(role=Post.Role.VILLAGE_DIRECTOR, then=0), default=1), "pk")  # the committee first
        .first()
    )
    return {
        "boards": [
            _("Villager group notice board: %(place)s") % {"place": case.group or case.grid},
            _("Village notice board: %(place)s") % {"place": case.village.name},
            _("Township notice board: %(place)s") % {"place": case.township.name},
        ],
        "starts": timezone.localtime(published.at) if published else ends - NOTICE_PERIOD,
        "ends": ends,
        "village_contact": contact.cadre if contact else None,
    }
