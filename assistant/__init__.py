"""hrqa assistant package."""
