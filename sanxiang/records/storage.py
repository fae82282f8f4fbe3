"""Content-addressed storage of evidence files (内容寻址存储, REC-06, REC-07).

A file is stored under its SHA-256 as ``sha256/ab/cd/<sha256>`` (the first two byte pairs fan the
names out over directories). Identical bytes are stored once. The application never overwrites or
deletes a stored file; the single exception is :meth:`ContentStore.remove_for_retention`, which the
retention service calls after a removal was approved by two people (it leaves a tombstone in the
log; nothing else may call it).

Back-ends, chosen by ``settings.RECORDS["STORAGE"]``:

- ``"local"`` (default): files under ``settings.RECORDS["ROOT"]``. A file is first written (or
  uploaded) to a temporary file in ``ROOT/uploads/`` — the same filesystem — then made read-only
  (0o444) and published under its final name with ``os.link``, which, unlike ``os.replace``, never
  replaces a name that already exists: two uploads of the same bytes racing each other cannot
  overwrite each other's file. Where the filesystem has no hard links, ``os.replace`` is used after
  checking that the name is free. If the final name exists already, its size is checked and the
  existing file is kept.
- ``"s3"``: S3-compatible object storage through django-storages (``pip install sanxiang[s3]``);
  every object is written with an object-lock retention (``COMPLIANCE`` mode) so that nobody, the
  bucket owner included, can delete or overwrite it before the retain-until date. Partial uploads
  still live on local disk under ``ROOT/uploads/``. See ``docs/records-storage.md``.

Other parts read through :func:`get_store`: ``open(name)``, ``exists(name)``, ``size(name)``,
``names()`` (every stored name, for ``sanxiang verify``'s "untracked" check).
"""

import contextlib
import datetime
import errno
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")
UPLOADS_DIR = "uploads"
READ_ONLY = 0o444
COPY_PIECE = 1024 * 1024


class StorageError(Exception):
    """The store is inconsistent with what was expected (e.g. an existing file of another size)."""


def name_for(sha256: str) -> str:
    """The storage name of content with this SHA-256 (lower-case hex)."""
    if not SHA256_PATTERN.match(sha256 or ""):
        raise ValueError(f"not a lower-case hex SHA-256: {sha256!r}")
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _records_settings() -> dict:
    return settings.RECORDS


def staging_dir() -> Path:
    """Local directory for partial uploads and files being written (``ROOT/uploads``); same filesystem as the store."""
    path = Path(_records_settings()["ROOT"]) / UPLOADS_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_staging_file(prefix: str = "stream-") -> Path:
    """A fresh, empty temporary file in :func:`staging_dir` (the caller removes it)."""
    descriptor, name = tempfile.mkstemp(prefix=prefix, dir=staging_dir())
    os.close(descriptor)
    return Path(name)


class ContentStore:
    """Common interface of the back-ends."""

    backend = ""

    def publish(self, temp_path: Path, sha256: str, size: int) -> tuple[str, bool]:
        """Store the file at ``temp_path`` (whose digest the caller computed) under its name.

        Returns ``(name, created)``; ``created`` is False when identical bytes were stored before.
        The temporary file is left in place; the caller removes it once its transaction committed.
        """
        raise NotImplementedError

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def exists(self, name: str) -> bool:
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def names(self) -> Iterator[str]:
        raise NotImplementedError

    def remove_for_retention(self, sha256: str) -> bool:
        """Remove stored content at the end of its retention period. Returns whether something was removed.

        The ONLY deletion in the application. Callers: the retention service, after a removal request
        was approved by a second person and inside the transaction that appends the tombstone entry.
        """
        raise NotImplementedError


