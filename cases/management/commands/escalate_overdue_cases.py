"""Move every case past its red limit one level up. Run it every few minutes from cron or a
systemd timer (docs/operations.md); running it twice, or two runs at once, escalates a case once."""

from django.core.management.base import BaseCommand

from cases.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate every case past its deadline one level up the chain, once."

    def handle(self, *args, **options):
        count = escalate_overdue()
        self.stdout.write(f"{count} case(s) escalated.")
