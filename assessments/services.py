"""Assessment services: schemes and their versions, periods, the computation and the manual items.

Every change is one transaction and checks who may make it here, whatever page sent it:
    save_scheme     the township; a version some period was scored by is never changed — a new one
                    is made, and the open periods move to it (their manual items with them)
    open_period     the township; a month, quarter or year of a scheme
    compute         idempotent: the same records give the same ledger; refused once closed
    close           computes a last time and freezes; refused while manual items wait for a decision
    enter           the level above the cadre; a reward or deduction with its reason and evidence
    decide          the township approves or refuses an item someone else entered
    answer          the cadre, about an item on them, while the period is open
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from villages.jurisdiction import Action, jurisdiction_for

from . import metrics, scoring
from .models import COUNTED, MAX_POINTS, Cycle, Entry, Item, Line, Period, Scheme, SchemeVersion, Score

log = logging.getLogger(__name__)
ZERO = Decimal(0)


# --- schemes ------------------------------------------------------------------------------------


def may_manage(user, township):
    """The township centre sets schemes, opens, computes and closes periods, decides manual items."""
    return jurisdiction_for(user).allows(Action.MANAGE, township)


def _require_manage(user, township):
    if not may_manage(user, township):
        raise PermissionDenied(_("Only the township centre manages assessments."))


def check_items(total, items):
    """Raise a ValidationError unless `items` (dicts of Item fields) make a scheme of `total` points."""
    if not items:
        raise ValidationError(_("A scheme needs at least one item."))
    metrics_used = [item["metric"] for item in items if item.get("metric")]
    if len(metrics_used) != len(set(metrics_used)):
        raise ValidationError(_("Each measure of the work can be used by one item only."))
    for item in items:
        metric, effect = item.get("metric"), item["effect"]
        label = item.get("name") or (scoring.Metric(metric).label if metric else "")
        if not metric and not item.get("name"):
            raise ValidationError(_("Name every manual item."))
        if metric in COUNTED:
            if effect != Item.Effect.DEDUCT or not item.get("points_each") or item["points_each"] <= 0:
                raise ValidationError(
                    _("“%(item)s” counts cases: make it a deduction with the points taken per case.") % {"item": label}
                )
        elif metric:
            if effect != Item.Effect.EARN:
                raise ValidationError(_("“%(item)s” earns points: its effect is “earns”.") % {"item": label})
            if item.get("zero_at") is None or item.get("full_at") is None:
                raise ValidationError(
                    _("Give “%(item)s” the value that earns nothing and the one that earns full points.")
                    % {"item": label}
                )
    if any(not 1 <= item["max_points"] <= MAX_POINTS for item in items):
        raise ValidationError(_("An item is worth between 1 and %(max)s points.") % {"max": MAX_POINTS})
    earned = sum(item["max_points"] for item in items if item["effect"] == Item.Effect.EARN)
    if earned != total:
        raise ValidationError(
            _("The items that earn points add up to %(earned)s; the scheme's total is %(total)s.")
            % {"earned": earned, "total": total}
        )


@transaction.atomic
def save_scheme(*, actor, scheme, total, pass_mark, excellent_at, items, today=None):
    """Save `scheme` (its name, cycle and posts set by the caller) with a version of `total`,
    marks and `items`. Returns the scheme."""
    _require_manage(actor, scheme.township)
    check_items(total, items)
    if not scheme.roles:
        raise ValidationError(_("Choose the posts this scheme assesses."))
    if Scheme.objects.filter(township=scheme.township, name=scheme.name).exclude(pk=scheme.pk).exists():
        raise ValidationError(_("The township already has a scheme of this name."))
    if not ZERO <= pass_mark <= excellent_at <= total:
        raise ValidationError(_("The pass mark must be at most the mark for excellent, and both within the total."))
    if scheme.pk:
        saved = Scheme.objects.select_for_update().get(pk=scheme.pk)  # two editors save one after the other
        if saved.cycle != scheme.cycle and saved.periods.exists():
            raise ValidationError(_("Periods were opened by this scheme: its cycle stays as it is. Make a new scheme."))
    scheme.save()
    current = scheme.versions.first()
    used = current is not None and current.periods.exists()
    if current is None or used:
        version = SchemeVersion.objects.create(
            scheme=scheme,
            number=current.number + 1 if current else 1,
            total=total,
            pass_mark=pass_mark,
            excellent_at=excellent_at,
            created_by=actor,
        )
    else:  # never scored by: changed in place
        version = current
        version.total, version.pass_mark, version.excellent_at = total, pass_mark, excellent_at
        version.save()
        version.items.all().delete()
    made = Item.objects.bulk_create(Item(version=version, position=n, **fields) for n, fields in enumerate(items))
    if used:
        for period in scheme.periods.filter(status=Period.Status.OPEN):
            _move_to(period, version, made)
            compute(period, actor=actor, today=today)
    log.info("assessment scheme saved", extra={"scheme": scheme.pk, "version": version.number, "actor": actor.pk})
    return scheme


def _move_to(period, version, items):
    """An open period follows its scheme's new version (computed again at once), and each manual
    item moves to the new item of the same name and effect — or of the same
    effect — or the save is refused."""
    manual = [item for item in items if not item.metric]
    for entry_item in Item.objects.filter(entries__score__period=period).distinct():
        target = next(
            (item for item in manual if (item.name, item.effect) == (entry_item.name, entry_item.effect)), None
        ) or next((item for item in manual if item.effect == entry_item.effect), None)
        if target is None:
            raise ValidationError(
                _("The open period %(period)s has manual items under “%(item)s”; keep a manual item of that kind.")
                % {"period": period.label, "item": entry_item.label}
            )
        Entry.objects.filter(score__period=period, item=entry_item).update(item=target)
    period.version = version
    period.save(update_fields=["version"])


# --- periods ------------------------------------------------------------------------------------


def period_bounds(cycle, day):
    """The first and last day of the month, quarter or year holding `day`."""
    if cycle == Cycle.MONTH:
        start = day.replace(day=1)
        months = 1
    elif cycle == Cycle.QUARTER:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        months = 3
    else:
        start = day.replace(month=1, day=1)
        months = 12
    year, month = divmod(start.month - 1 + months, 12)
    return start, datetime.date(start.year + year, month + 1, 1) - datetime.timedelta(days=1)


@transaction.atomic
def open_period(*, actor, scheme, day, today=None):
    """Open (and compute) the period of `scheme` holding `day`; an existing one is returned as it is."""
    _require_manage(actor, scheme.township)
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError(_("A period cannot start in the future."))
    starts_on, ends_on = period_bounds(scheme.cycle, day)
    version = scheme.versions.first()
    if version is None:
        raise ValidationError(_("Give the scheme its items first."))
    period, created = Period.objects.get_or_create(
        scheme=scheme,
        starts_on=starts_on,
        defaults={"ends_on": ends_on, "version": version, "status": Period.Status.OPEN},
    )
    if created:
        compute(period, actor=actor, today=today)
        period.refresh_from_db()
    return period


@transaction.atomic
def compute(period, *, actor=None, today=None):
    """Score every cadre the scheme assesses for `period` from the records, as of `today` while
    the period runs. Running it again on the same records writes the same ledger; a closed period
    is refused. `actor` None: the portal itself (a scheduled job)."""
    period = Period.objects.select_for_update().select_related("scheme", "version").get(pk=period.pk)
    if actor is not None:
        _require_manage(actor, period.scheme.township)
    if not period.is_open:
        raise ValidationError(_("This period is closed; its scores are final."))
    today = today or timezone.localdate()
    version = period.version
    items = list(version.items.all())
    areas = metrics.assessed_areas(period.scheme, period.starts_on, period.ends_on)
    measured = metrics.measure(areas, metrics.Window(period.starts_on, period.ends_on, today))
    entered = {
        (cadre_id, item_id): points
        for cadre_id, item_id, points in Entry.objects.filter(score__period=period, status=Entry.Status.APPROVED)
        .values_list("score__cadre_id", "item_id")
        .annotate(points=Sum("points"))
    }
    rows = []
    for area in areas:
        lines = [_line(item, measured[area.cadre_id], entered.get((area.cadre_id, item.pk))) for item in items]
        total = max(ZERO, sum((line.points for line in lines), ZERO))
        rows.append((area, total, lines))
    by_township = scoring.ranks({area.cadre_id: total for area, total, _lines in rows})
    by_village = {}
    for area, total, _lines in rows:
        by_village.setdefault(area.village_id, {})[area.cadre_id] = total
    by_village = {village: scoring.ranks(totals) for village, totals in by_village.items()}
    existing = {score.cadre_id: score for score in period.scores.all()}
    fields = ["post_id", "role", "level", "township_id", "village_id", "grid_id", "total", "grade", "passed"]
    fields += ["rank_township", "rank_village"]
    scores = []
    for area, total, lines in rows:
        score = existing.pop(area.cadre_id, None) or Score(period=period, cadre_id=area.cadre_id)
        values = {
            "post_id": area.post_id,
            "role": area.role,
            "level": area.level,
            "township_id": area.township_id,
            "village_id": area.village_id,
            "grid_id": area.grid_id,
            "total": total,
            "grade": scoring.grade(
                total, pass_mark=version.pass_mark, out_of=version.total, excellent_at=version.excellent_at
            ),
            "passed": total >= version.pass_mark,
            "rank_township": by_township[area.cadre_id],
            "rank_village": by_village[area.village_id][area.cadre_id],
        }
        for name, value in values.items():
            setattr(score, name, value)
        scores.append((score, lines))
    Score.objects.bulk_update([score for score, _lines in scores if score.pk], fields)
    Line.objects.filter(score__in=[score.pk for score, _lines in scores if score.pk]).delete()
    Score.objects.bulk_create([score for score, _lines in scores if not score.pk])
    # No longer assessed (a post's dates changed): gone — unless a manual item was entered about
    # them, which keeps the score with the ledger it was last computed with.
    Score.objects.filter(pk__in=[s.pk for s in existing.values()], entries__isnull=True).delete()
    for score, lines in scores:
        for line in lines:
            line.score = score
    Line.objects.bulk_create(line for _score, lines in scores for line in lines)
    period.computed_at = timezone.now()
    period.save(update_fields=["computed_at"])
    log.info("assessment computed", extra={"period": period.pk, "scores": len(scores)})
    return period


def _line(item, measures, entered):
    """The ledger line of one item: an automatic item scores its metric, a manual one sums its
    approved entries up to its maximum."""
    if item.metric:
        measure = measures.get(item.metric, metrics.Measure(None))
        result = scoring.score(measure.value, item.scale, item.max_points)
        return Line(
            item=item,
            value=measure.value,
            counted=measure.counted,
            out_of=measure.out_of,
            points=result.points,
            assessed=result.assessed,
        )
    points = min(entered or ZERO, Decimal(item.max_points))
    signed = -points if item.effect == Item.Effect.DEDUCT else points
    return Line(item=item, points=signed, assessed=entered is not None)


@transaction.atomic
def close(period, *, actor, today=None):
    """Compute a last time and freeze the period's scores."""
    period = Period.objects.select_for_update().select_related("scheme").get(pk=period.pk)
    _require_manage(actor, period.scheme.township)
    if not period.is_open:
        raise ValidationError(_("This period is already closed."))
    today = today or timezone.localdate()
    if period.ends_on >= today:
        raise ValidationError(_("This period runs until %(date)s; close it after that.") % {"date": period.ends_on})
    pending = Entry.objects.filter(score__period=period, status=Entry.Status.PENDING).count()
    if pending:
        raise ValidationError(
            ngettext(
                "%(count)s manual item waits for a decision; decide it before closing.",
                "%(count)s manual items wait for a decision; decide them before closing.",
                pending,
            )
            % {"count": pending}
        )
    compute(period, actor=actor, today=today)
    period.status = Period.Status.CLOSED
    period.closed_at, period.closed_by = timezone.now(), actor
    period.save(update_fields=["status", "closed_at", "closed_by"])
    log.info("assessment period closed", extra={"period": period.pk, "actor": actor.pk})
    return period


