"""Trigger-event webhooks: signed, retried deliveries to service owners\x27 endpoints."""
