"""Tag suggestions: tags counted per tenant and service from saved after-call work."""
