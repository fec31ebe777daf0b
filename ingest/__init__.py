"""hrqa ingest package."""
