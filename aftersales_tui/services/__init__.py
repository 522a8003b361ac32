"""Services: one module per capability. Never imports Textual or Rich."""

from .context import Context
from .errors import AfterSalesError

__all__ = ["AfterSalesError", "Context"]
