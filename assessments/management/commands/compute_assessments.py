"""Compute every open assessment period from the records, so that score cards follow the work
without anyone pressing "compute". Run it nightly from cron or a systemd timer
(docs/operations.md); it is idempotent, and closed periods are never touched."""

import logging

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from assessments.models import Period
from assessments.services import compute


class Command(BaseCommand):
    help = "Compute the scores of every open assessment period from the records."

    def handle(self, *args, **options):
        periods = list(Period.objects.filter(status=Period.Status.OPEN).select_related("scheme"))
        computed = 0
        for period in periods:
            try:
                compute(period)
            except ValidationError:  # closed between the listing and its turn: left as it is
                logging.getLogger(__name__).info("period %s closed meanwhile", period.pk)
                continue
            computed += 1
        self.stdout.write(f"{computed} open period(s) computed.")
