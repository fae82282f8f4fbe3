"""File types are recognised from the content against an allow-list, never from the name."""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError

from sanxiang.records import sniff


def ftyp(brand: bytes, compatible: bytes = b"isom") -> bytes:
    return struct.pack(">I", 16 + len(compatible)) + b"ftyp" + brand + b"\x00\x00\x02\x00" + compatible + b"\x00" * 40


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


ALLOWED = [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 60, sniff.JPEG, "photo"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 60, sniff.PNG, "photo"),
    (b"II*\x00\x08\x00\x00\x00" + b"\x00" * 60, sniff.TIFF, "scan"),
    (b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 60, sniff.TIFF, "scan"),
    (ftyp(b"heic", b"mif1heic"), sniff.HEIC, "photo"),
    (ftyp(b"heix"), sniff.HEIC, "photo"),
    (ftyp(b"mif1", b"heic"), sniff.HEIF, "photo"),
    (ftyp(b"isom", b"isomiso2avc1mp41"), sniff.MP4, "video"),
    (ftyp(b"mp42"), sniff.MP4, "video"),
    (ftyp(b"qt  ", b"qt  "), sniff.MOV, "video"),
    (ftyp(b"3gp4", b"isom3gp4"), sniff.THREE_GP, "video"),
    (ftyp(b"M4A ", b"M4A mp42"), sniff.M4A, "audio"),
    (b"RIFF\x24\x00\x00\x00AVI LIST" + b"\x00" * 60, sniff.AVI, "video"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 60, sniff.WAV, "audio"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 60, sniff.MP3, "audio"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 60, sniff.MP3, "audio"),  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz
    (b"\xff\xf3\x48\xc4" + b"\x00" * 60, sniff.MP3, "audio"),  # MPEG-2 Layer III
    (b"#!AMR\n" + b"\x3c" * 60, sniff.AMR, "audio"),
    (b"#!AMR-WB\n" + b"\x04" * 60, sniff.AMR_WB, "audio"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 60, sniff.PDF, "scan"),
]


@pytest.mark.req("REC-07")
@pytest.mark.parametrize("content, media_type, kind", ALLOWED)
def test_it_recognises_allowed_types_by_content(tmp_path, content, media_type, kind):
    path = tmp_path / "whatever.bin"  # the name says nothing
    path.write_bytes(content)
    assert sniff.sniff_file(path) == (media_type, kind)


@pytest.mark.req("REC-07")
def test_it_recognises_docx_by_its_zip_members(tmp_path):
    path = tmp_path / "report.exe"
    path.write_bytes(docx_bytes())
    assert sniff.sniff_file(path) == (sniff.DOCX, "document")


REFUSED = [
    b"",
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60,  # a Windows program
    b"#!/bin/sh\nrm -rf /\n",
    b"<html><script>alert(1)</script></html>",
    b"GIF89a\x01\x00\x01\x00" + b"\x00" * 60,  # an image type not on the list
    b"\x7fELF\x02\x01\x01" + b"\x00" * 60,
    b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 60,  # RIFF, but neither AVI nor WAVE
    ftyp(b"avif", b"avifmif1"),  # ftyp, brand not allowed
    b"\x00\x00\x00\x03ftypisom",  # broken box size
    b"\xff\xf1\x50\x80" + b"\x00" * 60,  # AAC ADTS: frame sync but layer 0, not MP3
    b"\xff\xfb\xf0\x64" + b"\x00" * 60,  # MPEG frame with the forbidden bitrate index 15
    b"\xff\xd8",  # truncated JPEG marker
]


@pytest.mark.req("REC-07")
@pytest.mark.parametrize("content", REFUSED)
def test_it_refuses_other_content_whatever_its_name(tmp_path, content):
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    with pytest.raises(sniff.DisallowedType) as caught:
        sniff.sniff_file(path)
    assert "文件内容不是允许的类型" in caught.value.messages[0]


@pytest.mark.req("REC-07")
def test_it_refuses_a_zip_that_is_not_a_docx(tmp_path):
    path = tmp_path / "contract.docx"
    path.write_bytes(zip_bytes())
    with pytest.raises(sniff.DisallowedType, match="不是 DOCX"):
        sniff.sniff_file(path)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(sniff.DisallowedType):
        sniff.sniff_file(broken)


@pytest.mark.req("REC-07")
def test_declared_kind_must_agree_with_content():
    sniff.check_kind(sniff.PDF, "scan")
    sniff.check_kind(sniff.PDF, "document")
    sniff.check_kind(sniff.JPEG, "scan")
    with pytest.raises(ValidationError) as caught:
        sniff.check_kind(sniff.MP4, "photo")
    assert "与文件内容" in caught.value.message_dict["kind"][0]
    with pytest.raises(ValidationError):
        sniff.check_kind(sniff.WAV, "video")
