"""Structural checks of the hand-written junior demo bank against the junior syllabus.

The bank is data that another module loads into papers, so a typo (a key that is not an
option, a chapter name spelt differently from the syllabus) would only show as a broken paper;
these tests catch it where it is written.
"""

from __future__ import annotations

import string

import pytest

from exams.bank.demo_bank import junior_comprehensive, junior_practice
from exams.exam_spec.syllabus_junior import SYLLABUS

BANKS = {
    ("junior", "comprehensive"): junior_comprehensive.QUESTIONS,
    ("junior", "practice"): junior_practice.QUESTIONS,
}
FIELDS = {
    "type",
    "chapter",
    "knowledge_point",
    "stem",
    "options",
    "answer",
    "explanation",
    "basis",
    "difficulty",
}


def _questions():
    for key, questions in BANKS.items():
        for index, question in enumerate(questions):
            yield pytest.param(key, question, id=f"{key[1]}-{index}")


@pytest.mark.parametrize("key", list(SYLLABUS))
def test_syllabus_weights_sum_to_one_and_chapters_have_three_to_eight_points(key):
    chapters = SYLLABUS[key]
    assert sum(chapter["weight"] for chapter in chapters) == pytest.approx(1.0)
    for chapter in chapters:
        assert 3 <= len(chapter["knowledge_points"]) <= 8, chapter["chapter"]
        assert len(set(chapter["knowledge_points"])) == len(chapter["knowledge_points"])


@pytest.mark.parametrize(("key", "question"), list(_questions()))
def test_question_is_well_formed(key, question):
    assert set(question) == FIELDS
    letters = string.ascii_uppercase[: len(question["options"])]
    if question["type"] == "single":
        assert len(question["options"]) == 4
        assert len(question["answer"]) == 1
    else:
        assert question["type"] == "multiple"
        assert len(question["options"]) == 5
        assert 2 <= len(question["answer"]) <= 4
    assert set(question["answer"]) <= set(letters)
    assert question["answer"] == sorted(set(question["answer"]))
    assert len(set(question["options"])) == len(question["options"])
    assert all(option.strip() for option in question["options"])
    # Options are stored without their letters; the paper adds them.
    assert not any(option[:2] in {f"{x}." for x in letters} for option in question["options"])
    assert question["stem"].strip()
    assert question["explanation"].strip()
    assert question["basis"].strip()
    assert question["difficulty"] in {1, 2, 3, 4, 5}
    chapters = {chapter["chapter"]: chapter for chapter in SYLLABUS[key]}
    assert question["chapter"] in chapters
    assert question["knowledge_point"] in chapters[question["chapter"]]["knowledge_points"]


@pytest.mark.parametrize("key", list(BANKS))
def test_bank_has_the_counts_of_a_full_paper_and_no_duplicate_stems(key):
    questions = BANKS[key]
    singles = [q for q in questions if q["type"] == "single"]
    multiples = [q for q in questions if q["type"] == "multiple"]
    assert len(singles) >= 70
    assert len(multiples) >= 30
    stems = [q["stem"].strip() for q in questions]
    assert len(set(stems)) == len(stems)


@pytest.mark.parametrize("key", list(BANKS))
def test_every_chapter_of_the_syllabus_has_questions(key):
    covered = {q["chapter"] for q in BANKS[key]}
    assert covered == {chapter["chapter"] for chapter in SYLLABUS[key]}


@pytest.mark.parametrize("key", list(BANKS))
def test_single_choice_keys_are_spread_over_the_letters(key):
    """A bank whose keys cluster on one letter teaches candidates to guess that letter."""
    keys = [q["answer"][0] for q in BANKS[key] if q["type"] == "single"]
    for letter in "ABCD":
        assert 0.15 <= keys.count(letter) / len(keys) <= 0.35, letter
