"""The demo township 青山乡: nine villages, their grids and groups, the cadres who hold posts in
them, and a generated registry of households and residents.

What is fixed is written out here as data: the township, its villages and their grids (with the
seed document's own people in 郑荣村, plan 1), the village leaders, the township staff and
departments, and a few enterprises and facilities. What is generated (the remaining cadres, every
household and resident) comes from one `random.Random(seed)`, so the same seed and size give the
same registry. Ages are counted at `REFERENCE_DATE` and posts start on `POSTS_START`, never on
"today".

Grid sizes are given at the default size of 3000 households and scaled for other sizes. At the
default size both 郑荣村 grids lie inside the seed's 100–300 households / 300–1000 people, and three
grids are out of range on purpose so the size warnings have something to show: 东岭村 第一网格
(scattered mountain hamlets, under 100 households), 前埔村 第一网格 (the market street with its
rented rooms, over 300 households) and 山腰村 第一网格 (large families, over 1000 people).
"""

import datetime
import itertools
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import identity, pinyin
from .models import (
    Cadre,
    CareCategory,
    Grid,
    Household,
    HouseholdMove,
    Place,
    Post,
    Resident,
    Township,
    Village,
    VillagerGroup,
)

DEMO_PASSWORD = "grid-demo-2026"
DEFAULT_HOUSEHOLDS = 3000
DEFAULT_SEED = 20261129
POSTS_START = datetime.date(2025, 1, 1)
REFERENCE_DATE = datetime.date(2025, 1, 1)
ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@demo.invalid"

TOWNSHIP = {"name": "青山乡", "region_code": "350521", "supervision_phone": "0595-87654321"}

Role = Post.Role
Code = CareCategory.Code


@dataclass(frozen=True)
class GridPlan:
    number: int
    first_group: int
    last_group: int
    households: int
    profile: str = "normal"
    description: str = ""
    leader: str = ""
    members: tuple = ()

    @property
    def name(self):
        return f"第{'一二三四五六七八九'[self.number - 1]}网格"


@dataclass(frozen=True)
class VillagePlan:
    name: str
    secretary: str
    director: str
    committee_member: tuple
    grids: tuple
    surnames: dict
    places: tuple = ()
    area_chief: str = ""
    resident_cadres: tuple = ()


ZHENG_RONG = VillagePlan(
    name="郑荣村",
    secretary="郑文华",
    director="郑海平",
    committee_member=("陈秀英", "妇女主任"),
    area_chief="庄金鸿",
    resident_cadres=(("刘惠明", 1, 4), ("刘俊辉", 5, 6), ("郑惠坚", 7, 10), ("连晓芳", 11, 13)),
    grids=(
        GridPlan(1, 1, 6, 165, description="第1至第6村民小组", leader="郑章木", members=("郑忠兴", "郑敏鸽", "陈贤兰")),
        GridPlan(2, 7, 13, 180, description="第7至第13村民小组", leader="郑玉才", members=("郑建海", "郑淑琼")),
    ),
    surnames={"郑": 46, "陈": 9, "刘": 7, "庄": 6, "连": 5, "林": 5, "黄": 4, "王": 3},
    places=(
        ("enterprise", "郑荣石雕厂", 1),
        ("clinic", "郑荣村卫生所", 1),
        ("school", "郑荣小学", 2),
        ("bridge", "郑荣溪石桥", 2),
    ),
)

