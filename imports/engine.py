"""Households and residents from a township's roster: every row checked, then all written or none.

One pass over the rows as they stream from the file. Each row is checked on its own (required
cells, the ID number's date and check digit, the mobile number, the place, the relation to the
head), then in batches against the registry: one query finds the batch's ID numbers already
registered, one the households they belong to. A person is matched by ID number, a household by
its head's ID number or else by group, head and address, so importing the same file again changes
nothing. New rows go in with PostgreSQL's COPY (bulk_create elsewhere) as each batch is checked,
so a later batch reads what an earlier one wrote and memory stays flat (the ID numbers read so far
wait in a temporary table). Everything happens in one transaction, rolled back if any row has a
problem; a preview is the same import, always rolled back (and writing no residents).
"""

import csv
import datetime
import functools
import io
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from gridadmin.exports import FORMULA_STARTS
from villages import identity, pinyin, roster
from villages.jurisdiction import Action
from villages.models import Grid, Household, Resident, Township, Village, VillagerGroup

BATCH = 2000
MAX_KEPT = 10_000  # problems kept for the page and the report; the count is always whole
HEAD = Resident.Relation.HEAD

logger = logging.getLogger(__name__)


@dataclass
class Problem:
    row: int
    letter: str  # the spreadsheet's column letter, "" for the row as a whole
    header: str  # the column's header as the file has it
    message: str
    value: str = ""

    def as_list(self):
        return [self.row, self.letter, self.header, self.message, self.value]


@dataclass
class Outcome:
    rows: int = 0
    households_new: int = 0
    households_updated: int = 0
    residents_new: int = 0
    residents_updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problem_count: int = 0
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def clean(self):
        return self.problem_count == 0 and self.rows > 0


class Refused(Exception):
    """The file as a whole cannot be read (empty, not a roster, a zip bomb): one message."""


# --- reading one cell ------------------------------------------------------------------------


def _words(*pairs):
    return {identity.fold_typing(word): value for value, words in pairs for word in words.split()}


RELATIONS = _words(
    (HEAD, "户主 本人 户主本人 head"),
    (Resident.Relation.SPOUSE, "配偶 妻 妻子 夫 丈夫 spouse wife husband"),
    (
        Resident.Relation.CHILD,
        "子 女 儿子 女儿 长子 次子 三子 四子 长女 次女 三女 四女 子女 养子 养女 继子 继女 独生子 独生女 "
        "child son daughter",
    ),
    (Resident.Relation.PARENT, "父亲 母亲 父 母 父母 公公 婆婆 岳父 岳母 继父 继母 parent father mother"),
    (Resident.Relation.GRANDCHILD, "孙子 孙女 外孙 外孙子 外孙女 孙 grandchild grandson granddaughter"),
    (Resident.Relation.GRANDPARENT, "祖父 祖母 外祖父 外祖母 爷爷 奶奶 grandparent grandfather grandmother"),
    (Resident.Relation.SIBLING, "兄 弟 姐 妹 哥哥 弟弟 姐姐 妹妹 兄弟姐妹 兄弟 姐妹 sibling brother sister"),
    (Resident.Relation.CHILD_IN_LAW, "儿媳 儿媳妇 女婿 媳妇 child_in_law daughter-in-law son-in-law"),
    # Kin the registry has no relation of its own for (a nephew, a great-grandchild, a sister-in-law).
    (
        Resident.Relation.OTHER,
        "其他 其它 其他亲属 亲属 非亲属 侄子 侄女 外甥 外甥女 侄孙 侄孙女 孙媳 孙媳妇 孙女婿 曾孙 曾孙子 曾孙女 "
        "嫂子 弟媳 姐夫 妹夫 叔叔 伯父 伯母 婶婶 姑姑 舅舅 other",
    ),
)
RELATIONS.update({identity.fold_typing(word): value for value, word in roster.RELATION_WORDS.items()})
RESIDENCES = _words(
    (Household.Residence.REGISTERED, "户籍 户籍人口 常住 常住人口 本地 在籍 registered"),
    (Household.Residence.FLOATING, "流动 流动人口 外来 外来人口 floating"),
    (Household.Residence.SEPARATED, "人户分离 separated"),
)
RELATION_EXAMPLES = "户主、配偶、子、女、父亲、母亲、孙子、孙女、兄弟姐妹、儿媳、女婿、其他"
RESIDENCES.update({identity.fold_typing(word): value for value, word in roster.RESIDENCE_WORDS.items()})
CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
GROUP_NUMBER = re.compile(r"^第?([0-9]+|[一二三四五六七八九十]+)(?:村民)?(?:小组|组|社|队)?$")
GRID_NUMBER = re.compile(r"^第?([0-9]+|[一二三四五六七八九十]+)(?:号)?(?:网格)?$")


