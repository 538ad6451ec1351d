"""Demo cases for the demo township 青山乡: about fifty matters of a township's grid work, in every
procedure and every status, with real timelines.

Every case is registered and moved by the services (`cases/services.py`), as the demo township's
own cadres: the grid leader of the grid, its members and representatives, the village committees,
the township centre (黄志强, 林雅琴) and the departments (民政办 苏美玲, 派出所 洪伟东). Only the
clock is the story's: each step happens at a moment in the past, which every service takes as
`now`, so the deadlines it sets and the events it writes are dated as the story says.
Times are counted back from `now`; the steps of the working day fall in working hours, emergencies
happen when they happen.

Chosen on purpose: 郑荣村 第一网格 (郑章木) has the longest queue, with a case past its limit and
one due soon; one emergency waits for the township centre to acknowledge it; one extension waits
for a decision at each of two levels; approvals stand at every step from collecting the papers to
the end of the public notice, one notice with an objection. What varies (which household, the
minutes) comes from `rng`, so the same seed gives the same cases.

The automatic escalation (`services.escalate_overdue`) is not run here: it acts on every township in
the database, so the overdue cases stand where their handlers left them.
"""

import contextlib
import datetime
import logging
import random

from django.conf import settings
from django.utils import timezone, translation

from villages.models import CareCategory, Grid, Household, Place, Post, Resident, Village

from . import services
from .models import Case, Category, Channel
from .workflow import Level, Procedure

MINUTE, HOUR, DAY = datetime.timedelta(minutes=1), datetime.timedelta(hours=1), datetime.timedelta(days=1)
Role = Post.Role
Code = CareCategory.Code
GENERAL, COORDINATION, EMERGENCY, APPROVAL = (
    Procedure.GENERAL,
    Procedure.COORDINATION,
    Procedure.EMERGENCY,
    Procedure.APPROVAL,
)
CIVIL_AFFAIRS, POLICE = "民政办", "派出所"
WORK_STARTS, WORK_ENDS = datetime.time(7, 30), datetime.time(19, 30)


def build_demo_cases(township, rng, now):
    """Create the demo cases of `township` as they stand at `now`; return how many there are.
    A township that already has cases is left as it is."""
    if Case.objects.filter(township=township).exists():
        return Case.objects.filter(township=township).count()
    builder = _Builder(township, rng, now)
    # What the services write in words (an extension's note) is in the portal's language, as for
    # its users, whatever language the caller (seed_demo prints in English) has switched to.
    with quiet("cases.services", "villages.services"), translation.override(settings.LANGUAGE_CODE):
        for story in STORIES:
            story(builder)
    return Case.objects.filter(township=township).count()


@contextlib.contextmanager
def quiet(*names):
    """The services log every step at INFO for the operators; the demo's hundreds of steps are not
    news to them (warnings still pass)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class _Builder:
    """The township's places and people, looked up once, and the clock of the stories."""

    def __init__(self, township, rng, now):
        self.township, self.rng, self.now = township, rng, now
        # The minutes have a stream of their own: which households and people a story takes must not
        # depend on the hour the demo is built at.
        self.clock = random.Random(rng.getrandbits(64))
        self.villages = {v.name: v for v in Village.objects.filter(township=township)}
        self.grids = {
            (g.village.name, g.number): g
            for g in Grid.objects.filter(village__township=township).select_related("village")
        }
        self.places = {p.name: p for p in Place.objects.filter(grid__village__township=township).order_by("pk")}
        self.households = {}
        for household in Household.objects.filter(township=township).select_related("group").order_by("pk"):
            self.households.setdefault(household.grid_id, []).append(household)
        links = Household.categories.through.objects.filter(household__township=township)
        self.codes = {}
        for household_id, code in links.values_list("household_id", "carecategory__code"):
            self.codes.setdefault(household_id, set()).add(code)
        self.used = set()
        self._load_people()

    def _load_people(self):
        """The users holding each post now: one object per user, so each jurisdiction is built once."""
        users = {}
        self.by_grid, self.by_village, self.by_contact, self.township_staff, self.officers = {}, {}, {}, [], {}
        posts = (
            Post.objects.current()
            .filter(township=self.township, cadre__user__isnull=False, cadre__user__is_active=True)
            .select_related("cadre__user")
            .order_by("pk")
        )
        for post in posts:
            user = users.setdefault(post.cadre.user_id, post.cadre.user)
            if post.role == Role.TOWNSHIP_STAFF:
                self.township_staff.append(user)
            elif post.role == Role.DEPARTMENT_OFFICER:
                self.officers.setdefault(post.department, user)
            elif post.grid_id:
                self.by_grid.setdefault((post.grid_id, post.role), []).append(user)
            elif post.village_id:
                self.by_village.setdefault((post.village_id, post.role), []).append(user)
            elif post.role == Role.REPRESENTATIVE:
                self.by_contact[post.cadre_id] = user

    # --- who --------------------------------------------------------------------------------

    def grid(self, village, number):
        return self.grids[(village, number)]

    def leader(self, grid):
        return self.by_grid[(grid.pk, Role.GRID_LEADER)][0]

    def member(self, grid):
        """A grid member, or the leader where the grid has none."""
        members = self.by_grid.get((grid.pk, Role.GRID_MEMBER))
        return self.rng.choice(members) if members else self.leader(grid)

    def village_cadre(self, grid, role=Role.VILLAGE_SECRETARY):
        """The holder of a village post in the grid's village (the secretary where the post is empty)."""
        holders = (
            self.by_village.get((grid.village_id, role)) or self.by_village[(grid.village_id, Role.VILLAGE_SECRETARY)]
        )
        return holders[0]

    def secretary(self, grid):
        return self.village_cadre(grid, Role.VILLAGE_SECRETARY)

    def director(self, grid):
        return self.village_cadre(grid, Role.VILLAGE_DIRECTOR)

    def centre(self, index=0):
        """The township centre: 黄志强 (its head) first, then 林雅琴 (its clerk)."""
        return self.township_staff[min(index, len(self.township_staff) - 1)]

    def officer(self, department):
        return self.officers[department]

    def representative(self, household):
        """The villager representative who answers for `household`, if they have a login."""
        if household is None or not household.contact_representative_id:
            return None
        return self.by_contact.get(household.contact_representative_id)

    def household(self, grid, *, codes=(), without=(), contact=False):
        """A household of the grid not yet in a demo case, preferring one with all of `codes`, none
        of `without` and (when `contact`) a representative with a login; None in an empty grid."""
        everyone = self.households.get(grid.pk, [])
        fresh = [h for h in everyone if h.pk not in self.used] or everyone
        if not fresh:
            return None

        def fits(household):
            mine = self.codes.get(household.pk, set())
            return set(codes) <= mine and not (set(without) & mine) and (not contact or self.representative(household))

        chosen = self.rng.choice([h for h in fresh if fits(h)] or fresh)
        self.used.add(chosen.pk)
        return chosen

    # --- when -------------------------------------------------------------------------------

    def when(self, *, ago=None, after=None, previous=None, daytime=True, spread=None):
        """The moment of a step: about `ago` before now, or `after` the previous step. It is drawn
        from `spread` either side (a quarter of the interval, at most ten hours), in working hours
        (07:30–19:30) unless it is an emergency; a window that is all night takes the evening before.
        Always after the previous step and before now."""
        gap = ago if ago is not None else after
        base = self.now - ago if ago is not None else previous + after
        if spread is None:
            spread = min(gap / 4, 10 * HOUR) if daytime else min(gap / 10, 10 * MINUTE)
        floor = previous + MINUTE if previous is not None else None
        lo, hi = base - spread, min(base + spread, self.now - MINUTE)
        if floor is not None:
            lo = max(lo, floor)
        moment = None
        if lo < hi:
            moment = self._working_moment(lo, hi) if daytime else lo + (hi - lo) * self.clock.random()
        if moment is None and daytime and lo < hi:
            moment = self._evening_before(lo)
            if floor is not None and moment <= floor:
                moment = None
        if moment is None:
            moment = (floor or base) + self.clock.randint(5, 25) * MINUTE
        return min(moment, self.now - MINUTE)

    def _working_moment(self, lo, hi):
        """A moment between `lo` and `hi` in working hours, evenly drawn; None if there is none."""
        zone = timezone.get_current_timezone()
        spans, day = [], timezone.localtime(lo, zone).date()
        while day <= timezone.localtime(hi, zone).date():
            start = max(lo, datetime.datetime.combine(day, WORK_STARTS, tzinfo=zone))
            end = min(hi, datetime.datetime.combine(day, WORK_ENDS, tzinfo=zone))
            if start < end:
                spans.append((start, end))
            day += datetime.timedelta(days=1)
        if not spans:
            return None
        pick = sum((end - start for start, end in spans), datetime.timedelta()) * self.clock.random()
        for start, end in spans:
            if pick < end - start:
                return start + pick
            pick -= end - start
        return spans[-1][1]

    def _evening_before(self, moment):
        """The end of the working day before a night `moment`."""
        zone = timezone.get_current_timezone()
        local = timezone.localtime(moment, zone)
        day = local.date() if local.time() >= WORK_ENDS else local.date() - datetime.timedelta(days=1)
        return datetime.datetime.combine(day, WORK_ENDS, tzinfo=zone) - self.clock.randint(0, 40) * MINUTE

    # --- what -------------------------------------------------------------------------------

    def open(
        self,
        *,
        actor,
        procedure,
        category,
        summary,
        description="",
        grid=None,
        household=None,
        place=None,
        location="",
        channel=Channel.VISIT,
        result="",
        start_level=None,
        ago=None,
        at=None,
        daytime=True,
        deceased=None,
    ):
        """Register a case as `actor` at `ago` before now (or `at`); `deceased` reports a death,
        which the registry records too."""
        case = Case(
            grid=grid,
            household=household,
            place=place,
            location=location,
            procedure=procedure,
            category=category,
            channel=channel,
            summary=summary,
            description=description,
        )
        if household is not None:
            case.resident_name, case.resident_phone = household.head_name, household.phone
        moment = at or self.when(ago=ago, daytime=daytime)
        if deceased is not None:
            case = services.report_death(actor=actor, case=case, resident=deceased, now=moment)
        else:
            case = services.open_case(actor=actor, case=case, result=result, start_level=start_level, now=moment)
        return _Story(self, case, moment)


