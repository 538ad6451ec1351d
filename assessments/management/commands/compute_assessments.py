"""Compute every open assessment period from the records, so that score cards follow the work
without anyone pressing "compute". Run it nightly from cron or a systemd timer
(docs/operations.md); it is idempotent, and closed periods are never touched."""

from django.core.management.base import BaseCommand

from assessments.models import Period
from assessments.services import compute


class Command(BaseCommand):
    help = "Compute the scores of every open assessment period from the records."

    def handle(self, *args, **options):
        periods = list(Period.objects.filter(status=Period.Status.OPEN).select_related("scheme"))
        for period in periods:
            compute(period)
        self.stdout.write(f"{len(periods)} open period(s) computed.")
