"""Importing records from the sales / stock / accounting side (CSV or JSON files).

``files`` reads the files, ``types`` says which record types exist and their columns,
``checks`` checks each record, ``writing`` writes what passed, ``run`` runs an import.

Import what you need from those modules (this package imports nothing itself, so that the
command line can list the type names from ``names`` without loading the records).
"""
