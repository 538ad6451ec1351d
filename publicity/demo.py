"""Demo publicity for the demo township 青山乡: what its bulletins and contact cards print.

The township's own wording (the service promise, emergency numbers and the letter to every
household), an ID-style portrait for every cadre a bulletin or card shows, a schematic map of each
grid of 郑荣村 (the other villages' bulletins show the network diagram instead), and a responsible
village cadre for 郑荣村's grids (elsewhere the bulletin falls back to the party secretary).

Every grid's A3 bulletin was printed when the posts started (`POSTS_START`), by the township
centre. Two boards have gone out of date since, as boards do:
- 后洋村 第一网格: the grid leader changed his mobile number (`NEW_PHONE`), so the board on the
  wall gives a number that no longer answers;
- 溪头村 第二网格: a grid member was added a month ago (`NEW_MEMBER`) and is not on the board yet.
Nothing else changed, so the township's "boards out of date" list shows exactly these two.

Pictures are drawn with Pillow, deterministically from the cadre's name or the grid, so the same
seed gives the same files.
"""

import datetime
import hashlib
import io
import math
import random
import re
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont

from villages import pinyin
from villages.demo import DUTIES, GIVEN_NAMES, POSTS_START, ZHENG_RONG
from villages.models import Cadre, Grid, Place, Post, VillagerGroup

from . import content
from .models import BulletinPrint, PrintSettings

Role = Post.Role
FONT_PATH = settings.BASE_DIR / "static" / "fonts" / "wqy-microhei.ttf"

# Whoever a bulletin or a contact card shows with a photo (volunteers are listed by name only).
PORTRAIT_ROLES = (
    Role.GRID_LEADER,
    Role.GRID_MEMBER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_DIRECTOR,
    Role.COMMITTEE_MEMBER,
    Role.RESIDENT_CADRE,
    Role.AREA_CHIEF,
)
PORTRAIT_SIZE = (300, 400)
MAP_SIZE = (1200, 800)
JPEG_QUALITY = 80
PRINTED_AT = datetime.time(10, 0)

CENTRE_PHONE = "0595-87651110"  # the township centre's duty phone (乡综治中心); the supervision phone is TOWNSHIP's

PROMISE = (
    "有求必应、有难必帮、有诉必办、件件有回音：一般事项当场办结，协调事项三日内答复，"
    "紧急事项第一时间到场；办理结果当面告知，群众满意为止。"
)
LETTER_TITLE = "致全乡群众的一封信"
LETTER_BODY = """尊敬的{head}户主：

您好！为了把服务送到家门口，青山乡在全乡推行网格化服务管理，每个行政村划分为若干网格，每个网格都有网格长、网格员和村民代表联系到户。

您家住{address}，属于{village}{grid}。您的网格长是{grid_leader}，联系电话{grid_leader_phone}；包户干部是{responsible_cadre}；联系您家的村民代表是{representative}。

家里遇到困难、邻里之间有了纠纷、发现安全隐患或外来人员，请随时告诉网格长。能当场解决的当场解决，解决不了的由网格长报村、报乡，限时办结，并把结果告诉您。

对网格长、网格员的工作有意见和建议，请拨打乡监督电话{supervision_phone}。让我们携手共建平安、和谐、美丽的青山！"""
LETTER_SIGNATURE = "青山乡人民政府"

# The two changes since the boards were printed (see the module's docstring).
PHONE_CHANGE = ("后洋村", 1)
NEW_PHONE = "15959521876"
NEW_MEMBER = ("溪头村", 2, "王晓东", "15880573142")
NEW_MEMBER_DAYS_AGO = 30


def build_demo_publicity(township, now):
    """Give the demo `township` its print wording, portraits, maps and bulletin prints as at `now`."""
    if PrintSettings.objects.filter(township=township).exists():
        return
    # In the portal's default language, like everything the demo writes.
    with translation.override(settings.LANGUAGE_CODE):
        _Builder(township, timezone.localdate(now)).build()


