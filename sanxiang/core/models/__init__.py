from .audit import AuditEvent
from .calendar import CalendarDay, CalendarYear

__all__ = ["AuditEvent", "CalendarDay", "CalendarYear"]