VILLAGES = (
    ZHENG_RONG,
    VillagePlan(
        name="跃进村",
        secretary="黄国庆",
        director="吴永福",
        committee_member=("黄丽珍", "妇女主任"),
        grids=(GridPlan(1, 1, 4, 150), GridPlan(2, 5, 8, 140), GridPlan(3, 9, 11, 120)),
        surnames={"黄": 18, "吴": 14, "陈": 10, "林": 8, "李": 6, "张": 5, "王": 5, "蔡": 4},
        places=(
            ("well", "跃进村集中供水点", 1),
            ("enterprise", "跃进茶叶专业合作社", 2),
            ("clinic", "跃进村卫生所", 3),
        ),
    ),
    VillagePlan(
        name="东岭村",
        secretary="陈德明",
        director="陈志勇",
        committee_member=("陈美兰", "治保主任"),
        grids=(
            GridPlan(1, 1, 3, 62, description="岭头、岭尾、石壁三个山区自然村，散居"),
            GridPlan(2, 4, 8, 150),
        ),
        surnames={"陈": 40, "曾": 10, "林": 6, "苏": 5, "黄": 4},
        places=(
            ("well", "东岭山泉蓄水池", 1),
            ("other", "东岭石壁地质灾害隐患点", 1),
            ("bridge", "东岭石拱桥", 2),
        ),
    ),
    VillagePlan(
        name="后洋村",
        secretary="黄建新",
        director="黄文斌",
        committee_member=("刘惠珍", "妇女主任"),
        grids=(GridPlan(1, 1, 5, 160), GridPlan(2, 6, 9, 135), GridPlan(3, 10, 12, 115)),
        surnames={"黄": 35, "刘": 10, "陈": 8, "郭": 6, "林": 5, "许": 4},
        places=(("school", "后洋幼儿园", 1), ("enterprise", "后洋食品加工厂", 3)),
    ),
    VillagePlan(
        name="前埔村",
        secretary="林志坚",
        director="林志坚",
        committee_member=("林秀琴", "妇女主任"),
        grids=(
            GridPlan(1, 1, 6, 330, profile="small", description="前埔街集镇片区，含工业区出租房"),
            GridPlan(2, 7, 10, 145),
        ),
        surnames={"林": 30, "王": 8, "陈": 8, "张": 6, "李": 6, "杨": 4, "何": 4},
        places=(
            ("enterprise", "前埔五金制品有限公司", 1),
            ("enterprise", "前埔农贸市场", 1),
            ("school", "前埔中心小学", 2),
            ("clinic", "前埔村卫生所", 2),
        ),
    ),
    VillagePlan(
        name="溪头村",
        secretary="王金水",
        director="王振华",
        committee_member=("王玉梅", "妇女主任"),
        grids=(GridPlan(1, 1, 3, 125), GridPlan(2, 4, 7, 140)),
        surnames={"王": 34, "张": 8, "李": 6, "陈": 6, "吴": 4},
        places=(("well", "溪头古井", 1), ("bridge", "溪头漫水桥", 2)),
    ),
    VillagePlan(
        name="山腰村",
        secretary="张清泉",
        director="张福生",
        committee_member=("张雪梅", "妇女主任"),
        grids=(
            GridPlan(1, 1, 6, 270, profile="large", description="山腰老村，多代同堂户多"),
            GridPlan(2, 7, 10, 130),
        ),
        surnames={"张": 36, "庄": 8, "林": 6, "何": 5, "卢": 4},
        places=(("school", "山腰小学", 1), ("other", "山腰水库", 2)),
    ),
    VillagePlan(
        name="上林村",
        secretary="李明辉",
        director="李国平",
        committee_member=("李淑华", "妇女主任"),
        grids=(GridPlan(1, 1, 4, 135), GridPlan(2, 5, 8, 128)),
        surnames={"李": 30, "林": 10, "陈": 6, "黄": 5, "蒋": 4},
        places=(("clinic", "上林村卫生所", 1), ("enterprise", "上林竹木加工厂", 2)),
    ),
    VillagePlan(
        name="坑边村",
        secretary="蔡永泉",
        director="蔡东海",
        committee_member=("蔡秀云", "治保主任"),
        grids=(GridPlan(1, 1, 3, 110), GridPlan(2, 4, 6, 110)),
        surnames={"蔡": 32, "陈": 8, "许": 6, "洪": 5, "郑": 4},
        places=(("well", "坑边自来水厂", 1), ("enterprise", "坑边生猪养殖场", 2)),
    ),
)

TOWNSHIP_STAFF = (
    ("黄志强", "乡综治中心主任：统筹全乡网格化服务管理，督办事件流转，组织网格长考核。"),
    ("林雅琴", "乡综治中心文员：维护全乡户籍与网格台账，登记事件，汇总工作日志与月报。"),
)

DEPARTMENT_OFFICERS = (
    ("民政办", "苏美玲", "乡民政办干事：受理低保、五保、临时救助及残疾人帮扶事项，回复网格转办事件。"),
    ("派出所", "洪伟东", "青山派出所社区民警：受理治安隐患、矛盾纠纷、流动人口登记等网格转办事件。"),
)

# Floating households come from these counties (ID number region codes).
ORIGIN_REGIONS = ("350583", "350582", "360731", "511321", "431021", "522126")

COMMON_SURNAMES = (
    dict.fromkeys("王李张陈刘", 9)
    | dict.fromkeys("杨黄赵吴周", 5)
    | dict.fromkeys("徐孙马朱胡郭何林", 3)
    | dict.fromkeys("罗高曾彭谢邓蔡", 2)
)

# Wives, mothers and daughters-in-law come from other clans of the county.
MARRIAGE_SURNAMES = COMMON_SURNAMES | dict.fromkeys("郑蔡庄苏洪许曾吴", 4) | dict.fromkeys("连卢蒋", 2)

