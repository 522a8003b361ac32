"""Screens and modals: one per file."""
