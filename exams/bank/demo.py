"""Demo bank: the hand-written questions of ``exams.bank.demo_bank``, written as the real exam writes
them (four-option single choice, five-option multiple choice, 中级实务 cases with marking
points), each with its explanation and basis.

Loaded through the same import service as an uploaded file, so it obeys the same rules and
the bank check runs on it before it is committed. One sub-bank per subject
(``初级·社会工作综合能力`` …), one folder per chapter. Idempotent per question: a question whose
stem is already in its subject's sub-bank is not added again, so a subject module written
later is loaded by the next run.

The bank generated from term/meaning pairs that came before (``下列关于……的表述正确的是`` and
true/false questions, a type the real exam does not have) is retired: once a subject of the new
bank is loaded, the old generated questions of that subject are marked outdated, which takes
them out of practice and papers while keeping past attempts readable.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exams.bank.check import normalised
from exams.bank.data_modules import SOURCE, bank_files, records
from exams.bank.formats import ParsedFile
from exams.bank.importing import import_questions, root_bank
from exams.bank.versions import practice_questions
from exams.models import PracticeAnswer, Question, QuestionBank, QuestionType
from exams.practice.services import record_answer
from learning.models import User

BANK = "社工学堂示范题库"
#: Folders of the retired generated bank, under the same root.
RETIRED_FOLDERS = ("综合能力", "实务", "法规与政策")
#: learning.accounts.demo's learner account (DEMO accounts in /work/shared/API.md).
DEMO_LEARNER_PHONE = "13800000001"


def load(*, stdout=None, files=None) -> None:
    files = bank_files() if files is None else files
    if not files:
        if stdout is not None:
            stdout.write("  " + _("题库：exams/bank/demo_bank 下还没有题目数据，跳过"))
        return
    root, _created = root_bank(BANK)
    new = []
    for file in files:
        folder = root.get_children().filter(name=file.folder).first()
        known = set()
        if folder is not None:
            stems = Question.objects.filter(bank__path__startswith=folder.path, parent__isnull=True)
            known = {normalised(stem) for stem in stems.values_list("stem", flat=True)}
        new += [record for record in records(file) if normalised(record.stem) not in known]
    report = import_questions(parsed=ParsedFile(questions=new), bank_name=BANK, dry_run=not new)
    if not report.ok:
        raise RuntimeError("; ".join(map(str, report.errors)))
    retired = _retire_generated_bank(root, files)
    _practice_history(root)
    if stdout is not None:
        stdout.write(
            "  "
            + ngettext(
                "题库：新增 %(total)s 道（%(summary)s）",
                "题库：新增 %(total)s 道（%(summary)s）",
                report.total,
            )
            % {"total": report.total, "summary": report.summary()}
        )
        for warning in report.warnings:
            stdout.write("  " + _("题库检查：%(problem)s") % {"problem": warning})
        if retired:
            stdout.write(
                "  "
                + ngettext(
                    "旧的生成题库 %(count)s 道题已停用",
                    "旧的生成题库 %(count)s 道题已停用",
                    retired,
                )
                % {"count": retired}
            )


def _retire_generated_bank(root: QuestionBank, files) -> int:
    """Mark the generated questions of the subjects the new bank now covers as outdated."""
    folders = root.get_children().filter(name__in=RETIRED_FOLDERS)
    subjects = [(file.level, file.subject) for file in files if file.questions or file.cases]
    retired = 0
    for folder in folders:
        for level, subject in subjects:
            retired += Question.objects.filter(
                bank__path__startswith=folder.path,
                level=level,
                subject=subject,
                source=SOURCE,
                is_outdated=False,
            ).update(is_outdated=True)
    return retired


def _practice_history(root: QuestionBank) -> None:
    """The demo learner has practised a little, so the book and statistics are not empty."""
    learner = User.objects.filter(phone=DEMO_LEARNER_PHONE).first()
    if learner is None or PracticeAnswer.objects.filter(learner=learner).exists():
        return
    questions = (
        practice_questions()
        .filter(bank__path__startswith=root.path, type=QuestionType.SINGLE)
        .prefetch_related("options")
        .order_by("pk")[:12]
    )
    for n, question in enumerate(questions):
        keys = [o.key for o in question.options.all()]
        right = next(o.key for o in question.options.all() if o.is_correct)
        wrong = next(k for k in keys if k != right)
        record_answer(learner=learner, question=question, answer=wrong if n % 3 == 0 else right)