GIVEN_NAMES = {
    ("M", "old"): "国建明华志文军平强海忠兴才金木德福荣水生发泉土春清永庆贵山",
    ("M", "young"): "伟杰鹏峰勇斌涛宏浩宇轩俊辉晨博睿子豪泽凯文锦航成东鑫磊",
    ("F", "old"): "秀英兰芳珍美丽玉琼淑娟红霞梅萍凤桂莲月香菊花素云琴珠",
    ("F", "young"): "婷雪晓艳敏惠静怡欣佳琳雅诗涵梓萱颖洁丹妍慧思雨蕾璐",
}

MOBILE_PREFIXES = (*range(130, 140), *range(150, 154), *range(155, 160), *range(180, 190), 199)

HOUSEHOLD_SIZES = {
    "normal": (10, 20, 24, 24, 14, 8),
    "large": (3, 8, 15, 27, 27, 20),
    "small": (30, 30, 18, 12, 7, 3),
}
FLOATING_SHARE = {"normal": 0.08, "large": 0.03, "small": 0.30}
SEPARATED_SHARE = 0.06
SENSITIVE_CHANCES = ((Code.PETITIONER, 0.007), (Code.COMMUNITY_CORRECTIONS, 0.004), (Code.STABILITY_KEY, 0.005))

DUTIES = {
    Role.AREA_CHIEF: "片长：负责{village}片区工作，协调包村干部与网格长，督促事件按时办结。",
    Role.RESIDENT_CADRE: "包村干部：联系{where}，指导网格工作，参与矛盾纠纷调处，每周到村不少于两天。",
    Role.VILLAGE_SECRETARY: "村党支部书记：全面负责本村网格化服务管理，主持村两委每周工作例会。",
    Role.VILLAGE_DIRECTOR: "村委会主任：负责村务管理与村受理中心，核实上报审批事项，组织三级公示。",
    Role.COMMITTEE_MEMBER: "村两委委员（{title}）：联系村民代表，每半年与联系代表专题谈话一次。",
    Role.GRID_LEADER: (
        "网格长：负责{where}“六清”工作，每日巡查、记工作日志，日清周结；一般事项就地办结，协调事项上报村受理中心。"
    ),
    Role.GRID_MEMBER: "网格员：协助网格长巡查{where}，按时走访重点户、困难户，收集社情民意，做到“四必报”。",
    Role.REPRESENTATIVE: "村民代表：联系{where}联系户，每年走访每户两次以上，反映群众诉求，小事不出组。",
    Role.INFORMATION_OFFICER: "义务信息员：及时报告{where}内安全隐患、不稳定因素和外来人员情况。",
    Role.SUPERVISOR: "义务监督员：监督{where}网格长、网格员履职，收集群众意见和建议。",
}

ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


@dataclass(frozen=True)
class Login:
    role: str
    name: str
    username: str
    where: str


@dataclass
class DemoResult:
    township: Township
    created: bool
    logins: list
    password: str = DEMO_PASSWORD
    counts: dict = field(default_factory=dict)
    out_of_range: list = field(default_factory=list)


def build_demo_township(*, households=DEFAULT_HOUSEHOLDS, seed=DEFAULT_SEED) -> DemoResult:
    """Create the demo township with about `households` households; if it exists, change nothing."""
    if households < 0:
        raise ValueError("households must not be negative")
    with transaction.atomic():
        township = Township.objects.filter(name=TOWNSHIP["name"]).first()
        created = township is None
        if created:
            township = _Builder(random.Random(seed), households).build()
            from cases.demo import build_demo_cases  # cases imports villages: import it here

            now = timezone.now()
            build_demo_cases(township, random.Random(seed + 1), now)
            from visits.demo import build_demo_visits  # visits imports villages and cases: import it here

            build_demo_visits(township, random.Random(seed + 2), now)
            from assessments.demo import build_demo_assessments  # scores the cases and visits above

            build_demo_assessments(township, now)
            from publicity.demo import build_demo_publicity  # prints what the registry above shows

            build_demo_publicity(township, now)
    return DemoResult(
        township=township,
        created=created,
        logins=demo_logins(township),
        counts=demo_counts(township),
        out_of_range=out_of_range_grids(township),
    )


