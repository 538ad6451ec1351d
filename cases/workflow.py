"""The four case procedures of the seed as a table: levels, statuses, legal transitions, deadlines.

Pure: no database, no users. Services ask this module whether a transition is legal and where it
leads; nowhere else decides it. Deadlines here are the defaults, which a township may override.

    representative → grid → village committees → township centre → township department

A case arrives at a level OPEN, is ACCEPTED there, and is RESOLVED and CLOSED with the resident's
satisfaction; it climbs a level (escalate), goes to a department (dispatch), or comes back down
with a reason (return). Approval matters run their own path: the grid collects, the village
verifies and submits, the department decides, and a three-level public notice runs before closing.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    GENERAL = "general", _("General matter")
    COORDINATION = "coordination", _("Coordination matter")
    EMERGENCY = "emergency", _("Emergency")
    APPROVAL = "approval", _("Approval matter")


class Level(models.IntegerChoices):
    REPRESENTATIVE = 1, _("Villager representative")
    GRID = 2, _("Grid")
    VILLAGE = 3, _("Village committees")
    TOWNSHIP = 4, _("Township centre")
    DEPARTMENT = 5, _("Township department")


class Status(models.TextChoices):
    OPEN = "open", _("Waiting to be accepted")
    ACCEPTED = "accepted", _("Being handled")
    RESOLVED = "resolved", _("Resolved, awaiting the resident")
    DECIDED = "decided", _("Decided")
    IN_NOTICE = "in_notice", _("Under public notice")
    CLOSED = "closed", _("Closed")


class Move(models.TextChoices):
    """Where a transition takes the case."""

    STAY = "stay"
    UP = "up"  # the next level of the chain
    DOWN = "down"  # the level below, or back to the township from a department
    DEPARTMENT = "department"
    BACK = "back"  # an approval's own path backwards: department → village → grid


@dataclass(frozen=True)
class Transition:
    sources: frozenset  # statuses it may start from
    target: str  # the status it ends in
    procedures: frozenset  # procedures it belongs to
    levels: frozenset = frozenset(Level.values)  # levels it may be taken at
    move: str = Move.STAY
    needs_note: bool = False  # a reason or a result must be written


ALL = frozenset(Procedure.values)
HANDLED = frozenset({Procedure.GENERAL, Procedure.COORDINATION, Procedure.EMERGENCY})
IN_HAND = frozenset({Status.OPEN, Status.ACCEPTED})
BELOW_DEPARTMENT = frozenset(Level.values) - {Level.DEPARTMENT}

TRANSITIONS = {
    "accept": Transition(frozenset({Status.OPEN}), Status.ACCEPTED, ALL),
    "escalate": Transition(
        IN_HAND,
        Status.OPEN,
        frozenset({Procedure.COORDINATION, Procedure.EMERGENCY}),
        levels=frozenset(Level.values) - {Level.TOWNSHIP, Level.DEPARTMENT},
        move=Move.UP,
        needs_note=True,
    ),
    "dispatch": Transition(
        IN_HAND,
        Status.OPEN,
        frozenset({Procedure.COORDINATION, Procedure.EMERGENCY}),
        levels=frozenset({Level.VILLAGE, Level.TOWNSHIP}),
        move=Move.DEPARTMENT,
        needs_note=True,
    ),
    "return": Transition(
        IN_HAND,
        Status.OPEN,
        frozenset({Procedure.COORDINATION, Procedure.EMERGENCY}),
        levels=frozenset(Level.values) - {Level.REPRESENTATIVE},
        move=Move.DOWN,
        needs_note=True,
    ),
    # An approval goes back the way it came, for more information: never below the grid that
    # collects it, and from the department straight to the village that verified it.
    "send_back": Transition(
        IN_HAND,
        Status.OPEN,
        frozenset({Procedure.APPROVAL}),
        levels=frozenset({Level.VILLAGE, Level.DEPARTMENT}),
        move=Move.BACK,
        needs_note=True,
    ),
    # The township centre takes back a case a department does not act on (its officer left, say).
    "recall": Transition(
        IN_HAND,
        Status.OPEN,
        frozenset({Procedure.COORDINATION, Procedure.EMERGENCY}),
        levels=frozenset({Level.DEPARTMENT}),
        move=Move.DOWN,
        needs_note=True,
    ),
    "resolve": Transition(frozenset({Status.ACCEPTED}), Status.RESOLVED, HANDLED, needs_note=True),
    "confirm_satisfied": Transition(frozenset({Status.RESOLVED}), Status.CLOSED, HANDLED),
    "reopen": Transition(frozenset({Status.RESOLVED, Status.CLOSED}), Status.ACCEPTED, HANDLED, needs_note=True),
    # The resident stays dissatisfied with a result that is all that can be done: closed, and
    # counted as not satisfied (never pressed "satisfied" to be rid of it).
    "close_dissatisfied": Transition(frozenset({Status.RESOLVED}), Status.CLOSED, HANDLED, needs_note=True),
    # A duplicate, a matter withdrawn, or one that is not the portal's to handle: closed with the
    # reason, not counted in satisfaction.
    "withdraw": Transition(IN_HAND, Status.CLOSED, ALL, needs_note=True),
    # Approval matters: the grid collects, the village verifies and submits, the department decides.
    "submit_for_verification": Transition(
        frozenset({Status.ACCEPTED}),
        Status.OPEN,
        frozenset({Procedure.APPROVAL}),
        levels=frozenset({Level.GRID}),
        move=Move.UP,
    ),
    "verify_and_submit": Transition(
        frozenset({Status.ACCEPTED}),
        Status.OPEN,
        frozenset({Procedure.APPROVAL}),
        levels=frozenset({Level.VILLAGE}),
        move=Move.DEPARTMENT,
    ),
    "decide": Transition(
        frozenset({Status.ACCEPTED}),
        Status.DECIDED,
        frozenset({Procedure.APPROVAL}),
        levels=frozenset({Level.DEPARTMENT}),
        needs_note=True,
    ),
    "publish_notice": Transition(
        frozenset({Status.DECIDED}),
        Status.IN_NOTICE,
        frozenset({Procedure.APPROVAL}),
        levels=frozenset({Level.DEPARTMENT}),
    ),
    "close_notice": Transition(
        frozenset({Status.IN_NOTICE}),
        Status.CLOSED,
        frozenset({Procedure.APPROVAL}),
        levels=frozenset({Level.DEPARTMENT}),
    ),
}


class IllegalTransition(Exception):
    """The table does not allow this transition from where the case stands."""


def next_level(level, move):
    """The level a move leads to from `level`, or None where there is none."""
    if move == Move.STAY:
        return level
    if move == Move.DEPARTMENT:
        return Level.DEPARTMENT
    if move == Move.BACK:
        return {Level.VILLAGE: Level.GRID, Level.DEPARTMENT: Level.VILLAGE}.get(level)
    if move == Move.UP:
        return Level(level + 1) if level < Level.TOWNSHIP else None
    if level == Level.DEPARTMENT:  # a department sends a case back to the township centre
        return Level.TOWNSHIP
    return Level(level - 1) if level > Level.REPRESENTATIVE else None


def apply(name, *, procedure, level, status):
    """(status, level) after transition `name`, or IllegalTransition."""
    transition = TRANSITIONS.get(name)
    if (
        transition is None
        or procedure not in transition.procedures
        or status not in transition.sources
        or level not in transition.levels
    ):
        raise IllegalTransition(name)
    target_level = next_level(level, transition.move)
    if target_level is None:
        raise IllegalTransition(name)
    return transition.target, target_level


def legal(*, procedure, level, status):
    """The names of the transitions a case standing here may take (the page shows only these)."""
    names = []
    for name in TRANSITIONS:
        try:
            apply(name, procedure=procedure, level=level, status=status)
        except IllegalTransition:
            continue
        names.append(name)
    return names


def initial(procedure, level):
    """Where a new case starts: a general matter is handled on the spot, the rest await acceptance."""
    if procedure == Procedure.GENERAL:
        return Status.CLOSED, level
    if procedure == Procedure.EMERGENCY:
        return Status.OPEN, Level.TOWNSHIP  # reported to the township centre at once
    if procedure == Procedure.APPROVAL:
        return Status.OPEN, Level.GRID  # the grid leader collects the information
    return Status.OPEN, level


HOUR, DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)

# (yellow warning, red limit) from the moment a case arrives at a level.
DEADLINES = {
    Procedure.GENERAL: dict.fromkeys(Level, (DAY, 2 * DAY)),
    Procedure.COORDINATION: {
        Level.REPRESENTATIVE: (DAY, 2 * DAY),
        Level.GRID: (2 * DAY, 3 * DAY),
        Level.VILLAGE: (5 * DAY, 7 * DAY),
        Level.TOWNSHIP: (7 * DAY, 10 * DAY),
        Level.DEPARTMENT: (10 * DAY, 15 * DAY),
    },
    # An emergency is acknowledged within the hour, wherever it stands.
    Procedure.EMERGENCY: dict.fromkeys(Level, (HOUR / 2, HOUR)),
    Procedure.APPROVAL: {
        Level.REPRESENTATIVE: (2 * DAY, 3 * DAY),
        Level.GRID: (3 * DAY, 5 * DAY),
        Level.VILLAGE: (5 * DAY, 7 * DAY),
        Level.TOWNSHIP: (5 * DAY, 7 * DAY),
        Level.DEPARTMENT: (10 * DAY, 15 * DAY),
    },
}
NOTICE_PERIOD = 7 * DAY  # the three-level public notice of an approval matter
# Once the township centre has acknowledged an emergency, it is to be resolved within a day.
EMERGENCY_HANDLING = (12 * HOUR, DAY)


class Urgency(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


def urgency(*, procedure, level, status, arrived_at, now, deadlines=DEADLINES):
    """How late a case is at its level; computed from dates, never stored."""
    if status not in IN_HAND:
        return Urgency.ON_TIME
    yellow, red = deadlines[procedure][level]
    waited = now - arrived_at
    if waited >= red:
        return Urgency.RED
    return Urgency.YELLOW if waited >= yellow else Urgency.ON_TIME


def overdue_escalation(*, procedure, level):
    """Where a case past its red limit climbs by itself, or None: where the chain ends, and for the
    procedures that do not escalate (an approval's path is fixed by law, its lateness is reported,
    not rerouted; a general matter reopened is handled where it is)."""
    if procedure not in TRANSITIONS["escalate"].procedures:
        return None
    return next_level(level, Move.UP)
