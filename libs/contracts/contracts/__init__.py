"""Every message of every topic: frozen pydantic v2 models, one union per topic.

Nothing else is shared between services. Import models from here.
"""

from contracts import topics
from contracts.acw import AfterCallWorkSubmitted
from contracts.base import Event, Message
from contracts.changelog import QueueTask, task_key
from contracts.codec import (
    decode_session_event,
    encode,
    explain,
    topic_json_schemas,
    view_json_schemas,
)
from contracts.deadletter import DeadLetter
from contracts.inbound import (
    Direction,
    Modality,
    SessionAbandoned,
    SessionEnded,
    SessionExpired,
    SessionQueued,
    SessionQueueExited,
    SessionStarted,
    SessionTransferred,
    TaskAccepted,
    TaskCancelled,
    TaskDeclined,
    TaskOffered,
    TaskRescinded,
    TaskRingNoAnswer,
    TransferTarget,
    UserSessionEvent,
)
from contracts.media import (
    ChatReceived,
    CustomParametersUpdated,
    EmailReceived,
)
from contracts.outbound import (
    OutboundDestinationAccepted,
    OutboundDestinationDeclined,
    OutboundDestinationNotReached,
    OutboundDialing,
    OutboundEvent,
    OutboundNotAccepted,
    OutboundRinging,
    OutboundUserAborted,
)
from contracts.parties import Party
from contracts.reporting import Outcome, ServiceSessionRecord, Timers, UserSessionRecord
from contracts.service_settings import (
    Code,
    ContextLink,
    ServiceSettings,
    ServiceSettingsSpec,
    SessionDetailsFields,
    TenantSettings,
    TenantSettingsSpec,
    Widgets,
)
from contracts.transcripts import (
    FinalTranscriptLine,
    LiveCaption,
    Speaker,
    TranscriptFinal,
    TranscriptSegment,
)
from contracts.unions import AfterCallWork, DeadLetterMessage, ReportingRecord, SessionEvent
from contracts.views import (
    CallerView,
    EmailPreview,
    TaskOutcome,
    TaskState,
    TaskTimers,
    TaskView,
    TimerName,
)

__all__ = [
    "AfterCallWork",
    "AfterCallWorkSubmitted",
    "CallerView",
    "ChatReceived",
    "Code",
    "ContextLink",
    "CustomParametersUpdated",
    "DeadLetter",
    "DeadLetterMessage",
    "Direction",
    "EmailPreview",
    "EmailReceived",
    "Event",
    "FinalTranscriptLine",
    "LiveCaption",
    "Message",
    "Modality",
    "OutboundDestinationAccepted",
    "OutboundDestinationDeclined",
    "OutboundDestinationNotReached",
    "OutboundDialing",
    "OutboundEvent",
    "OutboundNotAccepted",
    "OutboundRinging",
    "OutboundUserAborted",
    "Outcome",
    "Party",
    "QueueTask",
    "ReportingRecord",
    "ServiceSessionRecord",
    "ServiceSettings",
    "ServiceSettingsSpec",
    "SessionAbandoned",
    "SessionDetailsFields",
    "SessionEnded",
    "SessionEvent",
    "SessionExpired",
    "SessionQueueExited",
    "SessionQueued",
    "SessionStarted",
    "SessionTransferred",
    "Speaker",
    "TaskAccepted",
    "TaskCancelled",
    "TaskDeclined",
    "TaskOffered",
    "TaskOutcome",
    "TaskRescinded",
    "TaskRingNoAnswer",
    "TaskState",
    "TaskTimers",
    "TaskView",
    "TenantSettings",
    "TenantSettingsSpec",
    "TimerName",
    "Timers",
    "TranscriptFinal",
    "TranscriptSegment",
    "TransferTarget",
    "UserSessionEvent",
    "UserSessionRecord",
    "Widgets",
    "decode_session_event",
    "encode",
    "explain",
    "task_key",
    "topic_json_schemas",
    "topics",
    "view_json_schemas",
]