class _Story:
    """One case as it moves: each step sets the clock, then runs the service."""

    def __init__(self, builder, case, moment):
        self.builder, self.case, self.at = builder, case, moment

    def _moment(self, ago, after, daytime):
        self.at = self.builder.when(ago=ago, after=after, previous=self.at, daytime=daytime)
        return self.at

    def step(self, actor, name, *, ago=None, after=None, note="", department="", daytime=True):
        moment = self._moment(ago, after, daytime)
        self.case = services.transition(
            actor=actor,
            case=self.case,
            name=name,
            version=self.case.version,
            note=note,
            department=department,
            now=moment,
        )
        return self

    def note(self, actor, text, *, ago=None, after=None, objection=False, daytime=True):
        moment = self._moment(ago, after, daytime)
        services.add_note(
            actor=actor, case=self.case, note=text, objection=objection, version=self.case.version, now=moment
        )
        self.case = Case.objects.get(pk=self.case.pk)
        return self

    def assign(self, actor, assignee, *, ago=None, after=None):
        moment = self._moment(ago, after, True)
        self.case = services.assign(
            actor=actor, case=self.case, version=self.case.version, assignee=assignee, now=moment
        )
        return self

    def ask_extension(self, actor, days, reason, *, ago=None, after=None):
        moment = self._moment(ago, after, True)
        services.request_extension(
            actor=actor, case=self.case, version=self.case.version, days=days, reason=reason, now=moment
        )
        self.case = Case.objects.get(pk=self.case.pk)
        return self

    def decide_extension(self, actor, approve, note="", *, ago=None, after=None):
        moment = self._moment(ago, after, True)
        services.decide_extension(
            actor=actor, case=self.case, version=self.case.version, approve=approve, note=note, now=moment
        )
        self.case = Case.objects.get(pk=self.case.pk)
        return self


def _head(household, fallback="村民"):
    return household.head_name if household else fallback


def _local(builder, days_ago, hour, minute):
    """A moment on the clock `days_ago` days before now's date, in the township's time."""
    zone = timezone.get_current_timezone()
    day = timezone.localtime(builder.now, zone).date() - datetime.timedelta(days=days_ago)
    return min(datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone), builder.now - HOUR)


# --- 郑荣村 第一网格: 郑章木's queue ------------------------------------------------------------


def zr_eaves_dispute(b):
    grid = b.grid("郑荣村", 1)
    h, neighbour = b.household(grid), b.household(grid)
    b.open(
        grid=grid,
        actor=b.leader(grid),
        ago=12 * DAY,
        procedure=GENERAL,
        category=Category.DISPUTE,
        household=h,
        summary=f"{_head(h)}户与邻居{_head(neighbour)}因屋檐滴水发生口角",
        description=f"两户房屋相距不足一米，{_head(h)}家新修的屋檐雨天滴水落入{_head(neighbour)}家院内，双方在巷口争吵。",
        result=f"网格长到场调解，{_head(h)}户同意加装接水槽并清理院内积水，双方当场和解。",
    )


def zr_drain_reopened(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid)
    (
        b.open(
            grid=grid,
            actor=b.member(grid),
            ago=5 * DAY,
            procedure=GENERAL,
            category=Category.ENVIRONMENT,
            channel=Channel.PATROL,
            household=h,
            summary=f"{_head(h)}户房前排水沟堵塞，雨天积水",
            description="巡查发现房前排水沟被枯枝和生活垃圾堵住，雨天积水漫到路面。",
            result="网格员组织两户清理沟内淤泥和杂物，排水恢复。",
        )
        .step(
            b.leader(grid),
            "reopen",
            ago=36 * HOUR,
            note="住户反映昨夜下雨后仍然积水，沟底有一段塌陷，需要重新处理。",
        )
        .note(b.leader(grid), "已联系村里安排小型挖机，明天上午修复塌陷段。", ago=16 * HOUR)
    )


def zr_streetlights_phoned_in(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid)
    b.open(
        grid=grid,
        actor=b.director(grid),
        ago=6 * HOUR,
        procedure=COORDINATION,
        category=Category.INFRASTRUCTURE,
        channel=Channel.PHONE,
        household=h,
        location="郑荣村第3组村道",
        start_level=Level.GRID,
        summary="第3组村道路灯连续多晚不亮",
        description=f"{_head(h)}来电反映第3组村道有4盏路灯已一周不亮，夜间老人小孩出行不便。请网格先核实损坏数量和原因。",
    )


