"""The answer layer: question analysis, features, ranking, checks and composition (see assistant.core)."""
