"""Documents of a case (执法文书): filled from the case, numbered, stored as DOCX and PDF, verifiable by QR.

(Being written in this issue: see docs/cases.md.) :func:`issue_step_documents` is what the engine
calls after a step is recorded, inside its transaction.
"""

from __future__ import annotations


def issue_step_documents(ctx, record, spec) -> list:
    """Issue the documents ``spec.documents`` names for the recorded step; returns the IssuedDocument rows."""
    return []
