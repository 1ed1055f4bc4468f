"""Reads for the practice pages, the API and the admin."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from exams.bank.versions import practice_questions
from exams.models import (
    DailySet,
    Favourite,
    Level,
    Option,
    Paper,
    PracticeAnswer,
    Question,
    QuestionKnowledgePoint,
    Subject,
    WrongAnswer,
)
from exams.papers.services import papers_for
from exams.practice.services import daily_set, streak_days
from learning.models import User


def for_display(queryset: QuerySet[Question]) -> QuerySet[Question]:
    """Questions with everything a page or API item shows, in a fixed number of queries."""
    options = Option.objects.order_by("sort_order", "key")
    return queryset.prefetch_related(
        Prefetch("options", queryset=options),
        Prefetch(
            "sub_questions",
            queryset=Question.objects.order_by("position", "pk").prefetch_related(
                Prefetch("options", queryset=options)
            ),
        ),
        "tagged_items__tag",
    )


def chapter_questions(
    *, chapter: str = "", knowledge_point: str = "", subject: str = "", level: str = ""
) -> QuerySet[Question]:
    questions = practice_questions()
    if chapter:
        questions = questions.filter(chapter=chapter)
    if knowledge_point:
        questions = questions.filter(tagged_items__tag__name=knowledge_point)
    if subject:
        questions = questions.filter(subject=subject)
    if level:
        questions = questions.filter(level=level)
    return questions.order_by("pk").distinct()


def _accuracy(right: int, total: int) -> float | None:
    return round(right / total, 3) if total else None


def _practice_scope(level: str = "") -> QuerySet[Question]:
    """Practice questions of ``level`` and those that state no level (they suit every one)."""
    questions = practice_questions()
    return questions.filter(Q(level=level) | Q(level="")) if level else questions


def _chapter_rows(*, learner: User, level: str = "") -> list[dict]:
    """Every chapter with its question count and the learner's answers, right answers and
    questions done (2 queries)."""
    questions = _practice_scope(level).exclude(chapter="")
    counts = questions.values("subject", "level", "chapter").annotate(questions=Count("pk"))
    mine = {
        (row["question__subject"], row["question__level"], row["question__chapter"]): row
        for row in PracticeAnswer.objects.filter(learner=learner, question__in=questions)
        .values("question__subject", "question__level", "question__chapter")
        .annotate(
            answers=Count("pk"),
            right=Count("pk", filter=Q(correct=True)),
            done=Count("question_id", distinct=True),
        )
    }
    rows = []
    for row in counts.order_by("subject", "level", "chapter"):
        got = mine.get((row["subject"], row["level"], row["chapter"]), {})
        rows.append(
            {
                "chapter": row["chapter"],
                "subject": row["subject"],
                "level": row["level"],
                "question_count": row["questions"],
                "done": got.get("done", 0),
                "answers": got.get("answers", 0),
                "right": got.get("right", 0),
            }
        )
    return rows


def _shaped(row: dict) -> dict:
    """A stats row as the API and pages show it: accuracy instead of the right answers."""
    shaped = {k: v for k, v in row.items() if k != "right"}
    shaped["accuracy"] = _accuracy(row["right"], row["answers"])
    return shaped


def chapter_stats(*, learner: User, level: str = "") -> list[dict]:
    """Every chapter with its question count and the learner's answers and accuracy (2 queries)."""
    return [_shaped(row) for row in _chapter_rows(learner=learner, level=level)]


