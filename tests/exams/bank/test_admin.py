"""Authoring in the Wagtail admin: lecturers write, validate, preview and import questions."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from exams.models import Question
from learning.accounts import roles
from learning.models import User


@pytest.fixture
def lecturer(db):
    user = User.objects.create_user(phone="13800000003", name="陈老师", password="pw")
    user.groups.add(Group.objects.get(name=roles.LECTURERS))
    return user


def draft(text: str) -> str:
    """Draftail's JSON for one paragraph (or an empty editor)."""
    blocks = [{"key": "a1", "type": "unstyled", "text": text, "depth": 0}] if text else []
    for block in blocks:
        block.update(inlineStyleRanges=[], entityRanges=[])
    return json.dumps({"blocks": blocks, "entityMap": {}})


def form_data(bank, kind, options):
    data = {
        "bank": bank.pk,
        "type": kind,
        "name": "",
        "position": 0,
        "stem": draft("社会工作的宗旨是？"),
        "explanation": draft(""),
        "model_answer": draft(""),
        "marking_points": "",
        "difficulty": 3,
        "subject": "comprehensive",
        "level": "junior",
        "chapter": "概述",
        "knowledge_points": "宗旨",
        "source": "",
        "score": "1",
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": 0,
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 5,
    }
    for i, (key, text, right) in enumerate(options):
        data.update(
            {
                f"options-{i}-key": key,
                f"options-{i}-text": text,
                f"options-{i}-feedback": "",
                f"options-{i}-ORDER": i + 1,
                f"options-{i}-id": "",
                f"options-{i}-DELETE": "",
            }
        )
        if right:
            data[f"options-{i}-is_correct"] = "on"
    return data


def test_lecturer_creates_a_valid_question(client, lecturer, bank):
    client.force_login(lecturer)
    data = form_data(bank, "single", [("A", "助人自助", True), ("B", "维护秩序", False)])
    response = client.post("/admin/questions/new/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    question = Question.objects.get()
    assert question.options.filter(is_correct=True).get().text == "助人自助"
    assert [t.name for t in question.knowledge_points.all()] == ["宗旨"]


def test_admin_refuses_a_single_choice_with_two_right_options(client, lecturer, bank):
    client.force_login(lecturer)
    data = form_data(bank, "single", [("A", "甲", True), ("B", "乙", True)])
    response = client.post("/admin/questions/new/", data)
    assert response.status_code == 200
    assert "有且只有一个正确选项" in response.content.decode()
    assert not Question.objects.exists()


def test_question_list_filters_and_searches(
    client, lecturer, make_question, django_assert_max_num_queries
):
    for i in range(20):
        make_question(
            "single", stem=f"<p>救助第{i}题</p>", chapter="社会救助", subject="regulations"
        )
    make_question("single", stem="<p>矫正题</p>", chapter="社区矫正", is_outdated=True)
    client.force_login(lecturer)
    with django_assert_max_num_queries(30):
        html = client.get("/admin/questions/?chapter=社会救助").content.decode()
    assert "救助第3题" in html and "矫正题" not in html
    html = client.get("/admin/questions/?outdated=true").content.decode()
    assert "矫正题" in html and "救助第3题" not in html
    html = client.get("/admin/questions/?q=矫正").content.decode()
    assert "矫正题" in html and "救助第3题" not in html


def test_preview_shows_key_and_explanation(client, lecturer, make_question):
    question = make_question("multiple", explanation="<p>三项都对。</p>")
    client.force_login(lecturer)
    html = client.get(f"/admin/questions/{question.pk}/preview/").content.decode()
    assert "三项都对。" in html and "A、B、C" in html


def test_upload_page_dry_run_then_import(client, lecturer):
    client.force_login(lecturer)
    gift = "社会工作的宗旨是？{=助人自助 ~维护秩序}\n\n保密是伦理原则。{T}\n".encode()
    upload = {"file": SimpleUploadedFile("q.gift", gift), "bank": "上传题库", "format": ""}
    html = client.post("/admin/questions/import/", {**upload, "dry_run": "on"}).content.decode()
    assert "检查通过" in html and "单选题 1 道" in html
    assert not Question.objects.exists()
    upload["file"] = SimpleUploadedFile("q.gift", gift)
    html = client.post("/admin/questions/import/", upload).content.decode()
    assert "导入完成" in html
    assert Question.objects.count() == 2


def test_upload_page_lists_errors_with_lines(client, lecturer):
    client.force_login(lecturer)
    bad = "好题？{=甲 ~乙}\n\n坏题？{=甲 =乙 ~丙}\n".encode()
    html = client.post(
        "/admin/questions/import/",
        {"file": SimpleUploadedFile("q.gift", bad), "bank": "上传题库", "format": ""},
    ).content.decode()
    assert "第 3 行：单选题必须有且只有一个正确选项" in html
    assert not Question.objects.exists()


def test_template_download(client, lecturer):
    client.force_login(lecturer)
    response = client.get("/admin/questions/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_learners_cannot_author(client, learner):
    learner.set_password("pw")
    learner.save()
    client.force_login(learner)
    assert client.get("/admin/questions/import/").status_code in (302, 403)


def test_editing_an_answered_question_in_the_admin_keeps_the_old_version(
    client, lecturer, learner, bank
):
    from exams.practice.services import record_answer

    client.force_login(lecturer)
    data = form_data(bank, "single", [("A", "助人自助", True), ("B", "维护秩序", False)])
    client.post("/admin/questions/new/", data)
    question = Question.objects.get()
    first = record_answer(learner=learner, question=question, answer="A")
    option_ids = list(question.options.order_by("sort_order").values_list("pk", flat=True))
    data = form_data(bank, "single", [("A", "助人自助", False), ("B", "维护秩序", True)])
    data.update(
        {"options-INITIAL_FORMS": 2, "options-0-id": option_ids[0], "options-1-id": option_ids[1]}
    )
    response = client.post(f"/admin/questions/edit/{question.pk}/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    second = record_answer(learner=learner, question=Question.objects.get(), answer="A")
    assert first.correct and not second.correct
    assert first.version.snapshot["options"][0]["is_correct"] is True


def test_export_page_lists_what_the_format_cannot_hold_then_downloads(
    client, lecturer, bank, make_question
):
    make_question("single", stem="<p>单选</p>")
    make_question("case_essay", options=[], stem="<p>问答</p>", name="方案设计")
    client.force_login(lecturer)
    html = client.get(f"/admin/questions/export/?bank={bank.pk}&format=xlsx").content.decode()
    assert "方案设计" in html and "Excel 格式无法表示这种题型" in html
    response = client.get(f"/admin/questions/export/?bank={bank.pk}&format=xlsx&confirm=1")
    assert response["Content-Disposition"].endswith(".xlsx")
    response = client.get(f"/admin/questions/export/?bank={bank.pk}&format=gift")
    assert "单选" in response.content.decode() and "问答" in response.content.decode()


@pytest.mark.parametrize("group", [roles.LECTURERS, roles.ORGANISERS])
def test_lecturers_and_organisers_may_author(db, group):
    codenames = set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))
    assert {"add_question", "change_question", "view_question", "add_questionbank"} <= codenames
