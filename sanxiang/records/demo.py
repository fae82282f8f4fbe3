"""Demo records (演示证据): small generated photos, audio and video, devices, rooms, and one archived case.

Media are made with the standard library only, so the demo needs no encoder:

- photos: PNG (RFC 2083 / ISO 15948) — signature, ``IHDR``, one zlib ``IDAT``, ``IEND``; a drawn
  street scene (sky, sun, buildings with windows, road with markings) whose colours and layout
  come from the random generator, so every photo has different bytes;
- audio: WAV (RIFF ``WAVE``, PCM 16-bit mono 8 kHz) through :mod:`wave`: a few seconds of tones;
- video: AVI (RIFF ``AVI ``) with one uncompressed ``DIB `` video stream (24-bit BGR frames),
  an ``idx1`` index and a few seconds at a low frame rate — a real container every player opens.

:func:`load_demo_records` is the loader registered in :mod:`sanxiang.core.demo_registry`.
"""

from __future__ import annotations

import io
import math
import random
import struct
import wave
import zlib
from array import array

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
    position = 0
    while position < total:
        length = min(total - position, int(AUDIO_RATE * rng.uniform(0.25, 0.7)))
        frequency = rng.choice((220.0, 261.6, 293.7, 329.6, 392.0, 440.0, 523.3))
        amplitude = rng.uniform(2000, 6000)
        step = 2 * math.pi * frequency / AUDIO_RATE
        for i in range(length):
            envelope = min(1.0, i / 200, (length - i) / 200)
            samples[position + i] = int(amplitude * envelope * math.sin(step * i)) + rng.randrange(-60, 61)
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
