import importlib

import pytest
from django.urls import clear_url_caches

import learning.urls


def reload_urls() -> None:
    importlib.reload(learning.urls)
    clear_url_caches()


@pytest.fixture
def benchmark_views(settings):
    settings.BENCHMARK_VIEWS = True
    reload_urls()
    yield
    settings.BENCHMARK_VIEWS = False
    reload_urls()


def test_baseline_renders_one_organisation_with_one_query(
    client, community, benchmark_views, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(f"/bench/baseline/?code={community.code}")
    assert response.status_code == 200
    assert community.name in response.content.decode()


def test_baseline_without_a_known_code_still_renders(client, db, benchmark_views):
    assert client.get("/bench/baseline/?code=nope").status_code == 200


def test_baseline_is_not_served_unless_benchmark_views_are_on(client, home_page):
    assert client.get("/bench/baseline/").status_code == 404
