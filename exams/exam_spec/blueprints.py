"""Each paper of the real exam as data: its parts, points, time and pass line.

What the papers say (the 答题说明 printed above each part of the 2024–2026 objective papers,
reproduced by every provincial 人事考试 notice and training provider):

- 单项选择题（共 60 题，每题 1 分。每题的备选项中，只有 1 个最符合题意）: four options.
- 多项选择题（共 20 题，每题 2 分。每题的备选项中，有 2 个或 2 个以上符合题意，至少有 1 个错项。
  错选，本题不得分；少选，所选的每个选项得 0.5 分）: five options. Choosing exactly the right
  ones scores the full 2 points; choosing any wrong one scores 0; choosing only right ones but
  not all of them scores 0.5 for each (so 1.5 for three of four).
- 满分 100 分. Time: 120 minutes for every objective subject (2026 timetable: 综合能力 9:00–11:00,
  实务（初级） and 法规与政策 14:00–16:00); 150 minutes for 社会工作实务（中级） (14:00–16:30);
  180 minutes for 社会工作实务（高级） (14:00–17:00). Timetable from 人力资源社会保障部办公厅
  《关于2026年度专业技术人员职业资格考试工作计划及有关事项的通知》 and the 2025 考务 notice
  (人考中心函〔2025〕6号), which gave the same hours.
- Pass line (合格标准): 60 of 100 in every subject of 初级 and 中级. 人力资源社会保障部 announces
  the 合格标准 with each year's results; it has been 60 for each of these subjects in every
  recent year (the 2025 notices and results pages, 中国人事考试网).
- 社会工作实务（中级） is wholly subjective (主观题) and marked by examiners against marking
  points (按答题要点给分): 案例分析题 4 题（每题 20 分，共 80 分） and 方案设计题 1 题（20 分）, 满分
  100. The 考试大纲 does not fix this split; it is the structure of the recent papers as
  reported by the provinces' and training providers' 题型题量 pages (e.g. 宜宾 2025). A few
  pages give other splits (6 questions, or a 30-point design task summing to 110, which cannot
  be right for a 100-point paper); we keep the 4 + 1 x 20 reported most often. Here both kinds
  are case questions hand-marked by a lecturer (``QuestionType.CASE_ESSAY``).

Organisers change a year's paper through the paper form (the preset fills it from here, and
every rule stays editable); a rule change that holds for good belongs in this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from exams.models import QuestionType

from .levels import COMPREHENSIVE, INTERMEDIATE, JUNIOR, PRACTICE, REGULATIONS

#: Points of one multiple-choice question, and what each right option chosen earns when the
#: candidate chose no wrong one but not all the right ones (少选，所选的每个选项得 0.5 分).
MULTIPLE_SCORE = Decimal(2)
MULTIPLE_PER_RIGHT_OPTION = Decimal("0.5")
#: Options a question of the real paper has.
SINGLE_OPTIONS = 4
MULTIPLE_OPTIONS = 5


@dataclass(frozen=True)
class Section:
    """One part of a paper (大题): how many questions of a type, at how many points each."""

    question_type: str
    count: int
    score: Decimal
    name: str

    @property
    def points(self) -> Decimal:
        return self.score * self.count


@dataclass(frozen=True)
class Blueprint:
    """One subject's paper. ``hand_marked`` papers are scored by lecturers, not the server."""

    level: str
    subject: str
    minutes: int
    pass_score: Decimal
    sections: tuple[Section, ...]
    hand_marked: bool = False

    @property
    def question_count(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def max_score(self) -> Decimal:
        return sum((section.points for section in self.sections), start=Decimal(0))

    def needs(self) -> dict[str, int]:
        """Questions of each type one paper draws."""
        wanted: dict[str, int] = {}
        for section in self.sections:
            wanted[section.question_type] = wanted.get(section.question_type, 0) + section.count
        return wanted


OBJECTIVE_SECTIONS = (
    Section(QuestionType.SINGLE, 60, Decimal(1), _("单项选择题")),
    Section(QuestionType.MULTIPLE, 20, MULTIPLE_SCORE, _("多项选择题")),
)
CASE_SECTIONS = (Section(QuestionType.CASE_ESSAY, 5, Decimal(20), _("案例分析题与方案设计题")),)
PASS_SCORE = Decimal(60)


def _objective(level: str, subject: str) -> Blueprint:
    return Blueprint(level, subject, 120, PASS_SCORE, OBJECTIVE_SECTIONS)


BLUEPRINTS: dict[tuple[str, str], Blueprint] = {
    (JUNIOR, COMPREHENSIVE): _objective(JUNIOR, COMPREHENSIVE),
    (JUNIOR, PRACTICE): _objective(JUNIOR, PRACTICE),
    (INTERMEDIATE, COMPREHENSIVE): _objective(INTERMEDIATE, COMPREHENSIVE),
    (INTERMEDIATE, REGULATIONS): _objective(INTERMEDIATE, REGULATIONS),
    (INTERMEDIATE, PRACTICE): Blueprint(
        INTERMEDIATE, PRACTICE, 150, PASS_SCORE, CASE_SECTIONS, hand_marked=True
    ),
}


def blueprint_for(level: str, subject: str) -> Blueprint:
    """The paper of ``level`` and ``subject``; the objective paper when either is not given
    (a paper organisers set up across subjects still follows the objective papers' shape)."""
    return BLUEPRINTS.get((level, subject)) or _objective(level, subject)


def objective_blueprints() -> list[Blueprint]:
    """The papers drawn and scored automatically, one per objective subject."""
    return [blueprint for blueprint in BLUEPRINTS.values() if not blueprint.hand_marked]
