"""The demo bank loader: hand-written data modules into the bank, through the import service."""

import itertools

import pytest

from exams.bank import demo
from exams.bank.data_modules import bank_files
from exams.exam_spec import syllabus as syllabus_module
from exams.models import Question, QuestionBank, QuestionType
from tests.exams.bank_fixture import cases, questions, syllabus_for, write_package
from tests.exams.mock_helpers import choice_question

_packages = itertools.count()


@pytest.fixture(autouse=True)
def fixture_syllabus(monkeypatch):
    raw = syllabus_for([("junior", "comprehensive"), ("intermediate", "practice")])
    monkeypatch.setattr(syllabus_module, "syllabus", lambda: syllabus_module.parse(raw))


def files(tmp_path, **modules):
    return bank_files(write_package(tmp_path, f"demo_fixture_{next(_packages)}", modules))


@pytest.mark.django_db
def test_demo_bank_loads_every_question_with_its_basis_once(tmp_path):
    data = files(
        tmp_path,
        junior_comprehensive={"QUESTIONS": questions(singles=70, multiples=30)},
        intermediate_practice={"CASES": cases(6)},
    )
    demo.load(files=data)
    demo.load(files=data)
    top = Question.objects.filter(parent__isnull=True)
    assert top.filter(type=QuestionType.SINGLE).count() == 70
    assert top.filter(type=QuestionType.MULTIPLE).count() == 30
    assert top.filter(type=QuestionType.CASE_ESSAY).count() == 6
    assert not top.filter(type=QuestionType.TRUE_FALSE).exists()
    single = top.filter(type=QuestionType.SINGLE).first()
    assert "依据：《社会救助暂行办法》第九条" in single.explanation
    assert single.options.count() == 4
    assert list(single.knowledge_points.names()) == [questions()[0]["knowledge_point"]]
    assert single.bank.get_parent().name == "初级·社会工作综合能力"
    case = top.get(type=QuestionType.CASE_ESSAY, name="案例1")
    assert case.score == 20
    assert "第2问" in case.marking_points
    assert (case.level, case.subject) == ("intermediate", "practice")


@pytest.mark.django_db
def test_a_subject_written_later_is_loaded_by_the_next_run(tmp_path):
    demo.load(files=files(tmp_path, junior_comprehensive={"QUESTIONS": questions(seed=1)}))
    later = files(
        tmp_path,
        junior_comprehensive={"QUESTIONS": questions(seed=1)},
        junior_practice={"QUESTIONS": questions(seed=2)},
    )
    demo.load(files=later)
    assert Question.objects.filter(subject="practice", level="junior").count() == 100
    assert Question.objects.filter(subject="comprehensive", level="junior").count() == 100


@pytest.mark.django_db
def test_the_generated_bank_is_retired_once_its_subject_is_loaded(tmp_path):
    root = QuestionBank.add_root(name=demo.BANK)
    old = root.add_child(name="综合能力")
    generated = choice_question(stem="“助人自助”，说的是社会工作的使命。")
    Question.objects.filter(pk=generated.pk).update(bank=old, source="社工学堂原创")
    demo.load(files=files(tmp_path, junior_comprehensive={"QUESTIONS": questions()}))
    generated.refresh_from_db()
    assert generated.is_outdated


@pytest.mark.django_db
def test_without_data_modules_the_loader_does_nothing(tmp_path):
    demo.load(files=[])
    assert not Question.objects.exists()
