"""The one error a user can cause (defined below the storage layer, see ``..errors``)."""

from __future__ import annotations

from ..errors import AfterSalesError

__all__ = ["AfterSalesError"]
