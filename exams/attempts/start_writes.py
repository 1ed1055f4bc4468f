"""Writing a new attempt and its 80 frozen questions in as few statements as the database
allows (issue 21: fast start).

Why: ``Attempt.objects.create`` and ``bulk_create`` of the 80 ``AttemptQuestion`` rows
compiled each of their 15 values through the ORM, per row; at a mock exam's opening minute
that was a third of a start's CPU. The statements are written here from the models' metadata
(renamed columns keep working) and only the values of a start are sent: the columns the ORM
would fill with their defaults get them as literals in the text, which is the same for every
start of 80 questions, so the database and psycopg prepare it once.

The engines differ in how (one statement on PostgreSQL, two in a transaction on SQLite):
that lives in ``learning.platform.row_writes.insert_with_children``. The partial unique
constraint on unfinished attempts raises ``IntegrityError`` as before, and no question is
written then.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.db import connection

from exams.models import Attempt, AttemptQuestion
from learning.platform import row_writes

#: The attempt's columns a start writes; the others are null until it is submitted.
ATTEMPT_FIELDS = (
    "paper",
    "learner",
    "number",
    "state",
    "seed",
    "started_at",
    "deadline",
    "ended_by",
    "max_score",
)
#: Each question's own values, in the order of ``insert_attempt``'s ``questions``.
QUESTION_FIELDS = ("position", "question", "version", "score", "option_order")
#: The other columns of a new question, as their defaults (``flagged``, ``needs_marking``,
#: ``marker_comment``, ``marking_breakdown``); tests compare the rows with the ORM's.
QUESTION_DEFAULTS = (
    ("flagged", "FALSE"),
    ("needs_marking", "FALSE"),
    ("marker_comment", "''"),
    ("marking_breakdown", "'{}'"),
)


def insert_attempt(
    *,
    paper_id: int,
    learner_id: int,
    number: int,
    seed: int,
    started_at: datetime,
    deadline: datetime,
    max_score: Decimal,
    questions: list[tuple[int, int, Decimal, list | dict]],
) -> int:
    """Insert an unfinished attempt and its ``questions`` (question id, version id, score,
    option order; positions 1, 2, ...); returns the attempt's id."""
    values = {
        "paper": paper_id,
        "learner": learner_id,
        "number": number,
        "state": Attempt.State.IN_PROGRESS,
        "seed": seed,
        "started_at": started_at,
        "deadline": deadline,
        "ended_by": "",
        "max_score": max_score,
    }
    meta = Attempt._meta
    attempt_params = [
        meta.get_field(name).get_db_prep_save(values[name], connection) for name in ATTEMPT_FIELDS
    ]
    score_field = AttemptQuestion._meta.get_field("score")
    scores: dict[Decimal, object] = {}
    columns = []
    for position, (question_id, version_id, score, order) in enumerate(questions, start=1):
        if score not in scores:
            scores[score] = score_field.get_db_prep_save(score, connection)
        # The option orders' JSON texts repeat across starts: kept per process (``order_text``).
        columns.append((position, question_id, version_id, scores[score], order_text(order)))
    return row_writes.insert_with_children(
        parent=Attempt,
        parent_fields=ATTEMPT_FIELDS,
        parent_values=attempt_params,
        child=AttemptQuestion,
        link="attempt",
        child_fields=QUESTION_FIELDS,
        child_rows=columns,
        child_literals=QUESTION_DEFAULTS,
    )


#: Option orders of choice questions as JSON text: a few dozen permutations, asked for 80
#: times a start (the rows written here, and the keys of the texts shown, shown_json).
_ORDER_TEXTS: dict[tuple, str] = {}
ORDER_TEXTS_SIZE = 10_000


def order_text(order: list | dict) -> str:
    """``json.dumps(order)``, kept for lists (a case analysis's dict is rare: written anew)."""
    if not isinstance(order, list):
        return json.dumps(order)
    key = tuple(order)
    found = _ORDER_TEXTS.get(key)
    if found is None:
        if len(_ORDER_TEXTS) >= ORDER_TEXTS_SIZE:
            _ORDER_TEXTS.clear()
        found = _ORDER_TEXTS[key] = json.dumps(order)
    return found
