"""``manage.py <command> --help`` of our commands, in English when English is active (argparse
takes no lazy text, learning.management.base translates it when the parser is made)."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

from tests.chinese import chinese_in

OURS = sorted(
    name
    for name, app in get_commands().items()
    if app in {"learning", "exams", "courses", "lecturers"}
)


@pytest.mark.parametrize("name", OURS)
def test_the_help_is_english_when_english_is_chosen(name):
    command = load_command_class(get_commands()[name], name)
    with translation.override("en"):
        text = command.create_parser("manage.py", name).format_help()
    assert chinese_in(text) == []


def test_the_help_is_chinese_by_default():
    command = load_command_class("exams", "check_bank")
    text = command.create_parser("manage.py", "check_bank").format_help()
    assert "检查题库" in text and "题库名称（含下级分类）" in text
