"""Question files with bad content are refused with their line numbers, never a crash.

The siblings of issue 16's item 4 in files rather than requests: a NUL byte (which
PostgreSQL refuses in text), names longer than their columns, scores that are not finite
numbers. Run on PostgreSQL too: SQLite stores what PostgreSQL refuses.
"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from exams.models import Question, QuestionBank

GOOD = "::宗旨::社会工作的宗旨是（  ）。{\n  =助人自助\n  ~维护秩序\n}\n"


def import_file(path) -> str:
    """What ``import_questions`` prints; raises ``CommandError`` (with the same text) when it
    refuses the file."""
    out = io.StringIO()
    try:
        call_command("import_questions", str(path), stdout=out, stderr=out)
    except CommandError as exc:
        raise CommandError(f"{out.getvalue()}\n{exc}") from exc
    return out.getvalue()


def import_gift(tmp_path, text: str) -> str:
    path = tmp_path / "q.gift"
    path.write_text(text, encoding="utf-8")
    return import_file(path)


def refused(tmp_path, text: str) -> str:
    with pytest.raises(CommandError) as failure:
        import_gift(tmp_path, text)
    assert not Question.objects.exists()
    return str(failure.value)


@pytest.mark.django_db
def test_a_good_file_imports(tmp_path):
    assert "单选题 1 道" in import_gift(tmp_path, GOOD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "::宗旨::社会工作的\x00宗旨是（  ）。{\n  =助人自助\n  ~维护秩序\n}\n",
        "::宗旨::社会工作的宗旨是（  ）。{\n  =助人\x00自助\n  ~维护秩序\n}\n",
        "::宗\x07旨::社会工作的宗旨是（  ）。{\n  =助人自助\n  ~维护秩序\n}\n",
        "::宗旨::社会工作的宗旨是（  ）。{\n  =助人自助\n  ~维护秩序\n  ####解析\x00\n}\n",
        '// xuetang: {"chapter": "第一章\\u0000", "knowledge_points": ["伦理"]}\n' + GOOD,
        '// xuetang: {"knowledge_points": ["伦理\\u0000"]}\n' + GOOD,
        "$CATEGORY: $course$/top/综合\x00能力\n\n" + GOOD,
    ],
    ids=["stem", "option", "name", "explanation", "chapter", "knowledge point", "category"],
)
def test_control_characters_anywhere_in_a_question_are_refused(tmp_path, text):
    assert "控制字符" in refused(tmp_path, text)


@pytest.mark.django_db
def test_a_knowledge_point_longer_than_its_column_is_refused(tmp_path):
    text = '// xuetang: {"knowledge_points": ["' + "伦" * 101 + '"]}\n' + GOOD
    assert "知识点" in refused(tmp_path, text)


@pytest.mark.django_db
def test_a_category_longer_than_a_bank_name_is_refused(tmp_path):
    assert "题库" in refused(tmp_path, f"$CATEGORY: $course$/top/{'综' * 101}\n\n{GOOD}")
    assert not QuestionBank.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("score", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_a_score_that_is_not_a_finite_number_is_refused(tmp_path, score):
    text = f'// xuetang: {{"score": "{score}"}}\n' + GOOD
    assert "分值" in refused(tmp_path, text)


@pytest.mark.django_db
def test_an_xlsx_score_that_is_not_a_finite_number_is_refused(tmp_path):
    from exams.bank.formats.xlsx import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    row = dict.fromkeys(COLUMNS, "")
    row.update({"题型": "单选题", "题干": "社会工作的宗旨是", "选项A": "助人自助"})
    row.update({"选项B": "维护秩序", "答案": "A"})
    sheet.append([*(row[column] for column in COLUMNS), "NaN"])
    sheet.cell(row=1, column=len(COLUMNS) + 1, value="分值")
    path = tmp_path / "q.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError) as failure:
        import_file(path)
    assert "分值" in str(failure.value)
    assert not Question.objects.exists()
