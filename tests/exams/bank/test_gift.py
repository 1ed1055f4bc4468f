"""GIFT import: every feature of Moodle's format, and malformed files refused."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from exams.bank.formats import gift
from exams.models import Question, QuestionBank

FEATURES = r"""// 社会工作综合能力 第一章
// 注释行会被忽略

$CATEGORY: $course$/top/综合能力/第一章

::宗旨::社会工作的宗旨是（  ）。{
  =助人自助#对，这是社会工作的宗旨。
  ~维护秩序#不对。
  ~管理服务对象
  ####社会工作以“助人自助”为宗旨。
}

::小组类型::[markdown]下列属于**小组工作**类型的有（  ）。{
  ~%50%教育小组#对
  ~%50%成长小组
  ~%-100%行政小组#不是
}

社会工作者可以泄露服务对象隐私。{F#错了，应当保密。#对，保密是基本原则。}

::转义::比例 1\:2 与符号 \~ \= \# \{ \} 都能写。{T}

[html]<p>请结合案例谈谈<b>优势视角</b>的运用。</p>{####[html]<p>答题要点见教材。</p>}

$CATEGORY: $course$/top/综合能力/第二章

::纯文本::[plain]《中华人民共和国老年人权益保障法》规定的赡养人包括（  ）。{
  =老年人的子女以及其他依法负有赡养义务的人
  ~社区居委会
}

社会工作价值观的核心是 {=尊重 ~控制 ~惩罚} 服务对象。
"""


def parse(text: str):
    return gift.read(text.encode())


def test_every_feature_is_read_like_moodle():
    parsed = parse(FEATURES)
    assert not parsed.errors and not parsed.skipped
    single, multiple, true_false, escaped, essay, plain_text, missing_word = parsed.questions
    assert single.category == ("综合能力", "第一章")
    assert single.name == "宗旨"
    assert single.type == "single"
    assert [(o.key, o.text, o.is_correct) for o in single.options] == [
        ("A", "助人自助", True),
        ("B", "维护秩序", False),
        ("C", "管理服务对象", False),
    ]
    assert single.options[0].feedback == "对，这是社会工作的宗旨。"
    assert single.explanation == "<p>社会工作以“助人自助”为宗旨。</p>"

    assert multiple.type == "multiple"
    assert multiple.stem == "<p>下列属于<b>小组工作</b>类型的有（  ）。</p>"
    assert [(o.is_correct, o.fraction) for o in multiple.options] == [
        (True, Decimal(50)),
        (True, Decimal(50)),
        (False, Decimal(-100)),
    ]
    assert multiple.options[2].feedback == "不是"

    assert true_false.type == "true_false"
    assert [(o.text, o.is_correct, o.feedback) for o in true_false.options] == [
        ("正确", False, "错了，应当保密。"),
        ("错误", True, "对，保密是基本原则。"),
    ]

    assert escaped.stem == "<p>比例 1:2 与符号 ~ = # { } 都能写。</p>"
    assert escaped.options[0].is_correct  # {T}

    assert essay.type == "case_essay"
    assert essay.stem == "<p>请结合案例谈谈<b>优势视角</b>的运用。</p>"
    assert essay.explanation == "<p>答题要点见教材。</p>"

    assert plain_text.category == ("综合能力", "第二章")
    assert plain_text.stem.startswith("<p>《中华人民共和国")
    assert missing_word.stem == "<p>社会工作价值观的核心是 _____ 服务对象。</p>"


def test_true_keyword_variants():
    parsed = parse("甲。{TRUE}\n\n乙。{FALSE}\n\n丙。{T}\n")
    assert [q.options[0].is_correct for q in parsed.questions] == [True, False, True]


def test_weights_with_decimals_and_a_malformed_weight_kept_as_text_like_moodle():
    parsed = parse("题？{~%33.33333%甲 ~%33.33333%乙 ~%33.33333%丙 ~%abc%丁}")
    question = parsed.questions[0]
    assert question.options[1].fraction == Decimal("33.33333")
    assert question.options[3].text == "%abc%丁"  # not a weight Moodle's pattern accepts
    assert not question.options[3].is_correct


def test_unsupported_types_are_reported_not_dropped():
    parsed = parse(
        "数值？{#1822:5}\n\n简答？{=无人 =没有人}\n\n匹配{=甲->乙 =丙->丁}\n\n只是说明\n"
    )
    assert not parsed.questions
    assert [e.line for e in parsed.skipped] == [1, 3, 5, 7]
    assert "数值题" in str(parsed.skipped[0])


def test_unbalanced_brace_is_an_error_with_its_line():
    parsed = parse("好题。{=甲 ~乙}\n\n// 注释\n坏题。{=甲 ~乙\n")
    assert [str(e) for e in parsed.errors] == [
        "第 3 行：花括号不配对：答案部分应写在 { 和 } 之间。"
    ]


def test_a_choice_with_one_answer_and_bad_metadata_are_errors():
    parsed = parse("只有一个选项？{~甲}\n\n// xuetang: {不是 JSON\n好题？{=甲 ~乙}\n")
    assert [str(e) for e in parsed.errors] == [
        "第 1 行：选择题至少要有两个选项。",
        "第 3 行：xuetang 元数据不是有效的 JSON。",
    ]


def test_newline_escape_and_literal_backslash():
    parsed = parse(r"第一行\n第二行，路径 C:\\data{T}")
    assert parsed.questions[0].stem == "<p>第一行<br/>第二行，路径 C:\\data</p>"


def write(tmp_path, text: str, name: str = "q.gift"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_command_imports_into_the_bank_and_prints_counts_per_type(tmp_path):
    out = io.StringIO()
    call_command("import_questions", write(tmp_path, FEATURES), bank="综合题库", stdout=out)
    assert "单选题 3 道" in out.getvalue()
    assert "多选题 1 道" in out.getvalue()
    assert "判断题 2 道" in out.getvalue()
    assert "案例问答（主观） 1 道" in out.getvalue()
    assert Question.objects.count() == 7
    chapter_one = QuestionBank.objects.get(name="第一章")
    assert chapter_one.category_path() == "综合题库/综合能力/第一章"
    assert Question.objects.filter(bank=chapter_one).count() == 5
    weighted = Question.objects.get(name="小组类型")
    assert weighted.score == Decimal(2)
    assert list(weighted.options.values_list("fraction", flat=True)) == [50, 50, -100]


@pytest.mark.django_db
def test_dry_run_reports_and_creates_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_questions", write(tmp_path, FEATURES), dry_run=True, stdout=out)
    assert "试运行" in out.getvalue() and "单选题 3 道" in out.getvalue()
    assert not Question.objects.exists()
    assert not QuestionBank.objects.exists()


@pytest.mark.django_db
def test_one_bad_question_refuses_the_whole_file(tmp_path):
    text = FEATURES + "\n\n::两个正确::单选？{=甲 =乙 ~丙}\n"
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何题目"):
        call_command("import_questions", write(tmp_path, text), stderr=err)
    assert "有且只有一个正确选项" in err.getvalue()
    assert f"第 {FEATURES.count(chr(10)) + 3} 行" in err.getvalue()
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_multiple_choice_without_a_wrong_option_is_refused(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", write(tmp_path, "题？{~%50%甲 ~%50%乙}"), stderr=err)
    assert "第 1 行：多选题至少要有一个错误选项" in err.getvalue()


@pytest.mark.django_db
def test_format_comes_from_the_extension_or_the_option(tmp_path):
    path = write(tmp_path, "题？{T}", name="q.txt")
    call_command("import_questions", path, stdout=io.StringIO())
    other = write(tmp_path, "题？{F}", name="q.data")
    with pytest.raises(CommandError, match="无法从文件名判断格式"):
        call_command("import_questions", other)
    call_command("import_questions", other, format="gift", stdout=io.StringIO())
    assert Question.objects.count() == 2
