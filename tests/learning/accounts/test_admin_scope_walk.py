"""Every admin URL walked as a street organiser: nothing of another street is shown or changed.

The URL list comes from the URL configuration itself, so a screen added later is walked too.
List pages must not show another street's records; pages that take an object id are given
the ids of another street's objects and must refuse them (403/404), for GET and for POST.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from courses.models import Enrolment
from learning.accounts import roles
from learning.accounts.organisations import get_or_create_path
from learning.models import (
    LearnerProfile,
    LedgerEntry,
    Organiser,
    SmsMessage,
    SmsOptOut,
    User,
)
from learning.points.ledger import award
from tests.exams.mock_helpers import choice_question, fixed_paper

#: In every name of the other street's records; must never appear on a scoped page.
MARK = "望江"


def admin_patterns():
    """(route, callback) of every URL under /admin/, params left as <converter:name>."""

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route, entry.callback

    return [(r, cb) for r, cb in walk(get_resolver().url_patterns, "/") if r.startswith("/admin/")]


@pytest.fixture
def world(db, community, make_learner, make_course, make_session, reminder_rule):
    other, _ = get_or_create_path("清河县", "望江街道", "望江社区")
    outsider = make_learner(name="望江学员", organisation=other)
    award(learner=outsider, action="course_completed", key="course:outsider")
    course = make_course("社区走访课程", lessons=1)
    enrolment = Enrolment.objects.create(learner=outsider, course=course)
    message = SmsMessage.objects.create(
        phone=outsider.phone,
        learner=outsider,
        text="望江提醒",
        key="walk:1",
        send_date=timezone.localdate(),
    )
    opt_out = SmsOptOut.objects.create(phone=outsider.phone)
    rule = reminder_rule("inactive", organisations=[other], name="望江提醒规则")
    paper = fixed_paper([choice_question(stem="社会工作的首要使命是什么？")], title="望江试卷")
    paper.target_organisations.set([other])
    paper.save()
    session = make_session(title="望江培训")
    session.target_organisations.set([other])
    objects = {
        "learningorganisation": other,
        "learninglearnerprofile": LearnerProfile.objects.get(user=outsider),
        "learningledgerentry": LedgerEntry.objects.get(learner=outsider),
        "learningsmsmessage": message,
        "learningsmsoptout": opt_out,
        "coursesenrolment": enrolment,
        "learningreminderrule": rule,
        "examspaper": paper,
        "lecturerstrainingsession": session,
    }
    by_param = {"user_id": outsider.pk, "session_id": session.pk, "paper_id": paper.pk}
    return objects, by_param


@pytest.fixture
def organiser(db, community):
    user = User.objects.create_user(phone="13800000012", name="王建国", password="pw")
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user, organisation=community.get_parent())
    return user


#: Wagtail's own: log-out, its deliberate 500 page, and editing sessions (ids of their own).
SKIPPED = ("/admin/logout/", "/admin/failwhale/", "/admin/editing-sessions/")

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def concrete(route: str, callback, objects, by_param) -> str | None:
    """The route with another street's object ids, or None when it takes other params."""
    params = PARAM.findall(route)
    if not params:
        return route
    if len(params) != 1:
        return None
    _converter, name = params[0]
    if name in by_param:
        value = by_param[name]
    elif name in ("pk", "id", "object_id"):
        model = getattr(callback, "view_initkwargs", {}).get("model")
        if model is None:
            return None
        if isinstance(model, str):
            model = apps.get_model(model)
        target = objects.get(f"{model._meta.app_label}{model._meta.model_name}")
        if target is None:
            return None
        value = target.pk
    else:
        return None
    return PARAM.sub(str(value), route).replace("^", "").replace("$", "")


def test_a_street_organiser_sees_and_changes_nothing_of_another_street(client, world, organiser):
    objects, by_param = world
    client.force_login(organiser)
    walked, refused = 0, 0
    for route, callback in admin_patterns():
        url = concrete(route, callback, objects, by_param)
        if url is None or url.startswith(SKIPPED):
            continue
        response = client.get(url)
        walked += 1
        assert response.status_code < 500, url
        if PARAM.search(route):
            assert response.status_code in (302, 403, 404, 405), url
            if response.status_code == 302:
                assert "/login/" in response["Location"] or "/admin/" == response["Location"], url
            posted = client.post(url, {})
            assert posted.status_code in (302, 403, 404, 405), url
            refused += 1
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            assert MARK not in response.content.decode(), url
    assert walked > 50 and refused >= 9
    # Nothing was deleted or changed by the POSTs.
    for obj in objects.values():
        assert type(obj)._default_manager.filter(pk=obj.pk).exists()
    assert objects["learningorganisation"].name == "望江社区"
