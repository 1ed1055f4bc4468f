"""Uploads that are not what they claim are refused by the admin (#16)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from learning.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def admin_client(client, db):
    User.objects.create_superuser(phone="13900000008", name="管理员", password=PASSWORD)
    client.login(phone="13900000008", password=PASSWORD)
    return client


def upload(client, name: str, content: bytes, content_type: str):
    return client.post(
        "/admin/images/add/",
        {"title": name, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def test_a_real_image_is_accepted(admin_client):
    response = upload(admin_client, "photo.png", png(40, 30), "image/png")
    assert response.status_code == 302
    assert get_image_model().objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("page.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
    ],
)
def test_html_named_jpg_and_svg_with_script_are_refused(admin_client, name, content, content_type):
    response = upload(admin_client, name, content, content_type)
    assert response.status_code == 200  # the form again, with its error
    assert get_image_model().objects.count() == 0


def test_an_image_bomb_is_refused_before_it_is_decoded(admin_client):
    """A small file declaring 10,000 x 10,000 pixels (100 M, over the 40 M limit)."""
    bomb = png(10_000, 10_000)
    assert len(bomb) < 100_000
    response = upload(admin_client, "bomb.png", bomb, "image/png")
    assert response.status_code == 200
    assert get_image_model().objects.count() == 0
