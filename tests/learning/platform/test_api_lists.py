"""Every list and every id of the API, walked through its OpenAPI schema, so that a route
added later without the shared pagination (learning.platform.pagination) or the id type (learning.platform.ids)
fails here rather than in production."""

import pytest

from learning.platform.ids import MAX_ID
from learning.platform.pagination import MAX_PAGE_SIZE

PAGE_PARAMETERS = {"page", "page_size"}


@pytest.fixture
def schema(client, db):
    return client.get("/api/v1/openapi.json").json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _list_paths(schema: dict) -> list[str]:
    """GET operations answering ``{"items": [...], "count": N}``."""
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        body = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        answer = _resolve(schema, body.get("schema", {}))
        properties = answer.get("properties", {})
        if properties.get("items", {}).get("type") == "array" and "count" in properties:
            found.append(path)
    return found


def _integers(schema: dict, node: dict, where: str, seen: frozenset = frozenset()):
    """(where, schema) of every integer a request may carry in ``node``."""
    ref = node.get("$ref")
    if ref:
        if ref in seen:
            return
        seen = seen | {ref}
    node = _resolve(schema, node)
    if node.get("type") == "integer":
        yield where, node
    for key in ("anyOf", "oneOf", "allOf"):
        for option in node.get(key, []):
            yield from _integers(schema, option, where, seen)
    for name, child in node.get("properties", {}).items():
        yield from _integers(schema, child, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _integers(schema, node[key], f"{where}[]", seen)


def test_the_walk_finds_the_lists_of_the_contract(schema):
    lists = _list_paths(schema)
    for path in ("/api/v1/points/history", "/api/v1/lecturers", "/api/v1/courses"):
        assert path in lists
    assert "/api/v1/leaderboards" in lists and "/api/v1/practice/due" in lists


def test_every_list_takes_page_and_page_size(schema):
    for path in _list_paths(schema):
        names = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        assert names >= PAGE_PARAMETERS, path


def test_every_list_serves_at_most_100_and_an_empty_page_past_the_end(
    client, learner, token_for, schema
):
    headers = token_for(learner)
    for path in _list_paths(schema):
        huge = client.get(path, {"page": "9223372036854775807"}, **headers)
        assert huge.status_code == 200, (path, huge.content[:200])
        assert huge.json()["items"] == [], path
        for size in ("100000000", "99999999999999999999999"):
            big = client.get(path, {"page_size": size}, **headers)
            assert big.status_code == 200, (path, size, big.content[:200])
            assert len(big.json()["items"]) <= MAX_PAGE_SIZE, path
        assert client.get(path, {"page": "0"}, **headers).status_code == 422, path


def test_every_integer_a_request_carries_is_bounded_like_an_id(schema):
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in PAGE_PARAMETERS:
                    continue
                where = f"{method} {path} {parameter['name']}"
                for name, node in _integers(schema, parameter["schema"], where):
                    if node.get("maximum", float("inf")) > MAX_ID:
                        unbounded.append(name)
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                for name, node in _integers(schema, media["schema"], f"{method} {path} body"):
                    if node.get("maximum", float("inf")) > MAX_ID:
                        unbounded.append(name)
    assert unbounded == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_schemas_of_the_api_share_a_name(schema):
    """The OpenAPI document names each model by its class name: two ``MeOut`` classes in two
    routers made ``/me`` be described by the leaderboard's ``me`` (a wrong contract)."""
    import sys

    from ninja import Router
    from pydantic import BaseModel

    routers = {
        name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in ("learning", "exams", "courses", "lecturers")
        and isinstance(getattr(module, "router", None), Router)
    }
    assert {"learning.site.api", "learning.points.api", "courses.study.api"} <= routers
    components = set(schema["components"]["schemas"])
    by_name = {}
    for model in _subclasses(BaseModel):
        if model.__module__ in routers and model.__name__ in components:
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__name__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}
