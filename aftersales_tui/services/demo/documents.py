"""The demo's documents: orders, transfers, invoices, tickets and their after-sales records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...i18n import _
from ...models import (
    Coupon,
    CouponState,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Message,
    MessageKind,
    MoveType,
    OrderState,
    PaymentState,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Priority,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTagLink,
    SalesOrder,
    SalesOrderLine,
    Stage,
    Task,
    Ticket,
    TicketFollower,
)
from .reader import TICKET_MODEL, DemoReader, Row, to_decimal, to_money


class DocumentLoader(DemoReader):
    """Documents, which refer to the master data by key."""

    def load_sales_orders(self) -> None:
        rows = self.rows("sales_orders")
        orders = [
            SalesOrder(
                name=r["name"],
                partner_id=self.ref(self.partners, r["customer"], _("customer")),
                date_order=self.day(r["date_order"]),
                state=OrderState(r["state"]),
            )
            for r in rows
        ]
        self.save(orders)
        self.index(orders, [r["name"] for r in rows], self.orders)
        self.names += [r["name"] for r in rows]
        self.save(
            [
                SalesOrderLine(
                    order_id=order.id or 0,
                    product_id=self.ref(self.products, line["product"], _("product")),
                    quantity=to_decimal(line["quantity"]),
                    price_unit=to_decimal(line["price_unit"]),
                )
                for row, order in zip(rows, orders, strict=True)
                for line in row["lines"]
            ]
        )

    def _pickings(self, rows: list[Row], kind: PickingKind) -> None:
        pickings = [
            Picking(
                name=r["name"],
                kind=kind,
                state=PickingState(r["state"]),
                partner_id=self.ref(self.partners, r["customer"], _("customer")),
                sale_order_id=self.opt(self.orders, r.get("sales_order"), _("sales order")),
                origin=r.get("origin", ""),
                return_of_id=self.opt(self.pickings, r.get("return_of"), _("transfer")),
                location_id=self.ref(self.locations, r["from"], _("location")),
                location_dest_id=self.ref(self.locations, r["to"], _("location")),
                ticket_id=self.opt(self.tickets, r.get("ticket"), _("ticket")),
                created_at=self.moment(r["created"]),
                date_done=self.opt_moment(r.get("done")),
            )
            for r in rows
        ]
        self.save(pickings)
        self.index(pickings, [r["name"] for r in rows], self.pickings)
        self.names += [r["name"] for r in rows]
        self.save(
            [
                PickingLine(
                    picking_id=picking.id or 0,
                    product_id=self.ref(self.products, line["product"], _("product")),
                    lot_id=self.lot(line["product"], line.get("lot")),
                    quantity=to_decimal(line["quantity"]),
                )
                for row, picking in zip(rows, pickings, strict=True)
                for line in row["lines"]
            ]
        )

    def load_deliveries(self) -> None:
        self._pickings(self.rows("deliveries"), PickingKind.OUTGOING)

    def load_returns(self) -> None:
        self._pickings(self.rows("returns"), PickingKind.INCOMING)

    def _moves(self, rows: list[Row], move_type: MoveType) -> None:
        moves = [
            Invoice(
                name=r["name"],
                move_type=move_type,
                partner_id=self.ref(self.partners, r["customer"], _("customer")),
                journal_id=self.ref(self.journals, r["journal"], _("journal")),
                sale_order_id=self.opt(self.orders, r.get("sales_order"), _("sales order")),
                invoice_date=self.opt_day(r.get("invoice_date")),
                state=InvoiceState(r["state"]),
                payment_state=PaymentState(r["payment_state"]),
                reversed_entry_id=self.opt(self.invoices, r.get("reverses"), _("invoice")),
                ref=r.get("ref", ""),
                amount_total=to_money(
                    sum(
                        (
                            to_decimal(li["quantity"]) * to_decimal(li["price_unit"])
                            for li in r["lines"]
                        ),
                        Decimal("0"),
                    )
                ),
                ticket_id=self.opt(self.tickets, r.get("ticket"), _("ticket")),
                created_at=self.moment(r["created"]),
            )
            for r in rows
        ]
        self.save(moves)
        named = [(m, r["name"]) for m, r in zip(moves, rows, strict=True) if r["name"]]
        self.index([m for m, _n in named], [n for _m, n in named], self.invoices)
        self.names += [n for _m, n in named]
        self.save(
            [
                InvoiceLine(
                    invoice_id=move.id or 0,
                    product_id=self.opt(self.products, line.get("product"), _("product")),
                    lot_id=self.lot(line["product"], line.get("lot"))
                    if line.get("product")
                    else None,
                    label=line.get("label", ""),
                    quantity=to_decimal(line["quantity"]),
                    price_unit=to_decimal(line["price_unit"]),
                )
                for row, move in zip(rows, moves, strict=True)
                for line in row["lines"]
            ]
        )

    def load_invoices(self) -> None:
        self._moves(self.rows("invoices"), MoveType.INVOICE)

    def load_credit_notes(self) -> None:
        self._moves(self.rows("credit_notes"), MoveType.CREDIT_NOTE)

    def load_tickets(self) -> None:
        rows = self.rows("tickets")
        tickets = []
        for r in rows:
            product = r.get("product")
            tickets.append(
                Ticket(
                    number=r["number"],
                    title=r["title"],
                    description=r.get("description", ""),
                    team_id=self.ref(self.teams, r["team"], _("team")),
                    partner_id=self.opt(self.partners, r.get("customer"), _("customer")),
                    product_id=self.opt(self.products, product, _("product")),
                    lot_id=self.lot(product, r.get("lot")) if product else None,
                    sale_order_id=self.opt(self.orders, r.get("sales_order"), _("sales order")),
                    stage=Stage(r["stage"]),
                    priority=Priority(r["priority"]),
                    user_id=self.opt(self.users, r.get("assignee"), _("agent")),
                    created_at=self.moment(r["created"]),
                    updated_at=self.moment(r["updated"]),
                )
            )
        self.save(tickets)
        self.index(tickets, [r["number"] for r in rows], self.tickets)
        followers: list[TicketFollower] = []
        messages: list[Message] = []
        for row, ticket in zip(rows, tickets, strict=True):
            ticket_id = ticket.id or 0
            partner_ids = [self.ref(self.partners, k, _("partner")) for k in row["followers"]]
            partner_ids += [
                self.ref(self.user_partners, login, _("agent"))
                for login in row.get("agent_followers", [])
            ]
            followers += [
                TicketFollower(ticket_id=ticket_id, partner_id=pid)
                for pid in dict.fromkeys(partner_ids)
            ]
            for m in row["messages"]:
                messages.append(
                    Message(
                        model=TICKET_MODEL,
                        res_id=ticket_id,
                        author_user_id=self.opt(self.users, m.get("author"), _("agent")),
                        author_partner_id=self.opt(
                            self.partners, m.get("author_partner"), _("partner")
                        ),
                        created_at=self.moment(m["at"]),
                        kind=MessageKind(m["kind"]),
                        body=m["body"],
                    )
                )
        self.save(followers)
        self.save(messages)
        self.counts["messages"] = len(messages)

    def load_coupons(self) -> None:
        rows = self.rows("coupons")
        self.save(
            [
                Coupon(
                    code=r["code"],
                    program_id=self.ref(self.programs, r["program"], _("coupon program")),
                    partner_id=self.opt(self.partners, r.get("customer"), _("customer")),
                    expiration_date=self.opt_day(r.get("expiration_date")),
                    state=CouponState(r["state"]),
                    ticket_id=self.opt(self.tickets, r.get("ticket"), _("ticket")),
                    created_at=self.moment(r["created"]),
                )
                for r in rows
            ]
        )

    def load_repairs(self) -> None:
        rows = self.rows("repairs")
        repairs = []
        for r in rows:
            product = r.get("product")
            repairs.append(
                RepairOrder(
                    name=r["name"],
                    description=r.get("description", ""),
                    partner_id=self.opt(self.partners, r.get("customer"), _("customer")),
                    product_id=self.opt(self.products, product, _("product")),
                    lot_id=self.lot(product, r.get("lot")) if product else None,
                    return_picking_id=self.opt(self.pickings, r.get("return"), _("return")),
                    under_warranty=r.get("under_warranty", False),
                    schedule_date=self.day(r["schedule_date"]),
                    user_id=self.opt(self.users, r.get("responsible"), _("agent")),
                    state=RepairState(r["state"]),
                    internal_notes=r.get("internal_notes", ""),
                    ticket_id=self.opt(self.tickets, r.get("ticket"), _("ticket")),
                    created_at=self.moment(r["created"]),
                )
            )
        self.save(repairs)
        self.names += [r["name"] for r in rows]
        lines: list[Any] = [
            RepairLine(
                repair_id=repair.id or 0,
                product_id=self.ref(self.products, part["product"], _("product")),
                quantity=to_decimal(part["quantity"]),
                price_unit=to_decimal(part["price_unit"]),
            )
            for row, repair in zip(rows, repairs, strict=True)
            for part in row["parts"]
        ]
        lines += [
            RepairTagLink(repair_id=repair.id or 0, tag_id=self.ref(self.tags, tag, _("tag")))
            for row, repair in zip(rows, repairs, strict=True)
            for tag in row.get("tags", [])
        ]
        self.save(lines)

    def load_tasks(self) -> None:
        rows = self.rows("tasks")
        self.save(
            [
                Task(
                    title=r["title"],
                    description=r.get("description", ""),
                    project_id=self.ref(self.projects, r["project"], _("project")),
                    stage_id=self.ref(self.stages, (r["project"], r["stage"]), _("task stage")),
                    worksheet_template_id=self.opt(
                        self.templates, r.get("worksheet_template"), _("worksheet template")
                    ),
                    partner_id=self.opt(self.partners, r.get("customer"), _("customer")),
                    user_id=self.opt(self.users, r.get("responsible"), _("agent")),
                    planned_date=self.opt_day(r.get("planned_date")),
                    ticket_id=self.opt(self.tickets, r.get("ticket"), _("ticket")),
                    created_at=self.moment(r["created"]),
                )
                for r in rows
            ]
        )
