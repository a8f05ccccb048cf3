"""Training data: gold annotations, Label Studio, synthetic reports, report shapes, silver prose, corpora."""
