"""Benchmark: ingesting a large file through the tus HTTP API on local storage (issue 3).

    .venv/bin/python benchmarks/ingest.py                 # 1 GiB timed, 4 GiB for peak memory
    .venv/bin/python benchmarks/ingest.py --size-mib 256 --rss-size-mib 512   # a quick run

In a scratch var directory (SQLite, files on the same disk) it starts the real server
(``sanxiang serve`` on a free port), signs in an officer with an API token, and then:

1. baseline — reads the generated file and computes SHA-256 and SM3 over it in one process
   (what storing it cannot avoid);
2. upload — sends the same file through the tus endpoints (POST, then PATCH in chunks of
   ``--chunk-mib``) with ``http.client`` from the standard library, until the server answers
   with the new evidence record; total wall time, including the server's storing and logging;
3. memory — uploads a second, larger file and reads the server process's peak resident set
   (``VmHWM`` in ``/proc/<pid>/status``).

Targets (issue 3): upload time ≤ 1.5 × baseline; peak server memory ≤ 200 MB for 4 GiB.
"""

import argparse
import base64
import hashlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SANXIANG = ROOT / ".venv" / "bin" / "sanxiang"
PYTHON = ROOT / ".venv" / "bin" / "python"
MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"

SETUP = """
from rest_framework.authtoken.models import Token
from sanxiang.org.testing import make_cast
cast = make_cast()
print(Token.objects.create(user=cast.officer_a).key)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(path: Path, size: int) -> None:
    """An MP4 head followed by random bytes (incompressible; random blocks repeated to save time)."""
    block = os.urandom(16 * MIB)
    with open(path, "wb") as out:
        out.write(MP4_HEAD)
        remaining = size - len(MP4_HEAD)
        counter = 0
        while remaining > 0:
            piece = counter.to_bytes(8, "big") + block[8:]  # every block differs
            out.write(piece[:remaining])
            remaining -= min(len(piece), remaining)
            counter += 1


def baseline(path: Path) -> tuple[float, str, str]:
    started = time.perf_counter()
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    with open(path, "rb") as stream:
        while piece := stream.read(MIB):
            sha256.update(piece)
            sm3.update(piece)
    return time.perf_counter() - started, sha256.hexdigest(), sm3.hexdigest()


def upload(port: int, token: str, path: Path, chunk: int, quickack: bool = True) -> tuple[float, str]:
    """Upload ``path``; returns (seconds, evidence id).

    ``quickack``: acknowledge the server's answer at once (Linux ``TCP_QUICKACK``). The embedded server
    (Django's runserver, wsgiref underneath) writes a response's status line and headers in several small
    sends; with Nagle's algorithm on the server and delayed ACKs on the client, each PATCH then waits
    ~40 ms for nothing. Production servers (gunicorn, uWSGI behind nginx) send headers in one write.
    """
    size = path.stat().st_size
    auth = {"Authorization": f"Token {token}", "Tus-Resumable": "1.0.0"}
    metadata = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                        {"title": "基准测试视频", "filename": path.name, "kind": "video"}.items())
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", "/api/v1/records/uploads/", headers={**auth, "Upload-Length": str(size), "Upload-Metadata": metadata})
    response = conn.getresponse()
    response.read()
    if response.status != 201:
        raise SystemExit(f"创建上传失败：HTTP {response.status}")
    location = urlsplit(response.getheader("Location")).path
    offset, evidence = 0, ""
    with open(path, "rb") as stream:
        while offset < size:
            length = min(chunk, size - offset)
            conn.putrequest("PATCH", location)
            for name, value in {**auth, "Upload-Offset": str(offset), "Content-Length": str(length),
                                "Content-Type": "application/offset+octet-stream"}.items():
                conn.putheader(name, value)
            conn.endheaders()
            left = length
            while left:
                piece = stream.read(min(MIB, left))
                conn.send(piece)
                left -= len(piece)
            if quickack:
                conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            response = conn.getresponse()
            body = response.read()
            if response.status != 204:
                raise SystemExit(f"上传失败：HTTP {response.status} {body.decode(errors='replace')}")
            offset = int(response.getheader("Upload-Offset"))
            evidence = response.getheader("X-Evidence-Id") or evidence
    conn.close()
    return time.perf_counter() - started, evidence


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="timed upload (default 1024 = 1 GiB)")
    parser.add_argument("--rss-size-mib", type=int, default=4096, help="upload for peak memory (default 4096 = 4 GiB; 0 skips)")
    parser.add_argument("--chunk-mib", type=int, default=16, help="PATCH size (default 16 MiB)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of baseline + upload (default 2; best of each)")
    parser.add_argument("--no-quickack", action="store_true",
                        help="do not set TCP_QUICKACK on the client (shows the embedded server's ~40 ms per request)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="sanxiang-bench-ingest-", dir=os.environ.get("TMPDIR")))
    env = {**os.environ, "SANXIANG_VAR_DIR": str(scratch / "var"), "SANXIANG_MODE": "demo"}
    env.pop("SANXIANG_DATABASE_URL", None)
    env.pop("SANXIANG_RECORDS_ROOT", None)
    server = None
    try:
        subprocess.run([str(SANXIANG), "migrate", "--verbosity", "0"], env=env, cwd=scratch, check=True)
        token = subprocess.run([str(PYTHON), str(ROOT / "manage.py"), "shell", "--no-imports", "-c", SETUP], env=env, cwd=scratch,
                               check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        port = free_port()
        server = subprocess.Popen([str(SANXIANG), "serve", "--port", str(port)], env=env, cwd=scratch,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("服务器未能启动") from None
                time.sleep(0.2)
        print(f"server pid {server.pid} on port {port}; scratch {scratch}")
        print(f"server memory after start: VmHWM {peak_rss_mb(server.pid):.0f} MB")

        data = scratch / "bench.mp4"
        generate(data, args.size_mib * MIB)
        baseline(data)  # warm the page cache the same way for both measurements
        print(f"\nfile: {args.size_mib} MiB, PATCH chunks of {args.chunk_mib} MiB, {args.repeat} round(s)")
        base_times, up_times = [], []
        for round_number in range(1, args.repeat + 1):
            base_time, sha256, sm3 = baseline(data)
            up_time, evidence = upload(port, token, data, args.chunk_mib * MIB, quickack=not args.no_quickack)
            base_times.append(base_time)
            up_times.append(up_time)
            stored = scratch / "var" / "media" / "records" / "sha256" / sha256[:2] / sha256[2:4] / sha256
            ok = stored.exists() and stored.stat().st_size == data.stat().st_size
            check = subprocess.run(
                [str(PYTHON), str(ROOT / "manage.py"), "shell", "--no-imports", "-c",
                 f"from sanxiang.records.models import EvidenceRecord as E; b=E.objects.get(pk={evidence or 0}).blob; "
                 f"print(b.sha256 == {sha256!r} and b.sm3 == {sm3!r})"],
                env=env, cwd=scratch, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1:]
            print(f"round {round_number}: baseline (read + SHA-256 + SM3, one process) {base_time:6.2f} s "
                  f"({args.size_mib / base_time:5.1f} MiB/s); upload through tus API, stored and logged {up_time:6.2f} s "
                  f"({args.size_mib / up_time:5.1f} MiB/s); ratio {up_time / base_time:.2f}; "
                  f"evidence #{evidence} stored {ok}, digests agree {check == ['True']}")
            if stored.exists():
                stored.chmod(0o644)
                stored.unlink()  # only the benchmark's scratch store: the next round stores it again
        best = min(up_times) / min(base_times)
        print(f"ratio upload / baseline, best of each: {best:.2f}  (target ≤ 1.5)")
        print(f"server peak memory so far: VmHWM {peak_rss_mb(server.pid):.0f} MB")
        data.unlink()

        if args.rss_size_mib:
            big = scratch / "big.mp4"
            generate(big, args.rss_size_mib * MIB)
            big_time, big_evidence = upload(port, token, big, args.chunk_mib * MIB, quickack=not args.no_quickack)
            print(f"\nupload of {args.rss_size_mib} MiB: {big_time:.1f} s ({args.rss_size_mib / big_time:.0f} MiB/s), "
                  f"evidence #{big_evidence}")
            print(f"server peak memory (VmHWM): {peak_rss_mb(server.pid):.0f} MB  (target ≤ 200 MB)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
