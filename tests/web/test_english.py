"""English is a whole language, not a half-translated one: the catalogue has a translation for
every message, and every learner page switched to English shows no Chinese of its own (the
content editors wrote in Chinese is theirs, and is taken out before looking)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from courses.models import LessonPage
from courses.study.services import enrol
from exams.bank.formats.xlsx import COLUMNS as QUESTION_COLUMNS
from exams.bank.formats.xlsx import TYPE_NAMES as QUESTION_TYPE_NAMES
from exams.models import Attempt, QuestionBank
from learning.accounts.roster import COLUMNS as ROSTER_COLUMNS
from learning.models import Organisation
from learning.points.ledger import award
from learning.sms.replies import OPT_IN_WORDS
from learning.sms.text import OPT_OUT_LINE, SIGNATURE
from tests.chinese import HAN, chinese_in
from tests.exams.mock_helpers import choice_question, fixed_paper

CATALOGUE = Path(__file__).resolve().parents[2] / "learning/locale/en/LC_MESSAGES/django.po"


def catalogue_entries(text: str) -> list[dict[str, str]]:
    """The .po file's entries as {field: text} (msgid, msgstr, msgstr[0], ...) plus "#,"
    flags; enough of the format to check it, without polib."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith('"'):
                entry[field] += ast.literal_eval(line)
            elif not line.startswith("#"):
                field, _space, value = line.partition(" ")
                entry[field] = ast.literal_eval(value)
        entries.append(entry)
    return entries


def test_every_message_has_an_english_translation():
    entries = [e for e in catalogue_entries(CATALOGUE.read_text()) if e.get("msgid")]
    assert len(entries) > 900
    untranslated = [
        e["msgid"]
        for e in entries
        if "fuzzy" in e["flags"]
        or any(value == "" for key, value in e.items() if key.startswith("msgstr"))
    ]
    assert untranslated == []
    still_chinese = [e["msgid"] for e in entries if HAN.search(e.get("msgstr", ""))]
    # Only words the reader must type or find in a file stay Chinese (Excel headings, 订阅).
    assert all(re.search(r"单选|正职|初级|订阅|姓名|题型|正确|对/错", m) for m in still_chinese)


def test_the_catalogue_is_valid_for_msgfmt(tmp_path):
    """msgfmt --check catches a translation that drops or renames a %(placeholder)s."""
    import shutil
    import subprocess

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("no msgfmt: apt-get install gettext")
    subprocess.run(  # noqa: S603 - msgfmt found on PATH, our own file
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)], check=True
    )


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """A string marked for translation after the last makemessages would show Chinese under
    English: extract the messages of a copy of the sources and compare with the catalogue."""
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.skip("no xgettext: apt-get install gettext")
    root = CATALOGUE.parents[4]
    listed = subprocess.run(  # noqa: S603 - git on PATH, our own repository
        ["git", "ls-files", "*.py", "*.html", "*.txt", "*.po"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        if name.startswith(("tests/", "bench/")):
            continue
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / name, tmp_path / name)
    subprocess.run(  # noqa: S603 - this interpreter, the copied manage.py
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-location",
            "--ignore=static",
            "--ignore=media",
            "--verbosity=0",
        ],
        cwd=tmp_path,
        check=True,
    )
    extracted = (tmp_path / CATALOGUE.relative_to(root)).read_text()
    assert _untranslated(extracted) == []


