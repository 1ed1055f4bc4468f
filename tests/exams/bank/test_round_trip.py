"""Exporting a bank and importing the file again gives the same questions."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from exams.bank.services import true_false_options
from exams.models import Question, QuestionBank, QuestionType


def fill(bank, make_question):
    chapter = bank.add_child(name="第三章 社会救助")
    make_question(
        "single",
        name="最低生活保障",
        stem="<p>最低生活保障由哪一级人民政府确定、公布？</p>",
        options=[
            ("省级或设区的市级", True, "《社会救助暂行办法》第九条"),
            ("乡镇", False),
            ("村委会", False),
        ],
        subject="regulations",
        level="intermediate",
        chapter="社会救助",
        knowledge_points=["最低生活保障", "社会救助暂行办法"],
        difficulty=4,
        source="2025 年模拟题",
        valid_as_of=date(2025, 1, 1),
    )
    make_question(
        "multiple",
        stem="<p>含特殊字符：{ } ~ = # : 以及\\反斜杠</p>",
        options=[("甲 = 乙", True, "反馈#1"), ("丙~丁", True), ("戊{}", False)],
        chapter="综合",
        bank=chapter,
    )
    make_question("true_false", options=true_false_options(False), explanation="")
    make_question(
        "case_essay",
        options=[],
        stem='<p data-block-key="x1">案例：<b>李某</b>……</p>',
        model_answer="<p>参考答案</p>",
        marking_points="建立关系\n评估需求",
        score=20,
    )


def signature(bank):
    rows = []
    questions = Question.objects.filter(bank__path__startswith=bank.path).order_by("pk")
    for q in questions.prefetch_related("options", "tagged_items__tag"):
        rows.append(
            (
                q.bank.category_path().split("/", 1)[1:],
                q.type,
                q.name,
                q.stem,
                q.explanation,
                q.model_answer,
                q.marking_points,
                q.difficulty,
                q.subject,
                q.level,
                q.chapter,
                sorted(t.tag.name for t in q.tagged_items.all()),
                q.source,
                q.valid_as_of,
                q.score,
                [(o.key, o.text, o.is_correct, o.feedback) for o in q.options.all()],
            )
        )
    return rows


@pytest.mark.parametrize("fmt", ["gift", "xml", "xlsx"])
@pytest.mark.django_db
def test_export_then_import_gives_the_same_questions(bank, make_question, tmp_path, fmt):
    fill(bank, make_question)
    path = tmp_path / f"bank.{fmt}"
    err = io.StringIO()
    call_command(
        "export_questions", str(path), bank=bank.name, format=fmt, stdout=io.StringIO(), stderr=err
    )
    call_command("import_questions", str(path), bank="再导入", stdout=io.StringIO())
    again = QuestionBank.objects.get(name="再导入")
    original = signature(bank)
    if fmt == "xlsx":
        original = [row for row in original if row[1] != QuestionType.CASE_ESSAY]
        assert "Excel 格式无法表示这种题型" in err.getvalue()
    assert signature(again) == original


@pytest.mark.django_db
def test_case_analysis_is_reported_not_silently_dropped(bank, make_question, tmp_path):
    case = make_question("case_analysis", options=[], stem="<p>案例</p>", name="张大爷的案例")
    make_question("single", parent=case)
    err = io.StringIO()
    call_command(
        "export_questions",
        str(tmp_path / "b.gift"),
        bank=bank.name,
        format="gift",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "案例分析（选择）“张大爷的案例”：GIFT 格式无法表示这种题型" in err.getvalue()


@pytest.mark.django_db
def test_weights_survive_a_gift_round_trip(tmp_path):
    source = tmp_path / "w.gift"
    source.write_text("题？{~%60%甲 ~%40%乙 ~%-100%丙}", encoding="utf-8")
    call_command("import_questions", str(source), bank="甲", stdout=io.StringIO())
    call_command(
        "export_questions",
        str(tmp_path / "out.gift"),
        bank="甲",
        format="gift",
        stdout=io.StringIO(),
    )
    call_command("import_questions", str(tmp_path / "out.gift"), bank="乙", stdout=io.StringIO())
    fractions = Question.objects.get(bank__name="乙").options.values_list("fraction", flat=True)
    assert list(fractions) == [60, 40, -100]
