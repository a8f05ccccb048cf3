"""Applications built on the pipeline: batch runs, comparison, export, the viewer."""
