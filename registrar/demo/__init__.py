"""Demo data for Registrar: `manage.py load_demo` (see builder.py)."""