# --- manual items -------------------------------------------------------------------------------


def may_enter(user, score):
    """The level above the cadre: the township for anyone, a village's committees for its grids'
    cadres (Score.scope_limits); never about oneself."""
    return (
        score.period.is_open and score.cadre.user_id != user.pk and jurisdiction_for(user).allows(Action.ASSESS, score)
    )


@transaction.atomic
def enter(*, actor, score, item, points, reason, source, case=None, visit=None, evidence=""):
    score = Score.objects.select_related("period", "cadre").get(pk=score.pk)
    if score.cadre.user_id == actor.pk:
        raise PermissionDenied(_("Items about yourself are entered by the level above you."))
    if not jurisdiction_for(actor).allows(Action.ASSESS, score):
        raise PermissionDenied(_("Manual items are entered by the level above the cadre."))
    period = Period.objects.select_for_update().get(pk=score.period_id)  # a close or an edit waits for this
    if not period.is_open:
        raise ValidationError(_("This period is closed; its scores are final."))
    if item.metric or item.version_id != period.version_id:
        raise ValidationError({"item": _("Choose one of the scheme's manual items.")})
    if not Decimal("0.5") <= points <= item.max_points:
        raise ValidationError({"points": _("Between 0.5 and %(max)s points.") % {"max": item.max_points}})
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason.")})
    entry = Entry.objects.create(
        score=score,
        item=item,
        points=points,
        reason=reason.strip(),
        source=source,
        case=case,
        visit=visit,
        evidence=evidence.strip(),
        entered_by=actor,
    )
    log.info("assessment item entered", extra={"entry": entry.pk, "actor": actor.pk})
    return entry


