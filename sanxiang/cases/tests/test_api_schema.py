"""The OpenAPI schema (/api/schema/) describes every case endpoint, and builds without warnings for them."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from sanxiang.cases.api import errors, serializers, views

PATHS = {
    "/api/v1/cases/": {"get", "post"},
    "/api/v1/cases/{id}/": {"get"},
    "/api/v1/cases/{id}/timeline/": {"get"},
    "/api/v1/cases/{id}/steps/": {"post"},
    "/api/v1/cases/{id}/steps/{target}/form/": {"get"},
    **{f"/api/v1/cases/{{id}}/actions/{name}/": {"post"}
       for name in ("extend", "pause", "resume", "note", "correct", "officers")},
}


@pytest.fixture(scope="module")
def generated():
    """The whole project's schema (built once: it takes a while) and the warnings and errors of building it."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema, [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]


def test_the_schema_describes_every_case_endpoint_without_warnings(generated):
    schema, messages = generated
    # drf-spectacular names the source file and the view or serializer in each message; enum-name collisions name the
    # field (our "status").
    ours = [name for module in (views, serializers, errors) for name, value in vars(module).items()
            if isinstance(value, type) and value.__module__ == module.__name__]
    problems = [m for m in messages if "cases/api" in m or "status" in m.lower() or any(name in m for name in ours)]
    assert problems == []
    validate_schema(schema)
    ours = {path: set(ops) & {"get", "post"} for path, ops in schema["paths"].items() if path.startswith("/api/v1/cases/")}
    assert ours == PATHS
    for path, methods in PATHS.items():
        for method in methods:
            operation = schema["paths"][path][method]
            assert operation["summary"], (path, method)
            assert "200" in operation["responses"] or "201" in operation["responses"]
            assert "404" in operation["responses"] or path == "/api/v1/cases/"
            if method == "post":
                assert "422" in operation["responses"] and "400" in operation["responses"]
                assert operation["requestBody"]["content"]["application/json"]


def test_the_list_is_described_as_a_cursor_page_with_its_filters(generated):
    schema, _ = generated
    operation = schema["paths"]["/api/v1/cases/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names >= {"q", "kind", "status", "department", "mine", "deadline", "registered_from", "registered_to", "cursor",
                     "page_size"}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][page["$ref"].rsplit("/", 1)[1]] if "$ref" in page else page
    assert set(page["properties"]) == {"next", "cursor", "results"}


@pytest.mark.django_db
def test_the_schema_is_served(cast):
    client = APIClient()
    client.force_login(cast.officer_a)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/cases/{id}/steps/" in response.content
