"""The package version, in one place (the CLI, workbooks and reports record it)."""

__version__ = "0.1.0"
