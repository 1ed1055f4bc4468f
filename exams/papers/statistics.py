"""Statistics of a paper for organisers (试卷分析): scores, item analysis, organisations.

- facility index (难度系数) of a question: points awarded / points available, over the finished
  attempts that had it (1.0 = everyone right);
- discrimination index (区分度) D = facility in the upper group - facility in the lower group,
  the groups being the top and bottom 27 % of attempts by total score (Kelley's classic rule;
  at least one attempt each);
- per-option choice counts use the question's own option keys (shown keys were relabelled).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from exams.models import Attempt, AttemptQuestion, ItemCalibration, Paper
from learning.models import LearnerProfile, Organisation

#: Share of attempts in each of the upper and lower groups of the discrimination index.
GROUP_SHARE = Decimal("0.27")
#: Width of the score distribution's bands, in percent of the maximum score.
BAND_PERCENT = 10


@dataclass
class QuestionStats:
    question_id: int
    position: int
    label: str
    type: str
    score: Decimal
    answered: int = 0
    facility: float | None = None
    discrimination: float | None = None
    option_counts: dict[str, int] = field(default_factory=dict)
    blank: int = 0
    #: The nightly item calibration (exams.readiness) over every graded answer, practice
    #: included: difficulty b and discrimination a on the logit scale, and answers used.
    calibrated_difficulty: float | None = None
    calibrated_discrimination: float | None = None
    calibrated_answers: int = 0


@dataclass
class OrganisationStats:
    organisation: str
    attempts: int
    mean: float
    pass_rate: float


@dataclass
class PaperStatistics:
    paper: Paper
    attempts: int = 0
    mean: float | None = None
    pass_rate: float | None = None
    max_score: Decimal = Decimal(0)
    distribution: list[tuple[str, int]] = field(default_factory=list)
    questions: list[QuestionStats] = field(default_factory=list)
    organisations: list[OrganisationStats] = field(default_factory=list)


def _ratio(part: Decimal, whole: Decimal) -> float | None:
    return None if not whole else float(round(part / whole, 4))


def finished_attempts(paper: Paper, scope: Organisation | None = None):
    attempts = Attempt.objects.filter(paper=paper, state=Attempt.State.FINISHED)
    if scope is not None:
        attempts = attempts.filter(learner__profile__organisation__path__startswith=scope.path)
    return attempts.order_by("-score", "pk")


def paper_statistics(paper: Paper, *, scope: Organisation | None = None) -> PaperStatistics:
    """Everything the statistics page and its xlsx export show, in a few queries."""
    attempts = list(
        finished_attempts(paper, scope).values("pk", "learner_id", "score", "max_score", "passed")
    )
    stats = PaperStatistics(paper=paper, attempts=len(attempts))
    if not attempts:
        return stats
    total = sum((a["score"] for a in attempts), start=Decimal(0))
    stats.mean = float(round(total / len(attempts), 4))
    stats.pass_rate = _ratio(
        Decimal(sum(1 for a in attempts if a["passed"])), Decimal(len(attempts))
    )
    stats.max_score = max(a["max_score"] for a in attempts)
    stats.distribution = distribution([(a["score"], a["max_score"]) for a in attempts])
    stats.questions = item_analysis(paper, [a["pk"] for a in attempts])
    stats.organisations = by_organisation(attempts)
    return stats


def distribution(scores: list[tuple[Decimal, Decimal]]) -> list[tuple[str, int]]:
    """Counts per band of 10 % of the maximum; a full score falls into the top band."""
    bands = 100 // BAND_PERCENT
    counts = [0] * bands
    for score, maximum in scores:
        percent = score * 100 / maximum if maximum else Decimal(0)
        counts[min(bands - 1, int(percent // BAND_PERCENT))] += 1
    return [
        (f"{i * BAND_PERCENT}–{(i + 1) * BAND_PERCENT}%", count) for i, count in enumerate(counts)
    ]


def group_size(count: int) -> int:
    return max(1, int((GROUP_SHARE * count).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def item_analysis(paper: Paper, ranked_attempt_ids: list[int]) -> list[QuestionStats]:
    """Per question: facility, discrimination and option counts (attempts ranked best first)."""
    size = group_size(len(ranked_attempt_ids))
    upper = set(ranked_attempt_ids[:size])
    lower = set(ranked_attempt_ids[-size:])
    rows = AttemptQuestion.objects.filter(attempt_id__in=ranked_attempt_ids).values(
        "attempt_id", "question_id", "position", "score", "awarded", "answer", "version__snapshot"
    )
    by_question: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_question[row["question_id"]].append(row)
    result = []
    for question_id, items in by_question.items():
        snapshot = items[0]["version__snapshot"]
        first = min(items, key=lambda r: r["position"])
        stats = QuestionStats(
            question_id=question_id,
            position=first["position"],
            label=_label(snapshot),
            type=snapshot["type"],
            score=first["score"],
            answered=sum(1 for r in items if r["answer"] not in (None, [], "", {})),
        )
        stats.facility = _facility(items)
        high = [r for r in items if r["attempt_id"] in upper]
        low = [r for r in items if r["attempt_id"] in lower]
        if high and low:
            stats.discrimination = round(_facility(high) - _facility(low), 4)
        if snapshot.get("options"):
            counts = Counter(
                key for r in items if isinstance(r["answer"], list) for key in r["answer"]
            )
            stats.option_counts = {o["key"]: counts.get(o["key"], 0) for o in snapshot["options"]}
            stats.blank = sum(1 for r in items if not r["answer"])
        result.append(stats)
    calibrated = {
        row[0]: row[1:]
        for row in ItemCalibration.objects.filter(question_id__in=by_question).values_list(
            "question_id", "difficulty", "discrimination", "answers"
        )
    }
    for stats in result:
        if stats.question_id in calibrated:
            b, a, n = calibrated[stats.question_id]
            stats.calibrated_difficulty = round(b, 2)
            stats.calibrated_discrimination = round(a, 2)
            stats.calibrated_answers = n
    return sorted(result, key=lambda s: (s.position, s.question_id))


def _facility(items: list[dict]) -> float:
    available = sum((r["score"] for r in items), start=Decimal(0))
    awarded = sum((r["awarded"] or Decimal(0) for r in items), start=Decimal(0))
    return _ratio(awarded, available) or 0.0


def _label(snapshot: dict) -> str:
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    return Truncator(strip_tags(snapshot.get("stem", ""))).chars(40)


def by_organisation(attempts: list[dict]) -> list[OrganisationStats]:
    """Results per learner's community, ordered like the organisation tree."""
    profiles = dict(
        LearnerProfile.objects.filter(user_id__in={a["learner_id"] for a in attempts}).values_list(
            "user_id", "organisation_id"
        )
    )
    organisations = Organisation.objects.in_bulk(set(profiles.values()))
    groups: dict[int | None, list[dict]] = defaultdict(list)
    for attempt in attempts:
        groups[profiles.get(attempt["learner_id"])].append(attempt)
    rows = []
    for org_id, members in groups.items():
        org = organisations.get(org_id)
        total = sum((a["score"] for a in members), start=Decimal(0))
        rows.append(
            (
                org.path if org else "~",
                OrganisationStats(
                    organisation=org.full_name if org else "—",
                    attempts=len(members),
                    mean=float(round(total / len(members), 2)),
                    pass_rate=_ratio(
                        Decimal(sum(1 for a in members if a["passed"])), Decimal(len(members))
                    )
                    or 0.0,
                ),
            )
        )
    return [row for _path, row in sorted(rows, key=lambda r: r[0])]


