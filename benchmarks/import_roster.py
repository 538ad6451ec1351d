"""Benchmark: a roster of 100,000 households imported, against PostgreSQL's COPY of the same rows (`make bench-import`).

Needs PostgreSQL: the database BENCH_DATABASE_URL names (by default
postgres://postgres@127.0.0.1:5432/gridadmin_bench_import, created when missing and then dropped at
the end; a database that already exists must be empty, and keeps the benchmark's township but no
households: DATABASE_URL is never used, so a benchmark cannot write into a real database). Builds one township
(20 villages × 5 grids × 3 villager groups) and a township staff member who may edit all of it,
writes a roster CSV in the template's columns (one to five residents a household, about three on
average, valid ID and mobile numbers, common surnames and given names), then times:

- COPY: the same households and residents as the import writes them, COPYed into the registry's
  tables with every index in place, in a transaction that is rolled back; the COPY input is made
  before the clock starts, so this is PostgreSQL's floor for these rows (a second line adds the
  foreign-key checks that Django's deferred constraints leave to the commit);
- the preview (engine.check) and the import (engine.commit), each into an empty registry (emptied
  by TRUNCATE, so no dead rows of an earlier run are in the way), and the same file imported again
  (every row unchanged), each timed from opening the file; medians of --runs;
- the memory of an import of 10,000 and of --households households, each in a fresh process: the
  peak RSS, and the peak of Python's heap during the import (tracemalloc, in another process);
- reading and importing the first 10,000 households from .xlsx, against the same rows in .csv.

The issue's target: the import within three times the COPY, memory that does not grow with the
file (rows stream from it). `--profile N` adds a cProfile of importing N households.
"""

import argparse
import collections
import csv
import datetime
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gridadmin_bench_import"
ROOT = Path(__file__).resolve().parent.parent
TOWNSHIP, STAFF = "基准镇", "bench-import-staff"
VILLAGES = [
    *("郑荣村", "前埔村", "后溪村", "东山村", "西湖村", "南岭村", "北坑村", "上坂村", "下洋村", "石门村"),
    *("龙山村", "凤岭村", "桃源村", "梅林村", "竹坑村", "新厝村", "大田村", "溪头村", "岭兜村", "仙岭村"),
]
GRIDS, GROUPS = 5, 3  # grids a village, groups a grid
REGIONS = ("350521", "350524", "350583", "350582")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤洪翁柯庄蔡骆施欧阳单查"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅文辉海燕鹏飞春金凤荣木章水德福坤炳"
    "清泉美珍玲宝山林永忠长乐重行朝晓婷欣怡子涵浩宇俊豪思雨梓萱嘉诚锦添碧莲阿土旺财来顺"
)
# The relation words a grid leader writes (engine.RELATIONS reads them), and whose surname they carry.
OTHERS = (("子", True), ("女", True), ("长子", True), ("次女", True), ("孙子", True), ("孙女", True))
ELDERS = (("父亲", True), ("母亲", False), ("儿媳", False), ("兄弟姐妹", True), ("其他", False))
RESIDENCE_WORDS = (("户籍", 85), ("流动", 10), ("人户分离", 5))
HEADERS = None  # roster.COLUMNS' Chinese headers, once Django is set up


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small", type=int, default=10_000, help="the smaller file: memory and .xlsx")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="also profile importing N households")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # a roster file: import it here and report
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child), args.tracemalloc)

    created = setup_django(create=True)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if created:
            drop_database()


def run(args):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from villages.models import Township

    if connection.vendor != "postgresql":
        sys.exit("This benchmark compares with PostgreSQL's COPY: give BENCH_DATABASE_URL a PostgreSQL database.")
    if Township.objects.exists():
        sys.exit(
            "The benchmark database is not empty; give BENCH_DATABASE_URL an empty database "
            f"(or drop it: dropdb {urlsplit(database_url()).path.lstrip('/')})."
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(" on ")[0], f"· Python {sys.version.split()[0]} · {os.cpu_count()} CPUs")
    township, actor, groups = build_township()
    scratch = Path(tempfile.mkdtemp(prefix="gridadmin-bench-import-"))
    try:
        measure(args, township, actor, groups, scratch)
    finally:
        empty_registry()
        for path in scratch.iterdir():
            path.unlink()
        scratch.rmdir()