def group_number(text, pattern=GROUP_NUMBER):
    """第3组, 3组, 三组, 第十二村民小组, 3 → the group's number; None when the text is no number.
    (With GRID_NUMBER: 第2网格, 二网格, 2 → the grid's.)"""
    match = pattern.match(text)
    if not match:
        return None
    digits = match.group(1)
    if digits.isdigit():
        return int(digits)
    if "十" in digits:  # 十 10, 十二 12, 二十 20, 二十三 23
        tens, _ten, units = digits.partition("十")
        return CHINESE_DIGITS.get(tens, 1 if not tens else -99) * 10 + (CHINESE_DIGITS.get(units, -99) if units else 0)
    return CHINESE_DIGITS.get(digits) if len(digits) == 1 else None


def _text(cell):
    """A cell as text: numbers Excel stored for a phone lose their '.0', dates print as dates; the
    control characters of a damaged file dropped (PostgreSQL keeps no NUL); the apostrophe an
    export puts before a leading = + - @ (gridadmin.exports.defused) taken off again."""
    if type(cell) is str:
        cell = roster.without_control_characters(cell)
        if cell[:1] == "'" and cell[1:2] in FORMULA_STARTS:
            cell = cell[1:]
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    elif isinstance(cell, datetime.datetime | datetime.date):
        cell = cell.strftime("%Y-%m-%d")
    return str(cell).strip()


@functools.lru_cache(maxsize=1024)
def _relation(text):
    return RELATIONS.get(identity.fold_typing(text).lower())


@functools.lru_cache(maxsize=256)
def _residence(text):
    return RESIDENCES.get(identity.fold_typing(text).lower())


def _any_of(values, sql_type):
    """The values for an `__in` lookup. On PostgreSQL, one array read as a table: the planner looks
    each value up in the column's index, where a long IN list over a table this transaction has just
    filled (no statistics yet) would have it scan the whole table for every batch."""
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{sql_type}[])", (list(values),))
    return list(values)


def _column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- the places a township's roster names ---------------------------------------------------


class Places:
    """The township's villages, grids and groups, found by name or number, and those the user may edit."""

    def __init__(self, township, actor):
        self.villages = {identity.fold_typing(v.name): v for v in Village.objects.filter(township=township)}
        self.groups, self.grids = {}, {}
        self.looked_up = {}  # the text of a cell → the place it names (a roster repeats a few places)
        self.groups_by_pk = {}
        for group in VillagerGroup.objects.filter(village__township=township).select_related("grid", "village"):
            self.groups_by_pk[group.pk] = group
            for key in (identity.fold_typing(group.name), group.number):
                self.groups.setdefault((group.village_id, key), group)
        for grid in Grid.objects.filter(village__township=township):
            for key in (identity.fold_typing(grid.name), grid.number):
                self.grids.setdefault((grid.village_id, key), grid)
        self.editable = set(
            VillagerGroup.objects.for_user(actor, Action.EDIT)
            .filter(village__township=township)
            .values_list("pk", flat=True)
        )

    # A roster names the same few places on every row: each text is looked up once.

    def village(self, text):
        if text not in self.looked_up:
            self.looked_up[text] = self.villages.get(identity.fold_typing(text))
        return self.looked_up[text]

    def group(self, village, text):
        if (village.id, "group", text) not in self.looked_up:
            key = identity.fold_typing(text)
            found = self.groups.get((village.id, key)) or self.groups.get((village.id, group_number(key)))
            self.looked_up[village.id, "group", text] = found
        return self.looked_up[village.id, "group", text]

    def grid(self, village, text):
        if (village.id, "grid", text) not in self.looked_up:
            key = identity.fold_typing(text)
            found = self.grids.get((village.id, key)) or self.grids.get((village.id, group_number(key, GRID_NUMBER)))
            self.looked_up[village.id, "grid", text] = found
        return self.looked_up[village.id, "grid", text]


