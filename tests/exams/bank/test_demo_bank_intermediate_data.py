"""Structural checks of the hand-written 中级 demo bank (exams.bank.demo_bank.intermediate_*).

Why: the bank is data typed by hand; a key that is not among the options, a multi-select with a
single key or a knowledge point the syllabus does not know would reach candidates as a broken
question. These tests read the modules as the loader does and fail on any such slip.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter

import pytest

from exams.exam_spec.syllabus_intermediate import SYLLABUS

SUBJECTS = ["comprehensive", "practice", "regulations"]
LETTERS = "ABCDE"


def _bank(subject):
    return importlib.import_module(f"exams.bank.demo_bank.intermediate_{subject}")


def _normalise(stem):
    return re.sub(r"[\s，。、；：？！“”（）()（）…,.;:?!\"']", "", stem)


@pytest.mark.parametrize("subject", SUBJECTS)
def test_syllabus_weights_and_points(subject):
    chapters = SYLLABUS[("intermediate", subject)]
    assert abs(sum(c["weight"] for c in chapters) - 1) < 1e-9
    assert len({c["chapter"] for c in chapters}) == len(chapters)
    for chapter in chapters:
        assert 3 <= len(chapter["knowledge_points"]) <= 8, chapter["chapter"]
        assert len(set(chapter["knowledge_points"])) == len(chapter["knowledge_points"])


@pytest.mark.parametrize("subject", SUBJECTS)
def test_questions_are_well_formed(subject):
    chapters = {
        c["chapter"]: set(c["knowledge_points"]) for c in SYLLABUS[("intermediate", subject)]
    }
    for number, q in enumerate(_bank(subject).QUESTIONS, 1):
        where = f"{subject} #{number}: {q.get('stem', '')[:30]}"
        assert set(q) == {
            "type",
            "chapter",
            "knowledge_point",
            "stem",
            "options",
            "answer",
            "explanation",
            "basis",
            "difficulty",
        }, where
        assert q["chapter"] in chapters, where
        assert q["knowledge_point"] in chapters[q["chapter"]], where
        assert q["type"] in ("single", "multiple"), where
        options = q["options"]
        assert len(options) == (4 if q["type"] == "single" else 5), where
        assert all(o.strip() for o in options), where
        assert len(set(options)) == len(options), where
        assert not any(re.match(r"^[A-E][.．、 ]", o) for o in options), where
        answer = q["answer"]
        assert answer == sorted(set(answer)), where
        assert set(answer) <= set(LETTERS[: len(options)]), where
        if q["type"] == "single":
            assert len(answer) == 1, where
        else:
            assert 2 <= len(answer) <= 4, where
        assert q["stem"].strip() and q["explanation"].strip() and q["basis"].strip(), where
        assert q["difficulty"] in (1, 2, 3, 4, 5), where


@pytest.mark.parametrize("subject", SUBJECTS)
def test_counts_and_no_duplicate_stems(subject):
    questions = _bank(subject).QUESTIONS
    kinds = Counter(q["type"] for q in questions)
    assert kinds["single"] >= 70
    assert kinds["multiple"] >= 30
    stems = Counter(_normalise(q["stem"]) for q in questions)
    assert [s for s, n in stems.items() if n > 1] == []


@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_chapter_is_covered_and_keys_vary(subject):
    questions = _bank(subject).QUESTIONS
    used = {q["chapter"] for q in questions}
    assert used == {c["chapter"] for c in SYLLABUS[("intermediate", subject)]}
    keys = Counter(q["answer"][0] for q in questions if q["type"] == "single")
    singles = sum(keys.values())
    # No letter carries more than a third of the single-choice keys, and every letter is used.
    assert set(keys) == set("ABCD")
    assert max(keys.values()) <= singles / 3


def test_cases_marking_points_sum_to_scores():
    cases = _bank("practice").CASES
    assert len(cases) >= 6
    for case in cases:
        assert set(case) == {"title", "scenario", "questions", "basis"}
        assert case["title"].strip() and case["scenario"].strip() and case["basis"].strip()
        assert 2 <= len(case["questions"]) <= 3, case["title"]
        for sub in case["questions"]:
            assert set(sub) == {"stem", "score", "marking_points"}
            assert sub["stem"].strip() and sub["marking_points"]
            total = sum(p["score"] for p in sub["marking_points"])
            assert abs(total - sub["score"]) < 1e-9, (case["title"], sub["stem"][:20])
            assert all(p["point"].strip() and p["score"] > 0 for p in sub["marking_points"])


_CITED = re.compile(r"((?:[A-E]、)*[A-E])项(正确|错误|不选|违法|不符合规定|符合题意)")


@pytest.mark.parametrize("subject", SUBJECTS)
def test_explanations_cite_the_key_letters(subject):
    """An explanation that calls a letter right must name a key, and one it calls wrong must not:
    this catches an explanation left behind when options were re-ordered."""
    for number, q in enumerate(_bank(subject).QUESTIONS, 1):
        keys = set(q["answer"])
        for letters, verdict in _CITED.findall(q["explanation"]):
            cited = set(letters.split("、"))
            if verdict in ("错误", "不选"):
                assert not cited & keys, (subject, number, q["stem"][:30])
            else:
                assert cited <= keys, (subject, number, q["stem"][:30])
