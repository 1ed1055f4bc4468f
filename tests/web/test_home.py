"""The learner's home page: every app's panel, in a bounded number of queries."""

from datetime import timedelta

from django.utils import timezone

from courses.models import LessonPage
from courses.study.services import complete_lesson, enrol, record_visit
from exams.practice.services import daily_set
from learning.points.ledger import award
from lecturers.services import enrol as enrol_in_session
from tests.exams.mock_helpers import choice_question, fixed_paper


def test_home_shows_every_panel_in_a_bounded_number_of_queries(
    client, home_page, learner, make_course, make_session, django_assert_max_num_queries
):
    course = make_course("社区走访技巧", lessons=4)
    enrol(learner=learner, course=course)
    lessons = list(LessonPage.objects.child_of(course))
    complete_lesson(learner=learner, lesson=lessons[0])
    record_visit(learner=learner, lesson=lessons[1])
    fixed_paper([choice_question()], title="十一月模拟考试")
    enrol_in_session(session=make_session(title="书记论坛第三期"), learner=learner)
    daily_set(learner=learner)
    award(learner=learner, action="course_completed", key="c1")
    client.force_login(learner)
    client.get("/")
    # 15 before the daily plan (今日学习), which reads the ledger by day and action once.
    with django_assert_max_num_queries(16):
        html = client.get("/").content.decode()
    for text in ("继续学习", "社区走访技巧", "已学 1/4 课时", "每日一练", "继续练习"):
        assert text in html
    for text in ("十一月模拟考试", "书记论坛第三期", "第1名"):
        assert text in html


def test_home_hides_empty_exam_and_session_panels(client, home_page, learner):
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert "去选课" in html and "开始练习" in html
    assert "我报名的培训" not in html and "panel-exams" not in html


def test_rank_counts_learners_with_more_points(client, home_page, learner, make_learner):
    leader = make_learner(name="王强")
    award(learner=leader, action="course_completed", key="c1")
    award(learner=leader, action="course_completed", key="c2")
    award(learner=learner, action="course_completed", key="c1")
    client.force_login(learner)
    assert "第2名" in client.get("/").content.decode()


def test_a_session_that_has_ended_leaves_the_home_page(client, home_page, learner, make_session):
    past = make_session(title="上月集训", starts_at=timezone.now() - timedelta(days=30))
    enrol_in_session(session=past, learner=learner, now=past.starts_at - timedelta(days=7))
    client.force_login(learner)
    assert "上月集训" not in client.get("/").content.decode()
