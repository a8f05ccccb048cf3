"""Release: ship a fine-tuned model into model/shipped with its model card."""
