"""Placeholder portraits for lecturers without a photo (the demo, new pages): a coloured
square with the surname drawn in a CJK font when the machine has one, otherwise a simple
head-and-shoulders silhouette. Made with Pillow; nothing is downloaded."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

#: Muted background colours, picked by a stable index so a lecturer keeps their colour.
PALETTE = [
    (179, 38, 30),
    (30, 98, 160),
    (26, 127, 55),
    (140, 82, 20),
    (110, 64, 170),
    (0, 122, 122),
    (160, 50, 100),
    (80, 90, 100),
]
FONT_DIRECTORIES = ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts"]
CJK_FONT_NAMES = (
    "NotoSansCJK",
    "NotoSerifCJK",
    "SourceHan",
    "wqy",
    "DroidSansFallback",
    "PingFang",
)


@cache
def cjk_font_path() -> str | None:
    """The first font file on the machine whose name says it covers Chinese."""
    for directory in FONT_DIRECTORIES:
        root = Path(directory)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in {".ttc", ".ttf", ".otf"} and any(
                name.lower() in path.name.lower() for name in CJK_FONT_NAMES
            ):
                return str(path)
    return None


def portrait_png(name: str, *, index: int = 0, size: int = 480) -> bytes:
    """A square PNG placeholder portrait for ``name``."""
    background = PALETTE[index % len(PALETTE)]
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    light = tuple(int(channel + (255 - channel) * 0.85) for channel in background)
    font_path = cjk_font_path()
    if font_path and name:
        font = ImageFont.truetype(font_path, int(size * 0.5))
        draw.text((size / 2, size / 2), name[0], fill=light, font=font, anchor="mm")
    else:
        head = size * 0.18
        draw.ellipse(
            (size / 2 - head, size * 0.2, size / 2 + head, size * 0.2 + 2 * head), fill=light
        )
        draw.ellipse((size * 0.18, size * 0.62, size * 0.82, size * 1.25), fill=light)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
