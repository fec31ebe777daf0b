"""hrqa vectorstore package."""
