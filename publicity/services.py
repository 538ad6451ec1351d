"""Writes of the publicity app: recording that a bulletin was printed."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent
from cases.workflow import NOTICE_PERIOD
from villages.models import Post

from .models import BulletinPrint

# A second print of the same board by the same person within this time is the same printing
# (a double click, the browser's print dialog opened twice).
SAME_PRINTING = timedelta(minutes=2)


@transaction.atomic
def record_print(board, size, medium, user):
    """Record that `user` printed `board`; the same printing twice is recorded once."""
    fingerprint = board.fingerprint
    recent = BulletinPrint.objects.filter(
        grid=board.grid,
        size=size,
        fingerprint=fingerprint,
        printed_by=user,
        printed_at__gte=timezone.now() - SAME_PRINTING,
    ).first()
    if recent:
        return recent
    return BulletinPrint.objects.create(
        grid=board.grid, size=size, medium=medium, fingerprint=fingerprint, shown=board.shown, printed_by=user
    )


def notice_context(case):
    """The three boards an approval matter's notice is posted on, its dates and whom to object to."""
    published = case.events.filter(kind=CaseEvent.Kind.PUBLISH_NOTICE).order_by("at").first()
    ends = timezone.localtime(case.notice_ends_at)
    contact = (
        Post.objects.current()
        .filter(village=case.village, role__in=[Post.Role.VILLAGE_DIRECTOR, Post.Role.VILLAGE_SECRETARY])
        .select_related("cadre")
        .order_by("-role")  # the director (village committee) before the secretary
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
