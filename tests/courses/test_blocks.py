"""Every lesson block renders on the page and serialises to clean JSON for the API."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.rich_text import RichText

from courses.blocks import LessonBodyBlock
from courses.models import LessonPage

CASE = {
    "title": "楼上漏水引发的邻里纠纷",
    "background": "三楼住户家中水管渗漏，二楼天花板发霉，双方多次争吵。",
    "questions": ["社区工作者第一步应当做什么？", "如何让双方坐到一起？"],
    "analysis": RichText("<p>先分别倾听，再组织<b>面对面协商</b>。</p>"),
    "takeaway": "调解要先处理情绪，再处理事情。",
    "regulations": ["《中华人民共和国人民调解法》第十七条"],
}
DRILL = {
    "title": "独居老人电话无人接听",
    "scenario": "你负责联系的独居老人王奶奶，今天上午电话一直无人接听。",
    "steps": [
        {
            "situation": "你首先会怎么做？",
            "choices": [
                {"text": "立即联系楼栋长上门查看", "feedback": "及时、就近。", "recommended": True},
                {"text": "等到下午再打", "feedback": "可能延误救助。", "recommended": False},
            ],
        }
    ],
    "debrief": "独居老人失联要第一时间就近核实。",
}


@pytest.fixture
def document(db):
    return get_document_model().objects.create(
        title="调解协议书模板", file=ContentFile(b"template", name="xieyi.pdf")
    )


@pytest.fixture
def rich_lesson(make_course, make_image, make_question, document):
    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    image = make_image("走访照片")
    lesson.body = [
        ("rich_text", RichText("<p>入户走访要先预约。</p>")),
        ("image", {"image": image, "caption": "入户走访"}),
        (
            "video",
            {
                "embed_url": "https://player.example.cn/v/123",
                "media": None,
                "duration_minutes": 12,
                "caption": "调解现场",
            },
        ),
        ("attachment", {"document": document, "description": "可直接打印使用"}),
        ("key_points", {"title": "要点", "points": ["先倾听", "再协商"]}),
        ("case_study", CASE),
        ("drill", DRILL),
        ("knowledge_check", {"title": "随堂测验", "questions": [make_question("single")]}),
    ]
    lesson.save_revision().publish()
    return lesson


def test_every_block_renders_on_the_lesson_page(client, rich_lesson):
    html = client.get(rich_lesson.url).text
    for text in [
        "入户走访要先预约。",
        "<figcaption>入户走访</figcaption>",
        "https://player.example.cn/v/123",
        "时长 12 分钟",
        "调解协议书模板",
        "再协商",
        "楼上漏水引发的邻里纠纷",
        "如何让双方坐到一起？",
        "《中华人民共和国人民调解法》第十七条",
        "独居老人电话无人接听",
        "立即联系楼栋长上门查看",
        "随堂测验",
        'name="answer" value="A"',
    ]:
        assert text in html, text


def test_drill_works_without_javascript_and_hides_feedback_until_chosen(
    client, learner, rich_lesson
):
    client.force_login(learner)
    html = client.get(rich_lesson.url).text
    assert "等到下午再打" in html and "可能延误救助。" not in html and "及时、就近。" not in html
    block_id = next(block.id for block in rich_lesson.body if block.block_type == "drill")
    response = client.post(
        f"/learn/lessons/{rich_lesson.pk}/drill/",
        {"block_id": block_id, "step": "1", "choice": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#drill-{block_id}-1")
    html = client.get(rich_lesson.url).text
    assert "可能延误救助。" in html and "及时、就近。" in html  # mine, and the recommended one
    assert "演练得分：0/1" in html


def test_blocks_serialise_to_type_and_clean_value(client, rich_lesson, learner, token_for):
    body = client.get(f"/api/v1/lessons/{rich_lesson.pk}", **token_for(learner)).json()["body"]
    by_type = {block["type"]: block["value"] for block in body}
    assert by_type["rich_text"] == "<p>入户走访要先预约。</p>"
    assert by_type["image"]["caption"] == "入户走访"
    assert by_type["image"]["image"]["url"].endswith(".png")
    assert by_type["video"]["duration_minutes"] == 12
    assert by_type["attachment"]["document"]["title"] == "调解协议书模板"
    assert by_type["key_points"]["points"] == ["先倾听", "再协商"]
    assert by_type["case_study"]["analysis"] == "<p>先分别倾听，再组织<b>面对面协商</b>。</p>"
    # The choices' texts only: the feedback and the recommended one come after choosing.
    assert by_type["drill"]["steps"][0]["choices"] == ["立即联系楼栋长上门查看", "等到下午再打"]
    assert "及时、就近。" not in str(body)
    question = by_type["knowledge_check"]["questions"][0]
    assert set(question) == {"id", "type", "type_label", "stem", "options"}


def test_video_needs_a_link_or_a_file_but_not_both(document):
    from wagtail.blocks import StructBlockValidationError

    video = LessonBodyBlock().child_blocks["video"]
    with pytest.raises(StructBlockValidationError):
        video.clean(video.to_python({"embed_url": "", "media": None, "duration_minutes": 5}))
    with pytest.raises(StructBlockValidationError):
        video.clean(
            video.to_python(
                {"embed_url": "https://v.example.cn/1", "media": document.pk, "duration_minutes": 5}
            )
        )


def test_every_block_has_icon_template_and_description():
    for name, block in LessonBodyBlock().child_blocks.items():
        meta = block.meta
        assert meta.icon and meta.template and meta.description, name


def test_lesson_body_text_is_searchable(rich_lesson):
    from courses.search.selectors import site_search

    assert rich_lesson.pk in [hit.page.pk for hit in site_search("漏水")]


def test_answering_a_check_without_javascript_redirects_with_feedback(client, learner, rich_lesson):
    client.force_login(learner)
    question_id = rich_lesson.check_question_ids()[0]
    response = client.post(
        f"/learn/lessons/{rich_lesson.pk}/check/",
        {"question_id": question_id, "answer": "A"},
        follow=True,
    )
    assert "回答正确。解析" in response.text


def test_a_passed_check_question_is_marked_on_the_lesson_page(client, learner, rich_lesson):
    from courses.study.checks import answer_check

    question_id = rich_lesson.check_question_ids()[0]
    client.force_login(learner)
    assert "已答对" not in client.get(rich_lesson.url).text
    answer_check(learner=learner, lesson=rich_lesson, question_id=question_id, answer="A")
    assert "已答对" in client.get(rich_lesson.url).text


def test_the_inline_check_answer_carries_the_verdict_in_the_learners_language(
    client, learner, rich_lesson
):
    """The page script shows the server's sentence, so English learners get English."""
    from django.conf import settings

    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        f"/learn/lessons/{rich_lesson.pk}/check/",
        {"question_id": rich_lesson.check_question_ids()[0], "answer": "B"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["message"] == "Wrong. The right answer: A."
