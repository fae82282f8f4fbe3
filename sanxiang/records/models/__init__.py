from .access_log import AccessEvent
from .archive import CaseArchive
from .devices import CustodyEvent, Device, Room
from .files import Blob, EvidenceRecord
from .log import Checkpoint, LogEntry, LogHead, TreeNode
from .party import PartyAccessCode
from .retention import RemovalRequest, RetentionCategory
from .rules import AVRule
from .upload import UploadSession

__all__ = [
    "AVRule", "AccessEvent", "Blob", "CaseArchive", "Checkpoint", "CustodyEvent", "Device", "EvidenceRecord",
    "LogEntry", "LogHead", "PartyAccessCode", "RemovalRequest", "RetentionCategory", "Room", "TreeNode", "UploadSession",
]
