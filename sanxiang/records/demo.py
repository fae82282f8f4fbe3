"""Demo records (演示证据): small generated photos, audio and video, devices, rooms, and one archived case.

Media are made with the standard library only (the generators import nothing else), so the demo needs no encoder:

- photos: PNG (RFC 2083 / ISO 15948) — signature, ``IHDR``, one zlib ``IDAT``, ``IEND``; a drawn
  street scene (sky, sun, buildings with windows, road with markings) whose colours and layout
  come from the random generator, so every photo has different bytes;
- audio: WAV (RIFF ``WAVE``, PCM 16-bit mono 8 kHz) through :mod:`wave`: a few seconds of tones;
- video: AVI (RIFF ``AVI ``) with one uncompressed ``DIB `` video stream (24-bit BGR frames),
  an ``idx1`` index and a few seconds at a low frame rate — a real container every player opens.

:func:`load_demo_records` is the loader registered in :mod:`sanxiang.core.demo_registry`.
"""

from __future__ import annotations

import datetime
import io
import math
import random
import struct
import wave
import zlib
from array import array

from django.contrib.auth import get_user_model
from django.utils import timezone

from sanxiang.core import audit
from sanxiang.core.demo_registry import AUDIT_ACTION as REGISTRY_ACTION
from sanxiang.core.fakeids import make_id_number, make_uscc
from sanxiang.org.demo import COUNTY_CODE
from sanxiang.org.models import Agency, Person, Role
from sanxiang.org.services import SystemActor

from . import access_log, retention
from . import devices as device_services
from .archive import build_archive
from .ingest import ingest_stream
from .models import EvidenceRecord

# --------------------------------------------------------------------------- PNG


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)  # type: ignore[return-value]


