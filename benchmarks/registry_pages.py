"""Benchmark: the registry's, cases', visits' and assessment pages on a township of 10,000 households (`make bench`).

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
    parser.add_argument("--cases", type=int, default=20_000, help="cases added to the demo's own (a busy year)")
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
    started = time.perf_counter()
    add_cases(args.cases)
    print(f"{args.cases:,} more cases added in {time.perf_counter() - started:.1f}s")
    if connection.vendor == "postgresql":  # as autovacuum does soon after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}")

    grid = Grid.objects.get(village__name="郑荣村", number=1)
    from assessments.models import Period, Score
    from assessments.services import compute

    for period in Period.objects.filter(status=Period.Status.OPEN).select_related("scheme"):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            compute(period)
            times.append(time.perf_counter() - t0)
        cadres = period.scores.count()
        print(f"compute {period.scheme.name} {period.label}: {cadres} cadres, median {statistics.median(times):.2f}s")
    period = next(
        p
        for p in Period.objects.filter(status=Period.Status.OPEN).select_related("scheme")
        if "grid_leader" in p.scheme.roles
    )
    leader_score = Score.objects.get(period=period, grid=grid)

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
        "case list, page 1": reverse("cases:list"),
        "case list, page 100": reverse("cases:list") + "?page=100",
        "case list, overdue": reverse("cases:list") + "?urgency=red",
        "case list, search": reverse("cases:list") + "?q=路灯",
        "case list, overdue, xlsx": reverse("cases:list") + "?urgency=red&_export=xlsx",
        "my queue": reverse("cases:queue"),
        "emergency board": reverse("cases:emergencies"),
        "my visits": reverse("visits:due"),
        "my visits, all households": reverse("visits:due") + "?standing=all",
        "my visits, all, page 3": reverse("visits:due") + "?standing=all&page=3",
        "visit log, page 1": reverse("visits:list"),
        "coverage, everything I see": reverse("visits:coverage_all"),
        "coverage of grid 1": reverse("visits:coverage", args=["grid", grid.pk]),
        "patrol calendar": reverse("visits:patrol_calendar", args=[grid.pk]),
        "household page": reverse("villages:household", args=[grid.households.order_by("pk").first().pk]),
        "assessment index": reverse("assessments:index"),
        "period overview": reverse("assessments:period", args=[period.pk]),
        "period overview, xlsx": reverse("assessments:period", args=[period.pk]) + "?_export=xlsx",
        "score card, grid 1's leader": reverse("assessments:score", args=[leader_score.pk]),
        "evidence, visits in time": reverse(
            "assessments:evidence", args=[leader_score.pk, leader_score.lines.order_by("item__position")[0].item_id]
        ),
        "my score": reverse("assessments:mine"),
        "long-term failures": reverse("assessments:failing", args=[period.scheme_id]),
        "grid bulletin page": reverse("publicity:bulletin", args=[grid.pk]),
        "bulletins of the township": reverse("publicity:boards", args=[grid.village.township_id]),
        "contact cards page, grid 1": reverse("publicity:cards", args=["grids", grid.pk]),
    }
    print(f"\n{'page':34} {'user':15} {'median ms':>10} {'worst ms':>9} {'queries':>8}")
    for role in (Post.Role.TOWNSHIP_STAFF, Post.Role.GRID_LEADER):
        client = Client()
        client.force_login(user_of(role))
        for label, url in pages.items():
            times = []
            for _ in range(args.runs):
                connection.queries_log.clear()  # the log keeps 9,000 queries; a full one counts wrong
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    print(f"{label}: HTTP {response.status_code}")
                    break
            else:
                print(f"{label:34} {role:15} {statistics.median(times):10.1f} {max(times):9.1f} {len(queries):8}")

    time_prints(Grid, Post, Client, reverse, user_of(Post.Role.TOWNSHIP_STAFF), grid, runs=3)


def time_prints(Grid, Post, Client, reverse, user, grid, runs):
    """The PDFs made on the server: a grid of about 300 households' cards and letters (the target:
    one PDF in seconds), and the A3 bulletin and the network diagram of grid 1."""
    import pypdfium2  # a development requirement, like the benchmark
    from django.db.models import Count, F, Func

    big = Grid.objects.annotate(n=Count("households")).order_by(Func(F("n") - 300, function="ABS"), "pk").first()
    prints = {
        f"contact cards PDF, {big.n} households": reverse("publicity:cards_pdf", args=["grids", big.pk]),
        f"letters PDF, {big.n} households": reverse("publicity:letters_pdf", args=["grids", big.pk]),
        "bulletin PDF, A3": reverse("publicity:bulletin_pdf", args=[grid.pk]) + "?size=A3",
        "network diagram PDF": reverse("publicity:network_pdf", args=[grid.village_id]),
    }
    client = Client()
    client.force_login(user)
    print(f"\n{'print (PDF made on the server)':42} {'median s':>9} {'worst s':>8} {'pages':>6} {'MB':>6}")
    for label, url in prints.items():
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        pages = len(pypdfium2.PdfDocument(response.content))
        size = len(response.content) / 1e6
        print(f"{label:42} {statistics.median(times):9.2f} {max(times):8.2f} {pages:6} {size:6.2f}")


def add_cases(count, seed=7):
    """`count` cases spread over the township's households, in every procedure, level and state,
    a tenth of those in hand overdue; written in bulk (their timelines hold one event each)."""
    import datetime
    import random

    from django.utils import timezone

    from cases.models import Case, CaseEvent, Category, Channel
    from cases.workflow import Level, Procedure, Status
    from villages.models import Household, Post

    rng = random.Random(seed)
    households = list(Household.objects.select_related("grid__village").only("pk", "group_id", "grid", "village_id"))
    reporter = Post.objects.filter(role=Post.Role.GRID_LEADER).select_related("cadre").first().cadre.user_id
    now = timezone.now()
    summaries = ["路灯不亮", "邻里宅基地纠纷", "危房安全隐患", "低保申请", "山塘水位上涨", "道路塌方", "垃圾清运不及时"]
    first = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    cases = []
    for _ in range(count):
        household = rng.choice(households)
        created = now - datetime.timedelta(hours=rng.uniform(1, 24 * 365))
        status = rng.choice(list(Status))
        level = rng.choice(list(Level))
        due = created + datetime.timedelta(days=rng.uniform(0.5, 30))
        cases.append(
            Case(
                township_id=household.grid.village.township_id,
                village_id=household.village_id,
                grid_id=household.grid_id,
                group_id=household.group_id,
                household_id=household.pk,
                procedure=rng.choice(list(Procedure)),
                category=rng.choice(list(Category)),
                channel=rng.choice(list(Channel)),
                summary=rng.choice(summaries),
                reported_by_id=reporter,
                level=level,
                status=status,
                department="民政办" if level == Level.DEPARTMENT else "",
                created_at=created,
                arrived_at=created,
                warn_at=due - datetime.timedelta(days=1) if due - datetime.timedelta(days=1) > created else created,
                due_at=due,
                closed_at=due if status == Status.CLOSED else None,
                satisfied=rng.random() < 0.9 if status == Status.CLOSED else None,
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    events = []
    for pk, level, status, created, due, satisfied in Case.objects.filter(pk__gte=first).values_list(
        "pk", "level", "status", "created_at", "due_at", "satisfied"
    ):
        events.append(
            CaseEvent(case_id=pk, kind="created", to_level=level, to_status=status, actor_id=reporter, at=created)
        )
        if status in (
            Status.RESOLVED,
            Status.CLOSED,
        ):  # handled at the grid, some of them late (the assessment counts it)
            done = created + (due - created) * rng.uniform(0.2, 1.3)
            events.append(
                CaseEvent(
                    case_id=pk,
                    kind="resolve",
                    from_level=Level.GRID,
                    to_level=level,
                    from_status=Status.ACCEPTED,
                    to_status=Status.RESOLVED,
                    actor_id=reporter,
                    at=done,
                    late=done > due,
                )
            )
            if satisfied is not None:
                kind = "confirm_satisfied" if satisfied else "close_dissatisfied"
                events.append(CaseEvent(case_id=pk, kind=kind, to_level=level, actor_id=reporter, at=due))
    CaseEvent.objects.bulk_create(events, batch_size=2000)


if __name__ == "__main__":
    main()
