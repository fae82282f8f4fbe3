"""The list kinds (清单类别): one module per kind, each with a :class:`KindSpec` that checks its content.

``KINDS[kind].clean(content, agency=agency)`` returns the normalised content or raises
``ValidationError`` whose messages name the field in Chinese. ``title``, ``category`` and
``search_text`` derive what ``Version`` repeats from the content; ``columns`` are the flat
spreadsheet columns (see :class:`KindSpec`).
"""

from . import av_list, guide, inspection_item, inspection_plan, item, review_catalog, template
from .basis import basis_to_text, parse_basis_text, parse_chinese_number, parse_citation
from .spec import KindSpec

KINDS: dict[str, KindSpec] = {
    module.SPEC.kind: module.SPEC
    for module in (item, inspection_item, inspection_plan, guide, template, review_catalog, av_list)
}

# Kinds of which an agency has exactly one entry, with this code.
FIXED_CODES: dict[str, str] = {k: s.fixed_code for k, s in KINDS.items() if s.fixed_code}

__all__ = ["FIXED_CODES", "KINDS", "KindSpec", "basis_to_text", "parse_basis_text", "parse_chinese_number",
           "parse_citation"]