def draw_scene(rng: random.Random, width: int, height: int) -> list[bytearray]:
    """Rows of RGB pixels: a street scene drawn from ``rng`` (no text)."""
    horizon = int(height * rng.uniform(0.55, 0.68))
    sky_top = (rng.randrange(60, 120), rng.randrange(120, 180), rng.randrange(200, 250))
    sky_low = (rng.randrange(170, 220), rng.randrange(200, 235), rng.randrange(225, 255))
    ground = (rng.randrange(80, 120), rng.randrange(80, 110), rng.randrange(70, 100))
    rows = []
    for y in range(height):
        if y < horizon:
            t = y / max(horizon - 1, 1)
            colour = tuple(round(a + (b - a) * t) for a, b in zip(sky_top, sky_low, strict=True))
        else:
            colour = _shade(ground, 1.0 - 0.25 * (y - horizon) / max(height - horizon, 1))
        rows.append(bytearray(bytes(colour) * width))

    def fill(x0: int, y0: int, x1: int, y1: int, colour) -> None:
        x0, x1 = max(0, x0), min(width, x1)
        if x1 <= x0:
            return
        span = bytes(colour) * (x1 - x0)
        for y in range(max(0, y0), min(height, y1)):
            rows[y][x0 * 3 : x1 * 3] = span

    # Sun: a disc, one horizontal span per row.
    cx, cy, r = rng.randrange(width // 8, width - width // 8), rng.randrange(height // 10, horizon // 2), height // 12
    for y in range(cy - r, cy + r + 1):
        half = int(math.sqrt(max(r * r - (y - cy) ** 2, 0)))
        fill(cx - half, y, cx + half + 1, y + 1, (250, 230, 140))
    # Buildings along the horizon, with a grid of windows.
    x = rng.randrange(-10, 10)
    while x < width:
        w = rng.randrange(width // 10, width // 4)
        h = rng.randrange(height // 6, int(horizon * 0.85))
        wall = (rng.randrange(120, 220), rng.randrange(110, 200), rng.randrange(100, 190))
        fill(x, horizon - h, x + w, horizon, wall)
        glass = _shade(wall, 0.45)
        for wy in range(horizon - h + 6, horizon - 8, 12):
            for wx in range(x + 5, x + w - 8, 11):
                fill(wx, wy, wx + 6, wy + 7, glass)
        x += w + rng.randrange(2, 12)
    # Road with dashed centre line, and a kerb.
    road_top = horizon + (height - horizon) // 3
    fill(0, horizon, width, horizon + 3, (170, 170, 165))
    fill(0, road_top, width, height, (70, 72, 75))
    line_y = road_top + (height - road_top) // 2
    offset = rng.randrange(0, 30)
    for dash in range(-offset, width, 30):
        fill(dash, line_y - 1, dash + 16, line_y + 2, (235, 235, 225))
    # A vehicle or a stall in the foreground.
    vx = rng.randrange(0, width - width // 4)
    vw, vh = width // 4, (height - horizon) // 3
    body = (rng.randrange(40, 230), rng.randrange(40, 230), rng.randrange(40, 230))
    fill(vx, road_top - vh // 2, vx + vw, road_top + vh // 2, body)
    fill(vx + vw // 5, road_top - vh, vx + vw * 4 // 5, road_top - vh // 2, _shade(body, 0.8))
    for wheel in (vx + vw // 5, vx + vw * 4 // 5):
        fill(wheel - 5, road_top + vh // 2 - 3, wheel + 5, road_top + vh // 2 + 5, (25, 25, 25))
    # Sensor noise: a faint pattern that makes each photo's bytes unique.
    for _ in range(width * height // 200):
        y, xx = rng.randrange(height), rng.randrange(width)
        i = xx * 3
        rows[y][i : i + 3] = bytes(_shade(tuple(rows[y][i : i + 3]), rng.uniform(0.9, 1.1)))
    return rows


def make_png(rng: random.Random, width: int = 320, height: int = 240) -> bytes:
    """A PNG photo (8-bit RGB, no interlace) of a scene drawn from ``rng``."""
    rows = draw_scene(rng, width, height)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 (None) on every scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw, 6))
        + _png_chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------- WAV

AUDIO_RATE = 8000


def make_wav(rng: random.Random, seconds: float = 3.0) -> bytes:
    """A WAV recording (PCM 16-bit mono, 8 kHz): a sequence of soft tones with a little noise."""
    total = int(AUDIO_RATE * seconds)
    samples = array("h", bytes(2 * total))
    noise = [rng.randrange(-60, 61) for _ in range(251)]  # a prime-length table, cycled: cheap hiss
    position = 0
    while position < total:
        length = min(total - position, int(AUDIO_RATE * rng.uniform(0.25, 0.7)))
        frequency = rng.choice((220.0, 261.6, 293.7, 329.6, 392.0, 440.0, 523.3))
        amplitude = rng.uniform(2000, 6000)
        step = 2 * math.pi * frequency / AUDIO_RATE
        for i in range(length):
            envelope = min(1.0, i / 200, (length - i) / 200)
            samples[position + i] = int(amplitude * envelope * math.sin(step * i)) + noise[(position + i) % 251]
        position += length
    if struct.pack("=h", 1) != struct.pack("<h", 1):
        samples.byteswap()  # WAV samples are little-endian
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(AUDIO_RATE)
        writer.writeframes(samples.tobytes())
    return out.getvalue()


# --------------------------------------------------------------------------- AVI

AVIF_HASINDEX = 0x10
AVIIF_KEYFRAME = 0x10


def _riff_chunk(fourcc: bytes, data: bytes) -> bytes:
    return fourcc + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def _riff_list(kind: bytes, fourcc: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body) + 4) + fourcc + body


def _dib_frame(rows: list[bytearray], width: int) -> bytes:
    """Top-down RGB rows → a bottom-up 24-bit BGR DIB, each row padded to 4 bytes."""
    pad = b"\x00" * ((4 - (width * 3) % 4) % 4)
    out = bytearray()
    for row in reversed(rows):
        bgr = bytearray(row)
        bgr[0::3], bgr[2::3] = row[2::3], row[0::3]
        out += bgr + pad
    return bytes(out)


def make_avi(rng: random.Random, width: int = 64, height: int = 48, fps: int = 4, seconds: int = 3) -> bytes:
    """An AVI video: one uncompressed ``DIB `` stream, ``fps`` frames a second, a scene panning slowly."""
    base = draw_scene(rng, width * 2, height)
    frames = []
    count = fps * seconds
    for n in range(count):
        shift = (n * width) // max(count - 1, 1)
        rows = [bytearray(row[shift * 3 : (shift + width) * 3]) for row in base]
        frames.append(_dib_frame(rows, width))
    frame_size = len(frames[0])

    avih = struct.pack(
        "<10I4I", 1_000_000 // fps, frame_size * fps, 0, AVIF_HASINDEX, count, 0, 1, frame_size, width, height,
        0, 0, 0, 0,
    )
    strh = b"vids" + b"DIB " + struct.pack(
        "<IHHIIIIIIIIhhhh", 0, 0, 0, 0, 1, fps, 0, count, frame_size, 0xFFFFFFFF, 0, 0, 0, width, height
    )
    strf = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, frame_size, 2835, 2835, 0, 0)
    strl = _riff_list(b"LIST", b"strl", _riff_chunk(b"strh", strh) + _riff_chunk(b"strf", strf))
    hdrl = _riff_list(b"LIST", b"hdrl", _riff_chunk(b"avih", avih) + strl)

    movi_body = bytearray()
    index = bytearray()
    for frame in frames:
        offset = 4 + len(movi_body)  # idx1 offsets count from the 'movi' fourcc
        movi_body += _riff_chunk(b"00db", frame)
        index += b"00db" + struct.pack("<III", AVIIF_KEYFRAME, offset, len(frame))
    movi = _riff_list(b"LIST", b"movi", bytes(movi_body))
    return _riff_list(b"RIFF", b"AVI ", hdrl + movi + _riff_chunk(b"idx1", bytes(index)))


# --------------------------------------------------------------------------- the demo loader

AUDIT_ACTION = f"{REGISTRY_ACTION}.records"
ROUTINE_PLACES = ("城关镇府前路", "城关镇建设路农贸市场", "滨江东路", "环城北路与交通路交叉口", "城西工业园区")
CASE_PLANS = (
    # (title of the case, kind of party, party name, place)
    ("销售过期食品案", "organisation", "云岫县禾丰食品贸易有限公司", "城关镇建设路农贸市场"),
    ("未取得许可经营案", "individual_business", "云岫县城关镇老林小吃店", "城关镇府前路"),
    ("违法排放案", "organisation", "云岫县青溪纸业有限公司", "城西工业园区"),
    ("占道经营案", "person", "", "环城北路"),
)
DEVICE_MODELS = {"body_camera": "DSJ-V8 执法记录仪", "recorder": "RP-20 录音笔", "fixed": "IR-4 询问室录音录像系统"}
CASE_ITEMS = (
    # (title, kind, generator, needs the inquiry room)
    ("现场检查照片（全景）", "photo", "png", False),
    ("现场检查照片（细节）", "photo", "png", False),
    ("现场执法记录仪视频", "video", "avi", False),
    ("询问笔录同步录音", "audio", "wav", True),
    ("证据物品照片", "photo", "png", False),
)


class _DemoRecords:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.system = SystemActor("system:demo")
        self.now = None
        self.counts = {"devices": 0, "custody_events": 0, "rooms": 0, "evidence": 0, "bytes": 0, "archives": 0,
                       "access_events": 0, "removal_requests": 0}

    # --- helpers -------------------------------------------------------------------------------
    def media(self, generator: str) -> bytes:
        if generator == "png":
            return make_png(self.rng)
        if generator == "wav":
            return make_wav(self.rng, seconds=2.0)
        return make_avi(self.rng, seconds=2)

    def party(self, party_type: str, name: str) -> tuple[str, str]:
        if party_type == "person":
            surname = self.rng.choice("林陈黄张吴王李郑")
            return make_id_number(self.rng, COUNTY_CODE), name or f"{surname}某某"
        if party_type == "individual_business":
            return make_uscc(self.rng, COUNTY_CODE, authority="9", kind="2"), name
        return make_uscc(self.rng, COUNTY_CODE, authority="9", kind="1"), name

    def ingest(self, uploaded_by, agency, content: bytes, metadata: dict):
        record = ingest_stream(self.system, [content], {**metadata, "agency": agency.pk}, uploaded_by=uploaded_by)
        self.counts["evidence"] += 1
        self.counts["bytes"] += len(content)
        return record

    # --- per agency ----------------------------------------------------------------------------
    def run(self) -> None:
        self.now = timezone.now().replace(second=0, microsecond=0)
        User = get_user_model()
        self.superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        agencies = list(Agency.objects.filter(kind=Agency.Kind.ENFORCEMENT).order_by("pk"))
        archived = None
        for index, agency in enumerate(agencies):
            cases = self.agency(agency, index, 2 if index == 0 else 1)
            if index == 0 and cases:
                archived = self.archive_and_access(agency, cases)
        if not agencies:
            return
        # Its own action: the registry's tests count the one ``demo.load`` event of the organisation loader.
        audit.record(
            None, AUDIT_ACTION, object_type="records", object_repr="演示数据：证据与音像记录",
            after={"counts": self.counts, "archived_case": archived or "", "logins": []},
            reason="sanxiang demo：加载演示证据、设备和归档案卷",
        )

    def people(self, agency):
        officers = list(
            Person.objects.filter(agency=agency, is_active=True, roles__role=Role.OFFICER)
            .select_related("user", "department").order_by("pk").distinct()
        )
        admin = Person.objects.filter(agency=agency, roles__role=Role.ADMINISTRATOR, user__isnull=False).first()
        return officers, (admin.user if admin else self.superuser)

    def station_user(self, agency, index: int):
        """The account of the agency's collection station (采集工作站) that uploads footage without a personal login."""
        user = get_user_model()(username=f"station{index + 1:02d}", first_name="采集工作站",
                                last_name=agency.short_name or "", is_active=True)
        user.set_unusable_password()
        user.save()
        return user

    def agency(self, agency, index: int, case_count: int) -> list[str]:
        officers, manager = self.people(agency)
        if len(officers) < 2 or manager is None:
            return []
        td = datetime.timedelta
        prefix = f"YX{index + 1:02d}"
        cameras = []
        for n in range(3):
            cameras.append(device_services.register_device(
                manager, agency=agency, kind="body_camera", serial=f"{prefix}-BC-{n + 1:03d}",
                model_name=DEVICE_MODELS["body_camera"]))
        recorder = device_services.register_device(manager, agency=agency, kind="recorder",
                                                   serial=f"{prefix}-RP-001", model_name=DEVICE_MODELS["recorder"])
        fixed = device_services.register_device(manager, agency=agency, kind="fixed", serial=f"{prefix}-IR-001",
                                                model_name=DEVICE_MODELS["fixed"])
        hearing = device_services.register_device(manager, agency=agency, kind="fixed", serial=f"{prefix}-IR-002",
                                                  model_name=DEVICE_MODELS["fixed"])
        self.counts["devices"] += 6
        inquiry = device_services.create_room(manager, agency=agency, name="询问室（一）", kind="inquiry", device=fixed)
        device_services.create_room(manager, agency=agency, name="听证室", kind="hearing", device=hearing)
        self.counts["rooms"] += 2
        station = None if all(o.user_id for o in officers) else self.station_user(agency, index)

        def uploader(officer):
            return officer.user if officer.user_id else station

        cases = []
        for number in range(case_count):
            plan = CASE_PLANS[(index + number) % len(CASE_PLANS)]
            pair = officers[(2 * number) % len(officers)], officers[(2 * number + 1) % len(officers)]
            camera = cameras[number % len(cameras)]
            start = self.now - td(days=20 - 6 * number, hours=self.rng.randrange(0, 3))
            start = start.replace(hour=9, minute=self.rng.randrange(0, 50))
            issued = start - td(minutes=40)
            device_services.issue_device(manager, camera, pair[0], at=issued, note="现场检查领用")
            device_services.return_device(manager, camera, at=start + td(hours=6), note="执法结束归还")
            self.counts["custody_events"] += 2
            case_ref = f"{agency.short_name}罚〔{start.year}〕{11 + 7 * index + number}号"
            party_id, party_name = self.party(plan[1], plan[2])
            moment = start
            items = CASE_ITEMS if index == 0 else CASE_ITEMS[1:4]  # the first agency's cases are the fullest
            for title, kind, generator, in_room in items:
                content = self.media(generator)
                length = td(seconds=2 if generator != "png" else 0)
                metadata = {
                    "title": title, "kind": kind, "case_ref": case_ref, "step_ref": "调查取证",
                    "activity": "inquiry" if in_room else "on_site_inspection",
                    "target_type": plan[1], "target_id": party_id, "target_name": party_name,
                    "officers": [pair[0].pk, pair[1].pk],
                    "device": (fixed if in_room else recorder if kind == "audio" else camera).pk,
                    "room": inquiry.pk if in_room else None,
                    "captured_from": moment.isoformat(), "captured_to": (moment + length).isoformat(),
                    "place": inquiry.name if in_room else f"云岫县{plan[3]}",
                    "original_name": f"{title}.{generator}",
                }
                self.ingest(uploader(pair[0]), agency, content, metadata)
                moment += td(minutes=self.rng.randrange(3, 25)) if not in_room else td(days=2)
            cases.append(case_ref)
        # Routine patrol footage not linked to a case: some recent, one older than the retention period.
        for n, days_ago in enumerate((3, 11, 240) if index == 0 else (240,)):
            officer = officers[(n + 2) % len(officers)]
            camera = cameras[(n + 1) % len(cameras)]
            start = (self.now - td(days=days_ago)).replace(hour=15, minute=10 + n)
            self.ingest(uploader(officer), agency, self.media("avi"), {
                "title": "日常巡查执法记录仪视频", "kind": "video", "activity": "patrol",
                "officers": [officer.pk], "device": camera.pk,
                "captured_from": start.isoformat(), "captured_to": (start + td(seconds=2)).isoformat(),
                "place": f"云岫县{ROUTINE_PLACES[(index + n) % len(ROUTINE_PLACES)]}",
                "original_name": f"patrol-{n + 1}.avi",
            })
        # One camera is out on patrol now.
        device_services.issue_device(manager, cameras[2], officers[-1], at=self.now - td(hours=2), note="日常巡查领用")
        self.counts["custody_events"] += 1
        return cases

    def archive_and_access(self, agency, cases: list[str]) -> str:
        """Archive the first case (by the agency's leader), then log a few views by people who may see them."""
        leader = Person.objects.filter(agency=agency, roles__role=Role.LEADER, user__isnull=False).first()
        if leader is None:
            return ""
        build_archive(leader.user, cases[0])
        self.counts["archives"] += 1
        head = Person.objects.filter(agency=agency, roles__role=Role.DEPARTMENT_HEAD, user__isnull=False).first()
        for user, case_ref, purpose in ((leader.user, cases[0], "案卷评查"),
                                        (head.user if head else leader.user, cases[-1], "办案复核")):
            for record in EvidenceRecord.objects.filter(case_ref=case_ref).order_by("pk")[:2]:
                if EvidenceRecord.objects.restrict(user, "view").filter(pk=record.pk).exists():
                    access_log.open_record(user, record, action="view", purpose=purpose)
                    self.counts["access_events"] += 1
        old = EvidenceRecord.objects.filter(agency=agency, case_ref="", activity="patrol").order_by(
            "captured_to").first()
        if old is not None:
            retention.request_removal(leader.user, old, "日常巡查录像，未发现违法行为，保存期限已届满，申请删除")
            self.counts["removal_requests"] += 1
        return cases[0]


def load_demo_records(rng: random.Random) -> list:
    """Demo loader (see :mod:`sanxiang.core.demo_registry`): devices, rooms, evidence, one archived case.

    Ends with a signed checkpoint over everything it recorded, as the scheduled `checkpoint make` would.
    """
    from .checkpoints import make_checkpoint

    _DemoRecords(rng).run()
    make_checkpoint()
    return []
