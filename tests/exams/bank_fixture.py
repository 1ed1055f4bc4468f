"""Small data banks and syllabi of the demo bank's shape, written as a package in a temporary
folder, for tests that must not depend on the hand-written bank being there."""

from __future__ import annotations

import random
import sys
from pathlib import Path

#: Characters the generated stems and options are drawn from: random text is never a
#: near-duplicate of other random text.
_CHARS = (
    "社区工作者服务对象需求评估介入计划资源链接小组个案家庭老人儿童青少年残疾救助矫正"
    "志愿者邻里调解政策法规权益保障就业医疗教育住房养老照护心理支持网络优势视角增能专业"
)


def _text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(length))


def syllabus_for(keys, chapters: int = 3, points: int = 4) -> dict:
    """A syllabus for ``keys`` ((level, subject) pairs): chapters 第N章 with points N-M."""
    return {
        key: [
            {
                "chapter": f"第{c}章",
                "weight": round(1 / chapters, 6),
                "knowledge_points": [f"知识点{c}-{p}" for p in range(1, points + 1)],
            }
            for c in range(1, chapters + 1)
        ]
        for key in keys
    }


def questions(
    *, singles: int = 70, multiples: int = 30, chapters: int = 3, seed: int = 1
) -> list[dict]:
    """Well-formed questions spread over the chapters of :func:`syllabus_for`."""
    rng = random.Random(seed)
    found = []
    for n in range(singles + multiples):
        multiple = n >= singles
        chapter = n % chapters + 1
        found.append(
            {
                "type": "multiple" if multiple else "single",
                "chapter": f"第{chapter}章",
                "knowledge_point": f"知识点{chapter}-{n % 4 + 1}",
                "stem": f"{_text(rng, 30)}（  ）。",
                "options": [_text(rng, 10) for _ in range(5 if multiple else 4)],
                "answer": ["A", "C", "D"] if multiple else ["ABCD"[n % 4]],
                "explanation": _text(rng, 20),
                "basis": "《社会救助暂行办法》第九条",
                "difficulty": 3,
            }
        )
    return found


def cases(count: int = 6, *, seed: int = 2) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "title": f"案例{n}",
            "scenario": _text(rng, 80),
            "questions": [
                {
                    "stem": _text(rng, 20),
                    "score": score,
                    "marking_points": [
                        {"point": _text(rng, 12), "score": score / 2},
                        {"point": _text(rng, 12), "score": score / 2},
                    ],
                }
                for score in (8, 12)
            ],
            "basis": "社会工作实务（中级）考试大纲",
        }
        for n in range(1, count + 1)
    ]


def write_package(tmp_path: Path, name: str, modules: dict[str, dict]) -> str:
    """A package ``name`` with one module per entry (module name -> its globals), importable
    for the rest of the test; returns the package's dotted name."""
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, values in modules.items():
        body = "".join(f"{key} = {value!r}\n" for key, value in values.items())
        (package / f"{module}.py").write_text(body)
    if str(tmp_path) not in sys.path:
        sys.path.insert(0, str(tmp_path))
    return name


OBJECTIVE_MODULES = (
    "junior_comprehensive",
    "junior_practice",
    "intermediate_comprehensive",
    "intermediate_regulations",
)


def install_demo_bank(monkeypatch, tmp_path, *, chapters: int = 3, name: str = "demo_fixture"):
    """Make ``load_demo`` load a full-size fixture bank (70 single and 30 multiple choice per
    objective subject, six 中级实务 cases) over a fixture syllabus of ``chapters`` chapters,
    whatever the hand-written bank holds at the moment."""
    from exams.bank import demo
    from exams.bank.data_modules import bank_files
    from exams.exam_spec import syllabus as syllabus_module

    keys = [tuple(module.split("_")) for module in OBJECTIVE_MODULES]
    raw = syllabus_for([*keys, ("intermediate", "practice")], chapters=chapters)
    monkeypatch.setattr(syllabus_module, "syllabus", lambda: syllabus_module.parse(raw))
    modules = {
        module: {"QUESTIONS": questions(chapters=chapters, seed=n)}
        for n, module in enumerate(OBJECTIVE_MODULES)
    }
    modules["intermediate_practice"] = {"CASES": cases()}
    package = write_package(tmp_path, name, modules)
    monkeypatch.setattr(demo, "bank_files", lambda: bank_files(package))
