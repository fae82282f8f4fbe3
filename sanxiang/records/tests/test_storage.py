"""Content-addressed store: names from SHA-256, stored once, read-only, never overwritten."""

import hashlib
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from sanxiang.records import storage


@pytest.fixture
def store(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "local", "ROOT": tmp_path / "records"}
    return storage.get_store()


def staged(content: bytes):
    path = storage.new_staging_file()
    path.write_bytes(content)
    return path, hashlib.sha256(content).hexdigest()


@pytest.mark.req("REC-06")
def test_it_names_content_by_its_sha256(store):
    digest = hashlib.sha256(b"abc").hexdigest()
    assert storage.name_for(digest) == f"sha256/ba/78/{digest}"
    for bad in ["", "ABC", digest.upper(), "../" + digest[3:], digest + "0"]:
        with pytest.raises(ValueError):
            storage.name_for(bad)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


@pytest.mark.req("REC-06")
def test_it_stores_read_only_and_keeps_the_temporary_file(store):
    path, digest = staged(b"evidence bytes")
    name, created = store.publish(path, digest, 14)
    assert created
    final = store.path(name)
    assert final.read_bytes() == b"evidence bytes"
    assert stat.S_IMODE(final.stat().st_mode) == 0o444
    assert path.exists()  # the caller removes it once its transaction committed
    assert list(store.names()) == [name]
    assert store.exists(name) and store.size(name) == 14
    with store.open(name) as stream:
        assert stream.read() == b"evidence bytes"
    leftovers = [p for p in storage.staging_dir().iterdir() if p != path]
    assert leftovers == []


@pytest.mark.req("REC-06")
def test_identical_bytes_are_stored_once_and_never_overwritten(store):
    first, digest = staged(b"same bytes")
    name, created = store.publish(first, digest, 10)
    inode = store.path(name).stat().st_ino
    second, _ = staged(b"same bytes")
    assert store.publish(second, digest, 10) == (name, False)
    assert store.path(name).stat().st_ino == inode
    assert len(list(store.names())) == 1


@pytest.mark.req("REC-06")
def test_a_stored_file_of_another_size_is_reported_not_replaced(store):
    path, digest = staged(b"original")
    name, _ = store.publish(path, digest, 8)
    other, _ = staged(b"original plus more")
    with pytest.raises(storage.StorageError, match="damaged"):
        store.publish(other, digest, 18)
    assert store.path(name).read_bytes() == b"original"


@pytest.mark.req("REC-06")
def test_a_temporary_file_of_the_wrong_size_is_refused(store):
    path, digest = staged(b"twelve bytes")
    with pytest.raises(storage.StorageError):
        store.publish(path, digest, 13)
    assert list(store.names()) == []


@pytest.mark.req("REC-06")
def test_removal_for_retention_is_the_only_deletion(store):
    path, digest = staged(b"routine footage")
    name, _ = store.publish(path, digest, 15)
    assert store.remove_for_retention(digest) is True
    assert not store.exists(name)
    assert store.remove_for_retention(digest) is False


@pytest.mark.req("REC-06")
def test_an_unknown_backend_is_a_configuration_error(settings, tmp_path):
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "ftp", "ROOT": tmp_path}
    with pytest.raises(ImproperlyConfigured, match="local 或 s3"):
        storage.get_store()


@pytest.mark.req("REC-06")
def test_s3_needs_a_bucket(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("SANXIANG_RECORDS_S3_BUCKET", raising=False)
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "s3", "ROOT": tmp_path, "S3": {}}
    with pytest.raises(ImproperlyConfigured, match="SANXIANG_RECORDS_S3_BUCKET"):
        storage.get_store()


@pytest.mark.req("REC-06")
@pytest.mark.parametrize("days", ["0", "-5", "ten"])
def test_s3_needs_a_positive_retention(settings, tmp_path, days):
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "s3", "ROOT": tmp_path,
                        "S3": {"BUCKET": "evidence", "RETAIN_DAYS": days}}
    with pytest.raises(ImproperlyConfigured, match="RETAIN_DAYS"):
        storage.get_store()


@pytest.mark.req("REC-06")
def test_s3_without_the_optional_extra_says_what_to_install(settings, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "storages", None)  # as when django-storages is not installed
    monkeypatch.setitem(sys.modules, "storages.backends", None)
    monkeypatch.setitem(sys.modules, "storages.backends.s3", None)
    monkeypatch.setenv("SANXIANG_RECORDS_S3_BUCKET", "evidence")
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "s3", "ROOT": tmp_path, "S3": {}}
    with pytest.raises(ImproperlyConfigured, match=r"sanxiang\[s3\]"):
        storage.get_store()


@pytest.mark.req("REC-06")
def test_partial_uploads_live_beside_the_store(store, settings):
    directory = storage.session_dir("0b0f3a4e-1c47-4f0e-9a55-2f8d2b0c1d11")
    assert directory.parent == settings.RECORDS["ROOT"] / "uploads"
    with pytest.raises(ValueError):
        storage.session_dir("../../etc")
    assert os.path.commonpath([directory, settings.RECORDS["ROOT"]]) == str(settings.RECORDS["ROOT"])
