"""Queue: each agent's live My Sessions queue and history, kept in Redis."""
