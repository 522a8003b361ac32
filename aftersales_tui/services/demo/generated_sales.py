"""Generated customers, and sales orders with their deliveries and invoices, in date order.

Orders are made on demand, up to the day the tickets have reached, so that a ticket only ever
refers to an order (and its delivery and invoice) that existed before it. The confirmed orders
of about the last year stay at hand (``Sold``) for the tickets to pick from; older ones are
dropped, so memory does not grow with the number of orders.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from ...models import (
    Invoice,
    InvoiceLine,
    InvoiceState,
    Lot,
    MoveType,
    OrderState,
    Partner,
    PaymentState,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    SalesOrder,
    SalesOrderLine,
    Tracking,
)
from . import columns, words
from .bulk import BulkWriter
from .catalogue import JournalInfo, Making, Plan, ProductInfo, growth, money

# values as stored
CONFIRMED, QUOTATION = OrderState.CONFIRMED.value, OrderState.QUOTATION.value
CANCELLED = OrderState.CANCELLED.value
OUTGOING, DONE = PickingKind.OUTGOING.value, PickingState.DONE.value
INVOICE, POSTED = MoveType.INVOICE.value, InvoiceState.POSTED.value
PAID, PARTIAL = PaymentState.PAID.value, PaymentState.PARTIAL.value
NOT_PAID = PaymentState.NOT_PAID.value

TICKET_DELAY_DAYS = 4  # a ticket refers to orders at least this old (delivered and invoiced)
LOOKBACK_DAYS = 365  # ... and at most this old


class Sold(NamedTuple):
    """A confirmed order, delivered and invoiced, as a ticket sees it (its first line)."""

    order_id: int
    order_name: str
    partner_id: int
    day: int
    delivery_id: int
    delivery_name: str
    invoice_id: int
    invoice_name: str
    invoice_day: int
    journal: JournalInfo
    paid: bool
    product: ProductInfo
    lot_id: int | None
    lot_name: str
    quantity: int


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def make_customers(writer: BulkWriter, plan: Plan, rng: random.Random, first_id: int) -> list[str]:
    """Insert the customers (companies and people); returns their names, by id - first_id."""
    rows = writer.channel("customers", Partner, columns.CUSTOMER)
    pick = rng.choice
    names: list[str] = []
    for n in range(plan.customers):
        if rng.random() < 0.7:
            first, second = pick(words.COMPANY_FIRST), pick(words.COMPANY_SECOND)
            name = f"{first} {second}{pick(words.COMPANY_SUFFIX)}"
            email = f"info@{_ascii(first + second)}.example.com"
        else:
            first, last = pick(words.FIRST_NAMES), pick(words.LAST_NAMES)
            name = f"{first} {last}"
            email = f"{_ascii(first)}.{_ascii(last)}@mail.example.com"
        digits = f"{rng.randrange(1_000_000):06d}"
        phone = f"{pick(words.PHONE_PREFIXES)} {digits[:3]} {digits[3:]}"
        rows.append((first_id + n, name, email, phone, None))
        names.append(name)
    writer.flush()
    return names


class SalesMaker:
    """Orders, their lines, lots, deliveries and invoices, made in date order."""

    def __init__(self, making: Making, first_customer: int) -> None:
        writer, catalogue = making.writer, making.catalogue
        self.catalogue, self.plan, self.stamps = catalogue, making.plan, making.stamps
        self.names, self.ids = making.names, making.ids
        self.rnd = making.rng.random
        self.first_customer = first_customer
        self.lots = writer.channel("lots", Lot, columns.LOT)
        self.orders = writer.channel("sales_orders", SalesOrder, columns.ORDER)
        self.order_lines = writer.channel("order_lines", SalesOrderLine, columns.ORDER_LINE)
        self.deliveries = writer.channel("deliveries", Picking, columns.PICKING)
        self.delivery_lines = writer.channel("delivery_lines", PickingLine, columns.PICKING_LINE)
        self.invoices = writer.channel("invoices", Invoice, columns.INVOICE)
        self.invoice_lines = writer.channel("invoice_lines", InvoiceLine, columns.INVOICE_LINE)
        goods = [p for p in catalogue.products if p.goods]
        serial = [p for p in goods if p.tracking == Tracking.SERIAL]
        by_lot = [p for p in goods if p.tracking == Tracking.LOT]
        untracked = [p for p in goods if p.tracking == Tracking.NONE]
        services = [p for p in catalogue.products if not p.goods and p != catalogue.labour]
        # the first line is goods (what tickets are about); more lines add services or goods
        self.main_pool = serial * 3 + untracked * 2 + by_lot
        self.extra_pool = services * 2 + goods
        self.monthly_lots: dict[tuple[int, str], int] = {}
        self.serials = 0
        self.made = 0
        self.days: list[int] = []  # the confirmed orders at hand, by day
        self.sold: list[Sold] = []
        self.start = 0

    # -- making orders up to a day ------------------------------------------------------

    def day_of(self, n: int) -> int:
        last = self.plan.days - TICKET_DELAY_DAYS
        return int(last * growth((n + 0.5) / self.plan.orders))

    def make_until(self, day: int) -> int:
        """Make the orders dated up to ``day``; returns how many were made."""
        before = self.made
        while self.made < self.plan.orders:
            order_day = self.day_of(self.made)
            if order_day > day:
                break
            self._order(order_day)
            self.made += 1
        return self.made - before

    def _quantity(self, product: ProductInfo) -> int:
        if product.tracking == Tracking.SERIAL or not product.goods:
            return 1
        return 1 + int(self.rnd() * (6 if product.tracking == Tracking.LOT else 4))

    def _lot(self, product: ProductInfo, day: int) -> tuple[int | None, str]:
        if product.tracking == Tracking.NONE:
            return None, ""
        if product.tracking == Tracking.SERIAL:
            self.serials += 1
            name = f"SN-{self.serials:07d}"
            lot_id = self.ids.next("lot")
        else:
            month = self.stamps.day(day)[:7]
            name = f"{product.code}-{month.replace('-', '')}"
            found = self.monthly_lots.get((product.id, month))
            if found is not None:
                return found, name
            lot_id = self.ids.next("lot")
            self.monthly_lots[(product.id, month)] = lot_id
        self.lots.append((lot_id, name, product.id))
        return lot_id, name

    def _order(self, day: int) -> None:
        rnd, stamps = self.rnd, self.stamps
        order_id = self.ids.next("salesorder")
        name = self.names.next("S")
        partner = self.first_customer + int(rnd() * self.plan.customers)
        r = rnd()
        state = CONFIRMED if r < 0.9 else QUOTATION if r < 0.97 else CANCELLED
        products = [self.main_pool[int(rnd() * len(self.main_pool))]]
        more = rnd()
        for _extra in range((more > 0.55) + (more > 0.85)):
            products.append(self.extra_pool[int(rnd() * len(self.extra_pool))])
        lines = [(p, self._quantity(p)) for p in products]
        self.orders.append((order_id, name, partner, stamps.day(day), state))
        for product, quantity in lines:
            self.order_lines.append((order_id, product.id, quantity, product.price))
        if state != CONFIRMED:
            return
        lots = [self._lot(product, day) for product, _q in lines]
        delivery_id = self.ids.next("picking")
        delivery = self.names.next("WH/OUT/")
        done_day = day + 1 + int(rnd() * 2)
        self.deliveries.append(
            (
                delivery_id, delivery, OUTGOING, DONE, partner, order_id, name, None,
                self.catalogue.stock_id, self.catalogue.customers_id, None,
                stamps.moment(day, _office_hours(rnd())),
                stamps.moment(done_day, _office_hours(rnd())),
            )
        )  # fmt: skip
        for (product, quantity), (lot_id, _n) in zip(lines, lots, strict=True):
            if product.goods:
                self.delivery_lines.append((delivery_id, product.id, lot_id, quantity))
        invoice_id, invoice, invoice_day, journal, paid = self._invoice(
            order_id, partner, day, lines, lots
        )
        product, quantity = lines[0]
        self.days.append(day)
        self.sold.append(
            Sold(
                order_id, name, partner, day, delivery_id, delivery, invoice_id, invoice,
                invoice_day, journal, paid, product, lots[0][0], lots[0][1], quantity,
            )
        )  # fmt: skip

    def _invoice(
        self,
        order_id: int,
        partner: int,
        day: int,
        lines: list[tuple[ProductInfo, int]],
        lots: list[tuple[int | None, str]],
    ) -> tuple[int, str, int, JournalInfo, bool]:
        rnd, stamps, journals = self.rnd, self.stamps, self.catalogue.journals
        invoice_id = self.ids.next("invoice")
        invoice_day = day + int(rnd() * 3)
        journal = journals[0] if rnd() < 0.8 or len(journals) == 1 else journals[1]
        name = self.names.next(f"{journal.code}/{stamps.day(invoice_day)[:4]}/")
        r = rnd()
        if self.plan.days - invoice_day > 45:  # most old invoices are paid
            payment = PAID if r < 0.92 else PARTIAL if r < 0.95 else NOT_PAID
        else:
            payment = PAID if r < 0.4 else PARTIAL if r < 0.5 else NOT_PAID
        total = sum(product.cents * quantity for product, quantity in lines)
        self.invoices.append(
            (
                invoice_id, name, INVOICE, partner, journal.id, order_id,
                stamps.day(invoice_day), POSTED, payment, None, "", money(total), 0, None,
                stamps.moment(invoice_day, _office_hours(rnd())),
            )
        )  # fmt: skip
        for (product, quantity), (lot_id, _n) in zip(lines, lots, strict=True):
            self.invoice_lines.append(
                (invoice_id, product.id, lot_id, product.name, quantity, product.price)
            )
        return invoice_id, name, invoice_day, journal, payment == PAID

    # -- what tickets refer to -----------------------------------------------------------

    def pick(self, day: int, r: float) -> Sold | None:
        """A confirmed order old enough for a ticket on ``day``, more often a recent one."""
        days = self.days
        hi = bisect_right(days, day - TICKET_DELAY_DAYS, self.start)
        lo = bisect_left(days, day - LOOKBACK_DAYS, self.start, hi)
        if lo > 50_000:  # forget what no ticket can refer to any more
            del days[:lo], self.sold[:lo]
            hi, lo = hi - lo, 0
        self.start = lo
        if lo >= hi:
            return None
        return self.sold[hi - 1 - int((hi - lo) * r * r)]


def _office_hours(r: float) -> int:
    """A time of day between 08:00 and 18:00, in seconds."""
    return 8 * 3600 + int(r * 10 * 3600)