def zr_old_wiring_overdue(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid, codes=[Code.ELDERLY_ALONE])
    leader = b.leader(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=4 * DAY,
            procedure=COORDINATION,
            category=Category.HAZARD,
            household=h,
            summary=f"{_head(h)}户老屋电线老化裸露，存在触电和火灾隐患",
            description=(
                f"入户走访发现{_head(h)}家老屋仍用几十年前的铝芯线，多处绝缘层开裂，灶房线路紧挨柴堆。"
                "户主年老，无力自行更换。"
            ),
        ).note(leader, "已叮嘱户主暂停使用灶房电灯，联系供电所电工上门查看，尚未答复。", ago=2 * DAY)
    )


def zr_homestead_due_soon(b):
    grid = b.grid("郑荣村", 1)
    h, neighbour = b.household(grid), b.household(grid)
    leader = b.leader(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=60 * HOUR,
            procedure=COORDINATION,
            category=Category.DISPUTE,
            household=h,
            summary=f"{_head(h)}户与{_head(neighbour)}户宅基地界址纠纷",
            description=(
                f"{_head(h)}户翻建厨房打地基，{_head(neighbour)}户认为越过原界址约半米，双方多次争吵，工程已停工。"
            ),
        ).note(leader, "已调取两户宅基地确权图，约定与村两委一起现场丈量。", ago=30 * HOUR)
    )


def zr_irrigation_at_the_representative(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid, contact=True)
    representative = b.representative(h)
    b.open(
        grid=grid,
        actor=representative or b.leader(grid),
        ago=8 * HOUR,
        procedure=COORDINATION,
        category=Category.DISPUTE,
        household=h,
        summary=f"{_head(h)}户灌溉水渠被上游邻户堵住",
        description=f"{_head(h)}反映上游邻户在水渠中筑土坝拦水灌田，自家秧田缺水，两家已争吵过一次。",
    )


def zr_dibao_collecting_overdue(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid, without=[Code.LOW_INCOME])
    leader = b.leader(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=6 * DAY + 12 * HOUR,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请农村最低生活保障",
            description=(
                f"户主{_head(h)}因病丧失劳动能力，配偶务农，两个孩子在读，家庭收入低，申请纳入农村低保。"
                "网格收集户口簿、身份证、收入证明和病历材料。"
            ),
        ).note(leader, "户口簿、身份证复印件已收齐，尚缺县医院诊断证明，家属答应本周内补交。", ago=3 * DAY)
    )


def zr_relief_returned(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid, without=[Code.LOW_INCOME])
    member = b.member(grid)
    director = b.director(grid)
    (
        b.open(
            grid=grid,
            actor=member,
            ago=4 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户因病申请临时救助",
            description=f"{_head(h)}家中老人突发脑溢血住院，自付医疗费用约4万元，家庭无力承担，申请临时救助。",
        )
        .step(member, "submit_for_verification", ago=3 * DAY)
        .step(director, "accept", ago=60 * HOUR)
        .step(
            director,
            "send_back",
            ago=20 * HOUR,
            note="缺少住院费用发票原件和医保报销结算单，请网格补齐后重新提交。",
        )
    )


def zr_leaking_roof_closed(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid, codes=[Code.ELDERLY_ALONE])
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=20 * DAY,
            procedure=COORDINATION,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"独居老人{_head(h)}家屋顶漏雨，生活困难",
            description=(
                f"{_head(h)}独居，房屋为七十年代土木结构，屋顶瓦片破损，雨天多处漏雨。老人靠养老金生活，无力修缮。"
            ),
        )
        .step(leader, "escalate", after=3 * HOUR, note="修缮需要资金，并需申请救助，网格无法解决，请村里协调。")
        .step(secretary, "accept", after=5 * HOUR)
        .step(
            secretary,
            "dispatch",
            after=20 * HOUR,
            note="申请临时救助，并纳入农村危房改造摸底，请民政办审核。",
            department=CIVIL_AFFAIRS,
        )
        .step(officer, "accept", after=DAY)
        .step(
            officer,
            "resolve",
            ago=12 * DAY,
            note="已发放临时救助金2000元，并协调村里组织党员志愿者更换屋面瓦片，屋顶不再漏雨。",
        )
        .step(leader, "confirm_satisfied", ago=11 * DAY)
    )


def zr_pond_emergency_closed(b):
    grid = b.grid("郑荣村", 1)
    leader, head = b.leader(grid), b.centre(0)
    (
        b.open(
            actor=leader,
            at=_local(b, 9, 2, 10),
            procedure=EMERGENCY,
            category=Category.HAZARD,
            channel=Channel.PATROL,
            grid=grid,
            location="郑荣村第4组后山山塘",
            summary="第4组后山山塘水位暴涨，坝脚渗水",
            description="连续强降雨，山塘水位已接近坝顶，坝脚有两处渗水点，下游住有3户村民。",
        )
        .step(head, "accept", after=18 * MINUTE, daytime=False)
        .note(leader, "已组织下游3户9人转移到村部安置，坝上安排两人值守。", after=40 * MINUTE, daytime=False)
        .step(
            head,
            "resolve",
            after=5 * HOUR,
            note="乡水利站人员到场开启放水涵，水位回落；渗水点已用沙袋压实，天晴后安排专业检测。",
            daytime=False,
        )
        .step(leader, "confirm_satisfied", ago=8 * DAY)
    )


def zr_dibao_closed_after_notice(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid, codes=[Code.DISABLED], without=[Code.LOW_INCOME])
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=40 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请农村最低生活保障（残疾人家庭）",
            description=f"{_head(h)}家中有一名残疾人需长期照料，家庭主要劳动力无法外出务工，申请纳入农村低保。",
        )
        .step(leader, "submit_for_verification", ago=38 * DAY)
        .step(secretary, "accept", ago=37 * DAY)
        .step(secretary, "verify_and_submit", ago=35 * DAY, department=CIVIL_AFFAIRS)
        .step(officer, "accept", ago=34 * DAY)
        .step(
            officer,
            "decide",
            ago=24 * DAY,
            note="经入户核查和村民代表民主评议，同意纳入农村低保，保障人口2人，自次月起按月发放。",
        )
        .step(officer, "publish_notice", ago=23 * DAY)
        .step(officer, "close_notice", ago=15 * DAY)
    )


def zr_birth(b):
    grid = b.grid("郑荣村", 1)
    h = b.household(grid)
    baby = b.rng.choice(("男婴", "女婴"))
    b.open(
        grid=grid,
        actor=b.member(grid),
        ago=3 * DAY,
        procedure=GENERAL,
        category=Category.POPULATION,
        household=h,
        summary=f"{_head(h)}户新添一名{baby}",
        description=f"{_head(h)}家儿媳在县医院顺产一名{baby}，母子平安。",
        result="已登记出生信息，提醒家属在出生一个月内到派出所申报户口，并办理新生儿医保参保。",
    )