class LocalContentStore(ContentStore):
    """Files under ``RECORDS["ROOT"]`` on a local (or mounted) filesystem."""

    backend = "local"

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, name: str) -> Path:
        if not re.fullmatch(r"sha256/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}", name or ""):
            raise ValueError(f"not a storage name: {name!r}")
        return self.root / name

    def publish(self, temp_path: Path, sha256: str, size: int) -> tuple[str, bool]:
        name = name_for(sha256)
        final = self.path(name)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            return name, self._keep_existing(final, size)
        actual = os.stat(temp_path).st_size
        if actual != size:
            raise StorageError(f"temporary file has {actual} bytes, expected {size}")
        # A second name for the bytes, read-only; the temporary name is removed by the caller.
        staged = Path(tempfile.mkdtemp(prefix="publish-", dir=staging_dir())) / "content"
        try:
            os.link(temp_path, staged)
        except OSError:
            _copy(temp_path, staged)
        try:
            os.chmod(staged, READ_ONLY)
            try:
                os.link(staged, final)  # never replaces an existing name
            except FileExistsError:
                return name, self._keep_existing(final, size)
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                if final.exists():
                    return name, self._keep_existing(final, size)
                os.replace(staged, final)
            return name, True
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(staged)
            with contextlib.suppress(OSError):
                os.rmdir(staged.parent)

    def _keep_existing(self, final: Path, size: int) -> bool:
        existing = final.stat().st_size
        if existing != size:
            raise StorageError(f"{final.name}: a stored file has {existing} bytes, the new one {size}; the store is damaged")
        return False

    def open(self, name: str) -> BinaryIO:
        return open(self.path(name), "rb")

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def size(self, name: str) -> int:
        return self.path(name).stat().st_size

    def names(self) -> Iterator[str]:
        base = self.root / "sha256"
        if not base.is_dir():
            return
        for first in sorted(base.iterdir()):
            if not first.is_dir():
                yield str(first.relative_to(self.root))
                continue
            for second in sorted(first.iterdir()):
                if not second.is_dir():
                    yield str(second.relative_to(self.root))
                    continue
                for item in sorted(second.iterdir()):
                    yield str(item.relative_to(self.root))

    def remove_for_retention(self, sha256: str) -> bool:
        final = self.path(name_for(sha256))
        try:
            os.unlink(final)  # removing a name needs write access to the directory, not to the file
        except FileNotFoundError:
            return False
        return True


def _copy(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "xb") as dst:
        while piece := src.read(COPY_PIECE):
            dst.write(piece)


