"""Dead letters: read them from their topic without a consumer group, select, redrive."""
