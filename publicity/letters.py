"""The letter to every household (一封信): the township writes it once, with {placeholders} that are
filled in per household. Only the names below may be used, so a letter can show nothing the
township did not mean to print (never an ID number, never another household's details)."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

PLACEHOLDERS = {
    "head": gettext_lazy("the head of the household"),
    "address": gettext_lazy("the household's address"),
    "township": gettext_lazy("the township"),
    "village": gettext_lazy("the village"),
    "group": gettext_lazy("the villager group"),
    "grid": gettext_lazy("the grid"),
    "grid_leader": gettext_lazy("the grid leader's name"),
    "grid_leader_phone": gettext_lazy("the grid leader's phone"),
    "responsible_cadre": gettext_lazy("the household's responsible cadre and phone"),
    "representative": gettext_lazy("the household's villager representative and phone"),
    "supervision_phone": gettext_lazy("the township's supervision phone"),
    "date": gettext_lazy("the day it is printed"),
}


def check(body):
    """Raise ValidationError naming any unknown placeholder or stray brace."""
    unknown = sorted({name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(names)s. The letter may use: %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            code="unknown_placeholder",
        )
    if "{" in PLACEHOLDER.sub("", body) or "}" in PLACEHOLDER.sub("", body):
        raise ValidationError(_("A brace is not closed: placeholders are written like {head}."), code="stray_brace")


def _with_phone(cadre):
    return f"{cadre.name} {cadre.phone}" if cadre else "—"


def values(card):
    """What each placeholder stands for on the letter to `card`'s household (a content.Card)."""
    household = card.household
    return {
        "head": household.head_name,
        "address": household.address,
        "township": household.township.name,
        "village": household.village.name,
        "group": household.group.name,
        "grid": household.grid.name,
        "grid_leader": card.leader.name if card.leader else "—",
        "grid_leader_phone": card.leader.phone if card.leader else "—",
        "responsible_cadre": _with_phone(household.responsible_cadre),
        "representative": _with_phone(household.contact_representative),
        "supervision_phone": household.township.supervision_phone or "—",
        "date": timezone.localdate().isoformat(),
    }


def fill(body, card):
    """The letter's text for one household: each known placeholder replaced, the rest left as written."""
    known = values(card)
    return PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), body)


def paragraphs(text):
    """A letter's paragraphs: separated by a blank line."""
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