def _locked(entry):
    entries = Entry.objects.select_for_update(of=("self",)).select_related("score__period", "score__cadre")
    return entries.get(pk=entry.pk)


def may_decide(user, entry):
    return (
        entry.status == Entry.Status.PENDING
        and entry.score.period.is_open
        and entry.entered_by_id != user.pk
        and entry.score.cadre.user_id != user.pk
        and may_manage(user, entry.score.township)
    )


@transaction.atomic
def decide(*, actor, entry, approve, note="", today=None):
    """The township approves (the points count from the next computation, made at once) or refuses."""
    entry = _locked(entry)
    if not may_manage(actor, entry.score.township):
        raise PermissionDenied(_("Manual items are approved by the township centre."))
    if entry.entered_by_id == actor.pk or entry.score.cadre.user_id == actor.pk:
        raise PermissionDenied(_("Someone else at the township decides an item you entered or one about you."))
    if entry.status != Entry.Status.PENDING:
        raise ValidationError(_("This item was already decided."))
    if not entry.score.period.is_open:
        raise ValidationError(_("This period is closed; its scores are final."))
    entry.status = Entry.Status.APPROVED if approve else Entry.Status.REJECTED
    entry.decided_by, entry.decided_at, entry.decision_note = actor, timezone.now(), note.strip()
    entry.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        compute(entry.score.period, actor=actor, today=today)
    return entry


def may_answer(user, entry):
    return entry.score.cadre.user_id == user.pk and entry.score.period.is_open


@transaction.atomic
def answer(*, actor, entry, text):
    entry = _locked(entry)
    if entry.score.cadre.user_id != actor.pk:
        raise PermissionDenied(_("Only the cadre it is about answers an item."))
    if not entry.score.period.is_open:
        raise ValidationError(_("This period is closed; its scores are final."))
    if not text.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    entry.answer, entry.answered_at = text.strip(), timezone.now()
    entry.save(update_fields=["answer", "answered_at"])
    return entry
