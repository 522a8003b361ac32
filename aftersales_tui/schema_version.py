"""The schema version this program writes, and the table a database records its version in.

Apart from ``migrations`` (which checks that its last migration is this version), the quick
first page reads it with the standard library, before SQLAlchemy is loaded: a file of
another version takes the ordinary way in, through the migrations.
"""

from __future__ import annotations

SCHEMA_VERSION = 6
VERSION_TABLE = "schema_info"