def demo_logins(township):
    """The accounts of the demo township, one row per cadre, in the order of the hierarchy."""
    village_rank = {plan.name: rank for rank, plan in enumerate(VILLAGES)}
    posts = (
        Post.objects.current()
        .filter(township=township, cadre__user__isnull=False)
        .select_related("cadre__user", "township", "village", "grid__village", "group__village", "group__grid")
    )
    by_cadre = {}
    for post in posts:
        if post.role in Post.GROUP_ROLES:
            village, section, number = post.group.village.name, 2, post.group.number
        elif post.grid_id:
            village, section, number = post.grid.village.name, 1, post.grid.number
        elif post.village_id:
            village, section, number = post.village.name, 0, post.first_group or 0
        else:
            village, section, number = None, 0, 0
        key = (village_rank.get(village, -1), section, number, ROLE_RANK[post.role], post.cadre.name_pinyin)
        by_cadre.setdefault(post.cadre, []).append((key, post))
    rows = []
    for cadre, entries in by_cadre.items():
        entries.sort(key=lambda entry: entry[0])
        roles = " / ".join(dict.fromkeys(str(post.get_role_display()) for _, post in entries))
        where = " / ".join(dict.fromkeys(str(post.node_label) for _, post in entries))
        rows.append((entries[0][0], Login(roles, cadre.name, cadre.user.username, where)))
    rows.sort(key=lambda row: row[0])
    logins = [login for _, login in rows]
    if get_user_model().objects.filter(username=ADMIN_USERNAME, email=ADMIN_EMAIL, is_superuser=True).exists():
        logins.insert(0, Login("Superuser (Django admin)", "—", ADMIN_USERNAME, "all townships"))
    return logins


def demo_counts(township):
    from assessments.demo import assessment_counts
    from cases.models import Case
    from visits.demo import field_work_counts

    return {
        "villages": Village.objects.filter(township=township).count(),
        "grids": Grid.objects.filter(village__township=township).count(),
        "groups": VillagerGroup.objects.filter(village__township=township).count(),
        "households": Household.objects.filter(township=township).count(),
        "residents": Resident.objects.filter(household__township=township).count(),
        "cadres": Cadre.objects.filter(township=township).count(),
        "users": Cadre.objects.filter(township=township, user__isnull=False).count(),
        "places": Place.objects.filter(grid__village__township=township).count(),
        "cases": Case.objects.filter(township=township).count(),
        **field_work_counts(township),
        **assessment_counts(township),
    }