class _Builder:
    def __init__(self, township, today):
        self.township, self.today = township, today

    def build(self):
        PrintSettings.objects.create(
            township=self.township,
            service_promise=PROMISE,
            emergency_numbers="\n".join(
                [
                    "报警 110",
                    "火警 119",
                    "急救 120",
                    f"乡综治中心 {CENTRE_PHONE}",
                    f"乡监督电话 {self.township.supervision_phone}",
                ]
            ),
            letter_title=LETTER_TITLE,
            letter_body=LETTER_BODY,
            letter_signature=LETTER_SIGNATURE,
        )
        posts = Post.objects.current(POSTS_START).filter(township=self.township, role__in=PORTRAIT_ROLES)
        cadres = {post.cadre_id: post.cadre for post in posts.select_related("cadre").order_by("pk")}
        for cadre in cadres.values():
            save_portrait(cadre)
        Cadre.objects.bulk_update(cadres.values(), ["photo"])
        self.zheng_rong_grids()
        self.print_bulletins()
        self.change_boards()

    def zheng_rong_grids(self):
        """A map for each grid of 郑荣村, and the village cadre who answers for it."""
        grids = list(
            Grid.objects.filter(village__township=self.township, village__name=ZHENG_RONG.name)
            .select_related("village")
            .order_by("number")
        )
        groups = {}
        for group in VillagerGroup.objects.filter(grid__in=grids).order_by("number"):
            groups.setdefault(group.grid_id, []).append(group)
        places = {}
        for place in Place.objects.filter(grid__in=grids).order_by("pk"):
            places.setdefault(place.grid_id, []).append(place)
        village_posts = Post.objects.current(POSTS_START).filter(
            village__in={g.village_id for g in grids}, role__in=[Role.VILLAGE_DIRECTOR, Role.COMMITTEE_MEMBER]
        )
        holders = {post.role: post.cadre for post in village_posts.select_related("cadre")}
        # grid 1 answers to the two-committee member (the women's director), grid 2 to the director
        answering = {1: holders.get(Role.COMMITTEE_MEMBER), 2: holders.get(Role.VILLAGE_DIRECTOR)}
        for grid in grids:
            picture = grid_map(grid, groups.get(grid.pk, []), places.get(grid.pk, []), [g for g in grids if g != grid])
            name = f"demo-{pinyin.name_pinyin(grid.village.name)}-{grid.number}.jpg"
            grid.map.save(name, ContentFile(picture), save=False)
            grid.village_cadre = answering.get(grid.number)
        Grid.objects.bulk_update(grids, ["map", "village_cadre"])

    def print_bulletins(self):
        """Every grid's A3 board, printed by the township centre the day the posts started."""
        staff = (
            Post.objects.current(POSTS_START)
            .filter(township=self.township, role=Role.TOWNSHIP_STAFF, cadre__user__isnull=False)
            .select_related("cadre__user")
            .order_by("pk")
            .first()
        )
        boards = content.boards(Grid.objects.filter(village__township=self.township).order_by("pk"))
        prints = BulletinPrint.objects.bulk_create(
            BulletinPrint(
                grid=board.grid,
                size=BulletinPrint.Size.A3,
                fingerprint=board.fingerprint,
                shown=board.shown,
                printed_by=staff.cadre.user if staff else None,
            )
            for board in boards
        )
        printed_at = timezone.make_aware(datetime.datetime.combine(POSTS_START, PRINTED_AT))
        BulletinPrint.objects.filter(pk__in=[p.pk for p in prints]).update(printed_at=printed_at)

    def change_boards(self):
        """What changed since the boards were printed: a leader's new phone, a member added."""
        village, number = PHONE_CHANGE
        Cadre.objects.filter(
            pk__in=Post.objects.current(self.today)
            .filter(township=self.township, grid__village__name=village, grid__number=number, role=Role.GRID_LEADER)
            .values("cadre")
        ).update(phone=NEW_PHONE)

        village, number, name, phone = NEW_MEMBER
        grid = Grid.objects.get(village__township=self.township, village__name=village, number=number)
        User = get_user_model()
        # Every demo account shares one password: the new member's hash is the township centre's.
        password = (
            User.objects.filter(cadre__township=self.township, cadre__posts__role=Role.TOWNSHIP_STAFF)
            .values_list("password", flat=True)
            .first()
        )
        base = pinyin.name_pinyin(name)
        taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
        username = next(u for u in [base, *(f"{base}{n}" for n in range(2, 100))] if u not in taken)
        user = User.objects.create(username=username, first_name=name, password=password or "!")
        cadre = Cadre(
            township=self.township,
            user=user,
            name=name,
            name_pinyin=base,
            phone=phone,
            duties=DUTIES[Role.GRID_MEMBER].format(where=f"{village}{grid.name}"),
        )
        save_portrait(cadre)
        cadre.save()
        Post.objects.create(
            cadre=cadre,
            role=Role.GRID_MEMBER,
            township=self.township,
            grid=grid,
            started_on=self.today - datetime.timedelta(days=NEW_MEMBER_DAYS_AGO),
        )


