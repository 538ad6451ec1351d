"""Create the demo township 青山乡 with its cadres, logins and a generated registry."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from villages import demo
from villages.models import Township


class Command(BaseCommand):
    help = (
        "Create the demo township 青山乡 (nine villages, their grids, cadres with logins, and about "
        f"{demo.DEFAULT_HOUSEHOLDS} generated households). Deterministic; if the township already "
        "exists nothing is changed and the logins are printed again. Refuses to run with DEBUG off "
        "unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Every demo account shares one published password.",
        )
        parser.add_argument(
            "--households",
            type=int,
            default=demo.DEFAULT_HOUSEHOLDS,
            metavar="N",
            help=f"About how many households to generate (default {demo.DEFAULT_HOUSEHOLDS}).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Add nothing when the database already holds another township (for `make run`).",
        )

    def handle(self, *args, force=False, households=demo.DEFAULT_HOUSEHOLDS, if_empty=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed demo data with DEBUG off: it creates about 200 accounts that all share "
                f"the published password {demo.DEMO_PASSWORD!r}. Use --force if this really is a demo server."
            )
        if households < 0:
            raise CommandError("--households must be 0 or more.")
        others = Township.objects.exclude(name=demo.TOWNSHIP["name"])
        if if_empty and others.exists() and not Township.objects.filter(name=demo.TOWNSHIP["name"]).exists():
            self.stdout.write("The database already holds townships; --if-empty adds no demo township.")
            return
        started = time.perf_counter()
        with transaction.atomic(), translation.override("en"):  # the printed table, in one language
            result = demo.build_demo_township(households=households)
        elapsed = time.perf_counter() - started

        with translation.override("en"):
            if result.created:
                created = f"Created the demo township {result.township.name} in {elapsed:.1f}s."
                self.stdout.write(self.style.SUCCESS(created))
            else:
                self.stdout.write(f"The demo township {result.township.name} already exists; nothing was changed.")
            self.stdout.write(", ".join(f"{n} {label}" for label, n in result.counts.items()))
            for grid, warnings in result.out_of_range:
                self.stdout.write(f"Out of range: {grid}: {'; '.join(str(w) for w in warnings)}")
            self.stdout.write("")
            self.stdout.write(f"Password for every login below: {self.style.SUCCESS(result.password)}")
            self.stdout.write("")
            self._table(["Role", "Name", "Username", "Where"], [list(vars(login).values()) for login in result.logins])

    def _table(self, header, rows):
        widths = [max(demo.display_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]

        def line(cells):
            padded = (
                str(cell) + " " * (width - demo.display_width(cell)) for cell, width in zip(cells, widths, strict=True)
            )
            return "  ".join(padded).rstrip()

        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