def zr_death(b):
    """An elder of the grid dies: the case records it and the registry marks them deceased. The
    oldest of the grid first; in a small registry, an elder elsewhere in the township."""
    grid = b.grid("郑荣村", 1)
    today = timezone.localtime(b.now).date()
    elders = (
        Resident.objects.filter(
            household__township=b.township,
            birth_date__lte=datetime.date(today.year - 70, today.month, 1),
            status__in=[Resident.Status.REGISTERED, Resident.Status.LEFT_BEHIND],
        )
        .exclude(relation=Resident.Relation.HEAD)
        .exclude(household_id__in=b.used)
        .select_related("household__grid")
        .order_by("birth_date", "pk")
    )
    candidates = list(elders.filter(household__grid=grid)[:3]) or list(elders[:3])
    if not candidates:  # a registry without elders: the case alone
        h = b.household(grid)
        b.open(
            grid=grid,
            actor=b.leader(grid),
            ago=6 * DAY,
            procedure=GENERAL,
            category=Category.POPULATION,
            household=h,
            summary=f"{_head(h)}户老人病故",
            result="已上门慰问家属，告知办理死亡证明、户口注销和养老保险停发手续。",
        )
        return
    resident = b.rng.choice(candidates)
    b.used.add(resident.household_id)
    born = resident.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    b.open(
        grid=resident.household.grid,
        actor=b.leader(resident.household.grid),
        ago=6 * DAY,
        procedure=GENERAL,
        category=Category.POPULATION,
        household=resident.household,
        deceased=resident,
        summary=f"{resident.name}因病去世",
        description=(
            f"{resident.name}（{age}岁）于家中病故。已上门慰问家属，告知办理死亡证明、户口注销和养老保险停发手续。"
        ),
    )


# --- 郑荣村 第二网格 ---------------------------------------------------------------------------


def zr2_scuffle_at_the_police(b):
    grid = b.grid("郑荣村", 2)
    h, other = b.household(grid), b.household(grid)
    leader, director, officer = b.leader(grid), b.director(grid), b.officer(POLICE)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=5 * DAY,
            procedure=COORDINATION,
            category=Category.DISPUTE,
            household=h,
            summary=f"{_head(h)}户与{_head(other)}户酒后口角引发推搡",
            description=(
                f"两户为邻居，因琐事积怨。{_head(other)}酒后到{_head(h)}家门口叫骂，双方推搡，{_head(h)}手臂擦伤。"
                "双方情绪激动，有再次冲突的可能。"
            ),
        )
        .step(leader, "escalate", after=4 * HOUR, note="双方不接受网格调解，存在激化风险，请村里处理。")
        .step(director, "accept", after=3 * HOUR)
        .step(
            director,
            "dispatch",
            ago=4 * DAY,
            note="涉及人身伤害，请派出所依法处理并参与调解。",
            department=POLICE,
        )
        .step(officer, "accept", ago=84 * HOUR)
        .note(officer, "已分别询问双方和在场村民，伤情轻微；约定下周在村调解室联合调解。", ago=2 * DAY)
    )


def zr2_dibao_notice_objection(b):
    grid = b.grid("郑荣村", 2)
    h, neighbour = b.household(grid, without=[Code.LOW_INCOME]), b.household(grid)
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=25 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请农村最低生活保障",
            description=f"{_head(h)}常年患慢性病，配偶打零工，家庭人均收入低于当地低保标准，申请纳入农村低保。",
        )
        .step(leader, "submit_for_verification", ago=23 * DAY)
        .step(secretary, "accept", ago=22 * DAY)
        .step(secretary, "verify_and_submit", ago=20 * DAY, department=CIVIL_AFFAIRS)
        .step(officer, "accept", ago=19 * DAY)
        .step(officer, "decide", ago=6 * DAY, note="经审核，同意纳入农村低保，保障人口3人。")
        .step(officer, "publish_notice", ago=5 * DAY)
        .note(
            leader,
            f"村民{_head(neighbour)}反映申请人儿子在厦门务工、收入稳定，对公示有异议，请民政办核实。",
            ago=2 * DAY,
            objection=True,
        )
    )


# --- 跃进村 ------------------------------------------------------------------------------------


def yj_rubbish_cleared(b):
    grid = b.grid("跃进村", 1)
    b.open(
        actor=b.member(grid),
        ago=8 * DAY,
        procedure=GENERAL,
        category=Category.ENVIRONMENT,
        channel=Channel.PATROL,
        place=b.places.get("跃进村集中供水点"),
        grid=grid,
        summary="集中供水点旁有人堆放生活垃圾",
        description="巡查发现供水点围墙外堆放了几袋生活垃圾和废弃农膜，离取水口不到二十米。",
        result="联系保洁员当天清运，在供水点旁设置“禁止倾倒垃圾”提示牌。",
    )


def yj_water_pressure_at_the_village(b):
    grid = b.grid("跃进村", 1)
    leader = b.leader(grid)
    (
        b.open(
            actor=leader,
            ago=10 * DAY,
            procedure=COORDINATION,
            category=Category.INFRASTRUCTURE,
            place=b.places.get("跃进村集中供水点"),
            grid=grid,
            summary="集中供水点水压不足，地势高的农户经常停水",
            description="第2、3组地势较高的二十多户反映，用水高峰时水龙头基本没水，已持续半个多月。",
        ).step(leader, "escalate", ago=8 * DAY + 12 * HOUR, note="需要更换加压泵，费用网格无法解决，请村里协调。")
    )


def yj_disability_subsidy_at_the_village(b):
    grid = b.grid("跃进村", 2)
    h = b.household(grid, codes=[Code.DISABLED])
    leader = b.leader(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=8 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请残疾人两项补贴",
            description=f"{_head(h)}家中有一名二级肢体残疾人，生活不能自理，申请困难残疾人生活补贴和重度残疾人护理补贴。",
        ).step(leader, "submit_for_verification", ago=6 * DAY)
    )


def yj_farm_road_extended(b):
    grid = b.grid("跃进村", 3)
    leader, secretary = b.leader(grid), b.secretary(grid)
    (
        b.open(
            actor=leader,
            ago=4 * DAY,
            procedure=COORDINATION,
            category=Category.INFRASTRUCTURE,
            channel=Channel.PATROL,
            grid=grid,
            location="跃进村第10组至第11组机耕路",
            summary="机耕路一段路基被雨水冲垮，农用车无法通行",
            description="进村机耕路约15米路基被冲垮，农用车无法通行，正值茶园秋季管护，村民出行不便。",
        )
        .ask_extension(leader, 3, "需等挖机和石料进场，预计本周末完工。", ago=60 * HOUR)
        .decide_extension(secretary, True, "同意延期3天，注意施工安全。", ago=55 * HOUR)
        .note(leader, "石料已运到，挖机明天进场。", ago=DAY)
    )


def yj_streetlight_resolved(b):
    grid = b.grid("跃进村", 2)
    leader = b.leader(grid)
    h = b.household(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=3 * DAY,
            procedure=COORDINATION,
            category=Category.INFRASTRUCTURE,
            household=h,
            location=f"{_head(h)}户门前村道",
            summary="村道路灯损坏，夜间一片漆黑",
            description=f"{_head(h)}反映门前村道两盏路灯不亮，附近是上下学路段。",
        ).step(leader, "resolve", ago=DAY, note="已联系电工更换灯泡和损坏的光控开关，路灯恢复照明。")
    )


