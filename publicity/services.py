"""Writes of the publicity app: recording that a bulletin was printed."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from villages.models import Grid

from .models import BulletinPrint

# A second print of the same board by the same person within this time is the same printing
# (a double click, the browser's print dialog opened twice).
SAME_PRINTING = timedelta(minutes=2)


@transaction.atomic
def record_print(board, size, user):
    """Record that `user` printed `board`; the same printing twice (a double click, two tabs) is
    recorded once: the grid's row is locked while we look."""
    Grid.objects.select_for_update().filter(pk=board.grid.pk).first()
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
        grid=board.grid, size=size, fingerprint=fingerprint, shown=board.shown, printed_by=user
    )