@dataclass(slots=True)
class Row:
    number: int
    group_id: int
    address: str
    head_name: str
    name: str
    id_number: str
    relation: str
    phone: str
    residence: str

    @property
    def household_key(self):
        return (self.group_id, self.head_name, self.address)


@dataclass(slots=True)
class HouseholdState:
    """A household the file names: found in the registry, or to be created."""

    pk: int | None
    first_row: int
    group_id: int
    head_name: str
    address: str
    phone: str = ""
    residence: str = Household.Residence.REGISTERED
    head_id_number: str = ""  # the registered head's, for an existing household
    created: bool = False
    head_row: int = 0  # the file's row naming the head
    changed: bool = False


# --- the import ------------------------------------------------------------------------------


class Importer:
    def __init__(self, *, township, actor, keep=True):
        self.township, self.actor, self.keep = township, actor, keep
        self.places = Places(township, actor)
        self.outcome = Outcome()
        # Kept across batches, and small: the households created without their head's row so far
        # (a roster's head usually comes first), those changed, and heads' rows with a problem.
        self.headless = {}  # household pk → (first row, head, address)
        self.heads = {}  # a check only: household pk → its head's ID number, for households it created
        self.updated = set()  # pks of registry households the file changed
        self.numbers = NumberLog()  # the ID numbers read so far and the row each was first on
        self.pending = {}  # the same, for the rows read since the last batch
        self.rejected_heads = set()  # households whose head's row has a problem of its own
        self.batch = []
        self.placeholders = 0
        self.now = timezone.now()
        self.today = timezone.localdate()

    # problems

    def problem(self, row, column, message, value=""):
        outcome = self.outcome
        outcome.problem_count += 1
        if len(outcome.problems) < MAX_KEPT:
            if column:
                index = self.columns[column]
                letter, header = _column_letter(index), self.headers[index]
            else:
                letter, header = "", ""
            value = _text(value)
            if column == "id_number" and not value.startswith("="):  # whatever its length, never whole
                value = identity.mask_id_number(value)
            value = identity.mask_id_numbers_in(value)[:100]
            outcome.problems.append(Problem(row, letter, header, message, value))

    # reading

    def run(self, table):
        self.columns = table.columns
        self.plan = [
            (column, table.columns.get(column), required) for column, (_h, _a, required) in roster.COLUMNS.items()
        ]
        self.headers = [_text(h) for h in table.headers]
        for problem in table.problems:
            if problem.ignored:
                self.outcome.notes.append(problem.message)
            else:
                self.outcome.problem_count += 1
                self.outcome.problems.append(
                    Problem(
                        table.header_row,
                        _column_letter(problem.column - 1) if problem.column else "",
                        "",
                        problem.message,
                    )
                )
        if table.blocked:
            return self.outcome
        self.numbers.create()
        # Households above this pk were created by this import (it holds the township's lock).
        self.last_before = Household.objects.aggregate(last=Max("pk"))["last"] or 0
        for number, cells in table.rows:
            self.outcome.rows += 1
            row = self.read_row(number, cells)
            if row is None:
                self.outcome.rejected += 1
            else:
                self.batch.append(row)
            if len(self.batch) >= BATCH or len(self.pending) >= 2 * BATCH:
                self.flush()
        self.flush()
        self.finish()
        self.numbers.drop()
        if not self.outcome.rows:
            self.problem(table.header_row, "", _("The file has a header row but no rows of people under it."))
        return self.outcome

    def read_row(self, number, cells):
        """The row's cells checked on their own; None (and the problems noted) when any is wrong."""
        before = self.outcome.problem_count
        values = {}
        width = len(cells)
        for column, index, required in self.plan:
            raw = cells[index] if index is not None and index < width else None
            if type(raw) is str and raw.startswith("="):
                self.problem(
                    number,
                    column,
                    _("This cell holds a formula. Copy the column and paste it back as values, then import again."),
                    raw,
                )
                continue
            if column == "id_number":
                try:
                    values[column] = roster.id_number_cell(raw)
                except ValidationError as error:
                    self.problem(number, column, error.messages[0], raw)
                    continue
            else:
                text = _text(raw)
                values[column] = " ".join(text.split()) if "  " in text or "\t" in text or "\n" in text else text
            if required and not values[column]:
                self.problem(number, column, _("This cell is empty; the column is required."))
        if self.outcome.problem_count > before:
            return self.refused(values)

        village = self.places.village(values["village"])
        group = None
        if village is None:
            self.problem(
                number, "village", _("There is no village “%(name)s” in this township.") % {"name": values["village"]}
            )
        else:
            group = self.places.group(village, values["group"])
            if group is None:
                self.problem(
                    number,
                    "group",
                    _("%(village)s has no villager group “%(name)s”.") % {"village": village, "name": values["group"]},
                )
            elif group.id not in self.places.editable:
                self.problem(number, "group", _("You may not change the registry of %(group)s.") % {"group": group})
            elif values.get("grid"):
                grid = self.places.grid(village, values["grid"])
                if grid is None:
                    self.problem(
                        number,
                        "grid",
                        _("%(village)s has no grid “%(name)s”.") % {"village": village, "name": values["grid"]},
                    )
                elif grid.id != group.grid_id:
                    self.problem(
                        number,
                        "grid",
                        _("%(group)s belongs to %(grid)s, not to %(named)s.")
                        % {"group": group, "grid": group.grid, "named": grid},
                    )

        id_number = values["id_number"]
        if "*" in id_number:
            self.problem(
                number,
                "id_number",
                _("This ID number is masked. Export the roster with full ID numbers, or type the number."),
                id_number,
            )
        else:
            try:
                identity.validate_id_number(id_number, today=self.today)
            except ValidationError as error:
                self.problem(number, "id_number", error.messages[0], id_number)

        relation = _relation(values["relation"])
        if relation is None:
            self.problem(
                number,
                "relation",
                _("“%(value)s” is not a relation to the head. Write one of: %(choices)s.")
                % {"value": values["relation"], "choices": RELATION_EXAMPLES},
            )
        elif relation == HEAD and values["name"] != values["head_name"]:
            self.problem(
                number,
                "name",
                _("This row is the head of the household, but its name differs from the head's name “%(head)s”.")
                % {"head": values["head_name"]},
            )

        phone = identity.normalize_mobile(values.get("phone", ""))
        if phone:
            try:
                identity.validate_mobile(phone)
            except ValidationError as error:
                self.problem(number, "phone", error.messages[0], values["phone"])
            phone = phone.removeprefix("+86")

        residence = ""
        if values.get("residence"):
            residence = _residence(values["residence"])
            if residence is None:
                self.problem(
                    number,
                    "residence",
                    _("“%(value)s” is not a kind of residence. Write 户籍, 流动 or 人户分离.")
                    % {"value": values["residence"]},
                )

        for column, limit in (("address", 200), ("head_name", 50), ("name", 50)):
            if len(values[column]) > limit:
                self.problem(number, column, _("At most %(limit)s characters.") % {"limit": limit}, values[column])

        if id_number and len(id_number) <= 18:
            self.pending.setdefault(id_number, number)
        if self.outcome.problem_count > before:
            return self.refused(values)
        return Row(
            number=number,
            group_id=group.id,
            address=values["address"],
            head_name=values["head_name"],
            name=values["name"],
            id_number=id_number,
            relation=relation,
            phone=phone,
            residence=residence,
        )

    def refused(self, values):
        """None, for a row with a problem; a head's row is remembered, so that its household is not
        also reported as having no head."""
        if _relation(values.get("relation", "")) == HEAD:
            self.rejected_heads.add((values.get("head_name"), values.get("address")))
        return None

    # checking against the registry, a batch at a time

    def flush(self):
        batch, self.batch = self.batch, []
        pending, self.pending = self.pending, {}
        self.earlier = self.numbers.first_rows(pending)
        self.pending_batch = pending
        if not batch:
            return
        registered = {
            r["id_number"]: r
            for r in Resident.objects.filter(id_number__in=_any_of([row.id_number for row in batch], "varchar"))
            .order_by()
            .values(
                "pk",
                "id_number",
                "name",
                "phone",
                "relation",
                "household_id",
                "household__township_id",
                "household__group_id",
                "household__head_name",
                "household__address",
            )
        }
        households = self.find_households(batch, registered)
        new_residents, changed_residents = [], []
        for row in batch:
            household = households[row.household_key]
            outcome = self.check_person(row, household, registered.get(row.id_number))
            if outcome == "new":
                new_residents.append((row, household))
            elif outcome == "updated":
                changed_residents.append((row, registered[row.id_number]["pk"]))
        # Written whether or not a problem was found: a later batch reads what an earlier one wrote
        # (a household's other members, a number given twice), so memory does not grow with the
        # file. A preview, or an import with any problem, is rolled back whole at the end.
        store = Store(self)
        created = [h for h in households.values() if h.pk < 0]
        store.create_households(created)
        self.outcome.households_new += len(created)
        for household in created:
            if not household.head_row:
                self.headless[household.pk] = (household.first_row, household.head_name, household.address)
        if self.keep:
            store.create_residents(new_residents)
            store.update_residents(changed_residents)
        else:
            # A check writes no residents, so that the import after it does not meet their
            # rolled-back index entries; a number given twice is found in the temporary table, and
            # a created household's head is remembered here.
            self.heads.update((h.pk, h.head_id_number) for h in households.values() if h.head_row)
        store.update_households([h for h in households.values() if h.changed and h.pk > 0])

    def find_households(self, batch, registered):
        """Each new household key of the batch → the registry's household (by the head's ID number,
        else by group, head and address) or a household to create."""
        unknown = {}
        by_head = {}
        for row in batch:
            key = row.household_key
            unknown.setdefault(key, row.number)
            person = registered.get(row.id_number)
            if (
                row.relation == HEAD
                and person
                and person["relation"] == HEAD
                and person["household__township_id"] == self.township.id
            ):
                by_head[key] = person["household_id"]
        found = (
            Household.objects.filter(pk__in=_any_of([*by_head.values(), *self.households_by_key(unknown)], "integer"))
            .order_by()
            .annotate(
                head_id_number=Subquery(
                    Resident.objects.filter(household=OuterRef("pk"), relation=HEAD).order_by().values("id_number")[:1]
                )
            )
        )
        existing = {}
        fields = ("pk", "group_id", "head_name", "address", "phone", "residence", "head_id_number")
        for household in found.values(*fields):
            existing[household["pk"]] = household
            existing.setdefault((household["group_id"], household["head_name"], household["address"]), household)
        households = {}
        for key, first_row in unknown.items():
            household = existing.get(by_head.get(key)) or existing.get(key)
            if household is None:
                self.placeholders -= 1  # until written, at the end of the batch
                households[key] = HouseholdState(self.placeholders, first_row, key[0], key[1], key[2], created=True)
            else:
                households[key] = HouseholdState(
                    household["pk"],
                    first_row,
                    household["group_id"],
                    household["head_name"],
                    household["address"],
                    household["phone"],
                    household["residence"],
                    household["head_id_number"] or self.heads.get(household["pk"], ""),
                    created=household["pk"] > self.last_before,  # by an earlier batch of this import
                )
        return households

    def households_by_key(self, keys):
        """The pks of the township's households whose (group, head, address) is one of `keys`."""
        if connection.vendor == "postgresql":
            # Each key looked up in the roster key's index. The planner has no statistics for the
            # rows this transaction wrote; OFFSET 0 keeps it from joining the keys with a scan of
            # every household (a group is the township's: Places read only its own).
            group_ids, heads, addresses = (list(column) for column in zip(*keys, strict=True))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT h.id FROM unnest(%s::integer[], %s::varchar[], %s::varchar[])"
                    " AS k(group_id, head_name, address)"
                    f" CROSS JOIN LATERAL (SELECT id FROM {Household._meta.db_table} WHERE group_id = k.group_id"
                    " AND head_name = k.head_name AND address = k.address OFFSET 0) h",
                    [group_ids, heads, addresses],
                )
                return [pk for (pk,) in cursor.fetchall()]
        group_ids, heads, addresses = (set(column) for column in zip(*keys, strict=True))
        candidates = Household.objects.filter(
            township=self.township, group_id__in=group_ids, head_name__in=heads, address__in=addresses
        ).order_by()
        rows = candidates.values_list("pk", "group_id", "head_name", "address")
        return [pk for pk, *key in rows if tuple(key) in keys]

    def check_person(self, row, household, person):
        """'new', 'updated', 'unchanged', or None (a problem noted) for one row's person."""
        first = self.earlier.get(row.id_number)
        if first is None and self.pending_batch[row.id_number] != row.number:
            first = self.pending_batch[row.id_number]
        if first is not None:
            self.reject(row, "id_number", _("This ID number is also on row %(row)s.") % {"row": first}, row.id_number)
            return None
        if person is not None:
            if person["household__township_id"] != self.township.id:
                self.reject(row, "id_number", _("This person is registered in another township."), row.id_number)
                return None
            if person["household_id"] != household.pk:
                if person["household__group_id"] in self.places.editable:
                    message = _(
                        "This person is registered in the household of %(head)s (%(address)s). Move them on the "
                        "registry's pages, or correct the row."
                    ) % {"head": person["household__head_name"], "address": person["household__address"]}
                else:  # a household outside the user's places is not named
                    message = _(
                        "This person is registered in a household outside the places you hold. Ask the township "
                        "to move them, or correct the row."
                    )
                self.reject(row, "id_number", message, row.id_number)
                return None
        if row.relation == HEAD:
            if household.head_row:
                self.reject(
                    row,
                    "relation",
                    _("The household already has its head on row %(row)s.") % {"row": household.head_row},
                )
                return None
            if household.head_id_number and household.head_id_number != row.id_number:
                self.reject(
                    row,
                    "relation",
                    _("The household already has its head on an earlier row.")
                    if household.created
                    else _("This household's head is someone else. Change the head on the household's page."),
                )
                return None
            if not household.created and household.group_id != row.group_id:
                self.reject(
                    row,
                    "group",
                    _("The household is registered in another group. Move it on its page (the move is recorded)."),
                )
                return None
            household.head_row, household.head_id_number = row.number, row.id_number
            self.headless.pop(household.pk, None)
            self.update_household(household, row)
        elif person is not None and person["relation"] == HEAD:
            self.reject(
                row,
                "relation",
                _("This person is the head of the household. Change the head on the household's page."),
            )
            return None
        if person is None:
            self.outcome.residents_new += 1
            return "new"
        if (
            person["name"] != row.name
            or person["relation"] != row.relation
            or (row.phone and person["phone"] != row.phone)
        ):
            self.outcome.residents_updated += 1
            return "updated"
        self.outcome.unchanged += 1
        return "unchanged"

    def reject(self, row, column, message, value=""):
        self.problem(row.number, column, message, value)
        self.outcome.rejected += 1
        if row.relation == HEAD:
            self.rejected_heads.add(row.household_key[1:])

    def update_household(self, household, row):
        """The head's row carries the household's address, phone and residence."""
        wanted = {
            "head_name": row.head_name,
            "address": row.address,
            "phone": row.phone or household.phone,
            "residence": row.residence or household.residence,
        }
        changed = any(getattr(household, name) != value for name, value in wanted.items())
        for name, value in wanted.items():
            setattr(household, name, value)
        # A household created by an earlier batch, before its head's row came, is written again.
        if changed and household.pk > 0:
            household.changed = True
            if not household.created and household.pk not in self.updated:
                self.updated.add(household.pk)
                self.outcome.households_updated += 1

    def finish(self):
        for first_row, head, address in self.headless.values():
            if (head, address) not in self.rejected_heads:  # said once, on the head's own row
                self.problem(
                    first_row,
                    "relation",
                    _("No row of this household (%(head)s, %(address)s) is its head (户主).")
                    % {"head": head, "address": address},
                )