def yj_land_rent_dispute_closed(b):
    grid = b.grid("跃进村", 2)
    leader, secretary = b.leader(grid), b.secretary(grid)
    (
        b.open(
            actor=leader,
            ago=9 * DAY,
            procedure=COORDINATION,
            category=Category.UNSTABLE,
            grid=grid,
            location="跃进村茶叶专业合作社流转茶园",
            summary="茶园土地流转租金分配有争议，部分村民扬言集体上访",
            description="合作社流转第5至第8组茶园，部分村民认为租金分配不公开、面积丈量有误，十余人聚集到村部要说法。",
        )
        .step(leader, "escalate", after=4 * HOUR, note="涉及多个村民小组和合作社，请村两委出面协调。")
        .step(secretary, "accept", after=2 * HOUR)
        .step(
            secretary,
            "resolve",
            ago=3 * DAY,
            note="村两委召开村民代表会议，公开流转合同和租金账目，重新丈量有争议地块，分配方案经村民代表签字同意。",
        )
        .step(leader, "confirm_satisfied", ago=2 * DAY)
    )


# --- 东岭村 ------------------------------------------------------------------------------------


def dl_rockfall_resolved(b):
    grid = b.grid("东岭村", 1)
    leader, head = b.leader(grid), b.centre(0)
    (
        b.open(
            actor=leader,
            at=_local(b, 3, 6, 20),
            procedure=EMERGENCY,
            category=Category.HAZARD,
            channel=Channel.PATROL,
            place=b.places.get("东岭石壁地质灾害隐患点"),
            grid=grid,
            summary="石壁隐患点落石，堵塞进村道路",
            description="夜里大雨，石壁隐患点发生落石，约二十方土石堵住岭头自然村唯一进出道路，山体仍有小块滚落。",
        )
        .step(head, "accept", after=15 * MINUTE, daytime=False)
        .note(leader, "已在两端设置警示，劝返过往车辆和行人。", after=25 * MINUTE, daytime=False)
        .step(
            head,
            "resolve",
            after=6 * HOUR,
            note="乡国土所、交通站到场处置，清除落石，道路恢复通行；隐患点安排专人监测，雨天每日报告。",
        )
    )


def dl_lonely_elder_at_civil_affairs(b):
    grid = b.grid("东岭村", 1)
    h = b.household(grid, codes=[Code.ELDERLY_ALONE])
    leader, secretary = b.leader(grid), b.secretary(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=4 * DAY,
            procedure=COORDINATION,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"山区独居老人{_head(h)}行动不便，无人照料",
            description=f"{_head(h)}年过八旬，独居岭头自然村，子女均在外地，近来腿脚不便，做饭、取水都有困难。",
        )
        .step(leader, "escalate", after=5 * HOUR, note="老人需要长期照料，网格只能定期探望，请村里协调。")
        .step(secretary, "accept", ago=3 * DAY)
        .step(
            secretary,
            "dispatch",
            ago=2 * DAY,
            note="建议评估是否纳入特困供养或安排居家养老服务，请民政办处理。",
            department=CIVIL_AFFAIRS,
        )
    )


def dl_chickens_at_the_representative(b):
    grid = b.grid("东岭村", 2)
    h = b.household(grid, contact=True)
    b.open(
        grid=grid,
        actor=b.representative(h) or b.leader(grid),
        ago=2 * DAY,
        procedure=GENERAL,
        category=Category.DISPUTE,
        household=h,
        summary=f"{_head(h)}户鸡鸭跑进邻居菜地引发口角",
        description=f"{_head(h)}家散养的鸡鸭多次跑进邻居菜地啄食菜苗，两家在地头吵了起来。",
        result=f"村民代表到场劝解，{_head(h)}户同意圈养鸡鸭并赔偿菜苗，双方和好。",
    )


def dl_bridge_at_the_township(b):
    grid = b.grid("东岭村", 2)
    leader, director, head = b.leader(grid), b.director(grid), b.centre(0)
    (
        b.open(
            actor=leader,
            ago=16 * DAY,
            procedure=COORDINATION,
            category=Category.HAZARD,
            place=b.places.get("东岭石拱桥"),
            grid=grid,
            summary="东岭石拱桥护栏松动，桥面出现裂缝",
            description="石拱桥一侧护栏有三段松动，桥面出现两条横向裂缝，每天有学生和农用车通过。",
        )
        .step(leader, "escalate", after=5 * HOUR, note="已在桥头设置警示，维修需村里统筹。")
        .step(director, "accept", ago=15 * DAY)
        .step(director, "escalate", ago=14 * DAY, note="维修需要专项资金和专业评估，村里无法解决，请乡里协调。")
        .step(head, "accept", ago=12 * DAY)
        .note(head, "已报县交通运输局申请危桥评估，桥头设置限载5吨警示牌。", ago=8 * DAY)
    )


def dl_dibao_at_civil_affairs(b):
    grid = b.grid("东岭村", 2)
    h = b.household(grid, without=[Code.LOW_INCOME])
    leader, secretary = b.leader(grid), b.secretary(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=9 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请农村最低生活保障",
            description=f"{_head(h)}去年因车祸致残，家庭失去主要收入来源，申请纳入农村低保。",
        )
        .step(leader, "submit_for_verification", ago=7 * DAY)
        .step(secretary, "accept", ago=6 * DAY)
        .step(secretary, "verify_and_submit", ago=2 * DAY, department=CIVIL_AFFAIRS)
    )


# --- 后洋村 ------------------------------------------------------------------------------------


def hy_kindergarten_road_returned(b):
    grid = b.grid("后洋村", 1)
    leader, director = b.leader(grid), b.director(grid)
    clerk, head, officer = b.centre(1), b.centre(0), b.officer(POLICE)
    (
        b.open(
            actor=leader,
            ago=9 * DAY,
            procedure=COORDINATION,
            category=Category.HAZARD,
            place=b.places.get("后洋幼儿园"),
            grid=grid,
            summary="后洋幼儿园门口路段无减速设施，接送时段车速快",
            description="幼儿园大门紧邻县道，接送孩子时段车辆多、车速快，上月有家长电动车被刮倒。",
        )
        .step(leader, "escalate", after=4 * HOUR, note="需在县道设置减速带和警示标志，请村里协调。")
        .step(director, "accept", ago=8 * DAY)
        .step(director, "escalate", ago=7 * DAY, note="涉及县道，村里无权设置，请乡里协调。")
        .step(clerk, "accept", ago=6 * DAY)
        .step(
            head,
            "dispatch",
            ago=5 * DAY,
            note="请派出所协调交警在幼儿园路段设置警示和减速设施。",
            department=POLICE,
        )
        .step(officer, "accept", ago=4 * DAY)
        .step(
            officer,
            "return",
            ago=DAY,
            note="减速带设置属公路部门职责；派出所已在上下学时段安排护学岗。请乡综治中心协调交通站。",
        )
    )


def hy_support_at_the_village(b):
    grid = b.grid("后洋村", 2)
    h = b.household(grid, codes=[Code.ELDERLY_ALONE])
    leader, secretary = b.leader(grid), b.secretary(grid)
    member = b.village_cadre(grid, Role.COMMITTEE_MEMBER)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=5 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}申请特困人员救助供养",
            description=f"{_head(h)}年老无子女，无劳动能力，无生活来源，申请特困人员救助供养。",
        )
        .step(leader, "submit_for_verification", ago=3 * DAY)
        .assign(secretary, member, ago=2 * DAY)
        .note(member, "已入户核实，老人确无法定赡养人，正在收集村民代表评议意见。", ago=DAY)
    )


