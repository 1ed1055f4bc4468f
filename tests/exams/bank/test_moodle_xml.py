"""Moodle XML import: categories, multichoice, truefalse, fractions, feedback, images."""

import base64
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images import get_image_model

from exams.models import Question, QuestionBank

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

GOOD = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/实务/老年社会工作</text></category>
  </question>
  <question type="multichoice">
    <name><text>需求评估</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>看图回答：<img src="@@PLUGINFILE@@/map.png" alt="社区地图"></p>]]></text>
      <file name="map.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}</file>
    </questiontext>
    <generalfeedback format="html"><text>&lt;p&gt;先评估需求。&lt;/p&gt;</text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="plain_text"><text>需求评估</text>
      <feedback format="plain_text"><text>正确</text></feedback></answer>
    <answer fraction="0" format="plain_text"><text>结案</text></answer>
    <answer fraction="0" format="html"><text>&lt;b&gt;转介&lt;/b&gt;</text></answer>
  </question>
  <question type="multichoice">
    <name><text>老年人需求</text></name>
    <questiontext format="html"><text>老年人的需求包括（  ）。</text></questiontext>
    <defaultgrade>2</defaultgrade>
    <single>false</single>
    <answer fraction="50"><text>健康照顾</text></answer>
    <answer fraction="50"><text>精神慰藉</text></answer>
    <answer fraction="-50"><text>升学辅导</text></answer>
    <tags><tag><text>老年人需求</text></tag></tags>
  </question>
  <question type="truefalse">
    <questiontext format="plain_text"><text>老年人享有继续受教育的权利。</text></questiontext>
    <answer fraction="100"><text>true</text><feedback><text>是的</text></feedback></answer>
    <answer fraction="0"><text>false</text><feedback><text>再想想</text></feedback></answer>
  </question>
  <question type="essay">
    <questiontext format="html"><text>&lt;p&gt;请设计一个独居老人支持小组。&lt;/p&gt;</text></questiontext>
    <graderinfo format="html"><text>&lt;p&gt;目标、对象、内容、评估。&lt;/p&gt;</text></graderinfo>
  </question>
</quiz>
"""


def write(tmp_path, text: str):
    path = tmp_path / "q.xml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_good_file_creates_every_type(tmp_path):
    out = io.StringIO()
    call_command("import_questions", write(tmp_path, GOOD), bank="实务题库", stdout=out)
    assert "单选题 1 道，多选题 1 道，判断题 1 道，案例问答（主观） 1 道" in out.getvalue()
    bank = QuestionBank.objects.get(name="老年社会工作")
    assert bank.category_path() == "实务题库/实务/老年社会工作"
    single = Question.objects.get(name="需求评估")
    assert single.bank == bank
    assert single.explanation == "<p>先评估需求。</p>"
    options = list(single.options.order_by("sort_order"))
    assert [(o.text, o.is_correct, o.feedback) for o in options][0] == ("需求评估", True, "正确")
    assert options[2].text == "转介"  # HTML answer text reduced to text
    multiple = Question.objects.get(name="老年人需求")
    assert [o.fraction for o in multiple.options.order_by("sort_order")] == [50, 50, -50]
    assert [t.name for t in multiple.knowledge_points.all()] == ["老年人需求"]
    true_false = Question.objects.get(type="true_false")
    assert true_false.stem == "<p>老年人享有继续受教育的权利。</p>"
    assert [(o.text, o.is_correct, o.feedback) for o in true_false.options.all()] == [
        ("正确", True, "是的"),
        ("错误", False, "再想想"),
    ]
    essay = Question.objects.get(type="case_essay")
    assert essay.model_answer == "<p>目标、对象、内容、评估。</p>"


@pytest.mark.django_db
def test_embedded_image_becomes_a_wagtail_image(tmp_path):
    call_command("import_questions", write(tmp_path, GOOD), stdout=io.StringIO())
    image = get_image_model().objects.get()
    assert (image.width, image.height) == (1, 1)
    stem = Question.objects.get(name="需求评估").stem
    assert f'embedtype="image" format="fullwidth" id="{image.pk}"' in stem
    assert 'alt="社区地图"' in stem


@pytest.mark.django_db
def test_unsupported_type_is_reported(tmp_path):
    text = GOOD.replace('<question type="essay">', '<question type="shortanswer">')
    err = io.StringIO()
    call_command("import_questions", write(tmp_path, text), stdout=io.StringIO(), stderr=err)
    assert "shortanswer 本系统不支持" in err.getvalue()
    assert Question.objects.count() == 3


@pytest.mark.django_db
def test_broken_xml_names_the_line(tmp_path):
    text = GOOD.replace("</quiz>", "</question>\n</quiz>")
    with pytest.raises(CommandError, match=r"第 \d+ 行：XML 格式错误"):
        call_command("import_questions", write(tmp_path, text))


@pytest.mark.django_db
def test_bad_question_refuses_everything_with_its_line(tmp_path):
    text = GOOD.replace(
        '<answer fraction="0" format="plain_text"><text>结案',
        '<answer fraction="100" format="plain_text"><text>结案',
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_questions", write(tmp_path, text), stderr=err)
    assert "第 6 行：单选题必须有且只有一个正确选项" in err.getvalue()
    assert not Question.objects.exists()
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_not_a_quiz_is_refused(tmp_path):
    with pytest.raises(CommandError, match="<quiz>"):
        call_command("import_questions", write(tmp_path, "<html></html>"))


@pytest.mark.django_db
def test_images_travel_through_an_xml_round_trip(tmp_path):
    call_command("import_questions", write(tmp_path, GOOD), bank="原题库", stdout=io.StringIO())
    out = tmp_path / "out.xml"
    call_command("export_questions", str(out), bank="原题库", format="xml", stdout=io.StringIO())
    text = out.read_text(encoding="utf-8")
    assert "@@PLUGINFILE@@/" in text and 'encoding="base64"' in text
    call_command("import_questions", str(out), bank="新题库", stdout=io.StringIO())
    assert get_image_model().objects.count() == 2
    copy = Question.objects.get(
        name="需求评估", bank__path__startswith=QuestionBank.objects.get(name="新题库").path
    )
    assert 'embedtype="image"' in copy.stem
