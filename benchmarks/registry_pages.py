"""Benchmark: the registry's pages on a township of 10,000 households (`make bench`).

Builds the demo township at the given size in a scratch SQLite file (or in the database that
BENCH_DATABASE_URL names, which must be empty: DATABASE_URL is never used, so a benchmark cannot
seed a real database), then times
each page in-process with Django's test client, as township staff (the widest view) and as a grid
leader. Prints the median and the worst of several runs and the number of queries per page. Run it
on an otherwise idle machine; the target is "well under a second" for the household list.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="gridadmin-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from villages.models import Grid, Household, Post

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from villages.models import Township

    if Township.objects.exists():
        sys.exit("The benchmark database is not empty; give BENCH_DATABASE_URL an empty database.")
    started = time.perf_counter()
    call_command("seed_demo", households=args.households, stdout=io.StringIO())
    print(f"demo township with {Household.objects.count():,} households built in {time.perf_counter() - started:.1f}s")
    print(f"database: {connection.vendor}")

    grid = Grid.objects.get(village__name="郑荣村", number=1)

    def user_of(role):
        posts = Post.objects.filter(role=role).select_related("cadre__user")
        return (posts.filter(grid=grid).first() or posts.first()).cadre.user

    pages = {
        "household list, page 1": reverse("villages:household_list"),
        "household list, page 6": reverse("villages:household_list") + "?page=6",
        "household list, page 200": reverse("villages:household_list") + "?page=200",
        "household list, search 'zh'": reverse("villages:household_list") + "?q=zh",
        "household list, sort by group": reverse("villages:household_list") + "?sort=group",
        "home dashboard": reverse("home"),
        "grid page": reverse("villages:grid", args=[grid.pk]),
        "cadre directory": reverse("villages:cadre_list"),
    }
    print(f"\n{'page':34} {'user':15} {'median ms':>10} {'worst ms':>9} {'queries':>8}")
    for role in (Post.Role.TOWNSHIP_STAFF, Post.Role.GRID_LEADER):
        client = Client()
        client.force_login(user_of(role))
        for label, url in pages.items():
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    print(f"{label}: HTTP {response.status_code}")
                    break
            else:
                print(f"{label:34} {role:15} {statistics.median(times):10.1f} {max(times):9.1f} {len(queries):8}")


if __name__ == "__main__":
    main()
