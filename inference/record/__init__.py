"""About the report (title, body, region, year, layout), its warnings, and the record assembled from a Doc."""
