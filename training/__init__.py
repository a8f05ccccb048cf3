"""gongkai.training: annotations I/O, synthetic reports, pretraining, fine-tuning, evaluation."""
