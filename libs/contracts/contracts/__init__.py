"""Every message of every topic: frozen pydantic v2 models, one union per topic; the
task view; and the pure rules two services must read alike (``task_rules``, standard
library only). Import models from here.
"""

from contracts import topics
from contracts.acw import AfterCallWorkSubmitted, CodeRef, Tag
from contracts.base import Event, Message
from contracts.caller_details import CALLER_DETAIL_LIMITS, CallerDetailsUpdated
from contracts.catalogs import (
    CodeSet,
    CodeSetSpec,
    ConversationContext,
    ConversationContextSpec,
    effective_settings,
)
from contracts.changelog import QueueTask, task_key
from contracts.codec import (
    decode_after_call_work,
    decode_session_event,
    encode,
    explain,
    topic_json_schemas,
    view_json_schemas,
)
from contracts.deadletter import DeadLetter
from contracts.email_replies import EmailReplyRequested
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
from contracts.reporting import OutcomeGroup, OutcomeId, RecordType, SessionRecord
from contracts.service_settings import (
    Code,
    ContextLink,
    ParameterLabel,
    ServiceSettings,
    ServiceSettingsSpec,
    SessionDetailsFields,
    TenantSettings,
    TenantSettingsSpec,
    Widgets,
)
from contracts.task_rules import TaskOutcome, TaskState
from contracts.transcripts import (
    FinalTranscriptLine,
    LiveCaption,
    Speaker,
    TranscriptFinal,
    TranscriptSegment,
)
from contracts.unions import (
    AfterCallWork,
    DeadLetterMessage,
    EmailReply,
    ReportingRecord,
    SessionEvent,
)
from contracts.views import (
    CallerSource,
    CallerView,
    EmailPreview,
    TaskTimers,
    TaskView,
    TimerName,
)

__all__ = [
    "CALLER_DETAIL_LIMITS",
    "AfterCallWork",
    "AfterCallWorkSubmitted",
    "CallerDetailsUpdated",
    "CallerSource",
    "CallerView",
    "ChatReceived",
    "Code",
    "CodeRef",
    "CodeSet",
    "CodeSetSpec",
    "ContextLink",
    "ConversationContext",
    "ConversationContextSpec",
    "CustomParametersUpdated",
    "DeadLetter",
    "DeadLetterMessage",
    "Direction",
    "EmailPreview",
    "EmailReceived",
    "EmailReply",
    "EmailReplyRequested",
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
    "OutcomeGroup",
    "OutcomeId",
    "ParameterLabel",
    "Party",
    "QueueTask",
    "RecordType",
    "ReportingRecord",
    "ServiceSettings",
    "ServiceSettingsSpec",
    "SessionAbandoned",
    "SessionDetailsFields",
    "SessionEnded",
    "SessionEvent",
    "SessionExpired",
    "SessionQueueExited",
    "SessionQueued",
    "SessionRecord",
    "SessionStarted",
    "SessionTransferred",
    "Speaker",
    "Tag",
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
    "TranscriptFinal",
    "TranscriptSegment",
    "TransferTarget",
    "UserSessionEvent",
    "Widgets",
    "decode_after_call_work",
    "decode_session_event",
    "effective_settings",
    "encode",
    "explain",
    "task_key",
    "topic_json_schemas",
    "topics",
    "view_json_schemas",
]
