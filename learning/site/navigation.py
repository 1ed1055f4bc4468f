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


#: The phone's bottom tab bar (首页/课程/练习/考试/我的): five thumbs' reach, as in the
#: exam-prep apps; lecturers, trainings and rankings are reached from 我的 and the home page.
TABS = [
    (_("首页"), "/", (), "home"),
    (_("课程"), "/courses/", ("/courses/", "/search/", "/lecturers/"), "book"),
    (_("练习"), "/practice/", ("/practice/",), "pen"),
    (_("考试"), "/exams/", ("/exams/",), "clock"),
    (_("我的"), "/me/", ("/me/", "/rankings/", "/trainings/"), "user"),
]


def _current(path: str, href: str, prefixes) -> bool:
    return path == href or any(path.startswith(p) for p in prefixes)


def navigation(request) -> dict:
    path = getattr(request, "path", "")
    return {
        "main_navigation": [
            {"label": label, "href": href, "current": _current(path, href, prefixes)}
            for label, href, prefixes in SECTIONS
        ],
        "tab_bar": [
            {"label": label, "href": href, "icon": icon, "current": _current(path, href, prefixes)}
            for label, href, prefixes, icon in TABS
        ],
    }