def measure(args, township, actor, groups, scratch):
    from imports import engine

    big = scratch / f"roster-{args.households}.csv"
    started = time.perf_counter()
    households, residents = write_roster(big, args.households, township, groups, with_copy=True)
    rows = sum(1 for _ in open_rows(big))
    size = big.stat().st_size / 1e6
    print(
        f"roster of {args.households:,} households, {rows:,} residents ({size:.1f} MB CSV) made in "
        f"{time.perf_counter() - started:.1f}s"
    )

    copy_times = time_copy(households, residents, args.households, rows, args.runs)
    del households, residents
    copy_alone, copy_checked = ([run[i] for run in copy_times] for i in (0, 1))
    print(f"COPY: median {statistics.median(copy_alone):.2f}s, {statistics.median(copy_checked):.2f}s with its checks")

    preview_times, import_times, again_times = [], [], []
    for run_number in range(args.runs):
        empty_registry()
        preview_times.append(timed(engine.check, big, township, actor, expect={"households_new": args.households}))
        empty_registry()  # a preview that writes and rolls back leaves dead rows; the import starts clean
        new = {"households_new": args.households, "residents_new": rows}
        import_times.append(timed(engine.commit, big, township, actor, expect=new))
        again_times.append(timed(engine.commit, big, township, actor, expect={"unchanged": rows}))
        print(
            f"run {run_number + 1}: preview {preview_times[-1]:.2f}s, import {import_times[-1]:.2f}s, "
            f"again {again_times[-1]:.2f}s"
        )

    small = scratch / f"roster-{args.small}.csv"
    write_roster(small, args.small, township, groups)
    small_rows = sum(1 for _ in open_rows(small))
    xlsx = scratch / f"roster-{args.small}.xlsx"
    write_xlsx(small, xlsx)
    reading = {path.suffix: [time_reading(path) for _ in range(args.runs)] for path in (small, xlsx)}
    small_imports = {}
    for path in (small, xlsx):
        small_imports[path.suffix] = []
        for _ in range(args.runs):
            empty_registry()
            small_imports[path.suffix].append(
                timed(engine.commit, path, township, actor, expect={"residents_new": small_rows})
            )
    empty_registry()

    memory = []
    sizes = {args.small: (small, small_rows), args.households: (big, rows)}  # one of each size
    for households, (path, count) in sorted(sizes.items()):
        plain = in_child(path)
        traced = in_child(path, tracemalloc=True)
        memory.append((households, count, path.stat().st_size / 1e6, plain, traced))
        empty_registry()

    report(args, rows, size, copy_alone, copy_checked, preview_times, import_times, again_times)
    print(f"\n{'reading only (no database)':34} {'rows':>8} {'MB':>6} {'median s':>9} {'rows/s':>9}")
    for path in (small, xlsx):
        median = statistics.median(reading[path.suffix])
        print(
            f"{path.suffix + ' file':34} {small_rows:8,} {path.stat().st_size / 1e6:6.1f} {median:9.2f} "
            f"{small_rows / median:9,.0f}"
        )
    print(f"\n{'import of ' + f'{args.small:,}' + ' households':34} {'rows':>8} {'':>6} {'median s':>9} {'rows/s':>9}")
    for suffix, times in small_imports.items():
        median = statistics.median(times)
        print(f"{'from ' + suffix:34} {small_rows:8,} {'':>6} {median:9.2f} {small_rows / median:9,.0f}")

    print(
        f"\n{'memory (an import, fresh process)':34} {'rows':>8} {'file MB':>8} {'import s':>9} "
        f"{'RSS before':>11} {'peak RSS':>9} {'growth':>7} {'heap peak':>10}"
    )
    for households, count, file_mb, plain, traced in memory:
        print(
            f"{f'{households:,} households':34} {count:8,} {file_mb:8.1f} {plain['seconds']:9.2f} "
            f"{plain['rss_before'] / 1024:9.0f}MB {plain['rss_peak'] / 1024:7.0f}MB "
            f"{(plain['rss_peak'] - plain['rss_before']) / 1024:5.0f}MB {traced['heap_peak'] / 1e6:8.0f}MB"
        )
    (_h1, rows1, _f1, plain1, traced1), (_h2, rows2, _f2, plain2, traced2) = memory[0], memory[-1]
    if rows2 > rows1:
        per_row = (traced2["heap_peak"] - traced1["heap_peak"]) / (rows2 - rows1)
        rss_per_row = (plain2["rss_peak"] - plain1["rss_peak"]) * 1024 / (rows2 - rows1)
        print(f"between the two files: heap peak {per_row:,.0f} bytes and peak RSS {rss_per_row:,.0f} bytes more a row")

    if args.profile:
        profile(args.profile, township, actor, groups, scratch)


