"""One discriminated union per topic, keyed by ``type``."""

from typing import Annotated, TypeAlias

from pydantic import Field

from contracts.acw import AfterCallWorkSubmitted
from contracts.caller_details import CallerDetailsUpdated
from contracts.deadletter import DeadLetter
from contracts.email_replies import EmailReplyRequested
from contracts.inbound import (
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
    OutboundNotAccepted,
    OutboundRinging,
    OutboundUserAborted,
)
from contracts.reporting import SessionRecord
from contracts.transcripts import TranscriptFinal, TranscriptSegment

SessionEvent: TypeAlias = Annotated[
    SessionStarted
    | SessionQueued
    | TaskOffered
    | TaskAccepted
    | TaskDeclined
    | TaskRingNoAnswer
    | TaskCancelled
    | TaskRescinded
    | SessionAbandoned
    | SessionQueueExited
    | SessionTransferred
    | SessionEnded
    | SessionExpired
    | OutboundDialing
    | OutboundRinging
    | OutboundDestinationAccepted
    | OutboundDestinationDeclined
    | OutboundDestinationNotReached
    | OutboundNotAccepted
    | OutboundUserAborted
    | EmailReceived
    | ChatReceived
    | CustomParametersUpdated
    | CallerDetailsUpdated
    | TranscriptSegment
    | TranscriptFinal,
    Field(discriminator="type"),
]
"""Everything that happens to a session; the union of telephony.events and sessions.events."""

AfterCallWork: TypeAlias = Annotated[AfterCallWorkSubmitted, Field(discriminator="type")]

ReportingRecord: TypeAlias = Annotated[SessionRecord, Field(discriminator="type")]

EmailReply: TypeAlias = Annotated[EmailReplyRequested, Field(discriminator="type")]

DeadLetterMessage: TypeAlias = Annotated[DeadLetter, Field(discriminator="type")]
