"""Errors that services raise. Views, the API, the admin and the CLI turn them into clear messages.

- Bad input: Django's ``ValidationError`` (with a message per field where there is a field).
- A legal gate: :class:`RuleViolation`, which names the rule ("LAW-01: …").
- A concurrent change that lost: :class:`Conflict`.
"""

from django.core.exceptions import ValidationError


class RuleViolation(ValidationError):
    """A transition the law forbids. ``str()`` starts with the rule's ID, e.g. ``REV-01: 重大执法决定未经法制审核``."""

    def __init__(self, rule: str, message: str):
        self.rule = rule
        super().__init__(f"{rule}: {message}", code=rule)


class Conflict(Exception):
    """Someone else changed the object first; nothing was changed by this request."""
