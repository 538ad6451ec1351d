"""Writes to cases: one service per transition, each in one transaction.

Every service locks the case, checks that it is still the version the user saw (compare-and-set:
of two people acting at once exactly one succeeds, the other is told the case changed), asks
`workflow` whether the move is legal, checks the actor's hands against the jurisdiction, writes
the case and one `CaseEvent`, and queues the notifications to be written after the commit.
"""

import copy
import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from villages import services as registry
from villages.jurisdiction import ROLE_ACTIONS, Action, jurisdiction_for
from villages.models import Post

from . import workflow
from .models import Attachment, Case, CaseEvent, Category, Deadline, Notification
from .workflow import IN_HAND, Level, Procedure, Status

log = logging.getLogger(__name__)
Kind = CaseEvent.Kind
CHANGED = _lazy("Someone changed this case a moment ago. Look at it again before you act.")


# --- who may do what -------------------------------------------------------------------------


def at_level(case, level):
    """The case as if it stood at `level`: for asking who could act there."""
    moved = copy.copy(case)
    moved.level = level
    return moved


def may_handle(user, case):
    """The level holding the case, or a post above it over the same place."""
    return jurisdiction_for(user).allows(Action.HANDLE, case)


def may_follow(user, case):
    """Anyone on the case's chain of responsibility, whatever level holds it now: they post
    on-site updates and record the resident's satisfaction when the result comes back down."""
    return may_handle(user, case) or jurisdiction_for(user).allows(Action.HANDLE, at_level(case, Level.REPRESENTATIVE))


def may_verdict(user, case):
    """Recording the resident's verdict on a result: the grid and the representative over the
    place, and the posts above them (not the department that gave the result)."""
    return jurisdiction_for(user).allows(Action.HANDLE, at_level(case, Level.REPRESENTATIVE))


def may_recall(user, case):
    """Taking a case back from a department: the township centre over the case's place."""
    return jurisdiction_for(user).allows(Action.HANDLE, at_level(case, Level.TOWNSHIP))


# Who may take a step; the rest are for the level holding the case and those above it.
STEP_PERMISSIONS = {
    "confirm_satisfied": may_verdict,
    "reopen": may_verdict,
    "close_dissatisfied": may_verdict,
    "recall": may_recall,
}


def may_take(user, case, name):
    return STEP_PERMISSIONS.get(name, may_handle)(user, case)


def own_level(user, case):
    """The highest level below the department at which `user` may act on this case, or None."""
    for level in (Level.TOWNSHIP, Level.VILLAGE, Level.GRID, Level.REPRESENTATIVE):
        if jurisdiction_for(user).allows(Action.HANDLE, at_level(case, level)):
            return level
    return None


def approver_level(case):
    """Who approves an extension: the level above, and the township centre for itself and departments."""
    return min(case.level + 1, Level.TOWNSHIP)


def may_approve_extension(user, case):
    return jurisdiction_for(user).allows(Action.HANDLE, at_level(case, approver_level(case)))


def extension_asker(case):
    event = case.events.filter(kind=Kind.EXTENSION_REQUESTED).order_by("-at", "-pk").first()
    return event.actor_id if event else None


def may_decide_extension(user, case):
    """The level above decides on a pending request, but not the one who asked for it."""
    return (
        case.extension_requested is not None and may_approve_extension(user, case) and extension_asker(case) != user.pk
    )


