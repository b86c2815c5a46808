"""deskcli: a terminal support desk.  Importing this package imports nothing heavy."""

__version__ = "0.1.0"
