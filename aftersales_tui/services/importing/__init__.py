"""Importing records from the sales / stock / accounting side (CSV or JSON files).

``files`` reads the files, ``types`` says which record types exist and their columns,
``checks`` checks each record, ``writing`` writes what passed, ``run`` runs an import.
"""

from __future__ import annotations

from .files import ImportFileError
from .run import Counts, ImportOptions, ImportReport, import_files
from .types import TYPES, RecordType

__all__ = [
    "TYPES",
    "Counts",
    "ImportFileError",
    "ImportOptions",
    "ImportReport",
    "RecordType",
    "import_files",
]
