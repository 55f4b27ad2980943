"""The matching engine: pure Python, no web framework and no database."""
