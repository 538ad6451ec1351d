"""Demo field work for the demo township 青山乡: a year of visits, patrols, work logs and village
committee meetings, with the gaps real field work has.

Written straight into the tables (`bulk_create`), not through the services: tens of thousands of
records, each with the scope keys the services would give it (a visit's from its household's or
its representative's villager group, the rest from their grid or village). Everything is dated back
from `now`; what varies comes from `rng`, so the same seed gives the same year.

The registry is back-dated two years (a handful of households registered in the last weeks), so
a household nobody visited for a year is overdue. Chosen on purpose:
- 郑荣村 第二网格 (郑玉才) falls behind: many households overdue, some never visited, patrols
  missing at weekends and for a recent week, daily logs missing, drafts left unsubmitted.
- 郑荣村 第一网格 (郑章木) keeps up, but a handful of households are overdue, one or two of them
  must-visit households.
- Every other grid is mostly up to date, some miss weekend patrols or had a bad week; every village
  committee skips a meeting now and then.
Texts never name a sensitive care category: a visit is seen by the household's representative.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from cases.models import Case
from villages.demo import ZHENG_RONG
from villages.models import CareCategory, Grid, Household, Place, Post, Resident, Village, VillagerGroup

from . import rules
from .models import Meeting, Patrol, Visit, WorkLog
from .rules import Kind

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)
YEAR_DAYS = 365
REGISTRY_DAYS = 730  # the registry was set up two years ago
NEW_HOUSEHOLDS = 0.01  # registered in the last weeks, not yet visited (and not yet due)
LOG_WEEKS = 19  # work logs are kept for the last nineteen weeks (the assessment counts them)
CASE_WEEKS = 8  # the meetings of the last eight weeks take up the village's cases
BATCH = 1000
Role = Post.Role
Code = CareCategory.Code
COMMITTEE_ROLES = (Role.COMMITTEE_MEMBER, Role.VILLAGE_DIRECTOR, Role.VILLAGE_SECRETARY)

# --- what the records say -----------------------------------------------------------------------

MET = ("户主本人", "户主本人", "户主及配偶", "户主之妻", "户主之子", "户主之女", "户主母亲", "家中老人")
FINDINGS = {
    "situation": (
        "家中一切正常",
        "家庭生活平稳，收入主要靠务农",
        "子女在外务工，老人在家照看孙辈",
        "房屋老旧，屋顶有漏雨，已登记",
        "家中新建厨房已完工",
        "今年茶叶收成尚可",
        "家庭收入主要靠石雕厂务工",
    ),
    "people": (
        "家庭成员无变化",
        "长子在厦门务工，春节返乡",
        "孙子在镇中心小学读书",
        "新添一名孙女，提醒办理出生登记",
        "户主患高血压，需定期服药",
        "次子已参军入伍",
    ),
    "facilities": (
        "门前路灯损坏",
        "屋后排水沟堵塞",
        "自来水压力不足，高峰时段停水",
        "入户道路有坑洼，雨天积水",
        "附近垃圾收集点清运不及时",
    ),
    "dangers": (
        "厨房电线老化，已提醒更换",
        "屋后边坡有松动迹象，已报村委会",
        "煤气罐放在卧室，已劝导移出",
        "与邻居因宅基地界线有争议，已初步调解",
        "电动车在楼道充电，已劝导",
    ),
    "needs": (
        "咨询城乡居民医保缴费事宜",
        "希望协调修复门前路灯",
        "希望帮助申请临时救助",
        "咨询养老保险补缴政策",
        "需要代办慢性病卡",
        "希望村里帮忙联系就业岗位",
    ),
    "hot_issues": (
        "关心医保缴费标准调整",
        "关注村道硬化进度",
        "询问养老金调整情况",
        "关心茶叶收购价格",
        "关注学校撤并传闻",
        "关心农村厕所改造补助",
    ),
}
# What a visit to a household of a care category finds most often (sensitive categories only in
# words that do not name them).
CARE_NOTES = {
    Code.ELDERLY_ALONE: (
        "老人独居，身体尚可，子女每周来电",
        "老人行动不便，已联系邻居帮忙照看",
        "老人独居，提醒冬季用火安全",
    ),
    Code.DISABLED: ("残疾人补贴已按月发放", "残疾证已换发，护理补贴到位", "需要轮椅，已报村委会"),
    Code.LOW_INCOME: ("低保金按时到账", "低保年审材料已收齐", "家中有病人，开支较大"),
    Code.FIVE_GUARANTEE: ("五保供养金按时发放", "老人愿意居家供养，暂不入敬老院"),
    Code.NEEDY: ("家庭困难，已协助申请临时救助", "孩子学费有困难，已联系教育助学"),
    Code.KEY_ASSISTANCE: ("帮扶措施已落实", "帮扶干部本月已入户"),
    Code.PETITIONER: ("了解近况，情绪稳定", "反映的问题正在办理，已告知进展"),
    Code.COMMUNITY_CORRECTIONS: ("近况稳定，生活正常", "在本地务工，表现良好"),
    Code.STABILITY_KEY: ("近况稳定，无异常", "与家人关系和睦，生活正常"),
}
CONTACT_NOTES = ("了解家中近况，无特殊诉求", "转达村里医保缴费通知", "反映门前路灯不亮", "询问低保申请条件")
TALK_NOTES = {
    "situation": (
        "联系户走访已基本完成，个别户常年在外",
        "组内总体稳定，无重大矛盾",
        "本组有两户外出务工，电话保持联系",
    ),
    "hot_issues": ("群众关心村道硬化", "群众关心医保缴费标准", "组里希望增设路灯", "反映小组垃圾清运不及时"),
    "notes": ("传达村两委近期工作安排", "提醒做好联系户防火防汛宣传", "交流组内矛盾纠纷排查情况"),
}
LATE_REASONS = (
    "下村走访时手机没电，回来后补录",
    "山区信号差，当天未能提交",
    "当天参加乡里培训，补录",
    "先记在纸质走访本上，今天补录",
    "前几天电脑故障，今天补录",
)
AREAS = ("主路沿线", "村道及溪边", "居民聚居点", "山边散户", "沿溪一带", "田间道路")
PATROL_FINDINGS = (
    "{group}路口路灯不亮，已报村委会",
    "溪边护栏松动，已设置警示",
    "发现外来务工人员两名，已登记",
    "村道有倒伏竹木，已清理",
    "垃圾收集点满溢，已通知保洁员",
    "发现一处私拉电线，已劝导整改",
    "两户因排水沟堵塞发生口角，已现场调解",
    "山边有落石，已设置警示标志",
    "{group}有一处违规焚烧秸秆，已劝止",
)
OFFICE_WORK = (
    "整理网格台账，更新两户家庭成员信息。",
    "协助村委会收缴城乡居民医保。",
    "参加村两委例会，汇报本网格情况。",
    "整理走访记录，核对重点户名单。",
    "参加乡综治中心网格员培训。",
    "电话回访上周反映问题的群众。",
)
WEEK_PLANS = (
    "继续做好重点户走访，补齐逾期未走访户。",
    "配合做好医保征缴和防火宣传。",
    "跟进本周上报事项的办理进度。",
    "完成联系户信息核对，更新台账。",
    "加强山边散户巡查，排查地质灾害隐患。",
)
SEASON = {
    1: "春节前安全隐患排查和困难户慰问",
    2: "返乡人员登记和森林防火",
    3: "春耕生产和森林防火",
    4: "清明期间森林防火",
    5: "防汛备汛和地质灾害隐患点巡查",
    6: "防汛和防溺水宣传",
    7: "防台风和防溺水",
    8: "防台风和暑期学生安全",
    9: "秋季开学安全和医保征缴动员",
    10: "秋收和城乡居民医保征缴",
    11: "冬季防火和医保征缴",
    12: "冬季防火和年终考核准备",
}
MEETING_DECISIONS = (
    "各网格本周内完成逾期户走访",
    "由村委会主任牵头落实",
    "下周例会通报办理结果",
    "网格长负责跟进并及时上报",
    "请包村干部协调乡直部门",
)
OTHERS_PRESENT = ("村监委会主任", "村民代表两名", "驻村工作队队员", "乡综治中心工作人员", "村妇女小组长")


@dataclass
class _Habits:
    """How a grid keeps up with its field work."""

    lapse: float | None  # share of households falling behind their visits (None: a fixed handful)
    weekends: float  # chance a weekend goes without a patrol
    miss: float  # chance another day does
    spells: list = field(default_factory=list)  # (days ago it started, how many days) without patrols
    log_miss: float = 0.05  # chance a working day has no daily log
    draft: float = 0.04  # chance a daily log is left a draft


def build_demo_visits(township, rng, now):
    """Create a year of `township`'s field work as it stands at `now`; return the counts. A
    township that already has field work is left as it is."""
    if not any(model.objects.filter(township=township).exists() for model in (Visit, Patrol, WorkLog, Meeting)):
        _Builder(township, rng, now).build()
    return field_work_counts(township)


def field_work_counts(township):
    return {
        "visits": Visit.objects.filter(township=township).count(),
        "patrols": Patrol.objects.filter(township=township).count(),
        "work logs": WorkLog.objects.filter(township=township).count(),
        "meetings": Meeting.objects.filter(township=township).count(),
    }


class _Builder:
    """The township's people and places, looked up once; the records, built in memory and saved
    in bulk."""

    def __init__(self, township, rng, now):
        self.township, self.rng, self.now = township, rng, now
        self.today = timezone.localdate(now)
        self.zone = timezone.get_current_timezone()
        self.grids = list(Grid.objects.filter(village__township=township).select_related("village").order_by("pk"))
        self.villages = list(Village.objects.filter(township=township).order_by("pk"))
        self.groups = {}
        for pk, grid_id, village_id, name in (
            VillagerGroup.objects.filter(village__township=township)
            .order_by("grid_id", "number")
            .values_list("pk", "grid_id", "village_id", "name")
        ):
            self.groups[pk] = (grid_id, village_id, name)
        self.group_names = {}
        for grid_id, _village_id, name in self.groups.values():
            self.group_names.setdefault(grid_id, []).append(name)
        self.places = {}
        for grid_id, name in (
            Place.objects.filter(grid__village__township=township).order_by("pk").values_list("grid_id", "name")
        ):
            self.places.setdefault(grid_id, []).append(name)
        self._load_people()
        self.households = list(
            Household.objects.filter(township=township)
            .order_by("pk")
            .values_list(
                "pk",
                "grid_id",
                "group_id",
                "village_id",
                "responsible_cadre_id",
                "contact_representative_id",
                "head_name",
            )
        )
        self.codes = {}
        own = Household.categories.through.objects.filter(household__township=township)
        worn = Resident.categories.through.objects.filter(resident__household__township=township).exclude(
            resident__status__in=Resident.GONE
        )
        for household_id, code in (
            *own.values_list("household_id", "carecategory__code"),
            *worn.values_list("resident__household_id", "carecategory__code"),
        ):
            self.codes.setdefault(household_id, set()).add(code)
        self.visits, self.patrols, self.logs, self.meetings = [], [], [], []
        self.attendance, self.agenda_cases = [], []

    def _load_people(self):
        """Who holds which post now: grid leaders and members, the two committees, representatives."""
        self.user_of, self.name_of = {}, {}
        self.leader, self.carers, self.committee, self.village_cadres = {}, {}, {}, {}
        self.secretary, self.representatives = {}, {}
        posts = (
            Post.objects.current(self.today)
            .filter(township=self.township, cadre__user__isnull=False)
            .select_related("cadre")
            .order_by("pk")
        )
        for post in posts:
            cadre = post.cadre
            self.user_of[cadre.pk], self.name_of[cadre.pk] = cadre.user_id, cadre.name
            if post.role == Role.GRID_LEADER:
                self.leader.setdefault(post.grid_id, cadre.pk)
                self.carers.setdefault(post.grid_id, []).insert(0, cadre.pk)
            elif post.role == Role.GRID_MEMBER:
                self.carers.setdefault(post.grid_id, []).append(cadre.pk)
            elif post.role == Role.REPRESENTATIVE and post.group_id:
                self.representatives.setdefault(post.group_id, cadre.pk)
            if post.role in Post.VILLAGE_ROLES and post.village_id:
                cadres = self.village_cadres.setdefault(post.village_id, [])
                if cadre.pk not in cadres:
                    cadres.append(cadre.pk)
            if post.role == Role.VILLAGE_SECRETARY:
                self.secretary.setdefault(post.village_id, cadre.pk)
        by_role = {}
        for post in posts:
            if post.role in COMMITTEE_ROLES:
                by_role.setdefault((post.village_id, post.role), post.cadre_id)
        for village in self.villages:
            talkers = [by_role[(village.pk, role)] for role in COMMITTEE_ROLES if (village.pk, role) in by_role]
            self.committee[village.pk] = list(dict.fromkeys(talkers))

    # --- helpers ------------------------------------------------------------------------------

    def ago(self, days):
        return self.today - days * DAY

    def at(self, day, hour, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.zone)

    def recorded(self, day, hours=(16, 21)):
        """When a record of `day` was written: that evening, or (rarely) days late with a reason.
        The same draws whatever the clock says, so the seed alone decides the records."""
        rng = self.rng
        late = rng.random() < 0.006
        late_at = self.at(day + rng.randint(2, 5) * DAY, rng.randint(8, 20), rng.randrange(0, 60, 5))
        reason = rng.choice(LATE_REASONS)
        on_time = self.at(day, rng.randint(*hours), rng.randrange(0, 60, 5))
        if late and late_at < self.now:
            return late_at, reason
        return min(on_time, self.now - MINUTE), ""

    def habits(self, grid):
        rng = self.rng
        if grid.village.name == ZHENG_RONG.name and grid.number == 1:
            return _Habits(lapse=None, weekends=0.05, miss=0.01, log_miss=0.03, draft=0.02)
        if grid.village.name == ZHENG_RONG.name and grid.number == 2:
            recent = (rng.randint(10, 24), rng.randint(5, 8))  # a bad week lately
            earlier = (rng.randint(60, 330), rng.randint(4, 9))
            return _Habits(lapse=0.45, weekends=0.8, miss=0.15, spells=[recent, earlier], log_miss=0.3, draft=0.2)
        weekends = 0.7 if rng.random() < 0.3 else 0.05
        spells = [(rng.randint(10, 360), rng.randint(4, 9)) for _ in range(rng.choice((0, 1, 1, 2)))]
        return _Habits(
            lapse=rng.uniform(0.01, 0.05),
            weekends=weekends,
            miss=rng.uniform(0.01, 0.05),
            spells=spells,
            log_miss=rng.uniform(0.03, 0.12),
            draft=rng.uniform(0.01, 0.06),
        )

    # --- the build ----------------------------------------------------------------------------

    def build(self):
        self.backdate_registry()
        habits = {grid.pk: self.habits(grid) for grid in self.grids}
        self.build_visits(habits)
        self.build_talks()
        self.build_patrols(habits)
        self.build_work_logs(habits)
        self.build_meetings()
        Visit.objects.bulk_create(self.visits, batch_size=BATCH)
        Patrol.objects.bulk_create(self.patrols, batch_size=BATCH)
        WorkLog.objects.bulk_create(self.logs, batch_size=BATCH)
        # updated_at is set on save; a submitted log last changed when it was submitted.
        WorkLog.objects.filter(township=self.township, submitted_at__isnull=False).update(
            updated_at=models.F("submitted_at")
        )
        Meeting.objects.bulk_create(self.meetings, batch_size=BATCH)
        Meeting.attendees.through.objects.bulk_create(
            [
                Meeting.attendees.through(meeting_id=meeting.pk, cadre_id=cadre_id)
                for meeting, cadre_id in self.attendance
            ],
            batch_size=BATCH,
        )
        Meeting.cases.through.objects.bulk_create(
            [Meeting.cases.through(meeting_id=meeting.pk, case_id=case_id) for meeting, case_id in self.agenda_cases],
            batch_size=BATCH,
        )

    def backdate_registry(self):
        """The registry has existed for two years; a few households came in the last weeks."""
        opened = self.at(self.ago(REGISTRY_DAYS), 9)
        Household.objects.filter(township=self.township).update(created_at=opened)
        self.new = {}
        for pk, *_rest in self.households:
            if self.rng.random() < NEW_HOUSEHOLDS:
                self.new[pk] = self.at(self.ago(self.rng.randint(5, 25)), self.rng.randint(8, 17))
        if self.new:
            Household.objects.filter(pk__in=self.new).update(
                created_at=models.Case(*(models.When(pk=pk, then=models.Value(at)) for pk, at in self.new.items()))
            )

    # --- visits -------------------------------------------------------------------------------

    def behind(self, habits):
        """The households that fall behind: in 郑荣村 第一网格 a handful (one or two of them
        must-visit households), elsewhere a share of each grid, must-visit households more often."""
        by_grid = {}
        for row in self.households:
            if row[0] not in self.new:
                by_grid.setdefault(row[1], []).append(row[0])
        behind = set()
        for grid in self.grids:
            households = by_grid.get(grid.pk, [])
            lapse = habits[grid.pk].lapse
            if lapse is None:
                must = [pk for pk in households if "must_visit" in rules.carried(self.codes.get(pk, ()))]
                chosen = self.rng.sample(must, min(len(must), 2 if len(households) >= 100 else 1))
                others = [pk for pk in households if pk not in must]
                handful = max(1, round(len(households) * self.rng.uniform(0.04, 0.07)))
                chosen += self.rng.sample(others, min(len(others), max(0, handful - len(chosen))))
                behind.update(chosen)
                continue
            for pk in households:
                must = "must_visit" in rules.carried(self.codes.get(pk, ()))
                if self.rng.random() < (min(1, lapse * 1.5) if must else lapse):
                    behind.add(pk)
        return behind

    def build_visits(self, habits):
        behind = self.behind(habits)
        self.visited = {}  # (cadre id, day) -> [head names], for the daily logs
        for pk, grid_id, group_id, village_id, responsible, representative, head in self.households:
            if pk in self.new:
                continue
            codes = self.codes.get(pk, set())
            carried = rules.carried(codes)
            lagging = pk in behind
            # What falls behind: the cadres' rule, or (for an ordinary household) the representative's.
            contact_lags = lagging and representative is not None and not carried and self.rng.random() < 0.5
            cadre_lags = lagging and not contact_lags
            place = (self.township.pk, village_id, grid_id, group_id)
            carers = self.carers.get(grid_id, [])
            if carers:
                own = responsible if responsible in carers else carers[0]
                kind = rules.usual_kind(codes, by_representative=False)
                if carried:  # the strictest rule the household falls under
                    interval = min(rule.days for rule in rules.applicable(codes, has_representative=False))
                    days = self.rhythm(interval, cadre_lags)
                else:
                    days = self.yearly(cadre_lags)
                for day in days:
                    visitor = own if self.rng.random() < 0.75 else self.rng.choice(carers)
                    self.visit(pk, place, visitor, day, kind, codes, head)
            if representative is not None and representative in self.user_of:
                lags = contact_lags or (cadre_lags and self.rng.random() < 0.3)
                for day in self.rhythm(rules.RULES["contact"].days, lags, never=0.6):
                    self.visit(pk, place, representative, day, Kind.CONTACT, codes, head)

    def yearly(self, lags):
        """An ordinary household's cadre visits: once in the year, now and then twice; none when
        it lags."""
        rng = self.rng
        if lags:
            return []
        days = [rng.randint(1, YEAR_DAYS - 1)]
        if rng.random() < 0.3:
            days.append(days[0] + rng.randint(90, 200))
        return [self.ago(d) for d in days if d <= YEAR_DAYS]

    def rhythm(self, interval, lags, never=0.2):
        """The days of visits kept to `interval` over the year, the latest first: the latest within
        the interval and the ones before it somewhat less than the interval apart. Lagging, the
        latest is past the interval, or (by the chance `never`) there was none this year."""
        rng = self.rng
        if lags and rng.random() < never:
            return []
        if lags:
            latest = rng.randint(interval + 1, min(YEAR_DAYS, interval + max(interval, 80)))
        else:
            latest = rng.randint(1, interval - 1)
        shortest, longest = round(interval * 0.7), interval + 2
        days = [latest]
        while days[-1] + longest <= YEAR_DAYS:
            days.append(days[-1] + rng.randint(shortest, longest))
        return [self.ago(d) for d in days]

    def visit(self, household, place, visitor, day, kind, codes, head):
        rng = self.rng
        township_id, village_id, grid_id, group_id = place
        texts = self.contact_findings() if kind == Kind.CONTACT else self.findings(codes, kind)
        met = rng.choice(MET)
        if Code.ELDERLY_ALONE in codes or Code.FIVE_GUARANTEE in codes:
            met = "老人本人"
        recorded_at, late_reason = self.recorded(day)
        self.visits.append(
            Visit(
                township_id=township_id,
                village_id=village_id,
                grid_id=grid_id,
                group_id=group_id,
                household_id=household,
                visitor_id=visitor,
                visited_on=day,
                kind=kind,
                met=met if rng.random() < 0.8 else "",
                late_reason=late_reason,
                recorded_by_id=self.user_of[visitor],
                recorded_at=recorded_at,
                **texts,
            )
        )
        self.visited.setdefault((visitor, day), []).append(head)

    def findings(self, codes, kind):
        """Most visits say little; a must-visit or key visit says how the household is doing."""
        rng = self.rng
        roll = rng.random()
        count = 0 if roll < 0.55 else 1 if roll < 0.85 else rng.randint(2, 3)
        texts = {name: rng.choice(FINDINGS[name]) for name in rng.sample(sorted(FINDINGS), count)}
        cared = [code for code in sorted(codes) if code in CARE_NOTES]
        if kind != Kind.ROUTINE and cared and rng.random() < 0.6:
            texts["situation"] = rng.choice(CARE_NOTES[rng.choice(cared)])
        return texts

    def contact_findings(self):
        rng = self.rng
        if rng.random() < 0.8:
            return {}
        return {rng.choice(("situation", "needs", "hot_issues")): rng.choice(CONTACT_NOTES)}

    def build_talks(self):
        """Each two-committee cadre's special talks with their representatives, about every six
        months; a few representatives have waited longer."""
        rng = self.rng
        reps = {}
        for group_id, cadre_id in self.representatives.items():
            reps.setdefault(self.groups[group_id][1], []).append((group_id, cadre_id))
        for village in self.villages:
            talkers = self.committee.get(village.pk)
            if not talkers:
                continue
            for index, (group_id, representative) in enumerate(reps.get(village.pk, [])):
                talker = talkers[index % len(talkers)]
                grid_id = self.groups[group_id][0]
                for day in self.rhythm(rules.REPRESENTATIVE_TALK.days, rng.random() < 0.1, never=0.5):
                    recorded_at, late_reason = self.recorded(day, hours=(11, 20))
                    notes = {name: rng.choice(TALK_NOTES[name]) for name in rng.sample(sorted(TALK_NOTES), 2)}
                    self.visits.append(
                        Visit(
                            township_id=self.township.pk,
                            village_id=village.pk,
                            grid_id=grid_id,
                            group_id=group_id,
                            representative_id=representative,
                            visitor_id=talker,
                            visited_on=day,
                            kind=Kind.TALK,
                            met=self.name_of[representative],
                            late_reason=late_reason,
                            recorded_by_id=self.user_of[talker],
                            recorded_at=recorded_at,
                            **notes,
                        )
                    )

    # --- patrols ------------------------------------------------------------------------------

    def build_patrols(self, habits):
        """A patrol a day by the grid's leader or a member (now and then a second in the
        afternoon), but for the days a grid's habits leave out."""
        rng = self.rng
        self.patrolled = {}  # (cadre id, day) -> [Patrol], for the daily logs
        for grid in self.grids:
            carers = self.carers.get(grid.pk)
            if not carers:
                continue
            habit = habits[grid.pk]
            spells = {ago for start, length in habit.spells for ago in range(start, start - length, -1)}
            for days_ago in range(YEAR_DAYS, -1, -1):
                day = self.ago(days_ago)
                weekend = day.weekday() >= 5
                skip = rng.random() < (habit.weekends if weekend else habit.miss) or days_ago in spells
                second = rng.random() < 0.12 and len(carers) > 1
                # Both walks are drawn every day, so that which days are left out changes no other day.
                morning = self.patrol(grid, carers[0] if rng.random() < 0.6 else rng.choice(carers), day, 8, 75)
                afternoon = self.patrol(grid, rng.choice(carers[1:] or carers), day, 14, 90)
                if skip:
                    continue
                for walk in (morning, afternoon) if second else (morning,):
                    if walk["recorded_at"] < self.now:
                        patrol = Patrol(**walk)
                        self.patrols.append(patrol)
                        self.patrolled.setdefault((patrol.patroller_id, day), []).append(patrol)

    def patrol(self, grid, patroller, day, hour, spread):
        """The fields of one walk (a Patrol is made only for the walks kept)."""
        rng = self.rng
        start = (
            datetime.datetime.combine(day, datetime.time(hour), tzinfo=self.zone) + rng.randrange(0, spread, 5) * MINUTE
        )
        end = start + rng.randrange(45, 105, 5) * MINUTE
        names = self.group_names.get(grid.pk) or [grid.name]
        first = rng.randrange(len(names))
        covered = names[first : first + rng.randint(1, 3)]
        area = "、".join(covered) + rng.choice(AREAS)
        places = self.places.get(grid.pk)
        if places and rng.random() < 0.2:
            area += f"，{rng.choice(places)}周边"
        found = rng.choice(PATROL_FINDINGS).format(group=covered[0]) if rng.random() < 0.1 else ""
        recorded_at, late_reason = self.recorded(day, hours=(end.hour, min(end.hour + 3, 23)))
        return {
            "township_id": self.township.pk,
            "village_id": grid.village_id,
            "grid_id": grid.pk,
            "patroller_id": patroller,
            "patrolled_on": day,
            "started_at": start.time(),
            "ended_at": end.time(),
            "area": area,
            "findings": found,
            "late_reason": late_reason,
            "recorded_by_id": self.user_of[patroller],
            "recorded_at": end if recorded_at < end else recorded_at,  # written once it is over
        }

    # --- work logs ----------------------------------------------------------------------------

    def build_work_logs(self, habits):
        """Each grid leader's daily log for most working days of the last LOG_WEEKS weeks and a weekly
        summary for each week, the current week's still a draft."""
        rng = self.rng
        monday = self.today - self.today.weekday() * DAY
        first = monday - (LOG_WEEKS - 1) * 7 * DAY
        for grid in self.grids:
            leader = self.leader.get(grid.pk)
            if leader is None:
                continue
            habit = habits[grid.pk]
            day = first
            while day < self.today:
                working = day.weekday() < 5 or (day.weekday() == 5 and rng.random() < 0.2)
                missed = rng.random() < habit.log_miss
                forgot, tired = rng.random() < habit.draft, rng.random() < 0.3
                draft = forgot or (day == self.today - DAY and tired)  # yesterday's may still be open
                submitted = self.at(day, rng.randint(18, 21), rng.randrange(0, 60, 5))
                text = self.daily_text(leader, day)
                if working and not missed:
                    self.log(grid, leader, WorkLog.Period.DAY, day, text, None if draft else submitted)
                day += DAY
            for week in range(LOG_WEEKS):
                starts_on = first + week * 7 * DAY
                current = starts_on == monday
                skipped = not current and rng.random() < habit.log_miss / 2
                submitted = self.at(starts_on + 6 * DAY, rng.randint(19, 22), rng.randrange(0, 60, 5))
                text = self.weekly_text(grid, starts_on, current)
                if not skipped:
                    self.log(grid, leader, WorkLog.Period.WEEK, starts_on, text, None if current else submitted)

    def log(self, grid, leader, period, starts_on, text, submitted_at):
        if submitted_at is not None and submitted_at >= self.now:
            submitted_at = None
        self.logs.append(
            WorkLog(
                township_id=self.township.pk,
                village_id=grid.village_id,
                grid_id=grid.pk,
                author_id=leader,
                period=period,
                starts_on=starts_on,
                text=text,
                submitted_at=submitted_at,
                recorded_by_id=self.user_of[leader],
            )
        )

    def daily_text(self, leader, day):
        lines = []
        for patrol in self.patrolled.get((leader, day), []):
            found = patrol.findings or "未发现异常"
            lines.append(f"{patrol.started_at:%H:%M}—{patrol.ended_at:%H:%M} 巡查{patrol.area}，{found}。")
        heads = self.visited.get((leader, day), [])
        if heads:
            more = "等" if len(heads) > 3 else ""
            lines.append(f"走访{len(heads)}户：{'、'.join(heads[:3])}{more}。")
        lines.append(self.rng.choice(OFFICE_WORK))
        return "\n".join(lines)

    def weekly_text(self, grid, monday, current):
        days = [monday + i * DAY for i in range(7) if monday + i * DAY < self.today]
        carers = self.carers.get(grid.pk, [])
        patrol_days = sum(any((c, d) in self.patrolled for c in carers) for d in days)
        visits = sum(len(self.visited.get((c, d), ())) for c in carers for d in days)
        found = sum(bool(p.findings) for c in carers for d in days for p in self.patrolled.get((c, d), ()))
        plan = self.rng.choice(WEEK_PLANS)
        if current:  # a draft, written as the week goes
            so_far = f"本周至今巡查{patrol_days}天，走访{visits}户。\n" if days else ""
            return f"{so_far}本周计划：{plan}"
        return f"本周巡查{patrol_days}天，网格走访{visits}户，巡查发现问题{found}条。\n下周计划：{plan}"

    # --- meetings -----------------------------------------------------------------------------

    def build_meetings(self):
        """Each village committee meets on its own weekday, some weeks not at all; the recent
        meetings take up a few of the village's cases."""
        rng = self.rng
        cases = {}
        for pk, village_id, summary, created_at, closed_at in (
            Case.objects.filter(township=self.township)
            .order_by("pk")
            .values_list("pk", "village_id", "summary", "created_at", "closed_at")
        ):
            cases.setdefault(village_id, []).append((pk, summary, created_at, closed_at))
        monday = self.today - self.today.weekday() * DAY
        weeks = YEAR_DAYS // 7 + 1
        grid_leaders = {}
        for grid in self.grids:
            if grid.pk in self.leader:
                grid_leaders.setdefault(grid.village_id, []).append(self.leader[grid.pk])
        for village in self.villages:
            secretary = self.secretary.get(village.pk)
            if secretary is None:
                continue
            weekday = rng.choice((0, 0, 1, 2, 4))  # the committee's usual day
            hour = rng.choice((8, 9, 19, 20))
            missing = rng.uniform(0.05, 0.14)
            skipped = {week for week in range(1, weeks) if rng.random() < missing}
            skipped |= set(rng.sample(range(1, weeks), 2))  # every committee misses a week or two
            members = self.village_cadres.get(village.pk, []) + grid_leaders.get(village.pk, [])
            for week in range(weeks - 1, -1, -1):
                moved = rng.random() < 0.15
                other_day = rng.choice([d for d in range(5) if d != weekday])
                held_on = monday - week * 7 * DAY + (other_day if moved else weekday) * DAY
                came = [c for c in members if c == secretary or rng.random() < 0.88]
                others = rng.choice(OTHERS_PRESENT) if rng.random() < 0.25 else ""
                recorded_at = self.at(held_on, min(hour + rng.randint(2, 3), 23), rng.randrange(0, 60, 5))
                texts = self.meeting_texts(held_on, cases.get(village.pk, []), week)
                if week in skipped or held_on >= self.today or recorded_at >= self.now:
                    continue
                meeting = Meeting(
                    township_id=self.township.pk,
                    village_id=village.pk,
                    held_on=held_on,
                    other_attendees=others,
                    recorded_by_id=self.user_of[secretary],
                    recorded_at=recorded_at,
                    agenda=texts["agenda"],
                    minutes=texts["minutes"],
                    decisions=texts["decisions"],
                )
                self.meetings.append(meeting)
                self.attendance += [(meeting, cadre_id) for cadre_id in came]
                self.agenda_cases += [(meeting, case_id) for case_id in texts["cases"]]

    def meeting_texts(self, held_on, cases, week):
        rng = self.rng
        day_start = self.at(held_on, 0)
        open_cases = [
            (pk, summary)
            for pk, summary, created_at, closed_at in cases
            if created_at < day_start and (closed_at is None or closed_at >= day_start)
        ]
        taken = []
        if week < CASE_WEEKS and open_cases and rng.random() < 0.7:
            taken = rng.sample(open_cases, min(len(open_cases), rng.randint(1, 2)))
        items = ["通报上周各网格巡查、走访情况", f"部署{SEASON[held_on.month]}"]
        items += [f"研究{summary}" for _pk, summary in taken]
        if rng.random() < 0.3:
            items.append("安排逾期未走访户的走访")
        agenda = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
        minutes = "各网格长汇报本周网格工作；" + rng.choice(
            ("会议逐项讨论了议题。", "与会人员就议题充分发表意见。", "包村干部传达了乡里近期工作要求。")
        )
        decisions = "\n".join(
            f"{n}. {text}" for n, text in enumerate(rng.sample(MEETING_DECISIONS, rng.randint(1, 2)), 1)
        )
        return {"agenda": agenda, "minutes": minutes, "decisions": decisions, "cases": [pk for pk, _ in taken]}
