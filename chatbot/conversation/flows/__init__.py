"""The conversation flows; each has start(ctx) and step(ctx)."""