def hy_dibao_from_the_window(b):
    grid = b.grid("后洋村", 3)
    h = b.household(grid, without=[Code.LOW_INCOME])
    b.open(
        grid=grid,
        actor=b.centre(1),
        ago=DAY,
        procedure=APPROVAL,
        category=Category.CIVIL_AFFAIRS,
        channel=Channel.WALK_IN,
        household=h,
        summary=f"{_head(h)}在乡便民服务窗口申请农村低保",
        description=f"{_head(h)}到乡便民服务中心提出低保申请，转网格入户了解家庭情况、收集证明材料。",
    )


def hy_job_training(b):
    grid = b.grid("后洋村", 2)
    h = b.household(grid)
    b.open(
        grid=grid,
        actor=b.member(grid),
        ago=6 * DAY,
        procedure=GENERAL,
        category=Category.EMPLOYMENT,
        household=h,
        summary=f"{_head(h)}户返乡青年咨询就业技能培训",
        description=f"{_head(h)}家孩子从外地返乡，想在家门口就业，咨询有无技能培训。",
        result="介绍乡里本月举办的电商直播和茶叶加工培训班，已帮助报名，并推荐到后洋食品加工厂面试。",
    )


# --- 前埔村 ------------------------------------------------------------------------------------


def qp_market_brawl_at_the_police(b):
    grid = b.grid("前埔村", 1)
    head, officer = b.centre(0), b.officer(POLICE)
    (
        b.open(
            actor=b.leader(grid),
            ago=55 * MINUTE,
            daytime=False,
            procedure=EMERGENCY,
            category=Category.UNSTABLE,
            channel=Channel.PHONE,
            place=b.places.get("前埔农贸市场"),
            grid=grid,
            summary="农贸市场两伙摊贩因摊位争执，有聚集斗殴苗头",
            description="早市时段两伙摊贩因摊位界线争执，双方各聚集十余人，情绪激动，市场管理员劝不住。",
        )
        .step(head, "accept", after=5 * MINUTE, daytime=False)
        .step(head, "dispatch", after=5 * MINUTE, note="请派出所立即出警处置。", department=POLICE, daytime=False)
        .step(officer, "accept", after=10 * MINUTE, daytime=False)
    )


def qp_rented_rooms_resolved(b):
    grid = b.grid("前埔村", 1)
    h = b.household(grid, without=[Code.MIGRANT])
    member, secretary, officer = b.member(grid), b.secretary(grid), b.officer(POLICE)
    (
        b.open(
            grid=grid,
            actor=member,
            ago=7 * DAY,
            procedure=COORDINATION,
            category=Category.MIGRANT,
            household=h,
            location="前埔村工业区出租房",
            summary=f"{_head(h)}户出租房新入住外来人员未办理居住登记",
            description=f"工业区{_head(h)}家出租房新入住6名外来务工人员，房东未按规定报送住宿登记信息。",
        )
        .step(member, "escalate", after=5 * HOUR, note="房东不配合登记，请村里协调。")
        .step(secretary, "accept", after=HOUR)
        .step(
            secretary, "dispatch", ago=5 * DAY + 12 * HOUR, note="请派出所督促房东落实出租房屋登记。", department=POLICE
        )
        .step(officer, "accept", ago=5 * DAY)
        .step(
            officer,
            "resolve",
            ago=2 * DAY,
            note="已上门为6人办理居住登记，对房东进行教育，签订出租房屋治安责任书。",
        )
    )


def qp_unpaid_wages_closed(b):
    grid = b.grid("前埔村", 1)
    leader, secretary, head = b.leader(grid), b.secretary(grid), b.centre(0)
    (
        b.open(
            actor=leader,
            ago=18 * DAY,
            procedure=COORDINATION,
            category=Category.UNSTABLE,
            place=b.places.get("前埔五金制品有限公司"),
            grid=grid,
            summary="前埔五金公司拖欠十余名工人工资，工人聚集讨薪",
            description="公司拖欠14名工人两个月工资约16万元，工人到厂门口聚集，扬言到县里上访。",
        )
        .step(leader, "escalate", after=3 * HOUR, note="企业欠薪，网格无法协调，请村里处理。")
        .step(secretary, "accept", after=2 * HOUR)
        .step(secretary, "escalate", after=HOUR, note="涉及企业欠薪，需乡里协调劳动保障部门。")
        .step(head, "accept", after=3 * HOUR)
        .step(
            head,
            "resolve",
            ago=12 * DAY,
            note="乡综治中心约谈企业负责人，督促分两期支付，首期工资已发放到位，工人情绪平稳。",
        )
        .step(leader, "confirm_satisfied", ago=11 * DAY)
    )


def qp_migrant_family(b):
    grid = b.grid("前埔村", 1)
    h = b.household(grid, codes=[Code.MIGRANT])
    b.open(
        grid=grid,
        actor=b.member(grid),
        ago=4 * DAY,
        procedure=GENERAL,
        category=Category.MIGRANT,
        household=h,
        summary=f"外来务工人员{_head(h)}一家入住出租房",
        description=f"{_head(h)}一家从外省来前埔工业区务工，租住第2组出租房。",
        result="已登记人员信息，告知办理居住证，纳入网格流动人口台账；孩子就学问题已告知中心小学。",
    )


def qp_school_ditch(b):
    grid = b.grid("前埔村", 2)
    b.open(
        actor=b.leader(grid),
        ago=10 * DAY,
        procedure=GENERAL,
        category=Category.HAZARD,
        channel=Channel.PATROL,
        place=b.places.get("前埔中心小学"),
        grid=grid,
        summary="前埔中心小学上学路段水沟无盖板",
        description="学校门口约20米路段的排水沟没有盖板，沟深近一米，放学时学生拥挤。",
        result="网格长现场设置警示围挡，联系村里调来盖板，当天完成铺设。",
    )


def qp_relief_overdue_at_civil_affairs(b):
    grid = b.grid("前埔村", 2)
    h = b.household(grid, without=[Code.LOW_INCOME, Code.MIGRANT])
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=24 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户因意外伤残申请临时救助",
            description=f"{_head(h)}在工地摔伤致残，雇主下落不明，治疗费用已花去积蓄，申请临时救助。",
        )
        .step(leader, "submit_for_verification", ago=23 * DAY)
        .step(secretary, "accept", ago=22 * DAY)
        .step(secretary, "verify_and_submit", ago=21 * DAY, department=CIVIL_AFFAIRS)
        .step(officer, "accept", ago=19 * DAY)
        .note(officer, "已入户核查，等待县民政局复核意见。", ago=10 * DAY)
    )


# --- 溪头村 ------------------------------------------------------------------------------------


def xt_well_extension_asked(b):
    grid = b.grid("溪头村", 1)
    leader = b.leader(grid)
    (
        b.open(
            actor=leader,
            ago=60 * HOUR,
            procedure=COORDINATION,
            category=Category.HEALTH,
            place=b.places.get("溪头古井"),
            grid=grid,
            summary="溪头古井水质浑浊，有村民饮用后腹泻",
            description="近几天古井水发浑、有异味，第2组有三名老人饮用后腹泻，村民担心水源被污染。",
        )
        .note(leader, "已在古井旁张贴暂停饮用告示，通知村民改用自来水，并取水样送县疾控中心检测。", ago=2 * DAY)
        .ask_extension(leader, 4, "水样检测结果需3至5个工作日，出结果后再定处理办法。", ago=20 * HOUR)
    )


