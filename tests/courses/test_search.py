"""Chinese search: words inside titles and lesson bodies are found (SQLite and PostgreSQL)."""

from courses.models import LessonPage
from courses.search.segmentation import query_words, segmented
from courses.search.selectors import site_search


def titles(hits):
    return [hit.page.title for hit in hits]


def test_segmentation_splits_chinese_into_words():
    assert {"邻里", "纠纷", "调解"} <= set(segmented("社区案例分析：邻里纠纷的调解").split())


def test_query_words_drop_particles():
    assert query_words("纠纷的调解") == ["纠纷", "调解"]


def test_a_word_inside_a_course_title_is_found(make_course):
    make_course("社区案例分析：邻里纠纷的调解", lessons=1)
    make_course("党支部工作规范", lessons=1)
    assert titles(site_search("纠纷"))[0] == "社区案例分析：邻里纠纷的调解"
    assert "党支部工作规范" not in titles(site_search("纠纷"))


def test_a_word_inside_a_lesson_body_is_found(make_course):
    course = make_course(
        "社区养老服务", lessons=1, lesson_text="每周至少上门探访一次独居老人，记录身体和情绪状况。"
    )
    lesson = LessonPage.objects.child_of(course).get()
    hits = site_search("探访")
    assert [hit.page.pk for hit in hits] == [lesson.pk]
    assert hits[0].kind == "lesson"


def test_title_matches_rank_before_body_matches(make_course):
    make_course("志愿服务概论", lessons=1, lesson_text="调解工作离不开志愿者的参与。")
    make_course("人民调解实务", lessons=1, lesson_text="本课时介绍调解的基本原则。")
    hits = site_search("调解")
    assert hits[0].page.title == "人民调解实务"
    assert titles(hits).index("人民调解实务") < titles(hits).index("志愿服务概论（1）")


def test_unpublished_pages_are_not_found(make_course):
    course = make_course("社区案例分析：邻里纠纷的调解", lessons=1)
    course.unpublish()
    assert site_search("纠纷") == []


def test_lecturers_are_found_by_name(make_lecturer):
    make_lecturer(name="周明远")
    assert [hit.kind for hit in site_search("周明远")] == ["lecturer"]


def test_search_page_is_paginated(client, make_course):
    for number in range(12):
        make_course(f"社区调解专题{number}", lessons=0)
    first = client.get("/search/", {"q": "调解"})
    second = client.get("/search/", {"q": "调解", "page": 2})
    assert first.status_code == second.status_code == 200
    assert len(first.context["hits"]) == 10 and len(second.context["hits"]) == 2
    assert first.context["page_obj"].paginator.count == 12


def test_empty_search_page_renders(client, db):
    response = client.get("/search/")
    assert response.status_code == 200


def test_catalogue_search_uses_segmented_words(client, make_course):
    index = make_course("独居老人关爱服务", lessons=1).get_parent()
    make_course("党支部工作规范", lessons=1)
    response = client.get(index.url, {"q": "老人"})
    assert [course.title for course in response.context["courses"]] == ["独居老人关爱服务"]
