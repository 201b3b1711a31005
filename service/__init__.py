"""roleqa: grounded, cited answers about sales leadership roles."""

__version__ = "0.1.0"