def statistics_workbook(stats: PaperStatistics):
    """The statistics as an openpyxl workbook: 概览, 分数分布, 题目分析, 机构."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("概览")
    sheet.append([_("试卷"), stats.paper.title])
    sheet.append([_("完成人次"), stats.attempts])
    sheet.append([_("平均分"), stats.mean])
    sheet.append([_("及格率"), stats.pass_rate])
    sheet.append([_("满分"), float(stats.max_score)])
    bands = book.create_sheet(_("分数分布"))
    bands.append([_("分数段"), _("人次")])
    for band, count in stats.distribution:
        bands.append([band, count])
    items = book.create_sheet(_("题目分析"))
    keys = sorted({k for q in stats.questions for k in q.option_counts})
    items.append(
        [
            _("题号"),
            _("题目"),
            _("题型"),
            _("分值"),
            _("作答"),
            _("难度系数"),
            _("区分度"),
            _("标定难度"),
            _("标定区分度"),
            *keys,
            _("未答"),
        ]
    )
    for q in stats.questions:
        items.append(
            [
                q.position,
                q.label,
                q.type,
                float(q.score),
                q.answered,
                q.facility,
                q.discrimination,
                q.calibrated_difficulty,
                q.calibrated_discrimination,
                *[q.option_counts.get(k, "") for k in keys],
                q.blank,
            ]
        )
    orgs = book.create_sheet(_("机构"))
    orgs.append([_("机构"), _("完成人次"), _("平均分"), _("及格率")])
    for row in stats.organisations:
        orgs.append([row.organisation, row.attempts, row.mean, row.pass_rate])
    return book
