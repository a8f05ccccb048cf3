"""Fitting: masked-LM pretraining and fine-tuning of the tagger."""