def report(args, rows, size, copy_alone, copy_checked, preview_times, import_times, again_times):
    floor = statistics.median(copy_alone)
    print(
        f"\n{args.households:,} households, {rows:,} residents ({rows:,} rows, {size:.1f} MB CSV); "
        f"medians of {args.runs} runs"
    )
    print(f"{'':34} {'median s':>9} {'worst s':>8} {'rows/s':>9} {'× COPY':>7}")
    for label, times in (
        ("COPY households + residents", copy_alone),
        ("COPY, foreign keys checked", copy_checked),
        ("preview (engine.check)", preview_times),
        ("import (engine.commit)", import_times),
        ("import again, nothing changes", again_times),
    ):
        median = statistics.median(times)
        print(f"{label:34} {median:9.2f} {max(times):8.2f} {rows / median:9,.0f} {median / floor:7.2f}")
    ratio = statistics.median(import_times) / floor
    checked = statistics.median(import_times) / statistics.median(copy_checked)
    print(
        f"target, the import within 3 × COPY: {'met' if ratio <= 3 else 'NOT met'} "
        f"({ratio:.2f} × the COPY alone, {checked:.2f} × the COPY with its foreign keys checked)"
    )


# --- the database ------------------------------------------------------------------------------


def database_url():
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def _server(url):
    """psycopg2 keyword arguments for the server's maintenance database, and the database's name."""
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or None,
        "dbname": "postgres",
    }, parts.path.lstrip("/")


def setup_django(create=False):
    """Point Django at the benchmark's database (created when missing, if `create`); whether it was created."""
    url = database_url()
    created = False
    if create and urlsplit(url).scheme.startswith("postgres"):
        import psycopg2
        from psycopg2 import sql

        server, name = _server(url)
        maintenance = psycopg2.connect(**server)
        maintenance.autocommit = True  # (not `with connection`: since psycopg2 2.9 that opens a transaction)
        with maintenance.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created = True
        maintenance.close()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # As in production: no query log (with DEBUG, Django keeps the last 9,000 queries' SQL, each
    # batch's 2,000 ID numbers included, which would count as the import's memory).
    settings.DEBUG = False
    global HEADERS
    from villages import roster

    HEADERS = [header for header, _aliases, _required in roster.COLUMNS.values()]
    return created


def drop_database():
    import psycopg2
    from psycopg2 import sql

    server, name = _server(database_url())
    maintenance = psycopg2.connect(**server)
    maintenance.autocommit = True
    with maintenance.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    maintenance.close()