def xt_road_reopened_closed(b):
    grid = b.grid("溪头村", 2)
    h = b.household(grid)
    leader = b.leader(grid)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=14 * DAY,
            procedure=GENERAL,
            category=Category.INFRASTRUCTURE,
            household=h,
            location="溪头村第5组入户路",
            summary=f"{_head(h)}户门前入户路路面塌陷",
            description="入户路一处路面塌陷，形成半米见方的坑，摩托车夜间通行危险。",
            result="网格员用碎石回填塌陷处，并设置警示标志。",
        )
        .step(leader, "reopen", ago=3 * DAY, note="雨后回填处再次下沉，住户不满意，需要硬化修复。")
        .step(leader, "resolve", ago=2 * DAY, note="村里安排水泥硬化约8平方米，已完工。")
        .step(leader, "confirm_satisfied", ago=DAY)
    )


def xt_dibao_extension_at_civil_affairs(b):
    grid = b.grid("溪头村", 2)
    h = b.household(grid, without=[Code.LOW_INCOME])
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=22 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请农村最低生活保障",
            description=f"{_head(h)}独自抚养两个孩子，仅靠种地和零工维持生活，申请纳入农村低保。",
        )
        .step(leader, "submit_for_verification", ago=20 * DAY)
        .step(secretary, "accept", ago=19 * DAY)
        .step(secretary, "verify_and_submit", ago=12 * DAY, department=CIVIL_AFFAIRS)
        .step(officer, "accept", ago=11 * DAY)
        .ask_extension(
            officer,
            5,
            "申请人名下登记有一辆货车，需到县车管所核实车辆现状。",
            ago=DAY,
        )
    )


def xt_bridge_emergency_returned(b):
    grid = b.grid("溪头村", 2)
    leader, director, head = b.leader(grid), b.director(grid), b.centre(0)
    (
        b.open(
            actor=leader,
            at=_local(b, 7, 6, 40),
            procedure=EMERGENCY,
            category=Category.HAZARD,
            channel=Channel.PATROL,
            place=b.places.get("溪头漫水桥"),
            grid=grid,
            summary="溪头漫水桥桥面被洪水漫过，有村民涉水通行",
            description="上游下了一夜大雨，漫水桥桥面过水约30厘米，仍有村民骑车涉水过桥。",
        )
        .step(head, "accept", after=20 * MINUTE, daytime=False)
        .step(
            head,
            "return",
            after=2 * HOUR,
            note="洪水已退，经现场查看桥面未受损，不属紧急事项；退回村里做好警示和汛期值守。",
        )
        .step(director, "accept", after=HOUR)
        .step(director, "resolve", ago=6 * DAY, note="在桥两端设置“涨水禁止通行”警示牌，汛期安排专人值守。")
        .step(leader, "confirm_satisfied", ago=5 * DAY)
    )


# --- 山腰村 ------------------------------------------------------------------------------------


def sy_reservoir_unacknowledged(b):
    grid = b.grid("山腰村", 2)
    b.open(
        actor=b.leader(grid),
        ago=40 * MINUTE,
        daytime=False,
        procedure=EMERGENCY,
        category=Category.HAZARD,
        channel=Channel.PATROL,
        place=b.places.get("山腰水库"),
        grid=grid,
        summary="山腰水库水位接近汛限，溢洪道被杂物堵塞",
        description="持续降雨，水库水位距汛限水位不足0.5米，溢洪道口被漂浮竹木堵塞，下游有两个村民小组。",
    )


def sy_dangerous_house_at_civil_affairs(b):
    grid = b.grid("山腰村", 1)
    h = b.household(grid)
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=6 * DAY,
            procedure=COORDINATION,
            category=Category.HAZARD,
            household=h,
            summary=f"{_head(h)}户居住危房，需尽快搬离",
            description=f"{_head(h)}家土坯房后墙开裂外倾，经村里初步查看为D级危房，老人不愿搬离。",
        )
        .step(leader, "escalate", after=4 * HOUR, note="老人不愿搬，需村里做工作并安排过渡住房。")
        .step(secretary, "accept", after=3 * HOUR)
        .step(
            secretary,
            "dispatch",
            ago=5 * DAY,
            note="老人已同意暂住儿子家，申请临时安置救助并纳入危房改造，请民政办审核。",
            department=CIVIL_AFFAIRS,
        )
        .step(officer, "accept", ago=4 * DAY)
    )


def sy_support_decided(b):
    grid = b.grid("山腰村", 1)
    h = b.household(grid, codes=[Code.ELDERLY_ALONE])
    member, secretary, officer = b.member(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=member,
            ago=30 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}申请特困人员救助供养",
            description=f"{_head(h)}无子女，老伴去年过世，本人患慢性病，无劳动能力，申请特困人员救助供养。",
        )
        .step(member, "submit_for_verification", ago=28 * DAY)
        .step(secretary, "accept", ago=27 * DAY)
        .step(secretary, "verify_and_submit", ago=25 * DAY, department=CIVIL_AFFAIRS)
        .step(officer, "accept", ago=24 * DAY)
        .step(officer, "decide", ago=DAY, note="经审核符合特困人员认定条件，同意给予分散供养，公示无异议后发放。")
    )


def sy_pension_check(b):
    grid = b.grid("山腰村", 2)
    h = b.household(grid)
    b.open(
        grid=grid,
        actor=b.member(grid),
        ago=5 * DAY,
        procedure=GENERAL,
        category=Category.SOCIAL_SECURITY,
        household=h,
        summary=f"帮助{_head(h)}户老人完成养老保险待遇资格认证",
        description="老人行动不便，不会用手机，养老金即将因未认证暂停发放。",
        result="网格员上门用手机帮助老人完成人脸识别认证，并教会家属下次操作。",
    )


# --- 上林村 ------------------------------------------------------------------------------------


def sl_fire_closed(b):
    grid = b.grid("上林村", 2)
    h = b.household(grid)
    clerk, head = b.centre(1), b.centre(0)
    officer, leader = b.officer(CIVIL_AFFAIRS), b.leader(grid)
    (
        b.open(
            grid=grid,
            actor=clerk,
            at=_local(b, 5, 22, 35),
            daytime=False,
            procedure=EMERGENCY,
            category=Category.HAZARD,
            channel=Channel.PHONE,
            household=h,
            location="上林竹木加工厂旁",
            summary=f"上林竹木加工厂旁{_head(h)}户民房起火",
            description="村民来电：竹木加工厂旁一户民房起火，火势较大，已拨打119，担心蔓延到厂区竹料堆。",
        )
        .note(leader, "火已扑灭，无人员伤亡，厨房和一间卧室烧毁，一家四口暂住亲戚家。", after=2 * HOUR, daytime=False)
        .step(
            head,
            "dispatch",
            after=10 * HOUR,
            note=f"受灾户{_head(h)}需临时安置和救助，请民政办处理。",
            department=CIVIL_AFFAIRS,
        )
        .step(officer, "accept", after=30 * MINUTE)
        .step(officer, "resolve", ago=4 * DAY, note="已送去棉被、大米等救灾物资，发放临时救助金3000元。")
        .step(leader, "confirm_satisfied", ago=3 * DAY)
    )