def _point_rows(*, learner: User, level: str = "") -> dict[tuple[str, str, str], list[dict]]:
    """Knowledge points per (subject, level, chapter): question count, the learner's answers
    and right answers (2 queries). A question sits in one chapter, so summing a point over
    chapters counts each of its questions once."""
    questions = _practice_scope(level)
    counts = (
        QuestionKnowledgePoint.objects.filter(content_object__in=questions)
        .values(
            "content_object__subject",
            "content_object__level",
            "content_object__chapter",
            "tag__name",
        )
        .annotate(questions=Count("content_object_id", distinct=True))
        .order_by("tag__name")
    )
    mine = {
        (
            row["question__subject"],
            row["question__level"],
            row["question__chapter"],
            row["question__tagged_items__tag__name"],
        ): row
        for row in PracticeAnswer.objects.filter(learner=learner, question__in=questions)
        .exclude(question__tagged_items__tag__name=None)
        .values(
            "question__subject",
            "question__level",
            "question__chapter",
            "question__tagged_items__tag__name",
        )
        .annotate(answers=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    }
    points: dict[tuple[str, str, str], list[dict]] = {}
    for row in counts:
        where = (
            row["content_object__subject"],
            row["content_object__level"],
            row["content_object__chapter"],
        )
        got = mine.get((*where, row["tag__name"]), {})
        points.setdefault(where, []).append(
            {
                "knowledge_point": row["tag__name"],
                "question_count": row["questions"],
                "answers": got.get("answers", 0),
                "right": got.get("right", 0),
            }
        )
    return points


def _summed(rows: list[dict], fields=("question_count", "answers", "right")) -> dict:
    return {field: sum(row[field] for row in rows) for field in fields}


def _points_overall(points: dict[tuple[str, str, str], list[dict]]) -> list[dict]:
    """Each knowledge point totalled over the chapters it appears in, by name."""
    overall: dict[str, list[dict]] = {}
    for inside in points.values():
        for point in inside:
            overall.setdefault(point["knowledge_point"], []).append(point)
    return [
        _shaped({"knowledge_point": name, **_summed(rows)})
        for name, rows in sorted(overall.items())
    ]


def practice_tree(*, learner: User, level: str = "") -> dict:
    """The practice hub as a tree (练习目录): level and subject > chapter > knowledge point,
    each node with its question count and the learner's accuracy (4 queries).

    Each chapter is listed once under its subject, its knowledge points once under it;
    ``knowledge_points`` beside the tree totals each point over its chapters (the API's flat
    list).
    """
    points = _point_rows(learner=learner, level=level)
    subjects: dict[tuple[str, str], dict] = {}
    for row in _chapter_rows(learner=learner, level=level):
        node = subjects.setdefault(
            (row["level"], row["subject"]),
            {"subject": row["subject"], "level": row["level"], "chapters": []},
        )
        node["chapters"].append(row)
    tree = []
    for (level_code, subject), node in subjects.items():
        tree.append(
            _shaped(
                {
                    "subject": subject,
                    "level": level_code,
                    "label": subject_label(subject, level_code),
                    **_summed(node["chapters"], ("question_count", "answers", "right", "done")),
                    "chapters": [
                        {
                            **_shaped(row),
                            "knowledge_points": [
                                _shaped(point)
                                for point in points.get((subject, level_code, row["chapter"]), [])
                            ],
                        }
                        for row in node["chapters"]
                    ],
                }
            )
        )
    return {"subjects": tree, "knowledge_points": _points_overall(points)}


def subject_label(subject: str, level: str) -> str:
    """ "初级 · 社会工作综合能力": a subject as the learner knows it, with its level."""
    names = [Level(level).label] if level in Level.values else []
    names.append(Subject(subject).label if subject in Subject.values else _("其他科目"))
    return " · ".join(str(name) for name in names)


def knowledge_point_stats(*, learner: User) -> list[dict]:
    """Every knowledge point with its question count and the learner's accuracy (2 queries)."""
    return _points_overall(_point_rows(learner=learner))


def practice_overview(*, learner: User) -> dict:
    """Questions done, overall accuracy, streak, wrong-book and favourites counts."""
    answers = PracticeAnswer.objects.filter(learner=learner)
    totals = answers.aggregate(
        answers=Count("pk"),
        right=Count("pk", filter=Q(correct=True)),
        done=Count("question_id", distinct=True),
    )
    days = set(answers.values_list("local_date", flat=True).distinct())
    return {
        "questions_done": totals["done"],
        "answers": totals["answers"],
        "accuracy": _accuracy(totals["right"], totals["answers"]),
        "streak_days": streak_days(days, timezone.localdate()),
        "wrong_answers": open_wrong_answers(learner=learner).count(),
        "favourites": Favourite.objects.filter(learner=learner).count(),
    }


def open_wrong_answers(*, learner: User) -> QuerySet[WrongAnswer]:
    return WrongAnswer.objects.filter(learner=learner, mastered_at__isnull=True).order_by(
        "-last_wrong_at"
    )


def wrong_book_by_chapter(*, learner: User) -> list[dict]:
    """The open wrong-answer book grouped by chapter (按章节): chapters with the most entries
    first, each chapter's most recent mistakes first (1 query)."""
    groups: dict[str, list[WrongAnswer]] = {}
    for entry in open_wrong_answers(learner=learner).select_related("question"):
        groups.setdefault(entry.question.chapter, []).append(entry)
    return [
        {"chapter": chapter, "entries": entries, "count": len(entries)}
        for chapter, entries in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0] == "", g[0]))
    ]


