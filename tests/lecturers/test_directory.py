import io

import pytest
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image


def _photo(name: str = "portrait.png") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 300), (180, 40, 30)).save(buffer, "PNG")
    return Image.objects.create(title=name, file=ImageFile(buffer, name=name))


def test_directory_is_served_at_lecturers(client, make_lecturer):
    make_lecturer(name="周明", position="党校副教授", expertise=["社区治理"])
    response = client.get("/lecturers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "周明" in html and "党校副教授" in html and "社区治理" in html


def test_directory_filters_by_type(client, make_lecturer):
    make_lecturer(name="周明", lecturer_type="party_school")
    make_lecturer(name="吴敏", lecturer_type="professor")
    html = client.get("/lecturers/", {"type": "professor"}).content.decode()
    assert "吴敏" in html and "周明" not in html


def test_directory_filters_by_expertise(client, make_lecturer):
    make_lecturer(name="周明", expertise=["社区治理", "党建引领"])
    make_lecturer(name="吴敏", expertise=["心理疏导"])
    html = client.get("/lecturers/", {"expertise": "心理疏导"}).content.decode()
    assert "吴敏" in html and "周明" not in html


def test_directory_searches_by_name(client, make_lecturer):
    make_lecturer(name="周明")
    make_lecturer(name="吴敏")
    html = client.get("/lecturers/", {"q": "吴"}).content.decode()
    assert "吴敏" in html and "周明" not in html


def test_unknown_type_filter_shows_everyone(client, make_lecturer):
    make_lecturer(name="周明")
    assert "周明" in client.get("/lecturers/", {"type": "nonsense"}).content.decode()


def test_lecturer_detail_shows_bio_expertise_and_upcoming_sessions(
    client, make_lecturer, make_session
):
    lecturer = make_lecturer(
        name="周明", bio="<p>长期从事基层党建研究。</p>", expertise=["党建引领"]
    )
    session = make_session(title="书记论坛第三期")
    session.lecturers.add(lecturer)
    html = client.get(lecturer.url).content.decode()
    assert "长期从事基层党建研究" in html and "党建引领" in html and "书记论坛第三期" in html


def test_lecturer_detail_lists_courses_from_the_hook(client, make_lecturer):
    from wagtail import hooks

    lecturer = make_lecturer(name="周明")

    def courses(page):
        return [{"id": 7, "title": "社区矫正实务", "url": "/courses/7/"}] if page.pk else []

    with hooks.register_temporarily("lecturer_courses", courses):
        html = client.get(lecturer.url).content.decode()
    assert "社区矫正实务" in html


def test_directory_with_50_lecturers_takes_a_constant_number_of_queries(
    client, make_lecturer, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the render itself, not the anonymous page cache

    def add(numbers):
        for number in numbers:
            make_lecturer(
                name=f"讲师{number}", photo=_photo(), expertise=["社区治理", f"领域{number}"]
            )

    add(range(2))
    client.get("/lecturers/")  # warm Wagtail's site cache
    with CaptureQueriesContext(connection) as few:
        client.get("/lecturers/")
    add(range(2, 50))
    with django_assert_max_num_queries(len(few)):
        response = client.get("/lecturers/")
    assert response.content.decode().count('class="lecturer-card"') == 50


@pytest.mark.parametrize("spec", ["fill-96x96", "fill-240x240", "fill-480x480"])
def test_saving_a_lecturer_with_a_photo_makes_its_renditions(make_lecturer, spec):
    photo = _photo()
    make_lecturer(name="周明", photo=photo)
    assert photo.renditions.filter(filter_spec=spec).exists()


def test_lecturer_detail_takes_a_constant_number_of_queries(
    client, make_lecturer, make_session, django_assert_max_num_queries
):
    lecturer = make_lecturer(name="周明", photo=_photo(), expertise=["社区治理", "党建引领"])
    for number in range(5):
        make_session(title=f"第{number}期").lecturers.add(lecturer)
    client.get(lecturer.url)
    with django_assert_max_num_queries(16):
        assert client.get(lecturer.url).status_code == 200
