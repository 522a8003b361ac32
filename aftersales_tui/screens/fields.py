"""Form fields every modal uses: record pickers, their values, dates as agents type them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual.widgets import Input, Select

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..services import directory
from ..services.directory import Choice
from ..widgets.literal import clean
from ..widgets.record_picker import RecordPicker, Search
from .action_modal import FieldProblem


def options(choices: Iterable[Choice]) -> list[tuple[str, int]]:
    """Picker options from records (names shown literally)."""
    return [(clean(c.label), c.id) for c in choices]


def record_select(
    field: str, choices: Iterable[Choice], value: int | None, blank: str = _("(none)")
) -> Select[int]:
    """A picker of records that filters as you type; ``blank`` shows when none is chosen."""
    return Select(
        options(choices),
        value=value or Select.NULL,
        id=field,
        prompt=blank,
        compact=True,
        type_to_search=True,
    )


def set_choices(select: Select[int], choices: Iterable[Choice], value: int | None) -> None:
    """New options for a picker, keeping ``value`` when it is still one of them."""
    listed = list(choices)
    with select.prevent(Select.Changed):
        select.set_options(options(listed))
        if value is not None and value in {c.id for c in listed}:
            select.value = value


def value_of(select: Select[Any]) -> Any:
    return None if select.is_blank() else select.value


def customer_picker(
    field: str, db: Database, chosen: Choice | None, blank: str = _("(none)")
) -> RecordPicker:
    """The customer of a form, found by typing the start of the name."""
    return RecordPicker(
        lambda text: directory.find_customers(db, text), chosen, blank=blank, id=field
    )


def lot_search(db: Database, product_id: int | None) -> Search:
    """What a lot picker searches: the lots/serial numbers of ``product_id``."""
    return lambda text: directory.find_lots(db, product_id, text)


def lot_picker(
    field: str,
    db: Database,
    product_id: int | None,
    chosen: Choice | None,
    blank: str = _("(none)"),
) -> RecordPicker:
    """The lot/serial number of a form, among the product's, found by typing its start."""
    return RecordPicker(lot_search(db, product_id), chosen, blank=blank, id=field)


def follow_product(
    picker: RecordPicker, db: Database, product_id: int | None, chosen: Choice | None
) -> None:
    """A lot picker after its product changed: it searches the new product's lots and shows
    ``chosen`` (the offer's lot for the new scope, if any)."""
    picker.search = lot_search(db, product_id)
    picker.choose(chosen)


def date_input(field: str, value: date) -> Input:
    return Input(
        fmt.day(value),
        id=field,
        compact=True,
        placeholder=_("2026-11-23, today, +3d"),
        max_length=32,
    )


def date_of(widget: Input, today: date) -> date:
    """The date typed in ``widget`` (FieldProblem, shown next to it, when unreadable)."""
    try:
        return fmt.parse_day(widget.value, today)
    except ValueError as problem:
        raise FieldProblem(str(problem), widget.id or "") from None
