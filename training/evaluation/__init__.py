"""Evaluation against gold, external benchmarks, speed."""