def build_township():
    """One township, 20 villages × 5 grids × 3 groups, and a township staff member (a current post)."""
    from accounts.models import User
    from villages.models import Cadre, Grid, Post, Township, Village, VillagerGroup

    township = Township.objects.create(name=TOWNSHIP, region_code=REGIONS[0])
    groups = []
    for name in VILLAGES:
        village = Village.objects.create(township=township, name=name)
        number = 0
        for g in range(1, GRIDS + 1):
            grid = Grid.objects.create(village=village, number=g, name=f"第{g}网格")
            for _ in range(GROUPS):
                number += 1
                group = VillagerGroup.objects.create(village=village, grid=grid, number=number, name=f"第{number}组")
                groups.append((village, grid, group))
    user = User.objects.create_user(STAFF, password="bench-import-not-a-secret")
    cadre = Cadre.objects.create(township=township, user=user, name="王基准", phone="13900000000")
    Post.objects.create(
        cadre=cadre, role=Post.Role.TOWNSHIP_STAFF, township=township, started_on=datetime.date(2020, 1, 1)
    )
    return township, user, groups


REGISTRY = (
    "villages_resident_categories",
    "villages_household_categories",
    "villages_historicalresident",
    "villages_historicalhousehold",
    "villages_resident",
    "villages_household",
)


def empty_registry():
    """Every household and resident gone (and their history), the ids starting again from 1."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(REGISTRY)} RESTART IDENTITY CASCADE")


# --- the roster ---------------------------------------------------------------------------------


def households_of(count, groups, seed=2026):
    """(village, grid, group, address, residence word, [(name, ID number, relation word, phone)]) for
    `count` households; the same seed gives the same households, so a smaller file is the start of a
    bigger one. The head comes first; ID numbers are distinct by (birth date, sequence)."""
    from villages import identity

    rng = random.Random(seed)
    numbers = {}
    person, phone = 0, 13_900_000_001

    def name(surname):
        return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))

    def id_number():
        nonlocal person
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=person * 7919 % 29_000)
        number = identity.make_id_number(REGIONS[person % len(REGIONS)], birth, person // 29_000)
        person += 1
        return number

    def mobile(share):
        nonlocal phone
        if rng.random() >= share:
            return ""
        phone += rng.randint(1, 97)
        return str(phone)

    for _ in range(count):
        village, grid, group = rng.choice(groups)
        numbers[group.pk] = numbers.get(group.pk, 0) + 1
        address = f"{village.name}{group.name}{numbers[group.pk]}号"
        residence = rng.choices([w for w, _ in RESIDENCE_WORDS], [n for _, n in RESIDENCE_WORDS])[0]
        surname = rng.choice(SURNAMES)
        people = [(name(surname), id_number(), "户主", mobile(0.7))]
        size = rng.choices((1, 2, 3, 4, 5), (10, 20, 35, 25, 10))[0]
        if size >= 2:
            people.append((name(rng.choice(SURNAMES)), id_number(), "配偶", mobile(0.4)))
        for _ in range(size - len(people)):
            relation, same = rng.choice(OTHERS if rng.random() < 0.7 else ELDERS)
            people.append((name(surname if same else rng.choice(SURNAMES)), id_number(), relation, mobile(0.2)))
        yield village, grid, group, address, residence, people


def write_roster(path, count, township, groups, with_copy=False):
    """The roster CSV (UTF-8 with a byte-order mark, as Excel saves "CSV UTF-8"); with `with_copy`,
    also the COPY input for the same households and residents, as the import would write them."""
    from django.utils import timezone

    from imports import engine
    from villages import identity, pinyin
    from villages.models import Household, Resident

    household_fields = [f.attname for f in Household._meta.concrete_fields]
    resident_fields = [f.attname for f in Resident._meta.concrete_fields if not f.primary_key]
    households, residents = io.StringIO(), io.StringIO()
    now = timezone.now().isoformat()
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        out = csv.writer(file)
        out.writerow(HEADERS)
        for pk, (village, grid, group, address, word, people) in enumerate(households_of(count, groups), start=1):
            head = people[0][0]
            for person, number, relation, phone in people:
                out.writerow(
                    [village.name, grid.name, group.name, address, head, person, number, relation, phone, word]
                )
            if not with_copy:
                continue
            residence = engine.RESIDENCES[word]
            households.write(
                _copy_line(
                    household_fields,
                    {
                        "id": pk,
                        "township_id": township.pk,
                        "village_id": village.pk,
                        "grid_id": grid.pk,
                        "group_id": group.pk,
                        "head_name": head,
                        "head_pinyin": pinyin.name_pinyin(head),
                        "head_initials": pinyin.name_initials(head),
                        "address": address,
                        "phone": people[0][3],
                        "residence": residence,
                        "responsible_cadre_id": None,
                        "contact_representative_id": None,
                        "notes": "",
                        "created_at": now,
                        "updated_at": now,
                    },
                )
            )
            for person, number, relation, phone in people:
                residents.write(
                    _copy_line(
                        resident_fields,
                        {
                            "household_id": pk,
                            "name": person,
                            "name_pinyin": pinyin.name_pinyin(person),
                            "name_initials": pinyin.name_initials(person),
                            "id_number": number,
                            "id_last4": number[-4:],
                            "birth_date": identity.birth_date_from_id(number).isoformat(),
                            "sex": identity.sex_from_id(number),
                            "phone": phone,
                            "relation": engine.RELATIONS[relation],
                            "status": residence,
                        },
                    )
                )
    return households.getvalue().encode(), residents.getvalue().encode()


def _copy_line(fields, values):
    """One line of COPY's CSV, quoted as the engine quotes it; a column the model has and the
    benchmark does not know fails loudly rather than measuring something else."""
    if set(values) != set(fields):
        raise RuntimeError(f"the model's columns changed: {sorted(set(fields) ^ set(values))}")
    cells = ("" if values[f] is None else '"' + str(values[f]).replace('"', '""') + '"' for f in fields)
    return ",".join(cells) + "\n"


def write_xlsx(source, path):
    """The CSV's rows in an .xlsx workbook (openpyxl's write-only mode), every cell as text."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    with open(source, encoding="utf-8-sig", newline="") as file:
        for row in csv.reader(file):
            sheet.append(row)
    book.save(path)


