"""Writes of the field work: one service per record, each in one transaction.

Every service checks the actor's hands against the jurisdiction (PermissionDenied, which the pages
turn into a message), the dates against the rules (no visit in the future; a late entry says why),
and, when the visit or patrol raised a need, opens the case in the same transaction: the record
and its case are written together or not at all.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, Channel
from cases.workflow import Procedure
from villages.jurisdiction import Action, jurisdiction_for
from villages.models import Township

from . import rules, selectors
from .models import Interval, Meeting, Patrol, Visit, WorkLog
from .rules import Kind

log = logging.getLogger(__name__)
OLDEST_DAYS = 366  # a record older than a year is history, not a late entry


def cadre_of(user):
    """The cadre record the user signs for; records of field work name a cadre."""
    cadre = getattr(user, "cadre", None)
    if cadre is None:
        raise ValidationError(_("Your account is not linked to a cadre, so it cannot log field work."))
    return cadre


def check_date(day, late_reason=None, *, today, what):
    """Refuse a date in the future or over a year back; for the records of one's own field work
    (a `late_reason` is given), a date before yesterday needs a reason."""
    if day > today:
        raise ValidationError({what: _("The date is in the future; log it on the day.")})
    if day < today - datetime.timedelta(days=OLDEST_DAYS):
        raise ValidationError({what: _("The date is more than a year ago.")})
    late = day < today - datetime.timedelta(days=rules.LATE_AFTER_DAYS)
    if late and late_reason is not None and not late_reason.strip():
        raise ValidationError({"late_reason": _("This is a late entry: say why it is logged only now.")})


def _open_case(actor, now, *, summary, **where):
    """The coordination case a visit's need or a patrol's finding opens, in the record's transaction."""
    if not summary:
        raise ValidationError({"case_summary": _("Say what the case is about.")})
    case = Case(procedure=Procedure.COORDINATION, summary=summary[:120], **where)
    try:
        return case_services.open_case(actor=actor, case=case, now=now)
    except PermissionDenied:
        raise ValidationError(_("You may not register cases in this place.")) from None


@transaction.atomic
def record_visit(
    *,
    actor,
    household=None,
    representative=None,
    visited_on,
    kind,
    met="",
    findings=None,
    notes="",
    photo=None,
    late_reason="",
    case_category="",
    case_summary="",
    now=None,
):
    """Log a visit to a household (or a special talk with a representative); with a case
    category, open a coordination case from the needs it raised, in the same transaction."""
    now = now or timezone.now()
    visitor = cadre_of(actor)
    check_date(visited_on, late_reason, today=timezone.localdate(now), what="visited_on")
    jurisdiction = jurisdiction_for(actor)
    visit = Visit(
        visitor=visitor,
        visited_on=visited_on,
        kind=kind,
        met=met.strip(),
        notes=notes.strip(),
        late_reason=late_reason.strip(),
        recorded_by=actor,
        recorded_at=now,
        **{name: (findings or {}).get(name, "").strip() for name in Visit.FINDINGS},
    )
    if kind == Kind.TALK:
        if household is not None or representative is None:
            raise ValidationError(_("A special talk is with a villager representative."))
        if not selectors.representatives_due(actor).filter(pk=representative.pk).exists():
            raise PermissionDenied(_("You may not log a talk with this representative."))
        post = selectors.talk_posts(actor).filter(cadre=representative).select_related("group__village").first()
        visit.representative = representative
        visit.place_in_group(post.group)
    else:
        if household is None:
            raise ValidationError({"household": _("Say which household was visited.")})
        if not (jurisdiction.allows(Action.VIEW, household) and jurisdiction.allows(Action.VISIT, household)):
            raise PermissionDenied(_("You may not log a visit to this household."))
        if kind == Kind.CONTACT and household.contact_representative_id != visitor.pk:
            raise ValidationError({"kind": _("Only the household's contact representative logs a contact visit.")})
        if kind != Kind.CONTACT and not selectors.answers_for(actor, household):
            raise ValidationError({"kind": _("As its representative, log a contact visit to this household.")})
        visit.household = household
        visit.place_in_group(household.group)
    if case_category:
        if visit.household is None:
            raise ValidationError(_("A case is opened from a visit to a household."))
        visit.case = _open_case(
            actor,
            now,
            summary=case_summary.strip() or visit.needs or visit.dangers,
            household=visit.household,
            category=case_category,
            channel=Channel.VISIT,
            description="\n".join(f"{label}: {text}" for label, text in visit.findings),
        )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        if visit.household_id:
            raise ValidationError(_("You already logged a visit to this household on that day.")) from None
        raise ValidationError(_("You already logged a talk with this representative on that day.")) from None
    if photo:  # stored once the visit is written, so a refused visit leaves no file behind
        visit.photo.save(photo.name, photo, save=False)
        Visit.objects.filter(pk=visit.pk).update(photo=visit.photo.name)
    log.info("visit logged", extra={"visit": visit.pk, "actor": actor.pk})
    return visit


