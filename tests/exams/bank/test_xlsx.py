"""Excel import: the Chinese column layout, the template, and bad rows refused."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from exams.bank.formats import xlsx
from exams.models import Question

ROWS = [
    [
        "单选",
        "社会工作的宗旨是（  ）。",
        "助人自助",
        "维护秩序",
        "管理",
        "推销",
        "",
        "A",
        "宗旨是助人自助。",
        1,
        "社会工作概述",
        "社会工作宗旨",
    ],
    [
        "多选",
        "小组工作的类型包括（  ）。",
        "教育小组",
        "成长小组",
        "支持小组",
        "治疗小组",
        "行政小组",
        "A,B,C,D",
        "",
        3,
        "小组工作",
        "小组类型、小组工作",
    ],
    [
        "判断",
        "社会工作者应当保密。",
        "",
        "",
        "",
        "",
        "",
        "对",
        "保密原则。",
        2,
        "社会工作伦理",
        "保密",
    ],
]


def write(tmp_path, rows, header=xlsx.COLUMNS):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "q.xlsx"
    workbook.save(path)
    return str(path)


@pytest.mark.django_db
def test_good_sheet_creates_questions(tmp_path):
    out = io.StringIO()
    call_command("import_questions", write(tmp_path, ROWS), stdout=out)
    assert "单选题 1 道，多选题 1 道，判断题 1 道" in out.getvalue()
    multiple = Question.objects.get(type="multiple")
    assert [o.key for o in multiple.options.filter(is_correct=True)] == ["A", "B", "C", "D"]
    assert multiple.difficulty == 3 and multiple.chapter == "小组工作"
    assert sorted(t.name for t in multiple.knowledge_points.all()) == ["小组工作", "小组类型"]
    true_false = Question.objects.get(type="true_false")
    assert true_false.options.get(is_correct=True).text == "正确"


@pytest.mark.django_db
def test_bad_rows_are_listed_with_row_numbers_and_nothing_is_imported(tmp_path):
    rows = [
        *ROWS,
        ["单选", "两个答案？", "甲", "乙", "", "", "", "A,B", "", 1, "", ""],
        ["填空", "不支持", "", "", "", "", "", "", "", 1, "", ""],
        ["多选", "答案没有选项", "甲", "乙", "丙", "", "", "A,F", "", 9, "", ""],
    ]
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何题目"):
        call_command("import_questions", write(tmp_path, rows), stderr=err)
    report = err.getvalue()
    assert "第 5 行：单选题必须有且只有一个正确选项" in report
    assert "第 6 行：题型“填空”不正确" in report
    assert "第 7 行：难度应为 1 到 5 的整数" in report
    assert "第 7 行：答案里的 F 没有对应的选项" in report
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_missing_columns_are_named(tmp_path):
    with pytest.raises(CommandError, match="缺少列：答案"):
        call_command("import_questions", write(tmp_path, [], header=["题型", "题干"]))


@pytest.mark.django_db
def test_template_has_the_columns_and_imports_cleanly(tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(xlsx.template())
    header = [c.value for c in next(load_workbook(path).active.iter_rows(max_row=1))]
    assert header[: len(xlsx.COLUMNS)] == xlsx.COLUMNS
    call_command("import_questions", str(path), stdout=io.StringIO())
    assert Question.objects.count() == 3