def _untranslated(po_text: str) -> list[str]:
    """The msgids of a .po text whose translation is empty (the header excepted)."""
    missing = []
    for entry in po_text.split("\n\n"):
        lines = [line for line in entry.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        match = re.search(r'^msgid ((?:".*"\n?)+)', text, re.M)
        if match is None or match.group(1).strip() == '""':
            continue  # the header
        translations = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', text, re.M)
        if not translations or any(t.replace('"', "").strip() == "" for t in translations):
            missing.append(match.group(1).strip())
    return missing


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def english_site(make_learner, make_course, make_lecturer, make_session, make_question):
    """Content written in English (titles, questions, names), so any Chinese left on a page
    comes from the site's own words."""
    from learning.accounts.organisations import get_or_create_path

    community, _created = get_or_create_path("Qinghe County", "Chengguan Town", "Xingfuli")
    learner = make_learner(name="Li Xiaomei", organisation=community, exam_level="junior")
    rival = make_learner(name="Wang Fang", organisation=community)
    award(learner=rival, action="course_completed", key="course:rival")
    lecturer = make_lecturer(
        name="Zhou Ming", intro="Mediation in practice", expertise=["Mediation"]
    )
    session = make_session(title="Community governance workshop", venue="Party school hall")
    course = make_course("Visiting residents", lessons=2, lesson_text="Learn residents' needs.")
    enrol(learner=learner, course=course)
    question = make_question(
        "single",
        stem="<p>What is social work's first mission?</p>",
        options=[("Helping people help themselves", True), ("Keeping order", False)],
        explanation="<p>Helping people help themselves.</p>",
        chapter="Values",
    )
    paper = fixed_paper(
        [choice_question(stem="First question", explanation="Because."), question],
        title="Weekend quiz",
    )
    return {
        "learner": learner,
        "lecturer": lecturer,
        "session": session,
        "course": course,
        "lesson": LessonPage.objects.child_of(course).first(),
        "question": question,
        "paper": paper,
    }


def editors_words() -> list[str]:
    """What editors and fixtures wrote in Chinese: the home, course index and lecturer index
    pages the site creates for a new database, the shared fixtures' organisations and
    question banks."""
    from wagtail.models import Page

    words = [
        value
        for page in Page.objects.specific()
        for field in page._meta.concrete_fields
        if isinstance(value := getattr(page, field.attname), str)
    ]
    words += list(Organisation.objects.values_list("name", flat=True))
    words += list(QuestionBank.objects.values_list("name", flat=True))
    words += ["选项A的内容", "选项B的内容", "选项C的内容", "选项D的内容", "社工学堂"]
    return [w for w in words if w]


def chinese_left(html: str, *, also: list[str] = ()) -> list[str]:
    """Han characters and Chinese punctuation in the page, outside editors' words (and
    ``also``, words the page may show in Chinese)."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    html = html.replace("简体中文", "")  # the language switch names each language in itself
    for keyword in OPT_IN_WORDS:  # what to text back is typed as it is, in any language
        html = html.replace(f"“{keyword}”", "")
    for words in sorted([*editors_words(), *also], key=len, reverse=True):
        html = html.replace(words, "")
    return chinese_in(html)


def test_every_learner_page_is_english_when_english_is_chosen(english_client, english_site):
    client, site = english_client, english_site
    client.force_login(site["learner"])
    pages = {
        "home": "/",
        "catalogue": site["course"].get_parent().url,
        "course": site["course"].url,
        "lesson": site["lesson"].url,
        "search": "/search/?q=residents",
        "lecturers": site["lecturer"].get_parent().url,
        "lecturer": site["lecturer"].url,
        "trainings": "/trainings/",
        "practice": "/practice/",
        "chapter": "/practice/chapter/",
        "daily": "/practice/daily/",
        "wrong-book": "/practice/wrong/",
        "favourites": "/practice/favourites/",
        "question": f"/practice/q/{site['question'].pk}/",
        "mock exams": "/exams/",
        "rankings": "/rankings/",
        "rankings near me": "/rankings/?period=all&scope=community",
        "organisations": "/rankings/?tab=organisations",
        "me": "/me/",
        "points": "/me/points/",
        "reminders": "/me/reminders/",
    }
    # Practised before the mock exam starts: while it runs, its questions' keys are withheld.
    answered = client.post(
        f"/practice/q/{site['question'].pk}/", {"answer": "B", "answer_submit": "1"}
    )
    attempt = client.post(f"/exams/papers/{site['paper'].pk}/start/")["Location"]
    pages["mock exam"] = attempt
    found = {name: chinese_left(client.get(url).content.decode()) for name, url in pages.items()}
    assert "added to your wrong-answer book" in answered.text
    found["practice answer"] = chinese_left(answered.content.decode())
    found["wrong-book with an entry"] = chinese_left(client.get("/practice/wrong/").text)
    completed = client.post(f"/learn/lessons/{site['lesson'].pk}/complete/", follow=True)
    assert "Lesson completed: you earned 2 points." in completed.text
    found["lesson completed"] = chinese_left(completed.content.decode())
    client.post(attempt, {"submit": "1"})
    assert Attempt.objects.get().state == "finished"
    found["result and review"] = chinese_left(client.get(attempt).content.decode())
    screen = client.get("/practice/start/chapter/", {"chapter": "Values"}, follow=True)
    found["session question"] = chinese_left(screen.content.decode())
    here = screen.redirect_chain[-1][0]
    found["session feedback"] = chinese_left(
        client.post(here, {"answer": "A"}, follow=True).content.decode()
    )
    summary = here.rsplit("/", 2)[0] + "/summary/"
    found["session summary"] = chinese_left(client.get(summary).content.decode())
    client.logout()  # which forgets every cookie, the language's too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    found["log-in"] = chinese_left(client.get("/accounts/login/").content.decode())
    found["sms log-in"] = chinese_left(client.get("/accounts/login/sms/").content.decode())
    found["password reset"] = chinese_left(client.get("/accounts/password-reset/").text)
    left = {name: words for name, words in found.items() if words}
    assert left == {}, left


def test_the_admin_log_in_labels_the_password_in_each_language(client, home_page):
    """Wagtail's own password field has no label (its template showed "Password" in Chinese)."""
    assert ">\n            密码<" in client.get("/admin/login/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/admin/login/").content.decode()
    assert "Mobile number" in html and ">\n            Password<" in html


#: Words a file or a text message must carry in Chinese: the column headings of the roster and
#: question spreadsheets (the import pages list them), and the SMS signature and opt-out line.
FILE_WORDS = [*ROSTER_COLUMNS, *QUESTION_COLUMNS, *QUESTION_TYPE_NAMES.values(), "默认题库"]
FILE_WORDS += [SIGNATURE, OPT_OUT_LINE]


def test_the_admin_screens_we_add_are_english_when_english_is_chosen(
    english_client, english_site, django_user_model
):
    client, site = english_client, english_site
    admin = django_user_model.objects.create_superuser(
        phone="13800000009", name="Admin", password="x"
    )
    client.force_login(site["learner"])
    attempt = client.post(f"/exams/papers/{site['paper'].pk}/start/")["Location"]
    client.post(attempt, {"submit": "1"})
    client.force_login(admin)
    question, paper, session = site["question"], site["paper"], site["session"]
    pages = [
        "/admin/",
        "/admin/reports/",
        "/admin/reports/candidates/",
        f"/admin/reports/learners/{site['learner'].pk}/",
        "/admin/courses/enrol-organisation/",
        "/admin/course_enrolments/",
        "/admin/learners/",
        "/admin/ledger/",
        "/admin/organisations/",
        "/admin/point_rules/",
        "/admin/points/adjust/",
        "/admin/questions/",
        "/admin/questions/new/",
        f"/admin/questions/edit/{question.pk}/",
        f"/admin/questions/{question.pk}/preview/",
        "/admin/questions/export/",
        "/admin/questions/import/",
        "/admin/question_banks/",
        "/admin/papers/",
        "/admin/papers/new/",
        f"/admin/papers/{paper.pk}/statistics/",
        "/admin/marking/",
        "/admin/reminder_rules/",
        "/admin/reminders/report/",
        "/admin/roster/import/",
        "/admin/sms_messages/",
        "/admin/trainings/",
        "/admin/trainings/new/",
        f"/admin/trainings/{session.pk}/roster/",
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = chinese_left(response.content.decode(), also=FILE_WORDS)
    left = {url: words for url, words in found.items() if words}
    assert left == {}, left


def test_the_chinese_admin_dashboard_has_no_english_left_by_wagtail(
    client, home_page, django_user_model
):
    """Wagtail 8's zh_Hans catalogue lacks some dashboard texts; ours supplies them."""
    admin = django_user_model.objects.create_superuser(
        phone="13800000009", name="管理员", password="x"
    )
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "Search all pages" not in html and "搜索全部页面" in html
    assert re.search(r"\d+ 个页面", html) and "Pages" not in html
