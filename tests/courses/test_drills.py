"""Drills (模拟演练): choices recorded in order and scored; lessons wait for their activities."""

import pytest

from courses.models import DrillChoice, LessonPage
from courses.study import drills, services
from tests.parallel import run_together

DRILL = {
    "title": "深夜噪音投诉",
    "scenario": "晚上十点半，居民来电投诉楼上噪音。",
    "steps": [
        {
            "situation": "来电者情绪激动，你首先怎么回应？",
            "choices": [
                {"text": "让他自己找物业", "feedback": "推诿会激化矛盾。", "recommended": False},
                {"text": "先稳住情绪", "feedback": "先处理情绪。", "recommended": True},
            ],
        },
        {
            "situation": "楼上住户说家里来了客人。",
            "choices": [
                {"text": "说明已是深夜，请其暂停", "feedback": "具体可行。", "recommended": True},
                {"text": "批评对方", "feedback": "容易激化。", "recommended": False},
            ],
        },
    ],
    "debrief": "稳情绪、快联系、提请求、做回访。",
}


@pytest.fixture
def drill_lesson(make_course):
    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    lesson.body.append(("drill", DRILL))
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    block_id = next(block.id for block in lesson.body if block.block_type == "drill")
    return lesson, block_id


def test_steps_are_taken_in_order_the_first_choice_stands_and_is_scored(learner, drill_lesson):
    lesson, block_id = drill_lesson
    with pytest.raises(drills.DrillError):
        drills.choose(learner=learner, lesson=lesson, block_id=block_id, step=2, choice=0)
    state = drills.choose(learner=learner, lesson=lesson, block_id=block_id, step=1, choice=0)
    assert (state.answered, state.finished, state.score) == (1, False, 0)
    again = drills.choose(learner=learner, lesson=lesson, block_id=block_id, step=1, choice=1)
    assert again.steps[0].chosen == 0  # a second try changes nothing
    state = drills.choose(learner=learner, lesson=lesson, block_id=block_id, step=2, choice=0)
    assert (state.finished, state.score) == (True, 1)
    assert DrillChoice.objects.filter(learner=learner).count() == 2
    for bad in (
        {"block_id": "nope", "step": 1, "choice": 0},
        {"block_id": block_id, "step": 9, "choice": 0},
    ):
        with pytest.raises(drills.DrillError):
            drills.choose(learner=learner, lesson=lesson, **bad)


def test_the_api_shows_feedback_only_for_chosen_steps(client, learner, token_for, drill_lesson):
    lesson, block_id = drill_lesson
    auth = token_for(learner)
    body = client.get(f"/api/v1/lessons/{lesson.pk}", **auth).json()["body"]
    assert "先处理情绪。" not in str(body) and "recommended" not in str(body)
    url = f"/api/v1/lessons/{lesson.pk}/drill"
    chosen = client.post(
        url, {"block_id": block_id, "step": 1, "choice": 1}, content_type="application/json", **auth
    ).json()
    first = chosen["steps"][0]
    assert first["chosen_recommended"] is True and first["choices"][1]["feedback"] == "先处理情绪。"
    assert [step.get("chosen") for step in chosen["steps"]] == [1, None]
    assert "feedback" not in str(chosen["steps"][1])  # the next step: texts only
    assert "score" not in chosen or chosen["score"] is None
    refused = client.post(
        url, {"block_id": block_id, "step": 1, "choice": 7}, content_type="application/json", **auth
    )
    assert refused.status_code == 200  # step 1 is taken: the first choice stands
    wrong = client.post(
        url, {"block_id": block_id, "step": 2, "choice": 7}, content_type="application/json", **auth
    )
    assert wrong.status_code == 422 and wrong.json()["detail"]


def test_a_lesson_with_a_drill_completes_only_once_the_drill_is_done(
    client, learner, token_for, drill_lesson
):
    lesson, block_id = drill_lesson
    auth = token_for(learner)
    refused = client.post(f"/api/v1/lessons/{lesson.pk}/complete", **auth)
    assert refused.status_code == 409 and "模拟演练" in refused.json()["detail"]
    for step in (1, 2):
        drills.choose(learner=learner, lesson=lesson, block_id=block_id, step=step, choice=0)
    done = client.post(f"/api/v1/lessons/{lesson.pk}/complete", **auth)
    assert done.status_code == 200 and done.json()["completed"] is True
    assert done.json()["course_completed"] is True  # its only lesson: the course too


def test_the_lesson_page_lists_what_is_left_instead_of_the_button(client, learner, drill_lesson):
    lesson, block_id = drill_lesson
    client.force_login(learner)
    html = client.get(lesson.url).text
    assert "完成以下学习活动后" in html and "已完成 0/2 步" in html
    assert "完成本课时</button>" not in html
    refused = client.post(f"/learn/lessons/{lesson.pk}/complete/")
    assert refused.status_code == 302
    for step in (1, 2):
        client.post(
            f"/learn/lessons/{lesson.pk}/drill/",
            {"block_id": block_id, "step": str(step), "choice": "1"},
        )
    html = client.get(lesson.url).text
    assert "完成本课时</button>" in html and "演练得分：1/2" in html
    assert services.complete_lesson(learner=learner, lesson=lesson).lesson_newly_completed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_first_choices_at_a_step_keep_one(learner, drill_lesson):
    lesson, block_id = drill_lesson
    results = run_together(
        [
            lambda choice=i % 2: drills.choose(
                learner=learner, lesson=lesson, block_id=block_id, step=1, choice=choice
            )
            for i in range(4)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert DrillChoice.objects.filter(learner=learner, step=1).count() == 1