def handlers(case, level=None):
    """The active users whose current posts hold `level` (default: the case's own) for this case."""
    level = case.level if level is None else level
    posts = Post.objects.current()
    if level == Level.REPRESENTATIVE:
        contact = case.household.contact_representative_id if case.household_id else None
        posts = posts.filter(role=Post.Role.REPRESENTATIVE, cadre_id=contact)
    elif level == Level.GRID:
        posts = posts.filter(role__in=[Post.Role.GRID_LEADER, Post.Role.GRID_MEMBER], grid_id=case.grid_id)
    elif level == Level.VILLAGE:
        whole_village = Q(first_group__isnull=True)
        if case.group_id:
            number = case.group.number
            whole_village |= Q(first_group__lte=number, last_group__gte=number)
        posts = posts.filter(whole_village, role__in=Post.VILLAGE_ROLES, village_id=case.village_id)
    elif level == Level.TOWNSHIP:
        posts = posts.filter(role=Post.Role.TOWNSHIP_STAFF, township_id=case.township_id)
    else:
        posts = posts.filter(
            role=Post.Role.DEPARTMENT_OFFICER, township_id=case.township_id, department=case.department
        )
    if case.category == Category.UNSTABLE:  # only posts that may see sensitive matters (Case.sensitive_rows)
        sensitive = [role for role, actions in ROLE_ACTIONS.items() if Action.SENSITIVE in actions]
        posts = posts.filter(role__in=sensitive)
    return get_user_model().objects.filter(is_active=True, cadre__posts__in=posts).distinct().order_by("first_name")


