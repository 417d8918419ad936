"""The staff desk: handoff tickets and staff replies, the insights page and its charts, and their admin."""