# --- portraits -----------------------------------------------------------------------------------

FEMALE_CHARS = set(GIVEN_NAMES[("F", "old")] + GIVEN_NAMES[("F", "young")])
MALE_CHARS = set(GIVEN_NAMES[("M", "old")] + GIVEN_NAMES[("M", "young")])
BACKGROUNDS = ((214, 232, 247), (200, 224, 245), (226, 238, 249), (246, 247, 249))
SUITS = ((31, 41, 61), (45, 48, 54), (27, 29, 33), (38, 52, 72))
SHIRTS = ((250, 250, 250), (236, 242, 250))
TIES = ((150, 28, 36), (122, 24, 30), (32, 54, 96), None)
HAIR = ((28, 26, 27), (36, 32, 30), (58, 56, 56), (92, 90, 90))
SKIN = ((236, 207, 182), (228, 196, 168), (240, 214, 192), (222, 188, 160))


def looks_female(name):
    """Whether a Chinese given name reads as a woman's (the demo's own name lists decide)."""
    given = name[1:]
    for char in reversed(given):
        if char in FEMALE_CHARS and char not in MALE_CHARS:
            return True
        if char in MALE_CHARS:
            return False
    return False


def save_portrait(cadre):
    """Draw `cadre`'s portrait and store it as their photo (the row is saved by the caller)."""
    cadre.photo.save(
        f"demo-{pinyin.name_pinyin(cadre.name) or 'cadre'}.jpg", ContentFile(portrait(cadre.name)), save=False
    )