def sl_nursing_subsidy_in_notice(b):
    grid = b.grid("上林村", 1)
    h = b.household(grid, codes=[Code.DISABLED])
    leader, secretary, officer = b.leader(grid), b.secretary(grid), b.officer(CIVIL_AFFAIRS)
    (
        b.open(
            grid=grid,
            actor=leader,
            ago=28 * DAY,
            procedure=APPROVAL,
            category=Category.CIVIL_AFFAIRS,
            household=h,
            summary=f"{_head(h)}户申请重度残疾人护理补贴",
            description=f"{_head(h)}家中有一名一级智力残疾人，需专人长期护理，申请重度残疾人护理补贴。",
        )
        .step(leader, "submit_for_verification", ago=26 * DAY)
        .step(secretary, "accept", ago=25 * DAY)
        .step(secretary, "verify_and_submit", ago=23 * DAY, department=CIVIL_AFFAIRS)
        .step(officer, "accept", ago=21 * DAY)
        .step(officer, "decide", ago=4 * DAY, note="符合重度残疾人护理补贴条件，同意按月发放。")
        .step(officer, "publish_notice", ago=3 * DAY)
    )


def sl_noise_returned(b):
    grid = b.grid("上林村", 2)
    leader, director = b.leader(grid), b.director(grid)
    (
        b.open(
            actor=leader,
            ago=3 * DAY,
            procedure=COORDINATION,
            category=Category.ENVIRONMENT,
            place=b.places.get("上林竹木加工厂"),
            grid=grid,
            summary="竹木加工厂夜间开工，噪音扰民",
            description="加工厂近期赶订单，晚上十点后仍在开机破竹，周边十几户村民反映休息不好。",
        )
        .step(leader, "escalate", after=5 * HOUR, note="多次劝说无效，请村里协调。")
        .step(director, "accept", ago=2 * DAY)
        .step(
            director,
            "return",
            ago=10 * HOUR,
            note="请网格先组织厂方和周边住户协商作息时间，协商不成再报村里。",
        )
    )


def sl_clinic_follow_up(b):
    grid = b.grid("上林村", 1)
    b.open(
        actor=b.director(grid),
        ago=7 * DAY,
        procedure=GENERAL,
        category=Category.HEALTH,
        place=b.places.get("上林村卫生所"),
        grid=grid,
        summary="组织村医为第2组高血压老人上门随访",
        description="第2组有十余名高血压老人半年未复查，部分老人自行停药。",
        result="村委会联系村卫生所，村医逐户上门测血压、调整用药，建立随访名单。",
    )


# --- 坑边村 ------------------------------------------------------------------------------------


def kb_pig_farm_reopened(b):
    grid = b.grid("坑边村", 2)
    leader, secretary = b.leader(grid), b.secretary(grid)
    cadre = b.village_cadre(grid, Role.RESIDENT_CADRE)
    (
        b.open(
            actor=leader,
            ago=12 * DAY,
            procedure=COORDINATION,
            category=Category.ENVIRONMENT,
            place=b.places.get("坑边生猪养殖场"),
            grid=grid,
            summary="生猪养殖场污水直排，周边异味大",
            description="养殖场污水沿排水沟直排进小溪，周边住户反映异味大，夏季蚊蝇多。",
        )
        .step(leader, "escalate", after=4 * HOUR, note="养殖场负责人不配合整改，请村里协调。")
        .step(secretary, "accept", ago=11 * DAY)
        .step(secretary, "resolve", ago=7 * DAY, note="督促养殖场清理排污沟，加盖化粪池，异味明显减轻。")
        .step(leader, "reopen", ago=2 * DAY, note="周边住户反映近两天又有污水外流，异味反弹，不满意。")
        .assign(secretary, cadre, ago=44 * HOUR)
    )


def kb_burst_pipe_closed(b):
    grid = b.grid("坑边村", 1)
    member, leader = b.member(grid), b.leader(grid)
    (
        b.open(
            actor=member,
            ago=6 * DAY,
            procedure=COORDINATION,
            category=Category.INFRASTRUCTURE,
            place=b.places.get("坑边自来水厂"),
            grid=grid,
            summary="自来水厂出水管道爆裂，第2组停水",
            description="自来水厂出水主管在第2组路口爆裂，第2组三十多户停水。",
        )
        .step(member, "resolve", after=6 * HOUR, note="联系水厂抢修，更换破裂管段，当晚恢复供水。")
        .step(leader, "confirm_satisfied", ago=5 * DAY)
    )


def kb_bins_resolved(b):
    grid = b.grid("坑边村", 1)
    leader = b.leader(grid)
    (
        b.open(
            actor=leader,
            ago=4 * DAY,
            procedure=GENERAL,
            category=Category.ENVIRONMENT,
            channel=Channel.PATROL,
            grid=grid,
            location="坑边村第1组路口",
            summary="第1组路口垃圾桶满溢",
            description="路口两个垃圾桶满溢，垃圾散落路边。",
            result="通知保洁员当天清运。",
        )
        .step(leader, "reopen", ago=2 * DAY, note="村民反映垃圾桶数量不够，清运后两天又满了。")
        .step(leader, "resolve", ago=DAY, note="向村里申请增设两个垃圾桶，已放置到位，清运改为每天一次。")
    )


STORIES = (
    zr_eaves_dispute,
    zr_leaking_roof_closed,
    zr_dibao_closed_after_notice,
    zr_pond_emergency_closed,
    zr_death,
    zr_birth,
    zr_drain_reopened,
    zr_old_wiring_overdue,
    zr_homestead_due_soon,
    zr_irrigation_at_the_representative,
    zr_dibao_collecting_overdue,
    zr_relief_returned,
    zr_streetlights_phoned_in,
    zr2_scuffle_at_the_police,
    zr2_dibao_notice_objection,
    yj_rubbish_cleared,
    yj_water_pressure_at_the_village,
    yj_disability_subsidy_at_the_village,
    yj_farm_road_extended,
    yj_streetlight_resolved,
    yj_land_rent_dispute_closed,
    dl_rockfall_resolved,
    dl_lonely_elder_at_civil_affairs,
    dl_chickens_at_the_representative,
    dl_bridge_at_the_township,
    dl_dibao_at_civil_affairs,
    hy_kindergarten_road_returned,
    hy_support_at_the_village,
    hy_dibao_from_the_window,
    hy_job_training,
    qp_market_brawl_at_the_police,
    qp_rented_rooms_resolved,
    qp_unpaid_wages_closed,
    qp_migrant_family,
    qp_school_ditch,
    qp_relief_overdue_at_civil_affairs,
    xt_well_extension_asked,
    xt_road_reopened_closed,
    xt_dibao_extension_at_civil_affairs,
    xt_bridge_emergency_returned,
    sy_reservoir_unacknowledged,
    sy_dangerous_house_at_civil_affairs,
    sy_support_decided,
    sy_pension_check,
    sl_fire_closed,
    sl_nursing_subsidy_in_notice,
    sl_noise_returned,
    sl_clinic_follow_up,
    kb_pig_farm_reopened,
    kb_burst_pipe_closed,
    kb_bins_resolved,
)
