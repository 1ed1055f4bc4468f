"""Starting, freezing, autosave, deadline and submit of mock exam attempts (API.md)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from exams.attempts.services import finalise_overdue, start_attempt, submit_attempt
from exams.models import Attempt, Option, Paper
from tests.exams.mock_helpers import choice_question, fixed_paper, put_json


@pytest.fixture
def paper(db):
    questions = [choice_question(stem=f"第{i}题", right="ABCD"[i % 4]) for i in range(6)]
    questions.append(choice_question(stem="多选题", right="ACD", keys="ABCDE", multiple=True))
    return fixed_paper(questions, scores=[1] * 6 + [2])


@pytest.fixture
def api(client, learner, token_for):
    headers = token_for(learner)

    class Api:
        def get(self, url):
            return client.get(url, **headers)

        def post(self, url):
            return client.post(url, **headers)

        def put(self, url, data):
            return put_json(client, url, data, **headers)

    return Api()


def start(api, paper):
    return api.post(f"/api/v1/papers/{paper.pk}/attempts")


def test_papers_lists_open_papers_with_counts_and_attempts_left(api, paper):
    Paper.objects.filter(pk=paper.pk).update(attempts_allowed=3)
    closed = fixed_paper([], title="已关闭")
    Paper.objects.filter(pk=closed.pk).update(closes_at=timezone.now() - timedelta(days=1))
    body = api.get("/api/v1/papers").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert {k: row[k] for k in PAPER_KEYS} == {
        "id": paper.pk,
        "title": "初级综合能力模拟卷",
        "level": "junior",
        "subject": "comprehensive",
        "time_limit_minutes": 120,
        "question_count": 7,
        "max_score": 8.0,
        "pass_score": 60.0,
        "attempts_left": 3,
    }


PAPER_KEYS = [
    "id",
    "title",
    "level",
    "subject",
    "time_limit_minutes",
    "question_count",
    "max_score",
    "pass_score",
    "attempts_left",
]


def test_papers_aimed_at_another_organisation_or_level_are_not_listed(api, paper, make_learner):
    from learning.accounts.organisations import get_or_create_path

    other, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    paper.target_organisations.add(other)
    paper.save()
    assert api.get("/api/v1/papers").json()["count"] == 0
    paper.target_organisations.clear()
    paper.save()
    Paper.objects.filter(pk=paper.pk).update(target_levels=["intermediate"])
    assert api.get("/api/v1/papers").json()["count"] == 0
    Paper.objects.filter(pk=paper.pk).update(target_levels=["junior"])
    assert api.get("/api/v1/papers").json()["count"] == 1


def test_paper_aimed_at_a_county_reaches_its_communities(api, paper, community):
    paper.target_organisations.add(community.get_root())
    paper.save()
    assert api.get("/api/v1/papers").json()["count"] == 1


def test_start_returns_201_with_questions_and_deadline_from_server_time(api, paper):
    before = timezone.now()
    response = start(api, paper)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "in_progress"
    assert len(body["questions"]) == 7
    attempt = Attempt.objects.get()
    assert attempt.started_at >= before
    assert attempt.deadline == attempt.started_at + timedelta(minutes=120)
    assert body["questions"][6]["score"] == 2.0


def test_starting_again_returns_the_same_unfinished_attempt_with_200(api, paper):
    first = start(api, paper).json()
    again = start(api, paper)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["questions"] == first["questions"]
    assert Attempt.objects.count() == 1


def test_database_allows_only_one_unfinished_attempt_per_learner_and_paper(paper, learner):
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    with pytest.raises(IntegrityError):
        Attempt.objects.create(
            paper=paper,
            learner=learner,
            seed=1,
            started_at=attempt.started_at,
            deadline=attempt.deadline,
        )


def test_deadline_is_capped_by_the_papers_close_time(api, paper):
    closes = timezone.now() + timedelta(minutes=30)
    Paper.objects.filter(pk=paper.pk).update(closes_at=closes)
    start(api, paper)
    assert Attempt.objects.get().deadline == closes


def test_client_cannot_extend_the_deadline(api, paper):
    attempt_id = start(api, paper).json()["id"]
    response = put_json_extra(api, attempt_id)
    assert response.status_code == 200
    attempt = Attempt.objects.get()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=120)


def put_json_extra(api, attempt_id):
    later = (timezone.now() + timedelta(days=3)).isoformat()
    return api.put(
        f"/api/v1/attempts/{attempt_id}/answers",
        {"answers": {}, "deadline": later, "started_at": later},
    )


def test_answers_autosave_merges_and_survives_reload(api, paper):
    body = start(api, paper).json()
    first, second = body["questions"][0]["id"], body["questions"][1]["id"]
    url = f"/api/v1/attempts/{body['id']}/answers"
    assert api.put(url, {"answers": {str(first): ["B"]}}).status_code == 200
    assert api.put(url, {"answers": {str(second): "C"}, "flagged": {str(first): True}}).json()[
        "saved"
    ] == [second, first]
    reloaded = api.get(f"/api/v1/attempts/{body['id']}").json()["questions"]
    assert (reloaded[0]["answer"], reloaded[0]["flagged"]) == (["B"], True)
    assert (reloaded[1]["answer"], reloaded[1]["flagged"]) == (["C"], False)


def test_a_flag_sent_alone_keeps_the_saved_answer(api, paper):
    body = start(api, paper).json()
    first = str(body["questions"][0]["id"])
    url = f"/api/v1/attempts/{body['id']}/answers"
    api.put(url, {"answers": {first: ["B"]}})
    assert api.put(url, {"flagged": {first: True}}).json()["saved"] == [int(first)]
    reloaded = api.get(f"/api/v1/attempts/{body['id']}").json()["questions"][0]
    assert (reloaded["answer"], reloaded["flagged"]) == (["B"], True)
    api.put(url, {"flagged": {first: False}})
    reloaded = api.get(f"/api/v1/attempts/{body['id']}").json()["questions"][0]
    assert (reloaded["answer"], reloaded["flagged"]) == (["B"], False)


def test_unknown_question_or_option_is_422_and_saves_nothing(api, paper):
    body = start(api, paper).json()
    first = body["questions"][0]["id"]
    url = f"/api/v1/attempts/{body['id']}/answers"
    response = api.put(url, {"answers": {str(first): ["A"], "999999": ["A"]}})
    assert response.status_code == 422
    assert "999999" in response.json()["detail"]
    response = api.put(url, {"answers": {str(first): ["E"]}})
    assert response.status_code == 422
    assert "E" in response.json()["detail"]
    assert api.get(f"/api/v1/attempts/{body['id']}").json()["questions"][0]["answer"] is None


def test_single_choice_with_two_options_is_422(api, paper):
    body = start(api, paper).json()
    url = f"/api/v1/attempts/{body['id']}/answers"
    response = api.put(url, {"answers": {str(body["questions"][0]["id"]): ["A", "B"]}})
    assert response.status_code == 422


def test_save_after_the_deadline_is_refused_with_409(api, paper, settings):
    settings.EXAMS_DEADLINE_GRACE_SECONDS = 30
    body = start(api, paper).json()
    Attempt.objects.filter(pk=body["id"]).update(deadline=timezone.now() - timedelta(seconds=31))
    url = f"/api/v1/attempts/{body['id']}/answers"
    response = api.put(url, {"answers": {str(body["questions"][0]["id"]): ["A"]}})
    assert response.status_code == 409
    assert response.json()["detail"]


def test_save_within_the_grace_period_is_accepted(api, paper, settings):
    settings.EXAMS_DEADLINE_GRACE_SECONDS = 30
    body = start(api, paper).json()
    Attempt.objects.filter(pk=body["id"]).update(deadline=timezone.now() - timedelta(seconds=5))
    url = f"/api/v1/attempts/{body['id']}/answers"
    response = api.put(url, {"answers": {str(body["questions"][0]["id"]): ["A"]}})
    assert response.status_code == 200


def test_save_after_submit_is_409(api, paper):
    body = start(api, paper).json()
    api.post(f"/api/v1/attempts/{body['id']}/submit")
    url = f"/api/v1/attempts/{body['id']}/answers"
    assert api.put(url, {"answers": {}}).status_code == 409


def answer_all_right(api, body):
    answers = {}
    for question in body["questions"]:
        attempt_question = Attempt.objects.get(pk=body["id"]).items.get(question_id=question["id"])
        right = [
            key
            for key in "ABCDE"[: len(attempt_question.option_order)]
            if attempt_question.option_order["ABCDE".index(key)]
            in {o.key for o in Option.objects.filter(question_id=question["id"], is_correct=True)}
        ]
        answers[str(question["id"])] = right
    return api.put(f"/api/v1/attempts/{body['id']}/answers", {"answers": answers})


def test_submit_grades_and_returns_the_result(api, paper):
    body = start(api, paper).json()
    answer_all_right(api, body)
    response = api.post(f"/api/v1/attempts/{body['id']}/submit")
    assert response.status_code == 200
    assert response.json() == {
        "id": body["id"],
        "state": "finished",
        "score": 8.0,
        "max_score": 8.0,
        "passed": False,  # 8 of 8 points, but the pass line is 60
    }


def test_second_submit_returns_the_same_result(api, paper):
    body = start(api, paper).json()
    first = api.post(f"/api/v1/attempts/{body['id']}/submit").json()
    Attempt.objects.filter(pk=body["id"]).update(score=Decimal("99"))  # would show a regrade
    second = api.post(f"/api/v1/attempts/{body['id']}/submit").json()
    assert first["score"] == 0.0
    assert second["score"] == 99.0
    assert second["state"] == "finished"


def test_multiple_choice_partial_credit_per_the_real_exam(api, paper, learner):
    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    item = attempt.items.get(position=7)
    item.answer = ["A", "C"]
    item.save()
    submit_attempt(attempt_id=attempt.pk, now=timezone.now())
    item.refresh_from_db()
    assert item.awarded == Decimal("1.00")  # two of three right options, 0.5 each


def test_another_learners_attempt_is_404(api, paper, make_learner, client, token_for):
    body = start(api, paper).json()
    other = token_for(make_learner(name="赵六"))
    assert client.get(f"/api/v1/attempts/{body['id']}", **other).status_code == 404
    assert client.post(f"/api/v1/attempts/{body['id']}/submit", **other).status_code == 404
    url = f"/api/v1/attempts/{body['id']}/answers"
    # The attempt and the questions named are read together: naming real ones changes nothing.
    answers = {str(q["id"]): ["A"] for q in body["questions"]}
    assert put_json(client, url, {"answers": answers}, **other).status_code == 404
    assert not Attempt.objects.get(pk=body["id"]).items.filter(answer__isnull=False).exists()


def test_attempts_lists_only_mine(api, paper, make_learner):
    start_attempt(paper=paper, learner=make_learner(name="赵六"), now=timezone.now())
    mine = start(api, paper).json()
    body = api.get("/api/v1/attempts").json()
    assert body["count"] == 1
    assert body["items"][0]["id"] == mine["id"]


def test_no_attempts_left_is_409(api, paper):
    Paper.objects.filter(pk=paper.pk).update(attempts_allowed=1)
    body = start(api, paper).json()
    api.post(f"/api/v1/attempts/{body['id']}/submit")
    response = start(api, paper)
    assert response.status_code == 409


def test_paper_not_yet_open_is_409_and_unpublished_is_404(api, paper):
    Paper.objects.filter(pk=paper.pk).update(opens_at=timezone.now() + timedelta(hours=1))
    assert start(api, paper).status_code == 409
    Paper.objects.filter(pk=paper.pk).update(is_published=False)
    assert start(api, paper).status_code == 404


def test_overdue_attempt_is_finalised_by_the_task_on_what_was_saved(paper, learner):
    from exams.tasks import finalise_overdue_attempts

    attempt, _ = start_attempt(paper=paper, learner=learner, now=timezone.now())
    item = attempt.items.get(position=1)
    right = Option.objects.get(question=item.question, is_correct=True).key
    item.answer = [right]
    item.save()
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    assert finalise_overdue_attempts() == 1
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.ended_by) == ("finished", 1, "timed_out")
    assert finalise_overdue(now=timezone.now()) == 0


def test_overdue_schedule_exists_once_after_migrate(db):
    from django.core.management import call_command
    from django_q.models import Schedule

    from exams.tasks import OVERDUE_SCHEDULE_NAME

    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name=OVERDUE_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type) == (
        "exams.tasks.finalise_overdue_attempts",
        Schedule.MINUTES,
    )


def test_reading_an_overdue_attempt_finalises_it(api, paper):
    body = start(api, paper).json()
    Attempt.objects.filter(pk=body["id"]).update(deadline=timezone.now() - timedelta(minutes=5))
    assert api.get(f"/api/v1/attempts/{body['id']}").json()["state"] == "finished"


def test_case_analysis_answers_by_sub_question_and_review(learner, client, token_for):
    from tests.exams.mock_helpers import case_analysis

    case = case_analysis(subs=2)
    paper = fixed_paper([case], scores=[4])
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    question = body["questions"][0]
    assert [s["score"] for s in question["sub_questions"]] == [2.0, 2.0]
    first, second = (str(s["id"]) for s in question["sub_questions"])
    url = f"/api/v1/attempts/{body['id']}/answers"
    bad = put_json(client, url, {"answers": {str(case.pk): {"999": ["A"]}}}, **headers)
    assert bad.status_code == 422
    ok = put_json(client, url, {"answers": {str(case.pk): {first: ["B"], second: "A"}}}, **headers)
    assert ok.status_code == 200
    result = client.post(f"/api/v1/attempts/{body['id']}/submit", **headers).json()
    assert result["score"] == 2.0
    reviewed = client.get(f"/api/v1/attempts/{body['id']}", **headers).json()["questions"][0]
    assert reviewed["correct_answer"] == {first: ["B"], second: ["B"]}
    assert reviewed["your_answer"] == {first: ["B"], second: ["A"]}


def test_overlong_essay_is_422(learner, client, token_for):
    from tests.exams.mock_helpers import essay_question

    essay = essay_question()
    paper = fixed_paper([essay])
    headers = token_for(learner)
    body = client.post(f"/api/v1/papers/{paper.pk}/attempts", **headers).json()
    url = f"/api/v1/attempts/{body['id']}/answers"
    response = put_json(client, url, {"answers": {str(essay.pk): "字" * 20_001}}, **headers)
    assert response.status_code == 422