def open_rows(path):
    from villages import roster

    with open(path, "rb") as file:
        yield from roster.open_table(file, path.name).rows


# --- the measurements ---------------------------------------------------------------------------


def time_copy(households, residents, expected_households, expected_residents, runs):
    """COPY of the prepared input into the two tables, indexes in place, rolled back: (seconds of
    the COPY alone, seconds with the foreign keys checked too) for each run. Django's foreign keys
    are DEFERRABLE INITIALLY DEFERRED, so a rolled-back COPY never checks them, while the import
    that commits does: SET CONSTRAINTS ALL IMMEDIATE runs those checks before the rollback."""
    from django.db import connection, transaction

    from villages.models import Household, Resident

    statements = []
    for model, with_pk in ((Household, True), (Resident, False)):
        columns = ", ".join(
            connection.ops.quote_name(f.column) for f in model._meta.concrete_fields if with_pk or not f.primary_key
        )
        statements.append(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv)"
        )
    times = []
    for _ in range(runs):
        empty_registry()
        with transaction.atomic(), connection.cursor() as cursor:
            inputs = [io.BytesIO(households), io.BytesIO(residents)]
            started = time.perf_counter()
            for statement, data in zip(statements, inputs, strict=True):
                cursor.cursor.copy_expert(statement, data)
            copied = time.perf_counter() - started
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            times.append((copied, time.perf_counter() - started))
            cursor.execute("SELECT (SELECT count(*) FROM villages_household), (SELECT count(*) FROM villages_resident)")
            if cursor.fetchone() != (expected_households, expected_residents):
                raise RuntimeError("COPY did not write the roster's rows")
            transaction.set_rollback(True)
    return times


