"""Service and tenant settings in MongoDB: the versioned store the operators' tools write,
and the refreshing cache every worker reads (a change is seen within seconds).

Shared plumbing, not business rules: what the settings mean is each service's affair; their
shape is the contract in ``contracts.service_settings``.
"""