@transaction.atomic
def record_patrol(
    *,
    actor,
    grid,
    patrolled_on,
    started_at,
    ended_at,
    area,
    findings="",
    late_reason="",
    case_category="",
    case_summary="",
    now=None,
):
    """Log a patrol of a grid; with a case category, open a case from what it found."""
    now = now or timezone.now()
    patroller = cadre_of(actor)
    if not jurisdiction_for(actor).allows(Action.VISIT, grid):
        raise PermissionDenied(_("You may record patrols only of your own grids."))
    check_date(patrolled_on, late_reason, today=timezone.localdate(now), what="patrolled_on")
    if ended_at <= started_at:
        raise ValidationError({"ended_at": _("A patrol ends after it starts.")})
    if not area.strip():
        raise ValidationError({"area": _("Say which part of the grid was walked.")})
    patrol = Patrol(
        township_id=grid.village.township_id,
        village_id=grid.village_id,
        grid=grid,
        patroller=patroller,
        patrolled_on=patrolled_on,
        started_at=started_at,
        ended_at=ended_at,
        area=area.strip(),
        findings=findings.strip(),
        late_reason=late_reason.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    if case_category:
        patrol.case = _open_case(
            actor,
            now,
            summary=case_summary.strip() or patrol.findings,
            grid=grid,
            location=patrol.area[:200],
            category=case_category,
            channel=Channel.PATROL,
            description=patrol.findings,
        )
    patrol.save()
    log.info("patrol logged", extra={"patrol": patrol.pk, "actor": actor.pk})
    return patrol


def week_of(day):
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def save_work_log(*, actor, grid=None, period=None, starts_on=None, text, submit=False, log_entry=None, now=None):
    """Write a new work log or change one's own draft; `submit` hands it in (then it is final)."""
    now = now or timezone.now()
    author = cadre_of(actor)
    if not text.strip():
        raise ValidationError({"text": _("Write the log before saving it.")})
    if log_entry is None:
        if not jurisdiction_for(actor).allows(Action.VISIT, grid):
            raise PermissionDenied(_("You may keep work logs only for your own grids."))
        if period == WorkLog.Period.WEEK and starts_on.weekday() != 0:
            raise ValidationError({"starts_on": _("A weekly summary starts on a Monday.")})
        check_date(starts_on, today=timezone.localdate(now), what="starts_on")
        log_entry = WorkLog(
            township_id=grid.village.township_id,
            village_id=grid.village_id,
            grid=grid,
            author=author,
            period=period,
            starts_on=starts_on,
            recorded_by=actor,
        )
    else:
        log_entry = WorkLog.objects.select_for_update().get(pk=log_entry.pk)
        if log_entry.author_id != author.pk:
            raise PermissionDenied(_("Only its author changes a work log."))
        if log_entry.is_submitted:
            raise ValidationError(_("This log was submitted and can no longer be changed."))
    log_entry.text = text.strip()
    if submit:
        log_entry.submitted_at = now
    try:
        with transaction.atomic():
            log_entry.save()
    except IntegrityError:
        raise ValidationError(_("You already have a log for this day or week; open it instead.")) from None
    return log_entry


@transaction.atomic
def record_meeting(
    *, actor, village, held_on, agenda, attendees=(), other_attendees="", minutes="", decisions="", cases=(), now=None
):
    """Record a village committee meeting; the cases it discussed must be the village's."""
    now = now or timezone.now()
    if not jurisdiction_for(actor).allows(Action.VISIT, village):
        raise PermissionDenied(_("Only the village's two committees and the township record its meetings."))
    check_date(held_on, today=timezone.localdate(now), what="held_on")
    if not agenda.strip():
        raise ValidationError({"agenda": _("Write the agenda.")})
    if any(case.village_id != village.pk for case in cases):
        raise ValidationError({"cases": _("A meeting discusses the cases of its own village.")})
    meeting = Meeting(
        township_id=village.township_id,
        village=village,
        held_on=held_on,
        other_attendees=other_attendees.strip(),
        agenda=agenda.strip(),
        minutes=minutes.strip(),
        decisions=decisions.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(_("This village already has a meeting recorded on that day.")) from None
    meeting.attendees.set(attendees)
    meeting.cases.set(cases)
    log.info("meeting recorded", extra={"meeting": meeting.pk, "actor": actor.pk})
    return meeting


@transaction.atomic
def save_intervals(*, actor, township, table):
    """Replace a township's visit intervals; `table` maps a rule's name to its days."""
    if not jurisdiction_for(actor).allows(Action.MANAGE, township):
        raise PermissionDenied(_("Only the township centre sets the visit intervals."))
    Township.objects.select_for_update().get(pk=township.pk)  # two clerks saving at once: one after the other
    for name, days in table.items():
        if name not in rules.RULES:
            raise ValidationError(_("Unknown rule."))
        if not 1 <= days <= 731:
            raise ValidationError(_("An interval is between 1 and 731 days."))
        Interval.objects.update_or_create(township=township, rule=name, defaults={"days": days})
    log.info("visit intervals saved", extra={"township": township.pk, "actor": actor.pk})
