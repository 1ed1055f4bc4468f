"""axe-core (from the npm registry, tests/e2e/package.json) on the learner pages: no serious or
critical violation, signed in, at phone and desktop sizes.

The script is injected by the test; the page's own Content-Security-Policy would refuse an
injected script, so this context alone bypasses it (the CSP has its own browser tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from wagtail.rich_text import RichText

from courses.models import LessonPage
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.steps import log_in

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/courses/", "{lesson}", "/practice/", "/exams/", "/me/", "/rankings/", "/me/points/"]


@pytest.fixture
def lesson(make_course, make_question):
    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    lesson.body = [
        ("rich_text", RichText("<p>邻里噪音是最常见的投诉之一。</p>")),
        (
            "drill",
            {
                "title": "深夜噪音投诉",
                "scenario": "晚上十点半，居民来电投诉楼上噪音。",
                "steps": [
                    {
                        "situation": "你首先怎么回应？",
                        "choices": [
                            {"text": "先稳住情绪", "feedback": "先处理情绪。", "recommended": True},
                            {"text": "让他找物业", "feedback": "推诿。", "recommended": False},
                        ],
                    }
                ],
                "debrief": "",
            },
        ),
        ("knowledge_check", {"title": "随堂测验", "questions": [make_question("single")]}),
    ]
    lesson.save_revision().publish()
    return lesson


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_learner_pages_have_no_serious_accessibility_violation(
    browser, live_server, learner, lesson, size
):
    if not AXE.exists():
        pytest.skip("axe-core not installed: npm install --prefix tests/e2e (make test does)")
    context = browser.new_context(
        viewport=VIEWPORTS[size], locale="zh-CN", base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    log_in(page, learner)
    found = {}
    for path in PAGES:
        url = lesson.url if path == "{lesson}" else path
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))"""
        )
        if violations:
            found[url] = violations
    context.close()
    assert found == {}
