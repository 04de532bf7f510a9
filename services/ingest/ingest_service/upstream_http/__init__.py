"""The upstream HTTP edge (``mysessions run upstream``): cloud contact centers post their
events here; each is authenticated per tenant, checked for size, translated and published to
telephony.events.v1, where ingest validates, de-duplicates and republishes it as for every
other upstream."""
