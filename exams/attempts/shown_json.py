"""The JSON of an attempt's questions as shown, kept per question by each worker (issue 21).

Why: a start answered with its 80 questions built per request (snapshots decoded, rich text
expanded, each question validated by its schema and encoded) cost a mock exam's opening
minute most of its CPU, while what a question shows depends on three things only: its
version's snapshot (named by its fingerprint, the snapshot's hash), the option order shown
and its score. Every learner starting from the same prepared variant (exams.papers.variants) is
shown the same versions, so each worker keeps the JSON text of each (fingerprint, option
order, score) and a start, or the first reload of an attempt, only joins the texts around
what is the attempt's own: the question's position, the learner's flag and answer.

What keeps it right: the fingerprint changes with any edit of the question (a new version),
so a kept text is never another version's; the text is written by the schema and the encoder
of the answer it stands for (``AttemptQuestionOut``, ninja's renderer), and tests compare the
joined answer with the schema's byte for byte. Rich text links expand to their pages' current
addresses, so a text is rebuilt after ``FRAGMENT_SECONDS``.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any, NamedTuple

from pydantic import BaseModel

from exams.attempts.display import public_question
from exams.attempts.services import decoded_snapshots, shown_snapshot
from exams.attempts.start_writes import order_text
from exams.models import QuestionVersion
from learning.platform import ready_json as api_json
from learning.platform.process_memo import ProcessMemo


# The 80 questions of an attempt are plain pydantic models, not ninja Schemas: they are built
# from dicts, and a Schema resolves each field of each question through Django's template
# variable lookup (ninja's DjangoGetter), which was 60% of GET /api/v1/attempts/{id}.
class AttemptOptionOut(BaseModel):
    key: str
    text: str


class AttemptQuestionOut(BaseModel):
    id: int
    type: str
    stem: str
    options: list[AttemptOptionOut]
    score: float
    position: int | None = None
    flagged: bool | None = None
    answer: Any = None
    sub_questions: list[AttemptQuestionOut] | None = None
    your_answer: Any = None
    correct_answer: Any = None
    explanation: str | None = None
    awarded: float | None = None
    correct: bool | None = None
    marking_points: list[str] | None = None
    marker_comment: str | None = None


class ShownQuestion(NamedTuple):
    """What a question of an attempt shows, as frozen in its row (``AttemptQuestion``)."""

    version_id: int
    #: The version's fingerprint; ``None`` when not known (then read by the version id).
    fingerprint: str | None
    score: Decimal
    option_order: list | dict


#: JSON texts by (fingerprint, option order as JSON, score): 160 questions of a bank with 24
#: orders of four options each are 3,840 entries of about a kilobyte.
_FRAGMENTS = ProcessMemo(max_entries=20_000)
#: How long a worker keeps a text (rich text links expand to their pages' current addresses).
FRAGMENT_SECONDS = 10 * 60


def question_parts(questions: list[ShownQuestion]) -> list[tuple[str, str]]:
    """For each question, its JSON object (``AttemptQuestionOut``, unset fields left out) up
    to its ``score`` and from after its ``answer`` (``"}"``, or its sub-questions and
    ``"}"``): the attempt's own ``position``, ``flagged`` and ``answer`` go in between.

    At most two queries, for texts this worker does not hold yet (fingerprints of versions
    named by id only, then the snapshots not decoded yet); none once they are held.
    """
    questions = _with_fingerprints(questions)
    keys = [(q.fingerprint, order_text(q.option_order), q.score) for q in questions]
    found = [_FRAGMENTS.get(key) for key in keys]
    missing = {
        q.fingerprint: q.version_id
        for q, part in zip(questions, found, strict=True)
        if part is None
    }
    if missing:
        snapshots = decoded_snapshots(missing)
        expires = time.time() + FRAGMENT_SECONDS
        for index, (question, key) in enumerate(zip(questions, keys, strict=True)):
            if found[index] is None:
                found[index] = _fragment(snapshots[question.fingerprint], question)
                _FRAGMENTS.set(key, found[index], expires=expires)
    return found


def _with_fingerprints(questions: list[ShownQuestion]) -> list[ShownQuestion]:
    """``questions`` with every fingerprint known (variants prepared before they held them)."""
    unknown = [q.version_id for q in questions if q.fingerprint is None]
    if not unknown:
        return questions
    fingerprints = dict(
        QuestionVersion.objects.filter(pk__in=unknown).values_list("pk", "fingerprint")
    )
    return [
        q if q.fingerprint is not None else q._replace(fingerprint=fingerprints[q.version_id])
        for q in questions
    ]


def _fragment(snapshot: dict, question: ShownQuestion) -> tuple[str, str]:
    shown = public_question(shown_snapshot(snapshot, question.option_order), question.score)
    data = AttemptQuestionOut.model_validate(shown).model_dump(exclude_unset=True)
    subs = data.pop("sub_questions", None)
    after = "}" if subs is None else f', "sub_questions": {api_json.dumps(subs)}}}'
    return api_json.dumps(data)[:-1], after
