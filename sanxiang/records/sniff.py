"""File type from the content (magic bytes) against an allow-list — never from the file name.

Allowed: JPEG, PNG, TIFF, HEIC/HEIF (photos, scans); MP4, MOV, 3GP, AVI (video); WAV, MP3, AMR, M4A
(audio); PDF (scans, documents); DOCX (documents). :func:`sniff_file` returns ``(media_type, kind)``
where ``kind`` is the default :class:`EvidenceRecord.Kind`; :data:`KINDS` says which kinds may be
declared for a media type (a PDF may be a scan or a document). Anything else raises
:class:`DisallowedType` with a clear Chinese message.
"""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError

HEAD_BYTES = 64  # enough for every signature below; DOCX additionally needs the whole file (zip directory)

JPEG, PNG, TIFF, HEIC, HEIF = "image/jpeg", "image/png", "image/tiff", "image/heic", "image/heif"
MP4, MOV, THREE_GP, AVI = "video/mp4", "video/quicktime", "video/3gpp", "video/x-msvideo"
WAV, MP3, AMR, AMR_WB, M4A = "audio/wav", "audio/mpeg", "audio/amr", "audio/amr-wb", "audio/mp4"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_CANDIDATE = "application/zip"  # a ZIP head: DOCX only if the whole file says so

# Media type → kinds that may be declared for it; the first is the default.
KINDS: dict[str, tuple[str, ...]] = {
    JPEG: ("photo", "scan"), PNG: ("photo", "scan"), TIFF: ("scan", "photo"),
    HEIC: ("photo",), HEIF: ("photo",),
    MP4: ("video",), MOV: ("video",), THREE_GP: ("video",), AVI: ("video",),
    WAV: ("audio",), MP3: ("audio",), AMR: ("audio",), AMR_WB: ("audio",), M4A: ("audio",),
    PDF: ("scan", "document"), DOCX: ("document",),
}
EXTENSIONS = {
    JPEG: "jpg", PNG: "png", TIFF: "tif", HEIC: "heic", HEIF: "heif", MP4: "mp4", MOV: "mov", THREE_GP: "3gp",
    AVI: "avi", WAV: "wav", MP3: "mp3", AMR: "amr", AMR_WB: "awb", M4A: "m4a", PDF: "pdf", DOCX: "docx",
}
ALLOWED_LABEL = "JPEG、PNG、TIFF、HEIC 图片，MP4、MOV、3GP、AVI 视频，WAV、MP3、AMR、M4A 音频，PDF、DOCX 文档"

HEIF_BRANDS = {b"heic": HEIC, b"heix": HEIC, b"heim": HEIC, b"heis": HEIC, b"mif1": HEIF, b"msf1": HEIF}
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"mmp4", b"MSNV",
              b"XAVC", b"f4v ", b"NDAS"}


class DisallowedType(ValidationError):
    """The content is not of an allowed type (whatever the file's name says)."""

    def __init__(self, detail: str = ""):
        shown = f"（{detail}）" if detail else ""
        message = f"文件内容不是允许的类型{shown}；系统按文件内容识别类型，与文件名无关。允许：{ALLOWED_LABEL}"
        super().__init__(message, code="disallowed_type")


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2/2.5 Layer III frame header (sync word, valid version, bitrate and sample rate)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0b0000, 0b1111) and rate != 0b11


def _ftyp(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[:4], "big")
    if box_size < 16 or box_size % 4:
        return None
    major = head[8:12]
    if major in HEIF_BRANDS:
        return HEIF_BRANDS[major]
    if major == b"qt  ":
        return MOV
    if major.startswith(b"3gp") or major.startswith(b"3g2"):
        return THREE_GP
    if major in (b"M4A ", b"M4B "):
        return M4A
    if major in MP4_BRANDS or major.startswith(b"M4V"):
        return MP4
    return None


def sniff_head(head: bytes) -> str:
    """The media type the first bytes show; ``ZIP_CANDIDATE`` for a ZIP (decided by :func:`sniff_file`)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return TIFF
    ftyp = _ftyp(head)
    if ftyp:
        return ftyp
    if head.startswith(b"RIFF") and len(head) >= 12:
        if head[8:12] == b"AVI ":
            return AVI
        if head[8:12] == b"WAVE":
            return WAV
    if head.startswith(b"ID3") and len(head) >= 10 and head[3] in (2, 3, 4) and head[4] != 0xFF:
        return MP3
    if _mpeg_audio_frame(head):
        return MP3
    if head.startswith(b"#!AMR-WB\n"):
        return AMR_WB
    if head.startswith(b"#!AMR\n"):
        return AMR
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP_CANDIDATE
    if not head:
        raise DisallowedType("空文件")
    raise DisallowedType()


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)


def sniff_file(path: Path | str) -> tuple[str, str]:
    """``(media_type, default kind)`` of the file's content, or :class:`DisallowedType`."""
    path = Path(path)
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
    media_type = sniff_head(head)
    if media_type == ZIP_CANDIDATE:
        if not _is_docx(path):
            raise DisallowedType("ZIP 压缩包，且不是 DOCX 文档")
        media_type = DOCX
    return media_type, KINDS[media_type][0]


def check_kind(media_type: str, kind: str) -> None:
    """The declared kind must agree with the content's type (a video cannot be declared a photo)."""
    allowed = KINDS.get(media_type, ())
    if kind not in allowed:
        from .models import EvidenceRecord

        labels = dict(EvidenceRecord.Kind.choices)
        names = "、".join(str(labels[k]) for k in allowed)
        raise ValidationError(
            {"kind": f"所选类型“{labels.get(kind, kind)}”与文件内容（{media_type}）不符，应为：{names}"}
        )