def timed(function, path, township, actor, expect):
    """Seconds for engine.check or engine.commit on the file, from opening it; the outcome checked."""
    from villages import pinyin, roster

    for value in vars(pinyin).values():  # each run starts cold, as the first import of a worker does
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
    started = time.perf_counter()
    with open(path, "rb") as file:
        outcome = function(township=township, actor=actor, table=roster.open_table(file, path.name))
    seconds = time.perf_counter() - started
    check_outcome(outcome, expect)
    return seconds


def check_outcome(outcome, expect):
    wrong = {key: getattr(outcome, key) for key, value in expect.items() if getattr(outcome, key) != value}
    if not outcome.clean or wrong:
        problems = [p.as_list() for p in outcome.problems[:5]]
        raise RuntimeError(f"unexpected outcome {outcome.problem_count} problems {problems}, {wrong} ≠ {expect}")


def time_reading(path):
    started = time.perf_counter()
    for _ in open_rows(path):
        pass
    return time.perf_counter() - started


def in_child(path, tracemalloc=False):
    """An import of the file in a fresh process: what `child` reports."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
    if tracemalloc:
        command.append("--tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode:
        raise RuntimeError(f"the import in a child process failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def child(path, trace):
    """Import the file into the empty registry of the benchmark's township; print the seconds, the
    RSS before it and the peak RSS after it (KiB, the process's high-water mark), and
    with `trace` the peak of Python's heap during the import (tracemalloc, started just before)."""
    setup_django()
    import tracemalloc

    import openpyxl  # noqa: F401  (loaded before the baseline, as in a worker that has imported before)

    from accounts.models import User
    from imports import engine
    from villages import roster  # noqa: F401
    from villages.models import Township

    township = Township.objects.get(name=TOWNSHIP)
    actor = User.objects.get(username=STAFF)
    empty_registry()
    before = rss_now()
    if trace:
        tracemalloc.start()
    seconds = timed(engine.commit, path, township, actor, expect={})
    heap_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    peak = rss_now("VmHWM")
    print(json.dumps({"seconds": seconds, "rss_before": before, "rss_peak": peak, "heap_peak": heap_peak}))


def rss_now(field="VmRSS"):
    """The process's resident memory now (VmRSS), or its high-water mark (VmHWM), in KiB (Linux).
    Not ru_maxrss: Linux carries the forked parent's high-water mark across exec into the child's
    ru_maxrss, so a child of a big parent would report the parent's size."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def profile(count, township, actor, groups, scratch):
    """cProfile of importing `count` households into the empty registry: the top functions by
    cumulative and by own time."""
    import cProfile
    import pstats

    from django.db import connection

    from imports import engine

    path = scratch / f"roster-profile-{count}.csv"
    write_roster(path, count, township, groups)
    empty_registry()
    statements = collections.defaultdict(lambda: [0, 0.0])

    def timer(execute, sql, params, many, context):  # the time of each kind of statement
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = statements[re.sub(r"\s+", " ", sql)[:110]]
            kind[0] += 1
            kind[1] += time.perf_counter() - started

    profiler = cProfile.Profile()
    with connection.execute_wrapper(timer):
        profiler.enable()
        seconds = timed(engine.commit, path, township, actor, expect={"households_new": count})
        profiler.disable()
    empty_registry()
    print(f"\nprofile of importing {count:,} households ({seconds:.2f}s under the profiler)")
    print(f"\n--- statements by time (COPY is not among them: see copy_expert below) ---\n{'count':>7} {'s':>7}")
    for sql, (number, spent) in sorted(statements.items(), key=lambda item: -item[1][1])[:15]:
        print(f"{number:7,} {spent:7.2f}  {sql}")
    for order in ("cumulative", "tottime"):
        print(f"\n--- by {order} ---")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(30)


if __name__ == "__main__":
    main()
