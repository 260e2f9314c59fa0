"""CSV cells a spreadsheet opens safely: text that it would run as a formula (starting with =,
+, -, @, a tab or a carriage return; OWASP "CSV injection") gets a leading apostrophe, which
spreadsheets show as text. Every CSV export writes its cells through ``safe_cell``."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` for a CSV cell: ``None`` as empty, formula-like text neutralised, numbers and
    other values unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
