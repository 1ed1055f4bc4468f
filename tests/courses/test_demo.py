from django.core.management import call_command

from courses.blocks import knowledge_check_question_ids
from courses.models import Category, CoursePage, Enrolment, LessonPage
from courses.search import site_search


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
    assert Enrolment.objects.filter(learner__phone="13800000001").count() == 3
    assert client.get("/courses/").status_code == 200
    assert [hit.page.title for hit in site_search("独居老人")][0].startswith("老年社会工作")
