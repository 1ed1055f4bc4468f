"""Contest papers (模考大赛): registration, the opening minute, late starts, the ranking at
close and the reminders, through the API, the pages and the services."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone

from exams.attempts.services import save_answers, start_attempt, submit_attempt
from exams.contests import services as contests
from exams.models import Attempt, ContestRegistration, Paper
from learning.accounts.organisations import get_or_create_path
from tests.exams.mock_helpers import choice_question, fixed_paper


def contest_paper(*, opens_in: timedelta, minutes: int = 60, questions: int = 7, **fields):
    opens_at = timezone.now() + opens_in
    paper = fixed_paper(
        [choice_question(stem=f"第{i}题", right="A") for i in range(questions)],
        title="2026年全市社工职业水平模考大赛",
        is_contest=True,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(minutes=minutes),
        time_limit_minutes=minutes,
        **fields,
    )
    return paper


@pytest.fixture
def api(client, learner, token_for):
    headers = token_for(learner)

    class Api:
        def get(self, url):
            return client.get(url, **headers)

        def post(self, url):
            return client.post(url, **headers)

    return Api()


# --- registration -------------------------------------------------------------------------


def test_register_is_201_then_200_with_the_same_registration(api, learner):
    paper = contest_paper(opens_in=timedelta(days=2))
    first = api.post(f"/api/v1/papers/{paper.pk}/register")
    assert first.status_code == 201, first.content
    again = api.post(f"/api/v1/papers/{paper.pk}/register")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["paper_id"] == paper.pk and first.json()["registered"] is True
    assert ContestRegistration.objects.filter(paper=paper, learner=learner).count() == 1


def test_registration_closes_at_the_opening_minute_by_default(api):
    paper = contest_paper(opens_in=timedelta(minutes=-1))
    response = api.post(f"/api/v1/papers/{paper.pk}/register")
    assert response.status_code == 409
    assert response.json()["detail"] == "报名已经截止。"


def test_registration_can_close_earlier_as_configured(api):
    paper = contest_paper(
        opens_in=timedelta(days=1), registration_closes_at=timezone.now() - timedelta(hours=1)
    )
    response = api.post(f"/api/v1/papers/{paper.pk}/register")
    assert response.status_code == 409 and "detail" in response.json()


def test_registering_for_an_ordinary_paper_is_409(api):
    paper = fixed_paper([choice_question()])
    response = api.post(f"/api/v1/papers/{paper.pk}/register")
    assert response.status_code == 409
    assert response.json()["detail"] == "这份试卷不是模考大赛，无需报名。"


def test_a_contest_aimed_elsewhere_is_404(api):
    paper = contest_paper(opens_in=timedelta(days=1))
    elsewhere, _ = get_or_create_path("临江区", "东门街道", "鼓楼社区")
    paper.target_organisations.add(elsewhere)
    paper.save()
    assert api.post(f"/api/v1/papers/{paper.pk}/register").status_code == 404
    assert api.post("/api/v1/papers/999999/register").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_make_one_row(learner):
    paper = contest_paper(opens_in=timedelta(days=1))
    created, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        try:
            created.append(contests.register(paper=paper, learner=learner, now=timezone.now())[1])
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 7 + [True]
    assert ContestRegistration.objects.filter(paper=paper).count() == 1


# --- the opening minute and late starts ---------------------------------------------------


def test_a_start_before_the_opening_minute_is_409(api):
    paper = contest_paper(opens_in=timedelta(minutes=2))
    api.post(f"/api/v1/papers/{paper.pk}/register")
    response = api.post(f"/api/v1/papers/{paper.pk}/attempts")
    assert response.status_code == 409
    assert "准时开考，现在还不能开始" in response.json()["detail"]
    assert not Attempt.objects.exists()


def test_without_registration_the_contest_cannot_be_started(api):
    paper = contest_paper(opens_in=timedelta(minutes=-1))
    response = api.post(f"/api/v1/papers/{paper.pk}/attempts")
    assert response.status_code == 409
    assert response.json()["detail"] == "你没有报名这场模考大赛，不能参加。"


def test_a_start_at_the_opening_gets_the_full_time_and_a_late_one_the_rest(api, learner):
    paper = contest_paper(opens_in=timedelta(minutes=2), minutes=60)
    api.post(f"/api/v1/papers/{paper.pk}/register")
    # The opening minute passes: 25 minutes later the learner arrives.
    Paper.objects.filter(pk=paper.pk).update(
        opens_at=paper.opens_at - timedelta(minutes=27),
        closes_at=paper.closes_at - timedelta(minutes=27),
    )
    paper.refresh_from_db()
    before = timezone.now()
    response = api.post(f"/api/v1/papers/{paper.pk}/attempts")
    assert response.status_code == 201, response.content
    attempt = Attempt.objects.get()
    assert attempt.deadline == paper.closes_at
    remaining = attempt.deadline - before
    assert timedelta(minutes=34) < remaining < timedelta(minutes=36)  # not the paper's 60


def test_an_ordinary_papers_deadline_is_still_start_plus_limit(learner):
    paper = fixed_paper([choice_question()], time_limit_minutes=30)
    now = timezone.now()
    attempt, _ = start_attempt(paper=paper, learner=learner, now=now)
    assert attempt.deadline == now + timedelta(minutes=30)


def test_a_contest_closes_by_default_when_the_opening_minutes_time_runs_out():
    opens_at = timezone.now() + timedelta(days=3)
    paper = Paper(title="模考大赛", is_contest=True, opens_at=opens_at, time_limit_minutes=120)
    paper.clean()
    assert paper.closes_at == opens_at + timedelta(minutes=120)
    with pytest.raises(Exception, match="开考时间"):
        Paper(title="没有开考时间", is_contest=True).clean()


# --- the ranking at close -----------------------------------------------------------------


@pytest.fixture
def closed_contest(make_learner, community):
    """Five participants in two counties, whose scores (7 questions of 1 point) are
    7 (临江区), 5 and 3 (幸福里社区), 5 (和平社区, same street), 1 (临江区)."""
    paper = contest_paper(opens_in=timedelta(hours=-3), minutes=60)
    peace, _ = get_or_create_path("清河县", "城关镇", "和平社区")
    river, _ = get_or_create_path("临江区", "东门街道", "鼓楼社区")
    people = {
        "李晓梅": (community, 5),
        "王芳": (community, 3),
        "赵强": (peace, 5),
        "陈静": (river, 7),
        "刘洋": (river, 1),
    }
    learners = {}
    for name, (organisation, right) in people.items():
        user = make_learner(name=name, organisation=organisation, exam_level="junior")
        contests.register(paper=paper, learner=user, now=paper.opens_at - timedelta(days=1))
        start = paper.opens_at + timedelta(minutes=1)
        attempt, _ = start_attempt(paper=paper, learner=user, now=start)
        ids = list(attempt.items.order_by("position").values_list("question_id", flat=True))
        answers = {str(qid): ["A"] if i < right else ["B"] for i, qid in enumerate(ids)}
        save_answers(attempt=attempt, answers=answers, now=start + timedelta(minutes=5))
        submit_attempt(attempt_id=attempt.pk, now=start + timedelta(minutes=30))
        learners[name] = user
    return paper, learners


def test_the_ranking_at_close_by_audience_county_street_and_community(
    closed_contest, token_for, client
):
    paper, learners = closed_contest
    response = client.get("/api/v1/contests", **token_for(learners["李晓梅"]))
    assert response.status_code == 200
    (card,) = response.json()
    assert card["state"] == "closed" and card["registered"] is True
    # Others overall: 7, 5, 3, 1 -> one higher (rank 2), two strictly lower of four (50%).
    # 清河县 and 城关镇: others 3, 5 -> rank 1, one of two lower (50%).
    # 幸福里社区: the other is 3 -> rank 1, 100%.
    assert [
        (s["scope"], s["organisation"], s["rank"], s["candidates"], s["percentile"])
        for s in card["standings"]
    ] == [
        ("全体考生", "", 2, 5, 50),
        ("本县市", "清河县", 1, 3, 50),
        ("本街镇", "城关镇", 1, 3, 50),
        ("本社区", "幸福里社区", 1, 2, 100),
    ]
    # Tied at 5 with 李晓梅, 赵强 shares the rank; 刘洋 beats nobody.
    zhao = client.get("/api/v1/contests", **token_for(learners["赵强"])).json()[0]
    assert (zhao["standings"][0]["rank"], zhao["standings"][0]["percentile"]) == (2, 50)
    assert zhao["standings"][3] == {
        "scope": "本社区",
        "organisation": "和平社区",
        "rank": 1,
        "candidates": 1,
        "percentile": None,
    }
    liu = client.get("/api/v1/contests", **token_for(learners["刘洋"])).json()[0]
    assert [(s["rank"], s["percentile"]) for s in liu["standings"]] == [
        (5, 0),
        (2, 0),
        (2, 0),
        (2, 0),
    ]


def test_no_ranking_before_the_close(closed_contest, token_for, client):
    paper, learners = closed_contest
    Paper.objects.filter(pk=paper.pk).update(closes_at=timezone.now() + timedelta(minutes=5))
    (card,) = client.get("/api/v1/contests", **token_for(learners["陈静"])).json()
    assert card["state"] == "open" and card["standings"] == []


def test_the_result_page_shows_the_contest_rankings(closed_contest, client):
    paper, learners = closed_contest
    client.force_login(learners["李晓梅"])
    attempt = Attempt.objects.get(learner=learners["李晓梅"])
    page = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert "模考大赛排名" in page
    assert "幸福里社区" in page and "第 2 名" in page


def test_admin_ranking_report(closed_contest, client, django_user_model):
    paper, _learners = closed_contest
    rows = contests.contest_ranking(paper, scope=None)
    assert [(r.learner_name, r.rank, r.percentile, r.county_rank) for r in rows] == [
        ("陈静", 1, 100, 1),
        ("李晓梅", 2, 50, 1),
        ("赵强", 2, 50, 1),
        ("王芳", 4, 25, 3),
        ("刘洋", 5, 0, 2),
    ]
    assert rows[0].result == Decimal(7)
    river = rows[0]
    assert river.county == "临江区" and river.organisation == "鼓楼社区"
    from learning.models import Organisation

    street = Organisation.objects.get(name="城关镇")
    scoped = contests.contest_ranking(paper, scope=street)
    assert [(r.learner_name, r.rank) for r in scoped] == [("李晓梅", 2), ("赵强", 2), ("王芳", 4)]
    admin = django_user_model.objects.create_superuser(
        phone="13900000001", name="管理员", password="x"
    )
    client.force_login(admin)
    page = client.get(f"/admin/papers/{paper.pk}/contest-ranking/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "陈静" in text and "鼓楼社区" in text and "报名人数" in text


# --- reminders ----------------------------------------------------------------------------


def test_reminders_the_day_before_and_the_hour_before_each_sent_once(
    learner, make_learner, reminder_rule, sms_outbox
):
    from learning.models import SmsMessage
    from learning.reminders import evaluate_all

    paper = contest_paper(opens_in=timedelta(days=3))
    opens_at = paper.opens_at
    contests.register(paper=paper, learner=learner, now=timezone.now())
    make_learner(name="未报名")  # in the audience, not registered: never reminded
    reminder_rule("contest")
    assert evaluate_all(now=opens_at - timedelta(hours=30)).get("queued", 0) == 0
    day_before = opens_at - timedelta(hours=23)
    assert evaluate_all(now=day_before).get("queued") == 1
    # The next evaluations (every 10 minutes, and a retried task) send nothing again.
    assert evaluate_all(now=day_before + timedelta(minutes=10)).get("queued", 0) == 0
    assert evaluate_all(now=day_before + timedelta(minutes=10)).get("queued", 0) == 0
    hour_before = opens_at - timedelta(minutes=55)
    assert evaluate_all(now=hour_before).get("queued") == 1
    assert evaluate_all(now=hour_before + timedelta(minutes=10)).get("queued", 0) == 0
    assert evaluate_all(now=opens_at + timedelta(minutes=1)).get("queued", 0) == 0
    messages = list(SmsMessage.objects.order_by("pk"))
    assert [m.learner_id for m in messages] == [learner.pk, learner.pk]
    assert [m.key.rsplit(":", 2)[-2] for m in messages] == ["contest-day", "contest-hour"]
    assert "模考大赛《2026年全市社工职业水平模考大赛》" in messages[0].text


# --- the learner's exam list --------------------------------------------------------------


def test_the_exam_list_shows_the_countdown_and_registration(learner_client, learner):
    paper = contest_paper(opens_in=timedelta(days=1, minutes=5))
    page = learner_client.get("/exams/").content.decode()
    assert "2026年全市社工职业水平模考大赛" in page
    assert "data-countdown" in page and "报名" in page
    response = learner_client.post(f"/exams/contests/{paper.pk}/register/")
    assert response.status_code == 302
    page = learner_client.get("/exams/").content.decode()
    assert "已报名" in page
    assert ContestRegistration.objects.filter(paper=paper, learner=learner).exists()
