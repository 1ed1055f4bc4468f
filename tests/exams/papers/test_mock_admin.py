"""Admin of mock exams: organisers assemble papers and read statistics; lecturers mark."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from exams.attempts.services import start_attempt, submit_attempt
from exams.models import Paper
from learning.accounts import roles
from learning.models import Organiser, User
from tests.exams.mock_helpers import choice_question, essay_question, fixed_paper


def staff(phone: str, group: str) -> User:
    user = User.objects.create_user(phone=phone, name="工作人员", password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser(db):
    user = staff("13800000002", roles.ORGANISERS)
    Organiser.objects.create(user=user)
    return user


@pytest.fixture
def lecturer(db):
    return staff("13800000003", roles.LECTURERS)


def paper_form(**extra):
    data = {
        "title": "初级综合能力真题模拟",
        "description": "",
        "level": "junior",
        "subject": "comprehensive",
        "is_published": "on",
        "opens_at": "",
        "closes_at": "",
        "time_limit_minutes": "90",
        "pass_score": "60",
        "attempts_allowed": "0",
        "grading_method": "highest",
        "multiple_choice_rule": "partial",
        "review_content": "full",
        "review_timing": "immediately",
        "kind": "fixed",
        "target_levels": ["junior"],
        "paper_questions-TOTAL_FORMS": "0",
        "paper_questions-INITIAL_FORMS": "0",
        "paper_questions-MIN_NUM_FORMS": "0",
        "paper_questions-MAX_NUM_FORMS": "1000",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_organiser_creates_a_real_exam_paper_with_the_preset(client, organiser):
    client.force_login(organiser)
    assert client.get("/admin/papers/").status_code == 200
    response = client.post("/admin/papers/new/", paper_form(use_real_exam_preset="on"))
    assert response.status_code == 302, response.content.decode()[:3000]
    paper = Paper.objects.get()
    assert (paper.kind, paper.time_limit_minutes, paper.target_levels) == (
        "blueprint",
        120,
        ["junior"],
    )
    assert [(r.question_type, r.count, r.score) for r in paper.rules.all()] == [
        ("single", 60, 1),
        ("multiple", 20, 2),
    ]


def test_organiser_adds_fixed_questions_inline(client, organiser):
    question = choice_question()
    client.force_login(organiser)
    data = paper_form(
        **{
            "paper_questions-TOTAL_FORMS": "1",
            "paper_questions-0-question": str(question.pk),
            "paper_questions-0-score": "5",
            "paper_questions-0-ORDER": "1",
            "paper_questions-0-id": "",
            "paper_questions-0-DELETE": "",
        }
    )
    response = client.post("/admin/papers/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Paper.objects.get().max_score == 5


def test_learners_cannot_open_the_paper_admin(client, learner):
    client.force_login(learner)
    assert client.get("/admin/papers/").status_code in (302, 403)


@pytest.fixture
def finished_paper(make_learner):
    paper = fixed_paper([choice_question()], scores=[100])
    for answer in (["A"], ["B"]):
        attempt, _ = start_attempt(paper=paper, learner=make_learner(), now=timezone.now())
        attempt.items.update(answer=answer)
        submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    return paper


def test_statistics_page_and_xlsx_export(client, organiser, finished_paper):
    client.force_login(organiser)
    page = client.get(f"/admin/papers/{finished_paper.pk}/statistics/")
    assert page.status_code == 200
    assert "区分度" in page.content.decode()
    export = client.get(f"/admin/papers/{finished_paper.pk}/statistics/?format=xlsx")
    book = load_workbook(BytesIO(export.content))
    assert list(book["概览"].iter_rows(values_only=True))[1] == ("完成人次", 2)


def test_street_organiser_sees_only_their_learners(client, finished_paper, community):
    from learning.accounts.organisations import get_or_create_path

    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    user = staff("13800000009", roles.ORGANISERS)
    Organiser.objects.create(user=user, organisation=elsewhere.get_parent())
    client.force_login(user)
    page = client.get(f"/admin/papers/{finished_paper.pk}/statistics/")
    assert page.context["stats"].attempts == 0


def test_lecturer_marks_an_essay_from_the_queue_and_the_score_is_published(
    client, lecturer, learner
):
    paper = fixed_paper([essay_question()], scores=[20], pass_score=Decimal(12))
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    attempt.items.update(answer="先做需求评估，再设定目标……")
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    item = attempt.items.get()
    client.force_login(lecturer)
    queue = client.get("/admin/marking/").content.decode()
    assert f"/admin/marking/{item.pk}/" in queue
    page = client.get(f"/admin/marking/{item.pk}/").content.decode()
    assert "先做需求评估" in page and "需求评估准确" in page
    response = client.post(
        f"/admin/marking/{item.pk}/",
        {"point_0": "6", "point_1": "5", "point_2": "4", "comment": "目标可再具体些"},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.passed) == ("finished", 15, True)
    assert f"/admin/marking/{item.pk}/" not in client.get("/admin/marking/").content.decode()


def test_marks_over_the_maximum_are_refused_in_the_form(client, lecturer, learner):
    paper = fixed_paper([essay_question()], scores=[20])
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    attempt.items.update(answer="答案")
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    item = attempt.items.get()
    client.force_login(lecturer)
    response = client.post(
        f"/admin/marking/{item.pk}/", {"point_0": "10", "point_1": "10", "point_2": "5"}
    )
    assert response.status_code == 200
    assert "超过了本题满分" in response.content.decode()


def test_learner_cannot_open_the_marking_queue(client, learner):
    client.force_login(learner)
    assert client.get("/admin/marking/").status_code in (302, 403)


def test_paper_index_and_edit_pages_render(client, organiser, finished_paper):
    Paper.objects.filter(pk=finished_paper.pk).update(target_levels=["junior"])
    client.force_login(organiser)
    index = client.get("/admin/papers/").content.decode()
    assert f"/admin/papers/{finished_paper.pk}/statistics/" in index
    edit = client.get(f"/admin/papers/edit/{finished_paper.pk}/")
    assert edit.status_code == 200
    assert re.search(r'value="junior"[^>]*checked', edit.content.decode())
