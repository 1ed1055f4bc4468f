"""``manage.py check_bank``: a good bank passes, each kind of fault is reported with exit 1."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from exams.exam_spec import syllabus as syllabus_module
from exams.models import BlueprintRule, Paper
from tests.chinese import chinese_in
from tests.exams.bank_fixture import cases, questions, syllabus_for, write_package
from tests.exams.mock_helpers import bank_named, choice_question

OBJECTIVE = [
    ("junior", "comprehensive"),
    ("junior", "practice"),
    ("intermediate", "comprehensive"),
    ("intermediate", "regulations"),
]
_packages = itertools.count()


@pytest.fixture(autouse=True)
def fixture_syllabus(monkeypatch):
    raw = syllabus_for([*OBJECTIVE, ("intermediate", "practice")])
    monkeypatch.setattr(syllabus_module, "syllabus", lambda: syllabus_module.parse(raw))


def data_bank(tmp_path, **modules) -> str:
    return write_package(tmp_path, f"bank_fixture_{next(_packages)}", modules)


def run(*args) -> tuple[int, str, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("check_bank", *args, stdout=out, stderr=err)
    except CommandError as failed:
        return 1, out.getvalue(), err.getvalue() + str(failed)
    return 0, out.getvalue(), err.getvalue()


def test_a_well_formed_data_bank_passes(tmp_path):
    package = data_bank(
        tmp_path,
        junior_comprehensive={"QUESTIONS": questions(seed=1)},
        intermediate_practice={"CASES": cases()},
    )
    status, out, err = run("--data", package)
    assert (status, err) == (0, "")
    assert "题库检查通过" in out


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"answer": ["E"]}, "答案 E 不在选项中"),
        (
            {"type": "multiple", "options": list("甲乙丙丁戊"), "answer": ["A"]},
            "多选题至少要有两个答案",
        ),
        ({"explanation": ""}, "缺少解析"),
        ({"knowledge_point": "大纲里没有的点"}, "知识点“大纲里没有的点”不在大纲“第1章”一章中"),
        ({"chapter": "第九章"}, "章节“第九章”不在考试大纲中"),
        ({"options": ["一", "二", "三"]}, "单选题应有 4 个选项，这道题有 3 个"),
    ],
)
def test_each_fault_is_reported_and_fails(tmp_path, fault, message):
    bank = questions(seed=3)
    bank[0].update(fault)
    status, _out, err = run("--data", data_bank(tmp_path, junior_practice={"QUESTIONS": bank}))
    assert status == 1
    assert f"QUESTIONS[0]：{message}" in err


def test_the_report_is_all_english_when_english_is_chosen(tmp_path):
    """Problems, per-bank lines and the final error read in one language, not half Chinese."""
    bank = questions(seed=3)
    bank[0]["answer"] = ["E"]
    package = data_bank(tmp_path, junior_practice={"QUESTIONS": bank})
    with translation.override("en"):
        status, out, err = run("--data", package)
    assert status == 1
    assert f"{package}.junior_practice.QUESTIONS[0]: " in err
    assert f"{package}: 1 problem found; questions checked: 100." in out
    assert err.endswith("The bank check found 1 problem.")
    assert chinese_in(out + err) == []


def test_duplicate_and_near_duplicate_stems_are_reported(tmp_path):
    bank = questions(seed=4)
    bank[5] = {**bank[1]}
    bank[6] = {**bank[2], "stem": bank[2]["stem"].replace("（  ）", "（ ）")[:-2] + "的是"}
    package = data_bank(tmp_path, junior_practice={"QUESTIONS": bank})
    status, _out, err = run("--data", package)
    ref = f"{package}.junior_practice.QUESTIONS"
    assert status == 1
    assert f"{ref}[5]：与 {ref}[1] 重复（相似度 1.00）" in err
    assert f"{ref}[6]：与 {ref}[2] 重复（相似度 0.9" in err


def test_similar_questions_with_different_options_are_not_duplicates(tmp_path):
    bank = questions(seed=5)
    bank[7] = {**bank[3], "options": [f"另一组选项{n}" for n in range(4)]}
    status, _out, err = run("--data", data_bank(tmp_path, junior_practice={"QUESTIONS": bank}))
    assert (status, err) == (0, "")


def test_a_bank_too_small_for_its_paper_fails(tmp_path):
    package = data_bank(tmp_path, junior_comprehensive={"QUESTIONS": questions(singles=55)})
    status, _out, err = run("--data", package)
    assert status == 1
    assert "不能组成初级《社会工作综合能力》试卷：单选题需要 60 道，只有 55 道" in err


def test_a_case_worth_other_than_the_papers_points_fails(tmp_path):
    short = cases()
    short[0]["questions"][0]["score"] = 4
    status, _out, err = run("--data", data_bank(tmp_path, intermediate_practice={"CASES": short}))
    assert status == 1
    assert "CASES[0]：案例题共 16 分，中级《社会工作实务》试卷每题 20 分" in err


def test_case_without_marking_points_fails(tmp_path):
    bare = cases()
    for part in bare[1]["questions"]:
        part["marking_points"] = []
    status, _out, err = run("--data", data_bank(tmp_path, intermediate_practice={"CASES": bare}))
    assert status == 1
    assert "CASES[1]：案例题缺少答题要点" in err


# ---------------------------------------------------------------------------------------------
# Banks in the database


@pytest.mark.django_db
def test_a_database_bank_that_cannot_fill_its_paper_fails():
    for i in range(3):
        choice_question(stem=f"第{i}题：社区矫正对象的报到时限是多久？", chapter="第1章")
    paper = Paper.objects.create(title="小测", kind="blueprint", level="junior")
    BlueprintRule.objects.create(paper=paper, question_type="single", count=5, bank=bank_named())
    status, _out, err = run("--bank", "模拟考试题库")
    assert status == 1
    assert "试卷“小测”：“单选题 ×5”需要 5 道，题库中只有 3 道。" in err


@pytest.mark.django_db
def test_a_clean_database_bank_passes():
    stems = [
        "社区工作者第一次上门走访独居老人，最恰当的做法是什么？",
        "最低生活保障的申请应当向哪一级提出？",
        "小组进入中期转折期时，组员之间常见的表现有哪些？",
        "家庭暴力受害人可以向人民法院申请什么保护措施？",
    ]
    for stem, right in zip(stems, "ABCD", strict=True):
        choice_question(stem=stem, right=right, subject="", level="")
    status, out, err = run("--bank", "模拟考试题库")
    assert (status, err) == (0, "")
    assert "检查 4 道题，发现 0 个问题" in out


@pytest.mark.django_db
def test_an_unknown_bank_is_an_error():
    status, _out, err = run("--bank", "没有这个题库")
    assert status == 1
    assert "没有名为“没有这个题库”的题库" in err


@pytest.mark.django_db
def test_import_runs_the_check_and_reports_without_refusing(tmp_path):
    from io import StringIO

    from exams.models import Question

    gift = tmp_path / "bank.gift"
    gift.write_text(
        "::q1:: 社区矫正对象应当在判决生效后几日内报到？ {=十日 ~五日 ~十五日 ~三十日}\n\n"
        "::q2:: 社区矫正对象应当在判决生效后几日内报到？ {=十日 ~五日 ~十五日 ~三十日}\n",
        encoding="utf-8",
    )
    err = StringIO()
    call_command("import_questions", str(gift), "--bank", "导入检查", stdout=StringIO(), stderr=err)
    assert Question.objects.filter(bank__name="导入检查").count() == 2
    assert "题库检查：" in err.getvalue()
    assert "重复（相似度 1.00）" in err.getvalue()
    assert "缺少解析" in err.getvalue()