class NumberLog:
    """The ID numbers a roster has shown so far, with the row each was first on, in a temporary
    table: a file of any length is checked for a number given twice with memory that stays flat."""

    TABLE = "roster_import_numbers"

    def create(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.TABLE} (id_number varchar(18) PRIMARY KEY, row_number integer)"
            )

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")

    def first_rows(self, numbers):
        """{ID number: the row it was first on} for those of `numbers` (ID number → row) read
        before; the others are added."""
        if not numbers:
            return {}
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The numbers not added were there before; the table is never analysed, so each
                # statement is one the planner answers from the primary key, not a scan of the table.
                cursor.execute(
                    f"INSERT INTO {self.TABLE} SELECT * FROM unnest(%s::varchar[], %s::integer[])"
                    " ON CONFLICT DO NOTHING RETURNING id_number",
                    [list(numbers), list(numbers.values())],
                )
                added = {number for (number,) in cursor.fetchall()}
                if len(added) == len(numbers):
                    return {}
                cursor.execute(
                    f"SELECT id_number, row_number FROM {self.TABLE} WHERE id_number = ANY(%s::varchar[])",
                    [[number for number in numbers if number not in added]],
                )
                return dict(cursor.fetchall())
            found = []
            keys = list(numbers)
            for start in range(0, len(keys), 900):  # SQLite's limit on parameters
                chunk = keys[start : start + 900]
                cursor.execute(
                    f"SELECT id_number, row_number FROM {self.TABLE} WHERE id_number IN "
                    f"({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                found += cursor.fetchall()
            earlier = dict(found)
            cursor.executemany(
                f"INSERT INTO {self.TABLE} (id_number, row_number) VALUES (%s, %s)",
                [(number, row) for number, row in numbers.items() if number not in earlier],
            )
            return earlier


class Store:
    """The registry's tables written a batch at a time: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, importer):
        self.importer = importer
        self.now = importer.now
        self.copy = connection.vendor == "postgresql"

    def create_households(self, states):
        if not states:
            return
        township_id, groups = self.importer.township.pk, self.importer.places.groups_by_pk
        rows = []
        for state in states:
            group = groups[state.group_id]
            head_pinyin, head_initials = pinyin.name_keys(state.head_name)
            rows.append(
                {
                    "township_id": township_id,
                    "village_id": group.village_id,
                    "grid_id": group.grid_id,
                    "group_id": state.group_id,
                    "head_name": state.head_name,
                    "head_pinyin": head_pinyin,
                    "head_initials": head_initials,
                    "address": state.address,
                    "phone": state.phone,
                    "residence": state.residence,
                    "notes": "",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        if self.copy:
            for row, pk in zip(rows, self._next_ids(Household, len(rows)), strict=True):
                row["id"] = pk
            self._copy(Household, rows)
        else:
            created = Household.objects.bulk_create([Household(**row) for row in rows])
            for row, household in zip(rows, created, strict=True):
                row["id"] = household.pk
        for state, row in zip(states, rows, strict=True):
            state.pk = row["id"]

    def create_residents(self, pairs):
        if not pairs:
            return
        rows = []
        for row, household in pairs:
            number = row.id_number
            name_pinyin, name_initials = pinyin.name_keys(row.name)
            rows.append(
                {
                    "household_id": household.pk,
                    "name": row.name,
                    "name_pinyin": name_pinyin,
                    "name_initials": name_initials,
                    "id_number": number,
                    "id_last4": number[-4:],
                    "birth_date": datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
                    "sex": identity.MALE if int(number[16]) % 2 else identity.FEMALE,
                    "phone": row.phone,
                    "relation": row.relation,
                    "status": row.residence or Resident.Status.REGISTERED,
                }
            )
        if self.copy:
            self._copy(Resident, rows)
        else:
            Resident.objects.bulk_create([Resident(**row) for row in rows])

    def update_residents(self, pairs):
        if not pairs:
            return
        by_pk = {pk: row for row, pk in pairs}
        residents = list(Resident.objects.filter(pk__in=_any_of(by_pk, "integer")))
        for resident in residents:
            row = by_pk[resident.pk]
            resident.name = row.name
            resident.name_pinyin, resident.name_initials = pinyin.name_keys(row.name)
            resident.relation = row.relation
            resident.phone = row.phone or resident.phone
        Resident.objects.bulk_update(residents, ["name", "name_pinyin", "name_initials", "relation", "phone"])
        self._history(Resident, residents)

    def update_households(self, states):
        if not states:
            return
        by_pk = {state.pk: state for state in states}
        households = list(Household.objects.filter(pk__in=_any_of(by_pk, "integer")))
        for household in households:
            state = by_pk[household.pk]
            household.head_name, household.address = state.head_name, state.address
            household.phone, household.residence = state.phone, state.residence
            household.head_pinyin, household.head_initials = pinyin.name_keys(state.head_name)
            household.updated_at = self.now
        Household.objects.bulk_update(
            households,
            ["head_name", "head_pinyin", "head_initials", "address", "phone", "residence", "updated_at"],
            batch_size=BATCH,
        )
        self._history(Household, households)

    def _history(self, model, objects):
        model.history.bulk_history_create(
            objects,
            update=True,
            default_user=self.importer.actor,
            default_change_reason=_("Roster import"),
            default_date=self.now,
        )

    def _next_ids(self, model, count):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _copy(self, model, rows):
        """COPY rows (dicts of column → value, all given, none null) into the model's table."""
        columns = list(rows[0])
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")  # quoted: "" is text, not NULL
        writer.writerows([row[column] for column in columns] for row in rows)
        buffer.seek(0)
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)", buffer)


class _RolledBack(Exception):
    pass


def check(*, township, actor, table):
    """The preview: the import done in full, every row checked against what the rows before it
    wrote, then rolled back. What it reports is what the import would do."""
    return _run(township, actor, table, keep=False)


def commit(*, township, actor, table):
    """The import: every row checked and written, or (any problem at all) nothing written."""
    return _run(township, actor, table, keep=True)


def _run(township, actor, table, keep):
    importer = Importer(township=township, actor=actor, keep=keep)
    try:
        with transaction.atomic():
            Township.objects.select_for_update().get(pk=township.pk)  # one import at a time per township
            outcome = importer.run(table)
            if not (keep and outcome.clean):
                raise _RolledBack
    except _RolledBack:
        pass
    except IntegrityError:
        importer.problem(
            0,
            "",
            _("Someone changed the registry while the file was being imported; nothing was written. Import again."),
        )
    except DataError:  # a value no check foresaw: said, and logged for the maintainers
        logger.exception("Roster import for township %s: a value the database refused", township.pk)
        importer.problem(
            0,
            "",
            _(
                "A cell of the file holds a value the registry cannot store (unusual characters or very long "
                "text); nothing was written."
            ),
        )
    return importer.outcome
