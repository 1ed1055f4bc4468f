"""What calibrate_items, readiness_eval and prepare_paper_variants print: natural Chinese by
default, and all English when English is chosen (no half-Chinese lines, no developer text)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from tests.chinese import chinese_in
from tests.exams.mock_helpers import fixed_paper
from tests.exams.readiness.test_readiness import _answer


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def singles(make_question):
    return [
        make_question("single", subject="comprehensive", level="junior", stem=f"<p>题{n}</p>")
        for n in range(6)
    ]


def _answered(make_learner, questions) -> None:
    now = timezone.now()
    for n in range(3):
        learner = make_learner(name=f"学员{n}", exam_level="junior")
        for m, question in enumerate(questions):
            _answer(learner, question, (m + n) % 3 == 0, now)


def test_calibrate_items_says_per_subject_what_it_fitted(make_learner, singles):
    _answered(make_learner, singles)
    chinese = run("calibrate_items", "--subject", "comprehensive")
    assert "初级·社会工作综合能力：18 次作答，3 名学员，6 道题" in chinese
    with translation.override("en"):
        english = run("calibrate_items", "--subject", "comprehensive")
    assert (
        "Assistant level, Social work: general competence: 18 answers, 3 learners, 6 items"
        in english
    )
    assert chinese_in(english) == []


def test_readiness_eval_is_english_when_english_is_chosen(tmp_path):
    svg = tmp_path / "reliability.svg"
    with translation.override("en"):
        english = run("readiness_eval", "--simulate", "200", "--seed", "3", "--svg", str(svg))
    lines = english.strip().splitlines()
    assert lines[0] == "predicted  observed  learners"
    assert f"reliability diagram: {svg}" in lines
    # The metrics line is the same in every language (make bench reads it).
    assert lines[-1].startswith("brier=") and " ece=" in lines[-1] and " auc=" in lines[-1]
    assert "Reliability, 200 simulated learners" in svg.read_text()
    assert chinese_in(english) == []


def test_readiness_eval_prints_chinese_by_default(tmp_path):
    chinese = run("readiness_eval", "--simulate", "200", "--seed", "3")
    assert chinese.splitlines()[0] == "预测概率  实际比例  学员数"


def test_readiness_eval_held_out_refusal_is_english_when_english_is_chosen(db):
    from django.core.management.base import CommandError

    with translation.override("en"):
        try:
            run("readiness_eval", "--held-out")
        except CommandError as refused:
            message = str(refused)
    assert message == "no finished mock exam with enough answers before it to predict"


def test_prepare_paper_variants_names_each_paper_and_its_variants(singles):
    paper = fixed_paper(singles[:5], title="Mock paper")
    chinese = run("prepare_paper_variants", str(paper.pk))
    assert chinese.startswith(f"{paper.pk} Mock paper：抽好 ")
    with translation.override("en"):
        english = run("prepare_paper_variants", str(paper.pk))
    assert english.startswith(f"{paper.pk} Mock paper: ") and "prepared" in english
    assert chinese_in(english) == []