class S3ContentStore(ContentStore):
    """S3-compatible object storage (django-storages' ``S3Storage`` over boto3) with object-lock retention.

    Settings (``RECORDS["S3"]``, or environment variables ``SANXIANG_RECORDS_S3_*``):
    ``BUCKET`` (required), ``ENDPOINT_URL`` (for non-AWS services), ``REGION``, ``PREFIX``,
    ``RETAIN_DAYS`` (object-lock retention, default 3650; 0 refused). Credentials come from the usual
    AWS variables (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``) or an instance role — never from
    the settings file.
    """

    backend = "s3"

    def __init__(self, config: dict):
        self.bucket_name = config.get("BUCKET") or ""
        if not self.bucket_name:
            raise ImproperlyConfigured(
                "证据存储配置为 S3（RECORDS_STORAGE=s3），但未配置存储桶：请设置 SANXIANG_RECORDS_S3_BUCKET"
            )
        try:
            self.retain_days = int(config.get("RETAIN_DAYS") or 3650)
        except (TypeError, ValueError) as error:
            raise ImproperlyConfigured("SANXIANG_RECORDS_S3_RETAIN_DAYS 应为正整数（对象锁定保留天数）") from error
        if self.retain_days <= 0:
            raise ImproperlyConfigured("SANXIANG_RECORDS_S3_RETAIN_DAYS 应为正整数（对象锁定保留天数）")
        self.prefix = (config.get("PREFIX") or "").strip("/")
        try:
            from storages.backends.s3 import S3Storage  # optional extra: pip install "sanxiang[s3]"
        except ImportError as error:
            raise ImproperlyConfigured(
                "证据存储配置为 S3，但未安装 django-storages 和 boto3：请安装 sanxiang[s3]（pip install 'sanxiang[s3]'）"
            ) from error
        options = {"bucket_name": self.bucket_name, "file_overwrite": False, "default_acl": None}
        if config.get("ENDPOINT_URL"):
            options["endpoint_url"] = config["ENDPOINT_URL"]
        if config.get("REGION"):
            options["region_name"] = config["REGION"]
        self.storage = S3Storage(**options)

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    @property
    def _client(self):
        return self.storage.connection.meta.client

    def _head(self, name: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self._client.head_object(Bucket=self.bucket_name, Key=self.key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def publish(self, temp_path: Path, sha256: str, size: int) -> tuple[str, bool]:
        import base64

        name = name_for(sha256)
        head = self._head(name)
        if head is not None:
            if head["ContentLength"] != size:
                raise StorageError(f"{name}: stored object has {head['ContentLength']} bytes, the new one {size}")
            return name, False
        retain_until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=self.retain_days)
        extra = {
            "ObjectLockMode": "COMPLIANCE",
            "ObjectLockRetainUntilDate": retain_until,
            "ContentType": "application/octet-stream",
            "Metadata": {"sha256": sha256},
        }
        if size < 5 * 1024**3:
            # Single PUT: the service checks the SHA-256 itself (x-amz-checksum-sha256).
            with open(temp_path, "rb") as body:
                self._client.put_object(
                    Bucket=self.bucket_name, Key=self.key(name), Body=body,
                    ChecksumSHA256=base64.b64encode(bytes.fromhex(sha256)).decode(), **extra,
                )
        else:
            # Multipart: every part carries its own SHA-256 checksum, which object lock requires.
            self._client.upload_file(
                str(temp_path), self.bucket_name, self.key(name), ExtraArgs={**extra, "ChecksumAlgorithm": "SHA256"}
            )
        return name, True

    def open(self, name: str) -> BinaryIO:
        return self._client.get_object(Bucket=self.bucket_name, Key=self.key(name))["Body"]

    def exists(self, name: str) -> bool:
        return self._head(name) is not None

    def size(self, name: str) -> int:
        head = self._head(name)
        if head is None:
            raise FileNotFoundError(name)
        return head["ContentLength"]

    def names(self) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        start = self.key("sha256/")
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=start):
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) + 1:] if self.prefix else item["Key"]

    def remove_for_retention(self, sha256: str) -> bool:
        # Deleting in a versioned bucket adds a delete marker; the locked version stays until its
        # retain-until date, after which the bucket's lifecycle rule expires it (see the docs).
        name = name_for(sha256)
        if self._head(name) is None:
            return False
        self._client.delete_object(Bucket=self.bucket_name, Key=self.key(name))
        return True


def _s3_config() -> dict:
    config = dict(_records_settings().get("S3") or {})
    for key in ("BUCKET", "ENDPOINT_URL", "REGION", "PREFIX", "RETAIN_DAYS"):
        config.setdefault(key, os.environ.get(f"SANXIANG_RECORDS_S3_{key}", ""))
    return config


def get_store() -> ContentStore:
    """The configured store (``RECORDS["STORAGE"]``: ``local`` or ``s3``)."""
    backend = _records_settings().get("STORAGE") or "local"
    if backend == "local":
        return LocalContentStore(_records_settings()["ROOT"])
    if backend == "s3":
        return S3ContentStore(_s3_config())
    raise ImproperlyConfigured(f"未知的证据存储方式 RECORDS_STORAGE={backend!r}：应为 local 或 s3")


def session_dir(session_id: uuid.UUID | str) -> Path:
    """Directory of one resumable upload's partial bytes: ``ROOT/uploads/<session id>``."""
    return staging_dir() / str(uuid.UUID(str(session_id)))
