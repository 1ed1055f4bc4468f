"""Content-Security-Policy headers and rich-text sanitising (#16.8)."""

from exams.bank.formats import gift
from exams.bank.importing import import_questions
from exams.models import Question
from learning.platform.html_safety import clean_rich_text


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_learner_pages_allow_only_our_own_scripts_and_styles(client, home_page):
    policy = directives(client.get("/"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


def test_the_admin_gets_its_wider_policy_and_the_api_its_own_header(client, db):
    policy = directives(client.get("/admin/login/"))
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json")


def test_imported_stems_lose_scripts_handlers_and_javascript_links(db):
    data = (
        "::x::[html]<p>题干</p><script>alert(1)</script>"
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">链接</a>'
        "{=甲 ~乙 ~丙 ~丁}\n"
    ).encode()
    assert not import_questions(parsed=gift.read(data), bank_name="导入").errors
    stem = Question.objects.get(name="x").stem
    assert "<p>题干</p>" in stem
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in stem


def test_wagtail_rich_text_embeds_and_page_links_survive():
    html = (
        '<p>见<a linktype="page" id="3">课程</a></p>'
        '<embed embedtype="image" format="fullwidth" id="7" alt="图"/>'
    )
    cleaned = clean_rich_text(html)
    assert 'linktype="page"' in cleaned and 'embedtype="image"' in cleaned
    assert 'id="7"' in cleaned
