import pytest
from django.core.management import call_command


@pytest.mark.req("SYS-02")
def test_the_openapi_schema_builds_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/records/uploads/" in text and "/api/v1/records/proofs/inclusion/" in text


@pytest.mark.req("SYS-02")
def test_the_schema_is_served(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
