"""The demo township's publicity (publicity/demo.py, built by `manage.py seed_demo`): portraits for
the people its bulletins and cards show, maps of 郑荣村's grids, the township's wording in Chinese,
every board printed when the posts started — and exactly the two boards changed since out of date."""

import io
import re
import string

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

import publicity.demo
from publicity import content
from publicity.demo import NEW_MEMBER, NEW_PHONE, PHONE_CHANGE
from publicity.models import BulletinPrint, PrintSettings
from villages import demo
from villages.models import Cadre, Grid, Post, Township

pytestmark = pytest.mark.django_db

SMALL = 400
Role = Post.Role
# What the letter may say (publicity/models.py, PrintSettings.letter_body).
PLACEHOLDERS = {
    "head",
    "address",
    "village",
    "grid",
    "grid_leader",
    "grid_leader_phone",
    "responsible_cadre",
    "representative",
    "supervision_phone",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True  # the command refuses to run with DEBUG off


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **{"households": SMALL, **options})
    return out.getvalue()


@pytest.fixture
def township():
    seed()
    return Township.objects.get(name=demo.TOWNSHIP["name"])


def picture(field):
    with field.open("rb") as stored:
        image = Image.open(stored)
        image.load()
    return image


def latest_prints(township):
    latest = {}
    for printed in BulletinPrint.objects.filter(grid__village__township=township):  # newest first
        latest.setdefault(printed.grid_id, printed)
    return latest


def out_of_date(township):
    latest = latest_prints(township)
    boards = content.boards(Grid.objects.filter(village__township=township))
    return {
        (board.grid.village.name, board.grid.number): content.changes(latest[board.grid.pk].shown, board.shown)
        for board in boards
        if latest[board.grid.pk].fingerprint != board.fingerprint
    }


def test_the_people_on_the_boards_have_id_style_portraits(township):
    leaders = Post.objects.current().filter(grid__village__name="郑荣村", role=Role.GRID_LEADER).select_related("cadre")
    assert leaders.count() == 2
    for post in leaders:
        assert post.cadre.photo.name.startswith("cadres/")
        image = picture(post.cadre.photo)
        assert (image.format, image.size, image.mode) == ("JPEG", (300, 400), "RGB")
    for board in content.boards(Grid.objects.filter(village__township=township)):
        shown = [*board.leaders, *board.members, *board.resident_cadres, board.village_cadre]
        assert all(person.photo for person in shown), board.grid
    # one file per cadre, each a different picture; volunteers and representatives have none
    photos = list(Cadre.objects.exclude(photo="").values_list("photo", flat=True))
    assert len(photos) == len(set(photos)) > 40
    assert all(default_storage.exists(name) for name in photos)
    bare_roles = set(
        Post.objects.filter(cadre__photo="").values_list("role", flat=True).distinct()
    )  # and nobody a board shows
    assert bare_roles <= {Role.REPRESENTATIVE, Role.INFORMATION_OFFICER, Role.SUPERVISOR, *Post.TOWNSHIP_ROLES}


def test_portraits_are_drawn_the_same_for_the_same_name():
    assert publicity.demo.portrait("郑章木") == publicity.demo.portrait("郑章木")
    assert publicity.demo.portrait("郑章木") != publicity.demo.portrait("郑玉才")


def test_zheng_rong_grids_have_a_map_and_a_responsible_village_cadre(township):
    grids = {g.number: g for g in Grid.objects.filter(village__name="郑荣村").select_related("village_cadre")}
    for grid in grids.values():
        assert grid.map.name.startswith("grids/")
        image = picture(grid.map)
        assert (image.format, image.size) == ("JPEG", (1200, 800))
    assert grids[1].village_cadre.name == demo.ZHENG_RONG.committee_member[0]
    assert grids[2].village_cadre.name == demo.ZHENG_RONG.director
    # elsewhere no map (the bulletin shows the network diagram) and the secretary answers
    others = Grid.objects.filter(village__township=township).exclude(village__name="郑荣村")
    assert not others.exclude(map="").exists()
    assert not others.filter(village_cadre__isnull=False).exists()


