"""Forget the one-time form tokens older than a few days (they only guard against double sends)."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import SubmittedForm


class Command(BaseCommand):
    help = "Delete submitted-form tokens older than --days (default 2). Safe to run any number of times."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        deleted, _ = SubmittedForm.objects.filter(submitted_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} submitted-form tokens older than {days} days.")
