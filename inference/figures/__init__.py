"""The figures: values of spans, tables 2-4 (and the run-together solver), prose figures, the merged metrics, checks, year to year."""
