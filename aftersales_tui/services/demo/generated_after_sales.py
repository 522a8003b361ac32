"""Generated after-sales records of worked tickets: credit notes, coupons, returns, repairs, tasks.

Each follows the rules the services check, so that the desk can go on from them:
- at most one credit note per invoice, for one unit of the ticket's line (never more than the
  invoice); posted only for a closed ticket on a paid invoice (which stays paid, as posting
  one does), a draft while the ticket is open;
- at most one return per delivery, for one unit of the ticket's line (never more than was
  delivered), done when the ticket is closed, ready before;
- the ticket's team has the service switched on; every record names its ticket, and the ticket's
  chatter says what was created, as the services write it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

from ... import formatting as fmt
from ...i18n import _
from ...models import (
    Coupon,
    CouponState,
    Invoice,
    InvoiceLine,
    InvoiceState,
    MessageKind,
    MoveType,
    PaymentState,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTagLink,
    Stage,
    Task,
    Tracking,
)
from ..coupons import ALPHABET, GROUP_SIZE, GROUPS
from ..ledger import MODEL as INVOICE_MODEL
from . import columns
from .bulk import Row
from .catalogue import DAY, Making, TeamInfo, money
from .generated_sales import Sold
from .reader import TICKET_MODEL

WARRANTY_DAYS = 730


class TicketFacts(NamedTuple):
    """What an after-sales record takes from its ticket."""

    id: int
    number: int
    title: str
    description: str
    team: TeamInfo
    user: int | None
    stage: Stage
    created: int  # seconds from the first day
    updated: int


class AfterSalesMaker:
    """After-sales records for a few tickets, with their ticket's chatter messages."""

    def __init__(self, making: Making, messages: list[Row]) -> None:
        writer, self.catalogue, self.stamps = making.writer, making.catalogue, making.stamps
        self.names, self.ids, self.messages = making.names, making.ids, messages
        self.today = making.plan.days
        self.rnd = making.rng.random
        self.refunded: set[int] = set()  # orders whose invoice has a credit note
        self.returned: set[int] = set()  # orders whose delivery has a return
        self.codes: set[str] = set()
        self.credit_notes = writer.channel("credit_notes", Invoice, columns.INVOICE)
        self.credit_lines = writer.channel("credit_lines", InvoiceLine, columns.INVOICE_LINE)
        self.coupons = writer.channel("coupons", Coupon, columns.COUPON)
        self.returns = writer.channel("returns", Picking, columns.PICKING)
        self.return_lines = writer.channel("return_lines", PickingLine, columns.PICKING_LINE)
        self.repairs = writer.channel("repairs", RepairOrder, columns.REPAIR)
        self.repair_lines = writer.channel("repair_lines", RepairLine, columns.REPAIR_LINE)
        self.repair_tags = writer.channel("repair_tags", RepairTagLink, columns.REPAIR_TAG)
        self.tasks = writer.channel("tasks", Task, columns.TASK)

    def follow_up(self, ticket: TicketFacts, sold: Sold) -> None:
        """One after-sales record for the ticket, sometimes two (a return, then its repair)."""
        team = ticket.team
        makers: list[Callable[[TicketFacts, Sold, int, int | None], int | None]] = []
        if team.refunds and self.catalogue.journals:
            makers.append(self._credit_note)
        if team.coupons and self.catalogue.programs:
            makers.append(self._coupon)
        if team.returns:
            makers.append(self._return)
        if team.repairs:
            makers.append(self._repair)
        if team.fsm_project_id in self.catalogue.projects:
            makers.append(self._task)
        if not makers:
            return
        # the records are made a while after the ticket, before its last change
        at = ticket.created + (ticket.updated - ticket.created) // 2
        maker = makers[int(self.rnd() * len(makers))]
        made = maker(ticket, sold, at, None)
        if maker == self._return and made is not None and team.repairs and self.rnd() < 0.5:
            self._repair(ticket, sold, min(at + 600, ticket.updated), made)

    def _note(self, ticket: TicketFacts, at: int, body: str) -> None:
        self.messages.append(
            (
                TICKET_MODEL, ticket.id, ticket.user, None, self.stamps.at(at),
                MessageKind.EVENT.value, body,
            )
        )  # fmt: skip

    def _closed(self, ticket: TicketFacts) -> bool:
        return ticket.stage in (Stage.SOLVED, Stage.CANCELLED)

    def _credit_note(
        self, ticket: TicketFacts, sold: Sold, at: int, _return: int | None
    ) -> int | None:
        posted = self._closed(ticket)
        if sold.order_id in self.refunded or (posted and not sold.paid):
            return None
        self.refunded.add(sold.order_id)
        day = at // DAY
        credit_id = self.ids.next("invoice")
        journal = sold.journal
        name = self.names.next(f"{journal.refund_code}/{self.stamps.day(day)[:4]}/")
        reason = _("Helpdesk Ticket {ref}").format(ref=fmt.ticket_ref(ticket.number))
        product = sold.product
        state = InvoiceState.POSTED if posted else InvoiceState.DRAFT
        self.credit_notes.append(
            (
                credit_id, name, MoveType.CREDIT_NOTE.value, sold.partner_id, journal.id,
                sold.order_id, self.stamps.day(day), state.value, PaymentState.NOT_PAID.value,
                sold.invoice_id,
                _("Reversal of: {invoice}, {reason}").format(
                    invoice=sold.invoice_name, reason=reason
                ),
                money(product.cents), 0, ticket.id, self.stamps.at(at),
            )
        )  # fmt: skip
        self.credit_lines.append(
            (credit_id, product.id, sold.lot_id, product.name, 1, product.price)
        )
        self.messages.append(
            (
                INVOICE_MODEL, sold.invoice_id, ticket.user, None, self.stamps.at(at),
                MessageKind.EVENT.value,
                _("Reversed by {credit} ({reason})").format(credit=name, reason=reason),
            )
        )  # fmt: skip
        self._note(
            ticket,
            at,
            _("Refund {name} created ({state}) for {invoice}").format(
                name=name,
                state=_("posted") if posted else _("draft"),
                invoice=sold.invoice_name,
            ),
        )
        return credit_id

    def _coupon(self, ticket: TicketFacts, sold: Sold, at: int, _return: int | None) -> int | None:
        rnd = self.rnd
        code = ""
        while not code or code in self.codes:
            symbols = "".join(
                ALPHABET[int(rnd() * len(ALPHABET))] for _s in range(GROUPS * GROUP_SIZE)
            )
            code = "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))
        self.codes.add(code)
        program_id, program = self.catalogue.programs[int(rnd() * len(self.catalogue.programs))]
        day = at // DAY
        until = day + 90 if rnd() < 0.5 else None
        used = self.today - day > 30 and rnd() < 0.4
        self.coupons.append(
            (
                code, program_id, sold.partner_id,
                self.stamps.day(until) if until is not None else None,
                (CouponState.USED if used else CouponState.VALID).value, ticket.id,
                self.stamps.at(at),
            )
        )  # fmt: skip
        valid = (
            _("valid until {day}").format(day=fmt.day(self.stamps.first + timedelta(days=until)))
            if until is not None
            else _("never expires")
        )
        self._note(
            ticket,
            at,
            _("Coupon {code} generated ({program}, {until})").format(
                code=code, program=program, until=valid
            ),
        )
        return None

    def _return(self, ticket: TicketFacts, sold: Sold, at: int, _return: int | None) -> int | None:
        if sold.order_id in self.returned:
            return None
        self.returned.add(sold.order_id)
        done = self._closed(ticket)
        return_id = self.ids.next("picking")
        name = self.names.next("WH/RET/")
        self.returns.append(
            (
                return_id, name, PickingKind.INCOMING.value,
                (PickingState.DONE if done else PickingState.READY).value, sold.partner_id,
                sold.order_id, _("Return of {name}").format(name=sold.delivery_name),
                sold.delivery_id, self.catalogue.customers_id, self.catalogue.returns_id,
                ticket.id, self.stamps.at(at), self.stamps.at(ticket.updated) if done else None,
            )
        )  # fmt: skip
        self.return_lines.append((return_id, sold.product.id, sold.lot_id, 1))
        self._note(ticket, at, _("Return {name} created").format(name=name))
        return return_id

    def _repair(
        self, ticket: TicketFacts, sold: Sold, at: int, return_id: int | None
    ) -> int | None:
        product = sold.product
        if product.tracking == Tracking.NONE and return_id is None and self.rnd() < 0.5:
            return None  # repairs are mostly for tracked appliances
        repair_id = self.ids.next("repairorder")
        name = self.names.next("RO/")
        warranty = at // DAY - sold.day < WARRANTY_DAYS
        if self._closed(ticket):
            state = RepairState.DONE if ticket.stage == Stage.SOLVED else RepairState.CANCELLED
        else:
            state = RepairState.CONFIRMED if self.rnd() < 0.5 else RepairState.UNDER_REPAIR
        self.repairs.append(
            (
                repair_id, name, ticket.title[:500], sold.partner_id, product.id, sold.lot_id,
                return_id, warranty, self.stamps.day(at // DAY + int(self.rnd() * 7)),
                ticket.user, state.value, ticket.description, ticket.id, self.stamps.at(at),
            )
        )  # fmt: skip
        labour = self.catalogue.labour
        self.repair_lines.append((repair_id, labour.id, 1, "0.00" if warranty else labour.price))
        tags = self.catalogue.tags
        if tags:
            self.repair_tags.append(
                (repair_id, tags[0 if warranty else int(self.rnd() * len(tags))])
            )
        self._note(ticket, at, _("Repair {name} created").format(name=name))
        return repair_id

    def _task(self, ticket: TicketFacts, sold: Sold, at: int, _return: int | None) -> int | None:
        project = self.catalogue.projects[ticket.team.fsm_project_id or 0]
        closed = self._closed(ticket)
        self.tasks.append(
            (
                ticket.title, ticket.description, project.id,
                project.done_stage_id if closed else project.first_stage_id,
                project.template_id, sold.partner_id, ticket.user,
                self.stamps.day(at // DAY + 1 + int(self.rnd() * 10)), ticket.id,
                self.stamps.at(at),
            )
        )  # fmt: skip
        self._note(ticket, at, _("Field service task created: {title}").format(title=ticket.title))
        return None
