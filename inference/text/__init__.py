"""Normalise (a Simplified, half-width view with a map back) and split (paragraphs); what headings look like."""
