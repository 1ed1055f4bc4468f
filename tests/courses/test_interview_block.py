"""The field interview block (现场访谈): a recording from the media library, its transcript
and key points, on the lesson page and in the API."""

import pytest
from django.core.files.base import ContentFile
from wagtail.rich_text import RichText
from wagtailmedia.models import get_media_model

from courses.models import LessonPage


@pytest.fixture
def recording(db):
    def make(kind: str):
        name = "fangtan.mp4" if kind == "video" else "fangtan.mp3"
        return get_media_model().objects.create(
            title="幸福里社区书记访谈", type=kind, duration=754, file=ContentFile(b"0", name=name)
        )

    return make


@pytest.fixture
def interview_lesson(make_course):
    def make(media):
        lesson = LessonPage.objects.child_of(make_course(lessons=1)).get()
        lesson.body = [
            (
                "interview",
                {
                    "title": "社区书记谈“接诉即办”",
                    "interviewee": "幸福里社区党委书记 张红",
                    "recording": media,
                    "transcript": RichText("<p>问：群众诉求怎么分类？</p><p>答：先分急缓。</p>"),
                    "key_points": ["诉求先分急缓", "办结要回访"],
                },
            )
        ]
        lesson.save_revision().publish()
        return lesson

    return make


def test_a_video_interview_plays_with_its_transcript_and_points(
    client, recording, interview_lesson
):
    lesson = interview_lesson(recording("video"))
    html = client.get(lesson.url).text
    assert "<video controls" in html
    assert 'type="video/mp4"' in html
    for text in [
        "社区书记谈“接诉即办”",
        "受访者：幸福里社区党委书记 张红",
        "访谈实录",
        "先分急缓",
        "办结要回访",
    ]:
        assert text in html, text


def test_an_audio_interview_plays_in_an_audio_player(client, recording, interview_lesson):
    html = client.get(interview_lesson(recording("audio")).url).text
    assert "<audio controls" in html
    assert "<video" not in html


def test_the_api_gives_the_recording_transcript_and_points(
    client, recording, interview_lesson, learner, token_for
):
    media = recording("video")
    lesson = interview_lesson(media)
    body = client.get(f"/api/v1/lessons/{lesson.pk}", **token_for(learner)).json()["body"]
    value = body[0]["value"]
    assert body[0]["type"] == "interview"
    assert value["recording"] == {
        "id": media.pk,
        "type": "video",
        "title": "幸福里社区书记访谈",
        "url": media.url,
        "duration_seconds": 754,
        "thumbnail_url": None,
    }
    assert value["transcript"] == "<p>问：群众诉求怎么分类？</p><p>答：先分急缓。</p>"
    assert value["key_points"] == ["诉求先分急缓", "办结要回访"]


def test_lecturers_may_upload_recordings(db):
    from django.contrib.auth.models import Group
    from wagtail.models import GroupCollectionPermission

    from learning.accounts.roles import LECTURERS

    lecturers = Group.objects.get(name=LECTURERS)
    assert GroupCollectionPermission.objects.filter(
        group=lecturers, permission__codename="add_media"
    ).exists()
