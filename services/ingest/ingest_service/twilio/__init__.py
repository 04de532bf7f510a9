"""Twilio TaskRouter's event callbacks -> session events (pure; the HTTP edge authenticates
them: ``ingest_service.upstream_http``)."""

from ingest_service.twilio.translate import TwilioOptions, translate_taskrouter

__all__ = ["TwilioOptions", "translate_taskrouter"]