def test_the_townships_wording_is_chinese_and_the_letter_uses_known_placeholders(township):
    wording = PrintSettings.objects.get(township=township)
    for text in (wording.service_promise, wording.letter_title, wording.letter_body, wording.letter_signature):
        assert len(HAN.findall(text)) > len(text) / 2
    assert wording.letter_title == "致全乡群众的一封信"
    assert wording.letter_signature == "青山乡人民政府"
    assert "有求必应" in wording.service_promise

    used = {name for _text, name, _spec, _conversion in string.Formatter().parse(wording.letter_body) if name}
    assert used <= PLACEHOLDERS
    assert {"head", "grid_leader", "grid_leader_phone", "supervision_phone"} <= used
    assert 200 <= len(wording.letter_body.format(**dict.fromkeys(used, ""))) <= 400

    lines = dict(wording.emergency_lines)
    assert [lines["报警"], lines["火警"], lines["急救"]] == ["110", "119", "120"]
    assert lines["乡综治中心"].startswith("0595-")
    assert township.supervision_phone in lines.values()


def test_every_board_was_printed_when_the_posts_started_and_exactly_two_are_out_of_date(township):
    grids = Grid.objects.filter(village__township=township)
    assert BulletinPrint.objects.filter(grid__in=grids).count() == grids.count()
    latest = latest_prints(township)
    assert set(latest) == set(grids.values_list("pk", flat=True))
    for printed in latest.values():
        assert (printed.size, printed.printed_by.username) == ("A3", "huangzhiqiang")
        assert timezone.localdate(printed.printed_at) == demo.POSTS_START
        assert printed.fingerprint == content.fingerprint(printed.shown)

    assert out_of_date(township) == {PHONE_CHANGE: ["grid leader"], NEW_MEMBER[:2]: ["grid members"]}
    village, number = PHONE_CHANGE
    board = content.board(grids.get(village__name=village, number=number))
    assert board.leader.phone == NEW_PHONE
    assert latest[board.grid.pk].shown["leaders"][0][1] != NEW_PHONE


def test_the_new_grid_member_has_a_login_a_photo_and_a_post_since_a_month_ago(township, client):
    village, number, name, phone = NEW_MEMBER
    post = Post.objects.current().get(cadre__name=name, role=Role.GRID_MEMBER)
    assert (post.grid.village.name, post.grid.number) == (village, number)
    assert (timezone.localdate() - post.started_on).days == publicity.demo.NEW_MEMBER_DAYS_AGO
    assert post.cadre.phone == phone and picture(post.cadre.photo).size == (300, 400)
    response = client.post(
        reverse("accounts:login"), {"username": post.cadre.user.username, "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert name in [person.name for person in content.board(post.grid).members]


def test_seeding_again_duplicates_nothing(township):
    def state():
        return (
            PrintSettings.objects.count(),
            list(BulletinPrint.objects.values_list("grid", "fingerprint", "printed_at")),
            sorted(Cadre.objects.values_list("name", "phone", "photo")),
            sorted(Grid.objects.values_list("pk", "map", "village_cadre")),
            Post.objects.count(),
            get_user_model().objects.count(),
            len(default_storage.listdir("cadres")[1]),
        )

    before = state()
    assert "already exists" in seed(if_empty=True)
    assert "already exists" in seed()
    assert state() == before


def test_the_publicity_takes_a_fixed_number_of_queries(monkeypatch):
    counted = []
    build = publicity.demo.build_demo_publicity

    def counting(township, now):
        with CaptureQueriesContext(connection) as queries:
            build(township, now)
        counted.append(len(queries))

    monkeypatch.setattr(publicity.demo, "build_demo_publicity", counting)

    class Rollback(Exception):
        pass

    for households in (SMALL // 2, SMALL):
        with pytest.raises(Rollback), transaction.atomic():
            demo.build_demo_township(households=households)
            raise Rollback
    assert counted[0] == counted[1] < 40


@pytest.mark.slow
def test_full_size_boards_out_of_date_are_the_two_changed():
    seed(households=demo.DEFAULT_HOUSEHOLDS)
    township = Township.objects.get(name=demo.TOWNSHIP["name"])
    assert set(out_of_date(township)) == {PHONE_CHANGE, NEW_MEMBER[:2]}


def test_which_boards_are_out_of_date_does_not_depend_on_the_reader_s_language(township):
    with translation.override("en"):
        english = set(out_of_date(township))
    with translation.override("zh-hans"):
        chinese = set(out_of_date(township))
    assert english == chinese == {PHONE_CHANGE, NEW_MEMBER[:2]}
