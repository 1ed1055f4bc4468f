"""Pages render with the production static storage: every stylesheet and script a learner page
names is in WhiteNoise's manifest, served under its hashed (cache-forever) name."""

import pytest

from tests.learning.site.test_site import manage_in_production

PAGES = ["/", "/courses/", "/practice/", "/exams/", "/rankings/", "/me/", "/me/points/"]


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    result = manage_in_production(
        "collectstatic", "--noinput", "--verbosity", "0", STATIC_ROOT=str(static_root)
    )
    assert result.returncode == 0, result.stderr
    return static_root


@pytest.fixture
def production_static(settings, collected):
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }


@pytest.mark.parametrize("url", PAGES)
def test_learner_pages_link_hashed_static_files(
    production_static, learner_client, course_index, url
):
    html = learner_client.get(url).content.decode()
    assert "/static/learning/css/site." in html
    assert 'href="/static/learning/css/site.css"' not in html
