"""The after-sales desk of a helpdesk, in the terminal."""

__version__ = "0.1.0"
