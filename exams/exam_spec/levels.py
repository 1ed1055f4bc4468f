"""The levels (级别) of the social worker certification and the subjects (科目) of each.

Sources:

- 原人事部、民政部《关于印发〈社会工作者职业水平评价暂行规定〉和〈助理社会工作师、社会工作师
  职业水平考试实施办法〉的通知》（国人部发〔2006〕71号）: three levels, 助理社会工作师 (初级),
  社会工作师 (中级) and 高级社会工作师 (高级, 考评结合: an exam plus a review by a panel).
- 人力资源社会保障部人事考试中心《关于2025年度社会工作者职业资格考试考务工作的通知》（人考中心函
  〔2025〕6号）, as forwarded by the provinces (e.g. 黑龙江省人事考试中心, March 2025): 初级 sits
  “社会工作综合能力（初级）”（客观题） and “社会工作实务（初级）”（客观题）, both within one exam year;
  中级 sits “社会工作综合能力（中级）”（客观题）, “社会工作法规与政策”（客观题） and “社会工作实务
  （中级）”（主观题）, passed within two consecutive exam years; 高级 sits “社会工作实务（高级）”
  （主观题） only. The 2026 notices keep the same subjects.

The programme prepares community workers for 初级 and 中级; 高级 is listed so a roster's
报考级别 高级 has a meaning, but no paper of it is built here (its exam is one hand-marked
subject and its certificate needs the review as well).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from exams.models import Subject

JUNIOR, INTERMEDIATE, SENIOR = "junior", "intermediate", "senior"
COMPREHENSIVE, PRACTICE, REGULATIONS = Subject.COMPREHENSIVE, Subject.PRACTICE, Subject.REGULATIONS


@dataclass(frozen=True)
class ExamLevel:
    code: str
    name: str
    #: The title the certificate gives (助理社会工作师, 社会工作师, 高级社会工作师).
    title: str
    subjects: tuple[str, ...]
    #: Exam years within which every subject must be passed (高级: one subject, one year).
    years_to_pass: int


LEVELS: dict[str, ExamLevel] = {
    JUNIOR: ExamLevel(JUNIOR, _("初级"), _("助理社会工作师"), (COMPREHENSIVE, PRACTICE), 1),
    INTERMEDIATE: ExamLevel(
        INTERMEDIATE,
        _("中级"),
        _("社会工作师"),
        (COMPREHENSIVE, PRACTICE, REGULATIONS),
        2,
    ),
    SENIOR: ExamLevel(SENIOR, _("高级"), _("高级社会工作师"), (PRACTICE,), 1),
}


def subjects_of(level: str) -> tuple[str, ...]:
    """The subjects a candidate of ``level`` sits; empty for an unknown level."""
    found = LEVELS.get(level)
    return found.subjects if found else ()
