"""Moving data in and out: export (CSV, xlsx) and import."""