def out_of_range_grids(township):
    grids = Grid.objects.filter(village__township=township).with_size().select_related("village")
    return [(grid, grid.size_warnings) for grid in grids if grid.size_warnings]


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _scale(weights, total):
    """Split `total` in proportion to `weights` (largest remainder), so the parts add up exactly."""
    weight_sum = sum(weights)
    if not weight_sum:
        return [0] * len(weights)
    shares = [total * w / weight_sum for w in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass
class _Person:
    relation: str
    sex: str
    age: int
    surname: str
    status: str = Resident.Status.REGISTERED


class _Builder:
    def __init__(self, rng, households):
        self.rng = rng
        self.households = households
        self.township = None
        self.categories = {c.code: c for c in CareCategory.objects.all()}
        self.phones = set()
        self.cadre_names = set()
        self.usernames = set(get_user_model().objects.values_list("username", flat=True))
        self.id_numbers = set(Resident.objects.values_list("id_number", flat=True))
        self.cadres = []
        self.posts = []
        self.pinyin_cache = {}
        self.household_rows = []
        self.password_hash = make_password(DEMO_PASSWORD)

    def build(self):
        self.township = Township.objects.create(**TOWNSHIP)
        self._reserve_fixed_names()
        for name, duties in TOWNSHIP_STAFF:
            self._cadre(name, duties, (Role.TOWNSHIP_STAFF, {}))
        for department, name, duties in DEPARTMENT_OFFICERS:
            self._cadre(name, duties, (Role.DEPARTMENT_OFFICER, {"department": department}))
        villages = [self._build_village(plan) for plan in VILLAGES]
        self._save_cadres()
        sizes = iter(_scale([g.households for plan in VILLAGES for g in plan.grids], self.households))
        for built in villages:
            for grid_info in built["grids"]:
                self._build_households(built["plan"], grid_info, next(sizes))
        self._save_households()
        self._build_places(villages)
        self._build_moves(villages)
        self._ensure_admin()
        return self.township

    def _reserve_fixed_names(self):
        for plan in VILLAGES:
            self.cadre_names |= {plan.secretary, plan.director, plan.committee_member[0], plan.area_chief}
            self.cadre_names |= {name for name, _, _ in plan.resident_cadres}
            for grid in plan.grids:
                self.cadre_names |= {grid.leader, *grid.members}
        self.cadre_names |= {name for name, _ in TOWNSHIP_STAFF}
        self.cadre_names |= {name for _, name, _ in DEPARTMENT_OFFICERS}
        self.cadre_names.discard("")

    def _build_village(self, plan):
        village = Village.objects.create(township=self.township, name=plan.name)
        grids = Grid.objects.bulk_create(
            [
                Grid(
                    village=village,
                    number=g.number,
                    name=g.name,
                    description=g.description or f"第{g.first_group}至第{g.last_group}村民小组",
                )
                for g in plan.grids
            ]
        )
        groups = []
        for grid, grid_plan in zip(grids, plan.grids, strict=True):
            for number in range(grid_plan.first_group, grid_plan.last_group + 1):
                groups.append(VillagerGroup(village=village, grid=grid, number=number, name=f"第{number}组"))
        groups = VillagerGroup.objects.bulk_create(groups)
        for group in groups:
            group.village = village

        if plan.area_chief:
            self._cadre(
                plan.area_chief,
                DUTIES[Role.AREA_CHIEF].format(village=plan.name),
                (Role.AREA_CHIEF, {"village": village}),
            )
        resident_cadres = plan.resident_cadres or ((self._new_name(plan.surnames, "M", 45), None, None),)
        for name, first, last in resident_cadres:
            where = f"{plan.name}第{first}至第{last}组" if first else plan.name
            self._cadre(
                name,
                DUTIES[Role.RESIDENT_CADRE].format(where=where),
                (Role.RESIDENT_CADRE, {"village": village, "first_group": first, "last_group": last}),
            )
        if plan.secretary == plan.director:
            self._cadre(
                plan.secretary,
                "村党支部书记、村委会主任（“一肩挑”）：全面负责本村网格化服务管理，主持村两委每周工作例会，组织三级公示。",
                (Role.VILLAGE_SECRETARY, {"village": village}),
                (Role.VILLAGE_DIRECTOR, {"village": village}),
            )
        else:
            self._cadre(plan.secretary, DUTIES[Role.VILLAGE_SECRETARY], (Role.VILLAGE_SECRETARY, {"village": village}))
            self._cadre(plan.director, DUTIES[Role.VILLAGE_DIRECTOR], (Role.VILLAGE_DIRECTOR, {"village": village}))
        member, title = plan.committee_member
        self._cadre(
            member, DUTIES[Role.COMMITTEE_MEMBER].format(title=title), (Role.COMMITTEE_MEMBER, {"village": village})
        )

        built_grids = []
        for grid, grid_plan in zip(grids, plan.grids, strict=True):
            where = f"{plan.name}{grid.name}"
            leader_name = grid_plan.leader or self._new_name(plan.surnames, "M", 42)
            leader = self._cadre(
                leader_name, DUTIES[Role.GRID_LEADER].format(where=where), (Role.GRID_LEADER, {"grid": grid})
            )
            member_names = grid_plan.members or tuple(
                self._new_name(plan.surnames, self.rng.choice("MF"), 38) for _ in range(self.rng.randint(1, 3))
            )
            members = [
                self._cadre(name, DUTIES[Role.GRID_MEMBER].format(where=where), (Role.GRID_MEMBER, {"grid": grid}))
                for name in member_names
            ]
            if grid.number % 2 == 0 or grid_plan.profile != "normal":
                self._cadre(
                    self._new_name(plan.surnames, self.rng.choice("MF"), 50),
                    DUTIES[Role.INFORMATION_OFFICER].format(where=where),
                    (Role.INFORMATION_OFFICER, {"grid": grid}),
                )
                self._cadre(
                    self._new_name(plan.surnames, "M", 60),
                    DUTIES[Role.SUPERVISOR].format(where=where),
                    (Role.SUPERVISOR, {"grid": grid}),
                )
            grid_groups = [g for g in groups if g.grid_id == grid.pk]
            representatives = {
                group.pk: self._cadre(
                    self._new_name(plan.surnames, self.rng.choice("MMF"), 52),
                    DUTIES[Role.REPRESENTATIVE].format(where=f"{plan.name}{group.name}"),
                    (Role.REPRESENTATIVE, {"group": group}),
                )
                for group in grid_groups
            }
            built_grids.append(
                {
                    "grid": grid,
                    "plan": grid_plan,
                    "groups": grid_groups,
                    "carers": [leader, *members],
                    "reps": representatives,
                }
            )
        return {"village": village, "plan": plan, "grids": built_grids}

    def _cadre(self, name, duties, *posts):
        cadre = Cadre(
            township=self.township, name=name, name_pinyin=self._pinyin(name)[0], phone=self._mobile(), duties=duties
        )
        self.cadre_names.add(name)
        self.cadres.append(cadre)
        for role, where in posts:
            self.posts.append(Post(cadre=cadre, role=role, township=self.township, started_on=POSTS_START, **where))
        return cadre

    def _save_cadres(self):
        User = get_user_model()
        users = []
        for cadre in self.cadres:
            username = self._username(cadre.name_pinyin or "cadre")
            users.append(User(username=username, first_name=cadre.name, password=self.password_hash))
        users = User.objects.bulk_create(users)
        for cadre, user in zip(self.cadres, users, strict=True):
            cadre.user = user
        Cadre.objects.bulk_create(self.cadres)
        Post.objects.bulk_create(self.posts)

    def _username(self, base):
        candidates = itertools.chain([base], (f"{base}{n}" for n in itertools.count(2)))
        username = next(c for c in candidates if c not in self.usernames)
        self.usernames.add(username)
        return username

    def _ensure_admin(self):
        User = get_user_model()
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create(
                username=ADMIN_USERNAME,
                email=ADMIN_EMAIL,
                password=self.password_hash,
                is_staff=True,
                is_superuser=True,
            )

    def _build_households(self, plan, grid_info, count):
        groups = grid_info["groups"]
        weights = [self.rng.uniform(0.7, 1.3) for _ in groups]
        carers = itertools.cycle(grid_info["carers"])
        for group, n in zip(groups, _scale(weights, count), strict=True):
            house_number = 0
            representative = grid_info["reps"][group.pk]
            contacts = min(n, self.rng.randint(30, 40))
            for index in range(n):
                house_number += self.rng.choice((1, 1, 1, 2, 3))
                household = self._household(plan, grid_info["plan"].profile, group, house_number)
                household.responsible_cadre = next(carers)
                household.contact_representative = representative if index < contacts else None

    def _household(self, plan, profile, group, house_number):
        rng = self.rng
        roll = rng.random()
        if roll < FLOATING_SHARE[profile]:
            residence, region = Household.Residence.FLOATING, rng.choice(ORIGIN_REGIONS)
            size = rng.choices(range(1, 7), HOUSEHOLD_SIZES["small"])[0]
            surnames = COMMON_SURNAMES
        else:
            residence = (
                Household.Residence.SEPARATED
                if roll < FLOATING_SHARE[profile] + SEPARATED_SHARE
                else Household.Residence.REGISTERED
            )
            region = TOWNSHIP["region_code"]
            size = rng.choices(range(1, 7), HOUSEHOLD_SIZES[profile])[0]
            surnames = plan.surnames | {k: 1 for k in COMMON_SURNAMES if k not in plan.surnames}
        people = self._family(size, residence, surnames)
        names = [self._person_name(p) for p in people]
        phone = "" if (size == 1 and people[0].age >= 75 and rng.random() < 0.5) else self._mobile()
        household = Household(
            head_name=names[0],
            address=f"{plan.name}{group.name}{house_number}号",
            phone=phone,
            residence=residence,
        )
        household.place_in_group(group)
        household.head_pinyin, household.head_initials = self._pinyin(names[0])
        residents = []
        for index, (person, name) in enumerate(zip(people, names, strict=True)):
            id_number = self._id_number(region, person)
            resident_phone = phone if index == 0 else ""
            if index and 18 <= person.age <= 70 and rng.random() < 0.6:
                resident_phone = self._mobile()
            name_pinyin, name_initials = self._pinyin(name)
            resident = Resident(
                household=household,
                name=name,
                name_pinyin=name_pinyin,
                name_initials=name_initials,
                id_number=identity.normalize_id_number(id_number),
                id_last4=id_number[-4:],
                birth_date=identity.birth_date_from_id(id_number),
                sex=identity.sex_from_id(id_number),
                phone=resident_phone,
                relation=person.relation,
                status=person.status,
            )
            residents.append(resident)
        household_codes, resident_codes = self._care(people, residence)
        self.household_rows.append((household, residents, household_codes, resident_codes))
        return household

    def _family(self, size, residence, surnames):
        rng = self.rng
        floating = residence == Household.Residence.FLOATING
        head_sex = "M" if rng.random() < (0.55 if size == 1 else 0.85) else "F"
        if size == 1:
            if floating:
                head_age = rng.randint(20, 45)
            else:
                head_age = rng.randint(62, 92) if rng.random() < 0.65 else rng.randint(24, 61)
        elif floating:
            head_age = rng.randint(21, 50)
        else:
            head_age = rng.randint(26, 74)
        family_surname = self._surname(surnames)
        head = _Person(Resident.Relation.HEAD, head_sex, head_age, family_surname)
        people = [head]
        if size >= 2 and (size >= 3 or rng.random() < 0.85):
            spouse_age = head_age + (rng.randint(-6, 2) if head_sex == "M" else rng.randint(-2, 6))
            spouse_sex = "F" if head_sex == "M" else "M"
            spouse = _Person(
                Resident.Relation.SPOUSE, spouse_sex, max(20, spouse_age), self._married_surname(family_surname)
            )
            if head_sex == "F":
                head.surname, spouse.surname = spouse.surname, head.surname
            people.append(spouse)
        younger = min(p.age for p in people if p.relation in ("head", "spouse"))
        slots = size - len(people)
        children = []
        if head_age <= 52 or floating:
            age = younger - rng.randint(22, 32)
            for _ in range(min(slots, 3)):
                children.append(max(0, age))
                age -= rng.randint(1, 5)
                if age < 0:
                    break
            for child_age in children:
                people.append(_Person(Resident.Relation.CHILD, rng.choice("MF"), child_age, family_surname))
            slots = size - len(people)
            father_age = head_age + rng.randint(24, 32)
            parent_ages = [min(96, father_age), min(95, father_age - rng.randint(-1, 5))]
            for sex, age in zip("MF", parent_ages[:slots], strict=False):
                people.append(
                    _Person(
                        Resident.Relation.PARENT,
                        sex,
                        age,
                        head.surname if sex == "M" else self._married_surname(head.surname),
                    )
                )
        else:
            son_age = None
            for _ in range(min(slots, 2)):
                sex = "M" if rng.random() < 0.6 else "F"
                age = max(18, younger - rng.randint(23, 33))
                people.append(_Person(Resident.Relation.CHILD, sex, age, family_surname))
                if sex == "M" and son_age is None:
                    son_age = age
            slots = size - len(people)
            if slots and son_age and son_age >= 22:
                people.append(
                    _Person(
                        Resident.Relation.CHILD_IN_LAW,
                        "F",
                        max(20, son_age + rng.randint(-4, 2)),
                        self._married_surname(family_surname),
                    )
                )
            slots = size - len(people)
            grandchild_age = max(0, (son_age or younger - 25) - rng.randint(22, 30))
            for _ in range(slots):
                people.append(_Person(Resident.Relation.GRANDCHILD, rng.choice("MF"), grandchild_age, family_surname))
                grandchild_age = max(0, grandchild_age - rng.randint(1, 4))
        while len(people) < size:
            people.append(
                _Person(
                    Resident.Relation.SIBLING, rng.choice("MF"), max(18, head_age + rng.randint(-8, 8)), family_surname
                )
            )
        self._set_status(people, residence)
        return people

    def _set_status(self, people, residence):
        Status = Resident.Status
        if residence == Household.Residence.FLOATING:
            status = dict.fromkeys(range(len(people)), Status.FLOATING)
        elif residence == Household.Residence.SEPARATED:
            status = dict.fromkeys(range(len(people)), Status.SEPARATED)
        else:
            status = {}
            workers = [i for i, p in enumerate(people) if 18 <= p.age <= 55]
            dependants = [i for i, p in enumerate(people) if p.age < 16 or p.age >= 60]
            if workers and dependants and self.rng.random() < 0.2:
                for i in workers:
                    if people[i].sex == "M" or self.rng.random() < 0.5:
                        status[i] = Status.SEPARATED
                for i in range(len(people)):
                    status.setdefault(i, Status.LEFT_BEHIND)
        for i, person in enumerate(people):
            person.status = status.get(i, Status.REGISTERED)

    def _care(self, people, residence):
        rng = self.rng
        head = people[0]
        local = residence != Household.Residence.FLOATING
        codes, resident_codes = set(), {}
        if not local:
            codes.add(Code.MIGRANT)
        if local and all(p.age >= 60 for p in people) and len(people) <= 2 and rng.random() < 0.5:
            codes.add(Code.ELDERLY_ALONE)
            for i in range(len(people)):
                resident_codes.setdefault(i, set()).add(Code.ELDERLY_ALONE)
        if local and len(people) == 1 and head.age >= 60 and rng.random() < 0.15:
            codes.add(Code.FIVE_GUARANTEE)
        if local and rng.random() < (0.16 if Code.ELDERLY_ALONE in codes else 0.08):
            codes.add(Code.LOW_INCOME)
        if rng.random() < 0.04:
            codes.add(Code.DISABLED)
            resident_codes.setdefault(rng.randrange(len(people)), set()).add(Code.DISABLED)
        if local and rng.random() < 0.03:
            codes.add(Code.NEEDY)
        if local and rng.random() < 0.02:
            codes.add(Code.KEY_ASSISTANCE)
        adults = [p for p in people if 18 <= p.age <= 70]
        if adults:
            for code, chance in SENSITIVE_CHANCES:
                if rng.random() < chance:
                    codes.add(code)
        return codes, resident_codes

    def _save_households(self):
        rows = self.household_rows
        Household.objects.bulk_create([household for household, _, _, _ in rows], batch_size=1000)
        Resident.objects.bulk_create([r for _, residents, _, _ in rows for r in residents], batch_size=1000)
        HouseholdCategory = Household.categories.through
        ResidentCategory = Resident.categories.through
        household_links, resident_links = [], []
        for household, residents, codes, resident_codes in rows:
            for code in sorted(codes):
                household_links.append(
                    HouseholdCategory(household_id=household.pk, carecategory_id=self.categories[code].pk)
                )
            for index, person_codes in sorted(resident_codes.items()):
                for code in sorted(person_codes):
                    resident_links.append(
                        ResidentCategory(resident_id=residents[index].pk, carecategory_id=self.categories[code].pk)
                    )
        HouseholdCategory.objects.bulk_create(household_links, batch_size=1000)
        ResidentCategory.objects.bulk_create(resident_links, batch_size=1000)

    def _build_places(self, villages):
        places = []
        for built in villages:
            plan = built["plan"]
            grids = {g["grid"].number: g for g in built["grids"]}
            for kind, name, grid_number in plan.places:
                grid = grids[grid_number]
                group = self.rng.choice(grid["groups"])
                places.append(
                    Place(
                        grid=grid["grid"],
                        kind=kind,
                        name=name,
                        address=f"{plan.name}{group.name}",
                        contact_name=self._new_name(plan.surnames, self.rng.choice("MF"), 45, cadre=False),
                        contact_phone=self._mobile(),
                    )
                )
        Place.objects.bulk_create(places)

    def _build_moves(self, villages):
        moves = (
            (0, 9, 2, datetime.date(2025, 3, 15), "分户后迁入第9组新建住宅"),
            (1, 6, 5, datetime.date(2025, 8, 2), "原住房列入危房改造，搬入亲属房屋"),
        )
        records = []
        for village_index, to_number, from_number, moved_on, reason in moves:
            built = villages[village_index]
            groups = {g.number: (g, info) for info in built["grids"] for g in info["groups"]}
            if to_number not in groups or from_number not in groups:
                continue
            to_group, info = groups[to_number]
            household = Household.objects.filter(group=to_group).order_by("id").first()
            if household is None:
                continue
            records.append(
                HouseholdMove(
                    household=household,
                    from_group=groups[from_number][0],
                    to_group=to_group,
                    moved_on=moved_on,
                    reason=reason,
                    moved_by=info["carers"][0].user,
                )
            )
        HouseholdMove.objects.bulk_create(records)

    def _pinyin(self, name):
        if name not in self.pinyin_cache:
            self.pinyin_cache[name] = pinyin.name_keys(name)
        return self.pinyin_cache[name]

    def _surname(self, weights):
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _married_surname(self, family_surname):
        while True:
            surname = self._surname(MARRIAGE_SURNAMES)
            if surname != family_surname:
                return surname

    def _given_name(self, sex, age):
        era = "old" if age >= 45 else "young" if age < 30 else self.rng.choice(("old", "young"))
        chars = GIVEN_NAMES[(sex, era)]
        return "".join(self.rng.sample(chars, 1 if self.rng.random() < 0.15 else 2))

    def _person_name(self, person):
        return person.surname + self._given_name(person.sex, person.age)

    def _new_name(self, surnames, sex, age, cadre=True):
        while True:
            name = self._surname(surnames) + self._given_name(sex, age + self.rng.randint(-10, 10))
            if not cadre or name not in self.cadre_names:
                if cadre:
                    self.cadre_names.add(name)
                return name

    def _mobile(self):
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if number in self.phones:
                continue
            try:
                identity.validate_mobile(number)
            except Exception:
                continue
            self.phones.add(number)
            return number

    def _id_number(self, region, person):
        days = person.age * 365 + person.age // 4 + self.rng.randrange(365)
        birth = REFERENCE_DATE - datetime.timedelta(days=days + 1)
        parity = 1 if person.sex == "M" else 0
        while True:
            number = identity.make_id_number(region, birth, self.rng.randrange(500) * 2 + parity)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
