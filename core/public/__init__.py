"""Public pages (risk map, open data) and the health office's dashboard."""
