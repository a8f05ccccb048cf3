"""Rule-based taggers: the fallback when no model is present, and a check on the model."""
