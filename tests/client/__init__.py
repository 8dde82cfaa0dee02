"""The generated clients' own features, end to end: pagination, bulk issuance, OAuth, retries."""
