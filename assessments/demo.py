"""Demo assessment for the demo township 青山乡: the seed's two schemes, three months computed and
closed and the current month open, with the manual items a township would have entered.

Everything goes through the services as the township's own people: 黄志强 (township centre) sets
the schemes, opens, computes and closes the months; 林雅琴 approves what others entered; the
village secretaries enter items about their grid leaders. The figures are the demo's field work
(visits/demo.py) and cases (cases/demo.py) as scored by the schemes, so chosen on purpose there:
郑荣村 第二网格's 郑玉才 falls behind and is under the pass mark three months running — on the
long-term-failure list —, with a complaint from the masses each month; 郑荣村 第一网格's 郑章木 is
commended for a hazard he found on patrol. In the open month a deduction about 郑玉才 waits for
the township's approval, and he has answered it.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from cases.demo import quiet
from cases.models import Case
from villages.demo import ZHENG_RONG
from villages.models import Post

from . import scoring, services
from .models import Cycle, Entry, Item, Period, Scheme, Score, Source

Role = Post.Role
D = Decimal
CLOSED_MONTHS = 3

SCHEMES = (
    {
        "name": "网格长月度百分制考核",
        "roles": [Role.GRID_LEADER],
        "total": 100,
        "pass_mark": D(60),
        "excellent_at": D(90),
        "items": scoring.GRID_LEADER_100,
        "manual": (("表彰奖励", Item.Effect.REWARD, 5), ("监督检查扣分", Item.Effect.DEDUCT, 20)),
    },
    {
        "name": "村两委干部千分制考核",
        "roles": [Role.VILLAGE_SECRETARY, Role.VILLAGE_DIRECTOR, Role.COMMITTEE_MEMBER],
        "total": 1000,
        "pass_mark": D(600),
        "excellent_at": D(900),
        "items": scoring.VILLAGE_CADRE_1000,
        "manual": (("表彰奖励", Item.Effect.REWARD, 50), ("监督检查扣分", Item.Effect.DEDUCT, 200)),
    },
)


def item_fields(item):
    """The Item fields of one of scoring.py's starting items."""
    if isinstance(item.scale, scoring.PerUnit):
        return {
            "metric": item.metric,
            "effect": Item.Effect.DEDUCT,
            "max_points": int(item.scale.cap),
            "points_each": -item.scale.points_each,
        }
    return {
        "metric": item.metric,
        "effect": Item.Effect.EARN,
        "max_points": item.max_points,
        "zero_at": item.scale.zero_at,
        "full_at": item.scale.full_at,
    }


def build_demo_assessments(township, now):
    """Create the demo schemes and periods of `township` as they stand at `now`."""
    if Scheme.objects.filter(township=township).exists():
        return
    with quiet("assessments.services"), translation.override(settings.LANGUAGE_CODE):
        _Builder(township, timezone.localdate(now)).build()


class _Builder:
    def __init__(self, township, today):
        self.township, self.today = township, today
        staff = (
            Post.objects.current(today)
            .filter(township=township, role=Role.TOWNSHIP_STAFF, cadre__user__isnull=False)
            .select_related("cadre__user")
            .order_by("pk")
        )
        self.centre, self.approver = (post.cadre.user for post in staff[:2])
        posts = Post.objects.current(today).filter(township=township, cadre__user__isnull=False)
        self.user_of = {post.cadre.name: post.cadre.user for post in posts.select_related("cadre__user")}

    def build(self):
        schemes = [self.scheme(plan) for plan in SCHEMES]
        month = self.today.replace(day=1)
        starts = [_months_before(month, n) for n in range(CLOSED_MONTHS, 0, -1)]
        for scheme in schemes:
            for number, start in enumerate(starts):
                period = services.open_period(actor=self.centre, scheme=scheme, day=start, today=self.today)
                self.entries(period, number, closing=True)
                services.close(period, actor=self.centre, today=self.today)
            period = services.open_period(actor=self.centre, scheme=scheme, day=month, today=self.today)
            self.entries(period, CLOSED_MONTHS, closing=False)

    def scheme(self, plan):
        items = [item_fields(item) for item in plan["items"]]
        items += [{"name": name, "effect": effect, "max_points": points} for name, effect, points in plan["manual"]]
        scheme = Scheme(township=self.township, name=plan["name"], cycle=Cycle.MONTH, roles=plan["roles"])
        return services.save_scheme(
            actor=self.centre,
            scheme=scheme,
            total=plan["total"],
            pass_mark=plan["pass_mark"],
            excellent_at=plan["excellent_at"],
            items=items,
            today=self.today,
        )

    def score_of(self, period, name):
        return Score.objects.filter(period=period, cadre__name=name).select_related("period", "cadre").first()

    def manual(self, period, effect):
        return period.version.items.filter(metric="", effect=effect).first()

    def entries(self, period, number, *, closing):
        """The month's manual items: grid leaders' from their village secretary, village cadres'
        from the township centre; decided by 林雅琴 (the open month's complaint still waits)."""
        grid_scheme = Role.GRID_LEADER in period.scheme.roles
        secretary = self.user_of[ZHENG_RONG.secretary]
        if grid_scheme:
            lagging = self.score_of(period, ZHENG_RONG.grids[1].leader)
            keeping = self.score_of(period, ZHENG_RONG.grids[0].leader)
            complaint = self.enter(
                secretary,
                lagging,
                Item.Effect.DEDUCT,
                D(6),
                Source.MASSES,
                "村民来电反映第二网格入户走访不到位，本月多户未见网格员上门，经村两委核实属实。",
                evidence=f"村受理中心来电登记，{period.starts_on + datetime.timedelta(days=20):%m月%d日}",
            )
            if closing:
                self.decide(complaint)
            else:
                services.answer(
                    actor=self.user_of[ZHENG_RONG.grids[1].leader],
                    entry=complaint,
                    text="本月上旬组内两户老人住院，陪同办理医保报销占用较多时间；下旬已补走访，请予核实。",
                )
            if number == CLOSED_MONTHS - 1:
                hazard = (
                    Case.objects.filter(township=self.township, grid_id=keeping.grid_id, category="hazard")
                    .order_by("created_at")
                    .first()
                )
                self.decide(
                    self.enter(
                        secretary,
                        keeping,
                        Item.Effect.REWARD,
                        D(3),
                        Source.LEVEL_ABOVE,
                        "巡查中及时发现安全隐患并第一时间上报，协调处置到位，村两委研究给予表彰。",
                        case=hazard,
                    )
                )
        else:
            director = self.score_of(period, ZHENG_RONG.director)
            if director is not None and number == CLOSED_MONTHS:
                self.decide(
                    self.enter(
                        self.centre,
                        director,
                        Item.Effect.REWARD,
                        D(30),
                        Source.SUPERIORS,
                        "牵头完成低保三级公示工作，程序规范，乡镇民政办检查表扬。",
                    )
                )

    def enter(self, actor, score, effect, points, source, reason, case=None, evidence=""):
        return services.enter(
            actor=actor,
            score=score,
            item=self.manual(score.period, effect),
            points=points,
            reason=reason,
            source=source,
            case=case,
            evidence=evidence,
        )

    def decide(self, entry):
        services.decide(actor=self.approver, entry=entry, approve=True, note="已核实。", today=self.today)


def _months_before(month, count):
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return datetime.date(year, index + 1, 1)


def assessment_counts(township):
    return {
        "schemes": Scheme.objects.filter(township=township).count(),
        "periods": Period.objects.filter(scheme__township=township).count(),
        "scores": Score.objects.filter(township=township).count(),
        "manual items": Entry.objects.filter(score__township=township).count(),
    }
