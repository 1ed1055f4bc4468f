"""What is still Chinese in a text, for the tests that switch the language to English."""

from __future__ import annotations

import re

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
#: Chinese punctuation left between translated words ("Period：") would show as well.
CHINESE_PUNCTUATION = re.compile(r"[，。：；、（）《》！？]")


def chinese_in(text: str) -> list[str]:
    """The runs of Han characters and the Chinese punctuation marks in ``text``."""
    return HAN.findall(text) + CHINESE_PUNCTUATION.findall(text)