def departments(township_id):
    """The departments of a township: those with an officer posted now."""
    return list(
        Post.objects.current()
        .filter(role=Post.Role.DEPARTMENT_OFFICER, township_id=township_id)
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


# --- deadlines -------------------------------------------------------------------------------


def deadlines(township_id):
    """{procedure: {level: (warn after, due after)}}: the defaults with the township's own rows."""
    table = {procedure: dict(levels) for procedure, levels in workflow.DEADLINES.items()}
    for row in Deadline.objects.filter(township_id=township_id):
        table[row.procedure][Level(row.level)] = (row.warn_after, row.due_after)
    return table


def _arrive(case, level, now, table=None):
    """The case arrives at `level`: its clock starts again, any pending extension request lapses."""
    table = table or deadlines(case.township_id)
    warn, due = table[case.procedure][Level(level)]
    case.level = level
    case.arrived_at = now
    case.warn_at = now + warn
    case.due_at = now + due
    case.extension_requested = None
    case.extension_reason = ""


@transaction.atomic
def save_deadlines(*, actor, township, table):
    """Replace a township's deadlines; `table` maps (procedure, level) to (warn, due)."""
    if not jurisdiction_for(actor).allows(Action.MANAGE, township):
        raise PermissionDenied(_("Only the township centre sets case deadlines."))
    for (procedure, level), (warn, due) in table.items():
        if warn > due:
            raise ValidationError(_("A warning cannot come after the limit it warns of."))
        if due <= datetime.timedelta(0):
            raise ValidationError(_("A deadline must be longer than zero."))
        Deadline.objects.update_or_create(
            township=township, procedure=procedure, level=level, defaults={"warn_after": warn, "due_after": due}
        )
    log.info("case deadlines saved", extra={"township": township.pk, "actor": actor.pk})


# --- events and notifications ----------------------------------------------------------------


def _record(case, kind, actor, before, note="", tell=(), at=None, late=None):
    """Write the event (at `at`, or now); after the commit, notify (see _notify) and tell `tell`.
    `late`: for a step on a case in hand, whether its level's deadline had passed."""
    event = CaseEvent.objects.create(
        late=late,
        at=at or timezone.now(),
        case=case,
        kind=kind,
        actor=actor,
        from_level=before[0],
        to_level=case.level,
        from_status=before[1],
        to_status=case.status,
        note=note,
    )
    transaction.on_commit(lambda: _notify(case, event, tell))
    return event


def _notify(case, event, tell=()):
    """After the commit, as the case then stands: the holders of its level learn it arrived (the
    whole township centre, at once, for an emergency) unless someone accepted it on the spot, or
    that it came back to them reopened; the level above learns of an extension request; a new
    responsible person learns it is theirs; its reporter learns it moved."""
    recipients = dict.fromkeys(tell, Notification.Reason.ANSWERED)
    arrived = event.kind == Kind.CREATED or event.from_level != event.to_level
    if (case.status == Status.OPEN and arrived) or event.kind == Kind.REOPEN:
        reason = Notification.Reason.EMERGENCY if case.procedure == Procedure.EMERGENCY else Notification.Reason.ARRIVED
        recipients.update(dict.fromkeys(handlers(case).values_list("pk", flat=True), reason))
    if event.kind == Kind.RESOLVE and case.level > Level.GRID:  # the result comes back down
        for level in (Level.GRID, Level.REPRESENTATIVE):
            recipients.update(
                dict.fromkeys(handlers(case, level).values_list("pk", flat=True), Notification.Reason.VERDICT)
            )
    if event.kind == Kind.EXTENSION_REQUESTED:
        above = handlers(case, approver_level(case)).values_list("pk", flat=True)
        recipients.update(dict.fromkeys(above, Notification.Reason.ARRIVED))
    if event.kind == Kind.ASSIGN and case.assignee_id:
        recipients[case.assignee_id] = Notification.Reason.ARRIVED
    if event.moved and event.kind != Kind.CREATED:
        recipients.setdefault(case.reported_by_id, Notification.Reason.MOVED)
    recipients.pop(event.actor_id, None)
    Notification.objects.bulk_create(
        [Notification(recipient_id=pk, event=event, reason=reason) for pk, reason in recipients.items()],
        ignore_conflicts=True,
    )


# --- the case itself -------------------------------------------------------------------------


def _locked(case, version, actor, may, refusal=None):
    """The case row, locked (on PostgreSQL), if nobody changed it since `version` (ValidationError:
    the one who lost a race learns the case changed, even if it has since moved out of their
    hands) and `actor` `may` act on it (PermissionDenied)."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("household", "group").get(pk=case.pk)
    if version is not None and locked.version != int(version):
        raise ValidationError(CHANGED, code="case_changed")
    if not may(actor, locked):
        raise PermissionDenied(refusal or _("This case is held at a level you do not act for."))
    return locked


def _save(case, fields):
    """Write the case only if nobody wrote it since it was locked: the compare-and-set."""
    changed = Case.objects.filter(pk=case.pk, version=case.version).update(
        version=F("version") + 1, **{name: getattr(case, name) for name in fields}
    )
    if changed != 1:
        raise ValidationError(CHANGED, code="case_changed")
    case.version += 1


def _place(case):
    """Fill the case's place keys from what it concerns: a household, a facility, or a grid."""
    if case.household_id:
        household = case.household
        case.group_id, case.grid_id = household.group_id, household.grid_id
    elif case.place_id:
        case.grid_id = case.place.grid_id
    if not case.grid_id:
        raise ValidationError({"grid": _("Say which grid the matter is in.")})
    grid = case.grid
    case.village_id = grid.village_id
    case.township_id = grid.village.township_id
    if case.group_id and case.group.grid_id != case.grid_id:
        raise ValidationError({"group": _("This villager group is not in the chosen grid.")})


@transaction.atomic
def open_case(*, actor, case, result="", start_level=None, files=(), now=None):
    """Register a case. A general matter is recorded as handled on the spot (`result`); the others
    start at the reporter's level, or lower if they send it there, and are accepted on the spot
    when the reporter holds that level. An emergency goes to the township centre at once."""
    _place(case)
    if not jurisdiction_for(actor).allows(Action.REPORT, case):
        raise PermissionDenied(_("You may not register cases in this place."))
    mine = own_level(actor, case)
    level = start_level or mine or Level.GRID
    if level == Level.REPRESENTATIVE and not (case.household_id and case.household.contact_representative_id):
        raise ValidationError(_("Only a household with a contact representative can start at that level."))
    if level >= Level.DEPARTMENT or (mine and level > mine) or (not mine and level != Level.GRID):
        raise ValidationError(_("You can send a case to your own level or one below it, not above."))
    if case.procedure == Procedure.GENERAL and not result.strip():
        raise ValidationError({"result": _("Say how the matter was handled on the spot.")})
    status, level = workflow.initial(case.procedure, level)
    now = now or timezone.now()
    case.reported_by = actor
    case.created_at = now
    case.status = status
    _arrive(case, level, now)
    if status == Status.CLOSED:
        case.resolved_at = case.closed_at = now
    case.save()
    _record(case, Kind.CREATED, actor, (None, ""), note=result.strip(), at=now)
    if status == Status.OPEN and mine == level:  # accepted on the spot by the one who met it
        before = (case.level, case.status)
        case.status, case.assignee = Status.ACCEPTED, actor
        _save(case, ["status", "assignee"])
        _record(case, Kind.ACCEPT, actor, before, at=now)
    for upload in files:
        _attach(case, actor, upload, now)
    log.info("case opened", extra={"case": case.pk, "actor": actor.pk})
    return case


NEEDS_DEPARTMENT = {"dispatch", "verify_and_submit"}


@transaction.atomic
def transition(*, actor, case, name, version, note="", department="", now=None):
    """Take transition `name` (see workflow.TRANSITIONS) as `actor`, or raise and change nothing."""
    case = _locked(case, version, actor, STEP_PERMISSIONS.get(name, may_handle))
    try:
        status, level = workflow.apply(name, procedure=case.procedure, level=case.level, status=case.status)
    except workflow.IllegalTransition:
        raise ValidationError(
            _("This step is not possible for the case as it stands (%(status)s, %(level)s).")
            % {"status": case.get_status_display(), "level": case.get_level_display()},
            code="illegal_transition",
        ) from None
    if name == "return" and case.level == Level.DEPARTMENT:  # back to whoever dispatched it
        dispatched = case.events.filter(kind=Kind.DISPATCH).order_by("-at", "-pk").first()
        level = Level(dispatched.from_level) if dispatched else Level.TOWNSHIP
    note = note.strip()
    if workflow.TRANSITIONS[name].needs_note and not note:
        raise ValidationError({"note": _("Write the reason or the result for this step.")})
    now = now or timezone.now()
    before = (case.level, case.status)
    late = now > case.due_at if case.status in IN_HAND else None
    fields = ["status", "level", "assignee", "arrived_at", "warn_at", "due_at"]
    fields += ["extension_requested", "extension_reason"]
    if name in NEEDS_DEPARTMENT:
        if department not in departments(case.township_id):
            raise ValidationError({"department": _("Choose one of the township's departments.")})
        case.department = department
        fields.append("department")
    if name == "close_notice" and now < case.notice_ends_at:
        raise ValidationError(
            _("The public notice runs until %(date)s; close it after that.")
            % {"date": timezone.localtime(case.notice_ends_at).strftime("%Y-%m-%d %H:%M")}
        )
    if level == Level.REPRESENTATIVE and not (case.household_id and case.household.contact_representative_id):
        raise ValidationError(_("This household has no contact representative to send the case to."))
    case.status = status
    if status not in IN_HAND:  # a request for more time lapses with the handling it was for
        case.extension_requested, case.extension_reason = None, ""
    if level != before[0] or name == "reopen":
        _arrive(case, level, now)
        case.assignee = None
    if name == "accept":
        case.assignee = actor
        if case.procedure == Procedure.EMERGENCY:  # acknowledged: now a day to resolve it
            case.warn_at, case.due_at = (now + limit for limit in workflow.EMERGENCY_HANDLING)
    elif name == "reopen":
        case.assignee = actor if level == before[0] and may_handle(actor, case) else None
        case.reopened += 1
        case.satisfied = False
        case.resolved_at = case.closed_at = None
        fields += ["reopened", "satisfied", "resolved_at", "closed_at"]
    elif name == "resolve":
        case.resolved_at = now
        fields.append("resolved_at")
    elif name == "confirm_satisfied":
        case.satisfied, case.closed_at = True, now
        fields += ["satisfied", "closed_at"]
    elif name == "close_dissatisfied":
        case.satisfied, case.closed_at = False, now
        fields += ["satisfied", "closed_at"]
    elif name == "withdraw":
        case.closed_at = now
        fields.append("closed_at")
    elif name == "decide":
        case.decision = note
        fields.append("decision")
    elif name == "publish_notice":
        case.notice_ends_at = now + workflow.NOTICE_PERIOD
        fields.append("notice_ends_at")
    elif name == "close_notice":
        case.closed_at = now
        fields.append("closed_at")
    _save(case, fields)
    _record(case, name, actor, before, note=note, at=now, late=late)
    log.info("case %s", name, extra={"case": case.pk, "actor": actor.pk})
    return case


@transaction.atomic
def assign(*, actor, case, version, assignee, now=None):
    """Name the person responsible for the case at its level (五包: every case has one)."""
    case = _locked(case, version, actor, may_handle)
    if not case.is_in_hand:
        raise ValidationError(_("Only a case being handled has a responsible person to change."))
    if not handlers(case).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose someone who holds the level the case is at.")})
    before = (case.level, case.status)
    case.assignee = assignee
    if case.status == Status.OPEN:
        case.status = Status.ACCEPTED
    _save(case, ["assignee", "status"])
    _record(case, Kind.ASSIGN, actor, before, note=assignee.get_full_name() or assignee.get_username(), at=now)
    return case


@transaction.atomic
def add_note(*, actor, case, note, objection=False, version=None, now=None):
    """An on-site progress update, or an objection raised during an approval's public notice.
    It changes the case's version: the same note sent twice from one page is written once."""
    case = _locked(case, version, actor, may_follow, _("Only the cadres answering for this case can add to it."))
    if not note.strip():
        raise ValidationError({"note": _("Write what happened.")})
    if objection and case.status != Status.IN_NOTICE:
        raise ValidationError(_("Objections are recorded while the public notice runs."))
    before = (case.level, case.status)
    _save(case, [])
    return _record(case, Kind.OBJECTION if objection else Kind.UPDATE, actor, before, note=note.strip(), at=now)


@transaction.atomic
def request_extension(*, actor, case, version, days, reason, now=None):
    """Ask the level above for more time at this level."""
    case = _locked(case, version, actor, may_handle)
    if not case.is_in_hand:
        raise ValidationError(_("Only a case being handled can be given more time."))
    if case.extension_requested is not None:
        raise ValidationError(_("An extension is already waiting for a decision."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why more time is needed.")})
    before = (case.level, case.status)
    case.extension_requested = datetime.timedelta(days=days)
    case.extension_reason = reason.strip()
    _save(case, ["extension_requested", "extension_reason"])
    with translation.override(settings.LANGUAGE_CODE):  # the record is in the township's language
        note = _("%(days)s more days: %(reason)s") % {"days": days, "reason": case.extension_reason}
    return _record(case, Kind.EXTENSION_REQUESTED, actor, before, note=note, at=now)


@transaction.atomic
def decide_extension(*, actor, case, version, approve, note="", now=None):
    """The level above approves (the deadlines move) or refuses a requested extension."""
    case = _locked(
        case, version, actor, may_approve_extension, _("The level above this case decides on its extension.")
    )
    if case.extension_requested is None:
        raise ValidationError(_("No extension is waiting for a decision."))
    asked_by = extension_asker(case)
    if asked_by == actor.pk:
        raise ValidationError(_("Someone else must decide on an extension you asked for."))
    before = (case.level, case.status)
    if approve:
        case.warn_at += case.extension_requested
        case.due_at += case.extension_requested
    case.extension_requested, case.extension_reason = None, ""
    _save(case, ["warn_at", "due_at", "extension_requested", "extension_reason"])
    kind = Kind.EXTENSION_APPROVED if approve else Kind.EXTENSION_REFUSED
    return _record(case, kind, actor, before, note=note.strip(), tell=[asked_by] if asked_by else [], at=now)


def _attach(case, actor, upload, now=None):
    kind = Attachment.Kind.DOCUMENT if upload.name.lower().endswith(".pdf") else Attachment.Kind.PHOTO
    attachment = Attachment.objects.create(
        case=case,
        kind=kind,
        file=upload,
        name=getattr(upload, "original_name", upload.name)[:120],
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
    )
    _record(case, Kind.ATTACHMENT, actor, (case.level, case.status), note=attachment.name, at=now)
    return attachment


@transaction.atomic
def attach(*, actor, case, files, version=None, now=None):
    """Add photos and documents (already checked by the form) to a case; sent twice, once."""
    case = _locked(case, version, actor, may_follow, _("Only the cadres answering for this case can add to it."))
    _save(case, [])
    return [_attach(case, actor, upload, now) for upload in files]


# --- by itself -------------------------------------------------------------------------------


def escalate_overdue(now=None):
    """Move every case past its red limit one level up, once. Each case is its own transaction
    with a compare-and-set, so two runs at the same time escalate a case once; a case that has
    climbed has a new deadline and is not overdue any more, so a second run finds nothing."""
    now = now or timezone.now()
    escalated = 0
    escalating = workflow.TRANSITIONS["escalate"].procedures
    candidates = Case.objects.overdue(now).filter(procedure__in=escalating, level__lt=Level.TOWNSHIP)
    tables = {}
    for pk, version in candidates.values_list("pk", "version"):
        try:
            with transaction.atomic():
                case = Case.objects.select_for_update().get(pk=pk)
                if case.version != version or case.status not in IN_HAND or case.due_at > now:
                    continue
                level = workflow.overdue_escalation(procedure=case.procedure, level=case.level)
                if level is None:
                    continue
                before = (case.level, case.status)
                if case.township_id not in tables:
                    tables[case.township_id] = deadlines(case.township_id)
                table = tables[case.township_id]
                late_by = now - case.due_at
                case.status = Status.OPEN
                _arrive(case, level, now, table)
                case.assignee = None
                _save(
                    case,
                    [
                        "status",
                        "level",
                        "assignee",
                        "arrived_at",
                        "warn_at",
                        "due_at",
                        "extension_requested",
                        "extension_reason",
                    ],
                )
                with translation.override(settings.LANGUAGE_CODE):
                    note = _("Not handled within the limit at %(level)s (late by %(hours)s h); moved up by itself.") % {
                        "level": Level(before[0]).label,
                        "hours": int(late_by.total_seconds() // 3600),
                    }
                _record(case, Kind.AUTO_ESCALATE, None, before, note=note, at=now, late=True)
                escalated += 1
        except ValidationError:  # another run moved it first
            continue
    return escalated


# --- "four must report" ----------------------------------------------------------------------


@transaction.atomic
def report_newcomer(*, actor, case, resident, categories=(), now=None):
    """A birth or a migrant's arrival: the resident joins the household and the case records it.
    Both or neither: a resident the registry refuses leaves no case behind."""
    registry.save_resident(actor=actor, resident=resident, categories=categories)
    case.household = resident.household
    return open_case(actor=actor, case=case, result=case.description or case.summary, now=now)


REGISTRATION_TIME = (25 * datetime.timedelta(days=1), 30 * datetime.timedelta(days=1))


@transaction.atomic
def report_unregistered_birth(*, actor, case, now=None):
    """A birth reported before the child has an ID number: a case stays open at the reporter's
    level to add the child once registered, with a month for it (the registration takes that)."""
    case.procedure = Procedure.COORDINATION
    case = open_case(actor=actor, case=case, now=now)
    now = now or timezone.now()
    case.warn_at, case.due_at = (now + limit for limit in REGISTRATION_TIME)
    _save(case, ["warn_at", "due_at"])
    return case


@transaction.atomic
def report_death(*, actor, case, resident, now=None):
    """A death: the resident is marked deceased (the record stays) and the case records it."""
    resident.status = resident.Status.DECEASED
    registry.save_resident(actor=actor, resident=resident, categories=resident.categories.all())
    case.household = resident.household
    return open_case(actor=actor, case=case, result=case.description or case.summary, now=now)
