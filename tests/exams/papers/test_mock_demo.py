"""The mock exam demo loader: the real paper of every subject at full length, idempotent."""

import itertools

import pytest

from exams.bank import demo
from exams.bank.data_modules import bank_files
from exams.exam_spec import syllabus as syllabus_module
from exams.models import Attempt, BlueprintRule, Paper
from exams.papers import demo as demo_papers
from learning.accounts import demo as learning_demo
from learning.models import LedgerEntry
from tests.exams.bank_fixture import cases, questions, syllabus_for, write_package

OBJECTIVE = ["junior_comprehensive", "junior_practice", "intermediate_comprehensive"]
OBJECTIVE += ["intermediate_regulations"]
_packages = itertools.count()


@pytest.fixture(autouse=True)
def fixture_syllabus(monkeypatch):
    keys = [tuple(name.split("_")) for name in [*OBJECTIVE, "intermediate_practice"]]
    raw = syllabus_for(keys)
    monkeypatch.setattr(syllabus_module, "syllabus", lambda: syllabus_module.parse(raw))


@pytest.fixture
def demo_bank(db, tmp_path):
    def load(**sizes):
        modules = {
            name: {"QUESTIONS": questions(seed=n, **sizes)} for n, name in enumerate(OBJECTIVE)
        }
        modules["intermediate_practice"] = {"CASES": cases(6)}
        package = write_package(tmp_path, f"mock_demo_{next(_packages)}", modules)
        demo.load(files=bank_files(package))

    return load


def test_every_subject_gets_its_full_length_paper_with_finished_attempts_once(demo_bank):
    demo_bank()
    learning_demo.load()
    demo_papers.load()
    papers = {paper.title: paper for paper in Paper.objects.prefetch_related("rules")}
    assert len(papers) == 6
    presets = [p for p in papers.values() if "章节小测" not in p.title]
    assert {(p.level, p.subject) for p in presets} == {
        ("junior", "comprehensive"),
        ("junior", "practice"),
        ("intermediate", "comprehensive"),
        ("intermediate", "regulations"),
        ("intermediate", "practice"),
    }
    for paper in presets:
        essays = paper.subject == "practice" and paper.level == "intermediate"
        assert (paper.question_count, paper.max_score, paper.pass_score) == (
            (5, 100, 60) if essays else (80, 100, 60)
        ), paper.title
        assert paper.time_limit_minutes == (150 if essays else 120)
        assert "缩减" not in paper.description
    finished = Attempt.objects.filter(state="finished")
    assert finished.count() > 20
    sizes = {attempt.items.count() for attempt in finished.exclude(paper__title__contains="小测")}
    assert sizes == {80}
    assert Attempt.objects.filter(learner__phone="13800000001", state="finished").count() == 1
    assert LedgerEntry.objects.filter(action="mock_exam_finished").count() == finished.count()
    demo_papers.load()
    assert Paper.objects.count() == 6
    assert Attempt.objects.count() == finished.count()


def test_a_paper_the_bank_cannot_fill_is_not_made_nor_shrunk(demo_bank):
    demo_bank(singles=50)
    demo_papers.load()
    assert not Paper.objects.filter(title__contains="全真模拟", subject="comprehensive").exists()
    assert not any("缩减" in d for d in Paper.objects.values_list("description", flat=True))


def test_a_paper_an_earlier_loader_shrank_is_given_the_full_blueprint(demo_bank):
    demo_bank()
    spec = demo_papers.PAPERS[0]
    shrunk = Paper.objects.create(
        title=spec["title"],
        kind="blueprint",
        level=spec["level"],
        subject=spec["subject"],
        description="（演示题库题量有限，题数已按现有题目缩减。）",
    )
    BlueprintRule.objects.create(paper=shrunk, question_type="single", count=30, score=1)
    demo_papers.load()
    shrunk = Paper.objects.prefetch_related("rules").get(pk=shrunk.pk)
    assert (shrunk.question_count, shrunk.max_score, shrunk.pass_score) == (80, 100, 60)
    assert "缩减" not in shrunk.description


def test_demo_skips_quietly_without_a_bank(db):
    demo_papers.load()
    assert not Paper.objects.exists()


def test_the_demo_has_a_ranked_past_contest_and_an_upcoming_one_open_for_registration(
    demo_bank, client
):
    from django.utils import timezone

    from exams.contests import demo as demo_contests
    from exams.contests import services as contests
    from exams.models import ContestRegistration

    demo_bank()
    learning_demo.load()
    demo_contests.load()
    demo_contests.load()  # idempotent
    now = timezone.now()
    past = Paper.objects.get(title=demo_contests.CLOSED_TITLE)
    upcoming = Paper.objects.get(title=demo_contests.UPCOMING_TITLE)
    assert (past.question_count, past.max_score, past.pass_score) == (80, 100, 60)
    assert contests.state_of(past, now) == "closed"
    assert contests.state_of(upcoming, now) == "upcoming"
    assert contests.registration_open(upcoming, now)
    # Everyone registered for the past one sat it, at the opening minute or late.
    sitters = Attempt.objects.filter(paper=past, state=Attempt.State.FINISHED)
    assert sitters.count() == ContestRegistration.objects.filter(paper=past).count() > 10
    assert all(a.started_at >= past.opens_at for a in sitters)
    assert all(a.finished_at <= past.closes_at for a in sitters)
    ranking = contests.contest_ranking(past, scope=None)
    assert [row.rank for row in ranking] == sorted(row.rank for row in ranking)
    assert ranking[0].rank == 1
    # The demo learner sees her standing in the closed one and the 报名 button of the next.
    client.login(username=demo_papers.DEMO_LEARNER_PHONE, password="xuetang2026")
    page = client.get("/exams/").content.decode()
    assert demo_contests.UPCOMING_TITLE in page and "报名" in page
    assert not ContestRegistration.objects.filter(
        paper=upcoming, learner__phone=demo_papers.DEMO_LEARNER_PHONE
    ).exists()
    mine = sitters.get(learner__phone=demo_papers.DEMO_LEARNER_PHONE)
    result = client.get(f"/exams/attempts/{mine.pk}/").content.decode()
    assert "模考大赛排名" in result
