"""Background work of the lecturer pool."""

from __future__ import annotations

from wagtail.images import get_image_model

from lecturers.models import PHOTO_SPECS


def make_photo_renditions(image_id: int) -> None:
    """Create the directory, detail and thumbnail renditions of a lecturer photo, so that
    listing pages only read renditions and never resize images during a request."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is not None:
        image.get_renditions(*PHOTO_SPECS)