def wrong_answer_book(*, learner: User) -> QuerySet[WrongAnswer]:
    return open_wrong_answers(learner=learner).prefetch_related(
        Prefetch("question", queryset=for_display(Question.objects.all()))
    )


def favourites(*, learner: User) -> QuerySet[Favourite]:
    return (
        Favourite.objects.filter(learner=learner)
        .order_by("-created_at")
        .prefetch_related(Prefetch("question", queryset=for_display(Question.objects.all())))
    )


def daily_questions(daily: DailySet) -> list[Question]:
    """The set's questions in order, each with ``answered``/``answered_correct`` for the day."""
    questions = list(for_display(Question.objects.filter(pk__in=daily.items.values("question_id"))))
    order = dict(daily.items.values_list("question_id", "position"))
    latest = {}
    for qid, correct in (
        PracticeAnswer.objects.filter(
            learner=daily.learner_id,
            local_date=daily.date,
            mode=PracticeAnswer.Mode.DAILY,
            question__in=list(order),
        )
        .order_by("answered_at")
        .values_list("question_id", "correct")
    ):
        latest[qid] = correct
    for question in questions:
        question.answered = question.pk in latest
        question.answered_correct = latest.get(question.pk)
    return sorted(questions, key=lambda q: order[q.pk])


def favourite_ids(*, learner: User, question_ids) -> set[int]:
    return set(
        Favourite.objects.filter(learner=learner, question_id__in=question_ids).values_list(
            "question_id", flat=True
        )
    )


def next_question_url(
    *, learner: User, question: Question, mode: str, chapter: str = "", knowledge_point: str = ""
) -> str:
    """Where "下一题" leads in this practice mode; '' at the end."""
    following = None
    if mode == PracticeAnswer.Mode.DAILY:
        chosen = daily_set(learner=learner)
        positions = list(chosen.items.values_list("question_id", flat=True))
        if question.pk in positions:
            rest = positions[positions.index(question.pk) + 1 :]
            following = rest[0] if rest else None
    elif mode == PracticeAnswer.Mode.WRONG_BOOK:
        following = (
            open_wrong_answers(learner=learner)
            .exclude(question_id=question.pk)
            .values_list("question_id", flat=True)
            .first()
        )
    elif mode == PracticeAnswer.Mode.FAVOURITE:
        following = (
            Favourite.objects.filter(learner=learner, question_id__gt=question.pk)
            .order_by("question_id")
            .values_list("question_id", flat=True)
            .first()
        )
    else:
        chapter = chapter or ("" if knowledge_point else question.chapter)
        following = (
            chapter_questions(chapter=chapter, knowledge_point=knowledge_point)
            .filter(pk__gt=question.pk)
            .values_list("pk", flat=True)
            .first()
        )
    if following is None:
        return ""
    query = {"mode": mode, "chapter": chapter, "knowledge_point": knowledge_point}
    return (
        reverse("exams:question", args=[following])
        + "?"
        + urlencode({k: v for k, v in query.items() if v})
    )


def home_daily_status(*, learner: User) -> DailySet | None:
    """Today's daily set if the learner has opened it (one query; the home page never makes one)."""
    return DailySet.objects.filter(learner=learner, date=timezone.localdate()).first()


def upcoming_papers(*, learner: User, limit: int = 3) -> list[Paper]:
    """Mock exams open now or opening within two weeks, soonest closing first, with the
    learner's attempts counted (the targeting lookup plus one query)."""
    now = timezone.now()
    papers = list(
        papers_for(learner)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now + timedelta(days=14)))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .annotate(attempts_used=Count("attempts", filter=Q(attempts__learner=learner)))
        .order_by("closes_at", "pk")[:limit]
    )
    for paper in papers:
        paper.opens_later = paper.opens_at is not None and paper.opens_at > now
    return papers
