"""Image uploads are limited: a decompression bomb is refused before it is decoded."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images.forms import get_image_form
from wagtail.images.models import Image


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _form(content: bytes):
    form_class = get_image_form(Image)
    return form_class(
        {"title": "头像"},
        {"file": SimpleUploadedFile("portrait.png", content, content_type="image/png")},
    )


def test_a_decompression_bomb_is_refused_with_a_clear_message(db):
    bomb = _png(8000, 8000)  # 64 megapixels in a file of a few kilobytes
    assert len(bomb) < 100_000
    form = _form(bomb)
    assert not form.is_valid()
    message = " ".join(form.errors["file"])
    assert message == "文件包含像素过多（64000000）。像素数量上限为 40000000。"


def test_a_normal_portrait_is_accepted(db):
    form = _form(_png(600, 800))
    assert form.is_valid(), form.errors


def test_upload_limits_are_set():
    from django.conf import settings

    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE <= 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS <= 50_000_000
