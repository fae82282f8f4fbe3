"""PDF of a case document (执法文书 PDF 版): the same structure as the DOCX, rendered by WeasyPrint.

The HTML (template ``cases/documents/pdf.html``) is built from :func:`sanxiang.catalog.documents.preview`
with the document's values: agency header, title, number line, sections, the seal and date lines, a
seal notice when the document carries the agency's seal, and the verification QR code (an inline PNG
``data:`` URI) with its address. A4, Noto Serif CJK SC for the text and Noto Sans CJK SC for headings
(``fonts-noto-cjk``). WeasyPrint may fetch nothing but ``data:`` URIs: a document never reaches out.

:func:`pdf_fonts` and :func:`pdf_text_chars` read a produced PDF back (font names, and the characters
its fonts' ToUnicode maps cover) — enough to check that a CJK font was embedded and the text is there,
without a PDF library.
"""

from __future__ import annotations

import datetime
import io
import re
import zlib

from django.template.loader import render_to_string

from sanxiang.catalog import documents as catalog

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"


def qr_png(url: str, *, scale: int = 4) -> bytes:
    """The QR code of ``url`` as PNG bytes (segno; error correction M, quiet zone of 2 modules)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_data_uri(url: str, *, scale: int = 4) -> str:
    import segno

    return segno.make(url, error="m", micro=False).png_data_uri(scale=scale, border=2)


def document_html(code: str, values: dict, *, agency_name: str, number: str, verify_url: str = "",
                  sealed: bool = False, issued_on: datetime.date | None = None) -> str:
    """The document as a self-contained HTML page (what the PDF is printed from)."""
    document = catalog.DOCUMENTS[code]
    values = dict(values)
    if agency_name:
        values.setdefault("agency.name", agency_name)
    structure = catalog.preview(document, values)
    return render_to_string("cases/documents/pdf.html", {
        **structure,
        "number_line": catalog.number_line(document, number),
        "agency_name": agency_name,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url) if verify_url else "",
        "sealed": sealed,
        "issued_on": issued_on,
        "body_font": BODY_FONT,
        "heading_font": HEADING_FONT,
    })


def render_pdf(code: str, values: dict, **kwargs) -> bytes:
    """The document as PDF bytes (see :func:`document_html` for the arguments)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = document_html(code, values, **kwargs)
    return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()


# --- Reading a PDF back (checks) -----------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_FONT_NAME = re.compile(rb"/(?:BaseFont|FontName)\s*/([A-Za-z0-9+\-_#.,]+)")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]")
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def _streams(pdf: bytes):
    yield pdf
    for match in _STREAM.finditer(pdf):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            continue


def pdf_fonts(pdf: bytes) -> set[str]:
    """The font names a PDF declares (subset prefixes removed), e.g. ``{"NotoSerifCJKsc-Regular"}``."""
    names = set()
    for data in _streams(pdf):
        for raw in _FONT_NAME.findall(data):
            name = raw.decode("latin-1")
            names.add(name.split("+", 1)[1] if "+" in name[:8] else name)
    return names


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page's MediaBox (A4 is about 595.3 × 841.9)."""
    sizes = []
    for data in _streams(pdf):
        for match in _MEDIA_BOX.finditer(data):
            sizes.append((float(match.group(1)), float(match.group(2))))
    return sizes


def _utf16(hex_bytes: bytes) -> str:
    return bytes.fromhex(hex_bytes.decode()).decode("utf-16-be", errors="replace")


def pdf_text_chars(pdf: bytes) -> set[str]:
    """Every character the PDF's fonts map glyphs to (ToUnicode CMaps): the characters it can show."""
    chars: set[str] = set()
    for data in _streams(pdf):
        for block in _BFCHAR.findall(data):
            pairs = _HEX.findall(block)
            for target in pairs[1::2]:
                chars.update(_utf16(target))
        for block in _BFRANGE.findall(data):
            items = _HEX.findall(block)
            for low, high, start in zip(items[0::3], items[1::3], items[2::3], strict=False):
                first = int.from_bytes(bytes.fromhex(start.decode()), "big")
                count = int(high, 16) - int(low, 16)
                chars.update(chr(first + i) for i in range(max(0, min(count, 0xFFFF)) + 1) if first + i < 0x110000)
    return chars
