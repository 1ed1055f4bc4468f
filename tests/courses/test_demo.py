from django.core.management import call_command

from courses.blocks import knowledge_check_question_ids
from courses.models import Category, CoursePage, Enrolment, LessonPage
from courses.search.selectors import site_search
from exams.models import Question


def test_demo_catalogue_is_complete_and_idempotent(client, db, make_question):
    make_question("single", subject="practice", stem="<p>调解邻里纠纷时首先应当</p>")
    call_command("load_demo")
    call_command("load_demo")
    courses = CoursePage.objects.live()
    assert courses.count() >= 8
    assert set(courses.values_list("category", flat=True)) == set(Category.values)
    for course in courses:
        assert 3 <= LessonPage.objects.child_of(course).count() <= 6, course.title
        assert course.cover_id
    bodies = [lesson.body for lesson in LessonPage.objects.all()]
    kinds = [child.block_type for body in bodies for child in body]
    assert kinds.count("case_study") >= 3 and "drill" in kinds
    assert any(knowledge_check_question_ids(body) for body in bodies)
    # The course that requires its quiz has one in a lesson, about what the course teaches.
    strict = courses.get(requires_passing_checks=True)
    quiz_ids = [
        pk
        for lesson in LessonPage.objects.child_of(strict)
        for pk in knowledge_check_question_ids(lesson.body)
    ]
    assert len(quiz_ids) >= 2
    stems = Question.objects.filter(pk__in=quiz_ids).values_list("stem", flat=True)
    assert all("调解" in stem for stem in stems)
    assert Question.objects.filter(bank__name="课程随堂测验题").count() == len(
        set(Question.objects.filter(bank__name="课程随堂测验题").values_list("stem", flat=True))
    )  # loaded twice, created once
    assert Enrolment.objects.filter(learner__phone="13800000001").count() == 3
    assert client.get("/courses/").status_code == 200
    assert [hit.page.title for hit in site_search("独居老人")][0].startswith("老年社会工作")