def portrait(name):
    """An ID-photo-style head and shoulders (JPEG bytes), the same for the same name."""
    rng = random.Random(hashlib.sha256(name.encode()).digest())
    female = looks_female(name)
    scale = 2  # drawn at twice the size and reduced: smooth edges without a slow filter
    width, height = (side * scale for side in PORTRAIT_SIZE)
    image = Image.new("RGB", (width, height), rng.choice(BACKGROUNDS))
    draw = ImageDraw.Draw(image)

    def box(x0, y0, x1, y1):
        return [round(v * scale) for v in (x0, y0, x1, y1)]

    cx = 150 + rng.uniform(-3, 3)
    head_w = rng.uniform(112, 120) if female else rng.uniform(118, 128)
    head_h = head_w * rng.uniform(1.26, 1.34)
    head_top = rng.uniform(66, 74)
    chin = head_top + head_h
    skin, hair = rng.choice(SKIN), rng.choice(HAIR[:3] if female else HAIR)
    suit, shirt = rng.choice(SUITS), rng.choice(SHIRTS)
    left, right = cx - head_w / 2, cx + head_w / 2

    if female:  # hair falling to the jaw or the shoulders, behind the face and the neck
        fall = chin + rng.uniform(0, 36)
        draw.rounded_rectangle(box(left - 12, head_top - 6, right + 12, fall), radius=52 * scale, fill=hair)
    # neck, then sloping shoulders cut off by the frame
    draw.rectangle(box(cx - 27, chin - 30, cx + 27, chin + 40), fill=_shade(skin, 0.88))
    shoulders = chin + rng.uniform(22, 30)
    draw.ellipse(box(cx - 150, shoulders, cx + 150, shoulders + 240), fill=suit)
    draw.rectangle(box(cx - 150, shoulders + 120, cx + 150, 400), fill=suit)
    # the open collar: shirt, then a tie for some of the men, then the lapels
    neck_y = chin + 12
    v_bottom = shoulders + rng.uniform(84, 100)
    draw.polygon([v * scale for v in (cx - 36, neck_y, cx + 36, neck_y, cx, v_bottom)], fill=shirt)
    tie = None if female else rng.choice(TIES)
    if tie:
        knot = neck_y + 20
        blade = (cx - 10, knot, cx + 10, knot, cx + 15, v_bottom - 8, cx, v_bottom + 6, cx - 15, v_bottom - 8)
        draw.polygon([v * scale for v in blade], fill=tie)
        draw.polygon(
            [v * scale for v in (cx - 13, neck_y + 3, cx + 13, neck_y + 3, cx + 9, knot + 2, cx - 9, knot + 2)],
            fill=_shade(tie, 0.8),
        )
    lapel = _shade(suit, 0.7)
    draw.polygon([v * scale for v in (cx - 36, neck_y, cx - 66, shoulders + 14, cx - 4, v_bottom + 14)], fill=lapel)
    draw.polygon([v * scale for v in (cx + 36, neck_y, cx + 66, shoulders + 14, cx + 4, v_bottom + 14)], fill=lapel)
    # hair behind, ears, the face (whose top is the hairline), then a fringe parted to one side
    draw.ellipse(box(left - 4, head_top - 8, right + 4, head_top + head_h * 0.7), fill=hair)
    ear_y = head_top + head_h * 0.42
    for ex in (left, right):
        draw.ellipse(box(ex - 10, ear_y, ex + 10, ear_y + 34), fill=_shade(skin, 0.94))
    hairline = head_top + head_h * (0.16 if female else 0.13)
    draw.ellipse(box(left, hairline, right, chin), fill=skin)
    parting = cx + rng.choice((-1, 1)) * head_w * rng.uniform(0.12, 0.22)
    sweep = right if parting < cx else left
    end_y = hairline + head_h * rng.uniform(0.2, 0.26)
    fringe = [
        _bezier((parting, hairline - 2), (parting + (sweep - parting) * 0.75, hairline), (sweep, end_y), t / 8)
        for t in range(9)
    ]
    # closed back along the top of the face, which the hair behind covers anyway
    face_cy, half_w, half_h = (hairline + chin) / 2, head_w / 2, (chin - hairline) / 2
    back = []
    for t in range(9):
        x = sweep + (parting - sweep) * t / 8
        back.append((x, face_cy - half_h * math.sqrt(max(0.0, 1 - ((x - cx) / half_w) ** 2)) - 3))
    draw.polygon([v * scale for point in [*fringe, *back] for v in point], fill=hair)
    out = io.BytesIO()
    image.reduce(scale).save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _bezier(a, control, b, t):
    return tuple((1 - t) ** 2 * p + 2 * (1 - t) * t * c + t**2 * q for p, c, q in zip(a, control, b, strict=True))


def _shade(colour, factor):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


# --- grid maps ------------------------------------------------------------------------------------


@cache
def _font(size):
    return ImageFont.truetype(str(FONT_PATH), size)


PAPER = (250, 248, 241)
INK = (51, 51, 51)
WATER, WATER_EDGE = (166, 205, 235), (112, 160, 205)
ROAD, ROAD_EDGE = (255, 255, 255), (176, 170, 160)
BOUNDARY = (200, 40, 40)
BLOCKS = ((232, 240, 214), (246, 232, 208), (226, 234, 244), (240, 226, 232), (236, 236, 220), (222, 240, 234))
PLACE_MARKS = {  # kind: (glyph, colour, legend)
    "enterprise": ("企", (120, 96, 60), "企业"),
    "school": ("学", (46, 110, 170), "学校"),
    "clinic": ("医", (200, 50, 50), "卫生所"),
    "well": ("水", (40, 130, 170), "供水点"),
    "bridge": ("桥", (110, 110, 110), "桥梁"),
    "other": ("设", (90, 120, 80), "其他设施"),
}
GROUP_NUMBER = re.compile(r"第(\d+)组")


