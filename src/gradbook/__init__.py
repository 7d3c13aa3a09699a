"""gradbook: executable derivations for gradient-based learning."""
