"""The site's main navigation, as a context processor so every page marks where the learner is.

The core may not import the apps above it, so their sections are named by path here, as the
root URLconf names them by dotted string.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: (label, link, path prefixes that belong to the section)
SECTIONS = [
    (_("首页"), "/", ()),
    (_("课程"), "/courses/", ("/courses/", "/search/")),
    (_("练习"), "/practice/", ("/practice/",)),
    (_("模拟考试"), "/exams/", ("/exams/",)),
    (_("讲师·培训"), "/lecturers/", ("/lecturers/", "/trainings/")),
    (_("积分排名"), "/rankings/", ("/rankings/",)),
    (_("我的"), "/me/", ("/me/",)),
]


def navigation(request) -> dict:
    path = getattr(request, "path", "")
    return {
        "main_navigation": [
            {
                "label": label,
                "href": href,
                "current": path == href or any(path.startswith(p) for p in prefixes),
            }
            for label, href, prefixes in SECTIONS
        ]
    }