def grid_map(grid, groups, places, neighbours):
    """A schematic map of `grid` (JPEG bytes): its groups as labelled blocks, the stream and the
    roads, its enterprises and facilities, where the neighbouring grids lie and a north arrow.
    Not to scale: it shows where each group lies, as the board's readers know the place."""
    rng = random.Random(f"{grid.village.name}-{grid.number}")
    scale = 2
    image = Image.new("RGB", (MAP_SIZE[0] * scale, MAP_SIZE[1] * scale), PAPER)
    draw = ImageDraw.Draw(image)

    def xy(*values):
        return [round(v * scale) for v in values]

    def text(at, words, size, fill=INK, anchor="mm", stroke=0):
        draw.text(
            xy(*at), words, font=_font(size * scale), fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=PAPER
        )

    left, top, right, bottom = 40, 96, 880, 764
    draw.rectangle(xy(left, top, right, bottom), fill=(244, 241, 230))
    # the stream, a band winding across the middle
    river_y = (top + bottom) / 2 + 14
    phase = rng.uniform(0, math.pi)
    bank = [(x, river_y + 16 * math.sin(x / 95 + phase)) for x in range(left, right + 1, 10)]
    draw.line([v * scale for point in bank for v in point], fill=WATER_EDGE, width=34 * scale, joint="curve")
    draw.line([v * scale for point in bank for v in point], fill=WATER, width=28 * scale, joint="curve")
    # enterprises and facilities go in their group's block, so the houses leave room for them
    placed = {}
    for place in places:
        found = GROUP_NUMBER.search(place.address)
        if found:
            placed.setdefault(int(found.group(1)), []).append(place)
    # blocks for the groups: the first half above the stream, the rest below
    above = (len(groups) + 1) // 2
    rows = [groups[:above], groups[above:]]
    bands = [(top + 60, river_y - 84), (river_y + 64, bottom - 40)]
    lane = []  # the lane runs down the first gap between the blocks of each row
    blocks = {}
    for row, (y0, y1) in zip(rows, bands, strict=True):
        if not row:
            continue
        gap = 34
        width = (right - left - 60 - gap * (len(row) - 1)) / len(row)
        for i, group in enumerate(row):
            x0 = left + 30 + i * (width + gap) + rng.uniform(-6, 6)
            x1 = x0 + width - rng.uniform(0, 14)
            b = (x0, y0 + rng.uniform(0, 14), x1, y1 - rng.uniform(0, 14))
            blocks[group.number] = b
            colour = BLOCKS[group.number % len(BLOCKS)]
            draw.rounded_rectangle(
                xy(*b), radius=22 * scale, fill=colour, outline=_shade(colour, 0.72), width=2 * scale
            )
            mx, my = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            keep_clear = [(mx - 56, my - 26, mx + 56, my + 26)]
            for n, place in enumerate(placed.get(group.number, [])):
                py = b[3] - 30 - n * 36
                keep_clear.append((b[0] + 14, py - 20, b[0] + 64 + 16 * len(place.name), py + 18))
            houses = []
            for _ in range(60):
                if len(houses) >= 12:
                    break
                hx, hy = rng.uniform(b[0] + 16, b[2] - 30), rng.uniform(b[1] + 18, b[3] - 24)
                house = (hx - 4, hy - 10, hx + 18, hy + 14)
                if any(_overlap(house, other) for other in keep_clear + houses):
                    continue
                houses.append(house)
                draw.rectangle(xy(hx, hy, hx + 14, hy + 11), fill=(200, 188, 170), outline=(150, 138, 120))
                draw.polygon(xy(hx - 2, hy, hx + 16, hy, hx + 7, hy - 7), fill=(168, 82, 62))
            text((mx, my), group.name, 30, stroke=3)
        lane.append(left + 30 + width + gap / 2 if len(row) > 1 else (left + right) / 2)
    # roads: the village road along the stream's north bank, a lane across it by the bridge
    road_y = river_y - 44
    north_x, south_x = (lane + lane)[:2]
    lane_path = [north_x, top, north_x, river_y + 30, south_x, river_y + 58, south_x, bottom]
    for fill, width in ((ROAD_EDGE, 16), (ROAD, 11)):
        draw.line(xy(left, road_y, right, road_y + 6), fill=fill, width=width * scale)
        draw.line(xy(*lane_path), fill=fill, width=width * scale, joint="curve")
    draw.rectangle(xy(north_x - 13, river_y - 26, north_x + 13, river_y + 26), fill=(150, 140, 128))
    draw.rectangle(xy(north_x - 9, river_y - 26, north_x + 9, river_y + 26), fill=ROAD)
    text((right - 110, road_y - 17), "村道 至青山乡政府 →", 17, fill=(110, 104, 96), stroke=2)
    text((left + 90, river_y + 34), f"{grid.village.name[:2]}溪", 19, fill=WATER_EDGE, stroke=2)
    # the grid's boundary, dashed, and where the neighbouring grids lie
    _dashed_rectangle(draw, xy(left + 12, top + 38, right - 12, bottom - 14), BOUNDARY, 3 * scale, 18 * scale)
    for neighbour in neighbours:  # above the boundary, on the side the neighbour lies
        if neighbour.number > grid.number:
            text((right - 14, top + 19), f"{neighbour.name}（东）→", 17, fill=(130, 124, 116), anchor="rm")
        else:
            text((left + 14, top + 19), f"←（西）{neighbour.name}", 17, fill=(130, 124, 116), anchor="lm")
    shown = set()
    for number, here in placed.items():
        b = blocks.get(number)
        for n, place in enumerate(here if b else []):
            glyph, colour, _legend = PLACE_MARKS.get(place.kind, PLACE_MARKS["other"])
            shown.add(place.kind if place.kind in PLACE_MARKS else "other")
            px, py = b[0] + 34, b[3] - 30 - n * 36
            draw.ellipse(xy(px - 15, py - 15, px + 15, py + 15), fill=colour, outline=PAPER, width=2 * scale)
            text((px, py), glyph, 17, fill=(255, 255, 255))
            text((px + 20, py), place.name, 16, anchor="lm", stroke=3)

    # title, north arrow and legend
    title = f"{grid.village.name}{grid.name}分布示意图"
    text((40, 50), title, 34, anchor="lm", stroke=0)
    text((880, 54), f"{grid.village.township.name} · {grid.description}", 18, fill=(110, 104, 96), anchor="rm")
    nx, ny = 1030, 170
    draw.polygon(xy(nx, ny - 56, nx - 24, ny + 20, nx, ny + 4), fill=INK)
    draw.polygon(xy(nx, ny - 56, nx + 24, ny + 20, nx, ny + 4), fill=PAPER, outline=INK, width=2 * scale)
    text((nx, ny - 80), "北", 26)
    text((nx, ny + 44), "N", 18, fill=(120, 120, 120))
    legend_y = 280
    text((920, legend_y), "图  例", 22, anchor="lm")
    rows = [
        ("block", "村民小组"),
        ("boundary", "网格边界"),
        ("road", "道路"),
        ("water", "河流"),
        *((kind, PLACE_MARKS[kind][2]) for kind in PLACE_MARKS if kind in shown),
    ]
    for i, (kind, label) in enumerate(rows):
        y = legend_y + 46 + i * 40
        if kind == "block":
            draw.rounded_rectangle(
                xy(926, y - 12, 966, y + 12),
                radius=6 * scale,
                fill=BLOCKS[1],
                outline=_shade(BLOCKS[1], 0.72),
                width=2 * scale,
            )
        elif kind == "boundary":
            _dashed_rectangle(draw, xy(926, y - 12, 966, y + 12), BOUNDARY, 3 * scale, 8 * scale)
        elif kind == "road":
            draw.line(xy(924, y, 968, y), fill=ROAD_EDGE, width=14 * scale)
            draw.line(xy(924, y, 968, y), fill=ROAD, width=9 * scale)
        elif kind == "water":
            draw.line(xy(924, y, 968, y), fill=WATER, width=14 * scale)
        else:
            glyph, colour, _legend = PLACE_MARKS[kind]
            draw.ellipse(xy(933, y - 13, 959, y + 13), fill=colour)
            text((946, y), glyph, 15, fill=(255, 255, 255))
        text((984, y), label, 19, anchor="lm")
    text((920, bottom - 10), "示意图，不按比例", 16, fill=(130, 124, 116), anchor="lm")
    draw.rectangle(xy(6, 6, MAP_SIZE[0] - 6, MAP_SIZE[1] - 6), outline=(150, 144, 134), width=2 * scale)

    out = io.BytesIO()
    image.reduce(scale).save(out, format="JPEG", quality=85)
    return out.getvalue()


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _dashed_rectangle(draw, box, fill, width, dash):
    x0, y0, x1, y1 = box
    for a, b in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = math.dist(a, b)
        steps = max(1, int(length // (dash * 2)))
        for i in range(steps + 1):
            t0, t1 = i * 2 * dash / length, min(1.0, (i * 2 + 1) * dash / length)
            if t0 >= 1:
                break
            start = (a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0)
            end = (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1)
            draw.line([start, end], fill=fill, width=width)
