"""The evidence upload page in a real browser: the chunked uploader over tus, through a dropped connection."""

import hashlib
import random
import re
import shutil

import pytest

from sanxiang.records import ingest, merkle
from sanxiang.records.models import LogHead


@pytest.fixture
def video(tmp_path):
    """A 20 MiB MP4-looking file: three chunks of the page's 8 MiB."""
    data = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + random.Random(3).randbytes(20 * 1024 * 1024)
    path = tmp_path / "执法记录仪-0001.mp4"
    path.write_bytes(data)
    return path, data


@pytest.fixture
def records(cast, settings, tmp_path):
    """Evidence stored under ``tmp_path/records``; made before Playwright starts (its event loop must not meet the ORM)."""
    settings.RECORDS = {**settings.RECORDS, "STORAGE": "local", "ROOT": tmp_path / "records"}
    ingest.clear_hash_cache()
    # An earlier live-server test's flush empties every table, the log head's seed row included.
    LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "frontier": [], "root": merkle.EMPTY_ROOT})
    return tmp_path / "records"


@pytest.mark.req("REC-07")
def test_an_officer_uploads_a_video_through_a_dropped_connection(live_server, records, video, browser):
    path, data = video
    # The network fails twice: the second chunk never leaves the browser; the answer to the third is lost
    # after the server stored it. The uploader must ask the server (HEAD) and carry on from its offset.
    flaky_network = """
    (() => {
      const realFetch = window.fetch.bind(window);
      const dropped = () => JSON.parse(sessionStorage.getItem("dropped") || "[]");
      window.fetch = async (url, options) => {
        const offset = options && options.headers && options.headers["Upload-Offset"];
        if (options && options.method === "PATCH" && offset !== "0" && !dropped().includes(offset)) {
          sessionStorage.setItem("dropped", JSON.stringify([...dropped(), offset]));
          if (dropped().length === 1) { throw new TypeError("Failed to fetch"); }
          await realFetch(url, options);
          throw new TypeError("network connection lost");
        }
        return realFetch(url, options);
      };
    })();
    """
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.add_init_script(flaky_network)
    page.goto(f"{live_server.url}/login/?next=/records/evidence/upload/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "test-pass-123")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/records/evidence/upload/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_title", "现场检查执法记录仪视频")
    page.select_option("#id_kind", "video")
    page.click("#upload-submit")
    page.wait_for_url(re.compile(r".*/records/evidence/\d+/$"), timeout=60_000)
    text = page.inner_text("main")
    dropped = page.evaluate("JSON.parse(sessionStorage.getItem('dropped') || '[]')")
    context.close()
    assert dropped == [str(8 * 1024 * 1024), str(16 * 1024 * 1024)]
    assert hashlib.sha256(data).hexdigest() in text
    assert hashlib.new("sm3", data).hexdigest() in text
    assert "执法记录仪-0001.mp4" in text
    shutil.rmtree(records, ignore_errors=True)
