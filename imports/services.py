"""An import run: checked when uploaded, imported when its user confirms, each step recorded."""

import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from villages import roster

from . import engine
from .models import ImportRun

COUNTS = ("rows", "households_new", "households_updated", "residents_new", "residents_updated", "unchanged", "rejected")


def _record(run, outcome):
    for name in COUNTS:
        setattr(run, name, getattr(outcome, name))
    run.problem_count = outcome.problem_count
    run.problems = [problem.as_list() for problem in sorted(outcome.problems, key=lambda p: p.row)]
    run.notes = outcome.notes


def _outcome_of_refusal(error):
    outcome = engine.Outcome(problem_count=1)
    outcome.problems.append(engine.Problem(0, "", "", " ".join(error.messages)))
    return outcome


def _read(run, step):
    with run.file.open("rb") as fileobj:
        try:
            table = roster.open_table(fileobj, run.filename)
            return step(township=run.township, actor=run.user, table=table)
        except ValidationError as error:  # the file as a whole: empty, not a roster, a zip bomb …
            return _outcome_of_refusal(error)


def check(*, actor, township, upload):
    """Keep the uploaded file and check every row of it: the preview. Nothing is written to the registry."""
    run = ImportRun(township=township, user=actor, filename=os.path.basename(upload.name)[:255])
    run.file.save(run.filename, upload, save=False)
    outcome = _read(run, engine.check)
    _record(run, outcome)
    run.status = ImportRun.Status.CHECKED if outcome.clean else ImportRun.Status.REJECTED
    run.save()
    return run


def run_import(*, actor, run):
    """Import a checked file: all its rows, or (any problem found now) none. A second click finds
    the run already imported and writes nothing more."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("township", "user").get(pk=run.pk)
        if run.user_id != actor.pk:
            raise PermissionDenied(_("Only the person who uploaded this file may import it."))
        if run.status != ImportRun.Status.CHECKED:
            return run
        outcome = _read(run, engine.commit)
        _record(run, outcome)
        if outcome.clean:
            run.status = ImportRun.Status.IMPORTED
            run.finished_at = timezone.now()
        else:
            run.status = ImportRun.Status.REJECTED
        run.save()
    return run
