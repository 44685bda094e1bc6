"""Locale formats Django lacks (FORMAT_MODULE_PATH = ["registrar.formats"])."""
