"""Generated tickets, their followers and chatter, in number order.

Ticket ``n + 1`` is newer than ticket ``n`` and has the next id. About seven tickets in ten are
about something the customer bought (a defect, or the bill or the delivery of an order: they
name the order, its product and lot); the others are questions before a sale. Stages follow
age: old tickets are solved or cancelled, the last days' are new or in progress.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from ... import formatting as fmt
from ...i18n import _
from ...models import Message, MessageKind, Priority, Stage, Ticket, TicketFollower
from . import columns, words
from .bulk import Row
from .catalogue import DAY, ORDERS_LEAD_DAYS, Making, ProductInfo, growth
from .generated_after_sales import AfterSalesMaker, TicketFacts
from .generated_sales import TICKET_DELAY_DAYS, SalesMaker, Sold
from .reader import TICKET_MODEL

# (age in days at least, cumulative chances of new, in progress, on hold, solved; else cancelled)
STAGE_BY_AGE = (
    (60, (0.0, 0.002, 0.007, 0.94)),
    (14, (0.01, 0.08, 0.14, 0.93)),
    (3, (0.05, 0.35, 0.45, 0.95)),
    (0, (0.45, 0.80, 0.88, 0.98)),
)
# values as stored
NEW, IN_PROGRESS, ON_HOLD = Stage.NEW.value, Stage.IN_PROGRESS.value, Stage.ON_HOLD.value
SOLVED, CANCELLED = Stage.SOLVED.value, Stage.CANCELLED.value
CLOSED = (SOLVED, CANCELLED)
LOW, MEDIUM, HIGH, URGENT = (
    Priority.LOW.value,
    Priority.MEDIUM.value,
    Priority.HIGH.value,
    Priority.URGENT.value,
)
EMAIL, EVENT = MessageKind.EMAIL.value, MessageKind.EVENT.value
ABOUT_AN_ORDER = 0.72  # share of tickets about something bought
DEFECTS = 0.7  # of those, the share about a defect (the rest: bill or delivery)
# share of the worked tickets about an order that get an after-sales record: closed ones,
# and the ones still open (where agents are at work now, so the lists show open records)
FOLLOW_UPS, FOLLOW_UPS_OPEN = 0.08, 0.3


def insert_tickets(conn: Connection, sql: str, rows: list[Row]) -> None:
    """Insert a batch of tickets, in number order, with plain INSERTs (one per row), so that
    anything the database does on each new ticket (triggers) happens as for a ticket created
    in the desk."""
    conn.exec_driver_sql(sql, rows)


def _daytime(moment: int) -> int:
    """The same moment moved into 07:00-19:00 of its day (order kept): when customers write."""
    day, seconds = divmod(moment, DAY)
    return day * DAY + 7 * 3600 + seconds // 2


class TicketMaker:
    """Tickets in batches; each batch first makes the orders its tickets may refer to."""

    def __init__(
        self,
        making: Making,
        sales: SalesMaker,
        first_number: int,
        first_customer: int,
        customer_names: list[str],
    ) -> None:
        writer, catalogue, plan = making.writer, making.catalogue, making.plan
        self.catalogue, self.plan, self.stamps, self.sales = catalogue, plan, making.stamps, sales
        self.rnd = making.rng.random
        self.first_id = making.ids.following["ticket"]
        self.first_number = first_number
        self.first_customer = first_customer
        self.customer_names = customer_names
        self.tickets = writer.channel("tickets", Ticket, columns.TICKET, insert_tickets)
        self.followers = writer.channel("followers", TicketFollower, columns.FOLLOWER)
        self.messages = writer.channel("messages", Message, columns.MESSAGE)
        self.after_sales = AfterSalesMaker(making, self.messages)
        teams = catalogue.teams
        # who takes what: defects go to teams that take goods back, bills and deliveries to
        # teams that refund without taking back, questions to teams without after-sales
        self.defect_teams = [t for t in teams if t.returns or t.repairs] or list(teams)
        self.billing_teams = [t for t in teams if t.refunds and not t.returns] or list(teams)
        self.question_teams = [
            t for t in teams if not (t.refunds or t.coupons or t.returns or t.repairs)
        ] or list(teams)
        self.goods = [p for p in catalogue.products if p.goods]
        self.start = ORDERS_LEAD_DAYS * DAY
        self.span = plan.end - self.start - 60
        self.stage_notes = {
            stage.value: _("Stage: {before} → {after}").format(
                before=fmt.stage_label(Stage.NEW), after=fmt.stage_label(stage)
            )
            for stage in Stage
        }
        self.created_note = _("Ticket created")
        # the stage chances by age in days (the last one for every older ticket)
        self.stage_chances = [
            next(chances for least, chances in STAGE_BY_AGE if age >= least)
            for age in range(STAGE_BY_AGE[0][0] + 1)
        ]
        self.symptoms = words.SYMPTOMS
        self.defect_tails = _sentences(words.DETAILS, words.SINCE, words.IMPACT, words.ASKS)
        self.billing_tails = _sentences(words.BILLING_DETAILS, words.ASKS)
        self.question_tails = _sentences(words.QUESTION_DETAILS, words.QUESTION_ASKS)

    def make(self, first: int, last: int) -> int:
        """Make tickets ``first`` to ``last - 1`` (counted from 0) and the orders before them;
        returns how many orders were made."""
        rnd, n = self.rnd, self.plan.tickets
        offsets = [
            _daytime(self.start + int(self.span * growth((i + rnd()) / n)))
            for i in range(first, last)
        ]
        made = self.sales.make_until(offsets[-1] // DAY - TICKET_DELAY_DAYS)
        for i, offset in zip(range(first, last), offsets, strict=True):
            self._ticket(i, offset)
        return made

    def _ticket(self, i: int, created: int) -> None:
        rnd, at, plan = self.rnd, self.stamps.at, self.plan
        day = created // DAY
        ticket_id = self.first_id + i
        sold = self.sales.pick(day, rnd()) if rnd() < ABOUT_AN_ORDER else None
        product: ProductInfo | None
        if sold is not None:
            partner: int | None = sold.partner_id
            product, lot_id, order_id = sold.product, sold.lot_id, sold.order_id
            if rnd() < DEFECTS:
                teams = self.defect_teams
                title, description = self._defect(sold)
            else:
                teams = self.billing_teams
                title, description = self._billing(sold)
        else:
            teams = self.question_teams
            partner = None
            if rnd() < 0.93:
                partner = self.first_customer + int(rnd() * plan.customers)
            product = self.goods[int(rnd() * len(self.goods))] if rnd() < 0.6 else None
            lot_id = order_id = None
            title, description = self._question(product)
        team = teams[int(rnd() * len(teams))]
        chances = self.stage_chances[min(plan.days - day, len(self.stage_chances) - 1)]
        r = rnd()
        stage = (
            NEW
            if r < chances[0]
            else IN_PROGRESS
            if r < chances[1]
            else ON_HOLD
            if r < chances[2]
            else SOLVED
            if r < chances[3]
            else CANCELLED
        )
        if stage == NEW and rnd() < 0.6:
            user = None
        else:
            user = team.agents[int(rnd() * len(team.agents))]
        if stage in CLOSED:
            updated = created + 3600 + int(rnd() * rnd() * 10 * DAY)
        elif stage == NEW:
            updated = created
        else:
            updated = created + int(rnd() * (plan.end - created) / 2)
        updated = min(updated, plan.end - 1)
        r = rnd()
        priority = LOW if r < 0.35 else MEDIUM if r < 0.73 else HIGH if r < 0.92 else URGENT
        created_at, updated_at = at(created), at(updated)
        self.tickets.append(
            (
                ticket_id, self.first_number + i, title, description, team.id, partner,
                product.id if product else None, lot_id, order_id, stage, priority, user,
                created_at, updated_at, 1,
            )
        )  # fmt: skip
        messages = self.messages
        if partner is not None:
            self.followers.append((ticket_id, partner))
            name = self.customer_names[partner - self.first_customer]
            body = f"Hello,\n\n{description}\n\nBest regards,\n{name}"
            messages.append((TICKET_MODEL, ticket_id, None, partner, created_at, EMAIL, body))
        else:
            author = user if user is not None else self.catalogue.agents[0][0]
            note = self.created_note
            messages.append((TICKET_MODEL, ticket_id, author, None, created_at, EVENT, note))
        if stage != NEW:
            note = self.stage_notes[stage]
            messages.append((TICKET_MODEL, ticket_id, user, None, updated_at, EVENT, note))
            if sold is not None and rnd() < (FOLLOW_UPS if stage in CLOSED else FOLLOW_UPS_OPEN):
                facts = TicketFacts(
                    ticket_id, self.first_number + i, title, description, team, user,
                    Stage(stage), created, updated,
                )  # fmt: skip
                self.after_sales.follow_up(facts, sold)

    # -- what the customer writes --------------------------------------------------------

    def _defect(self, sold: Sold) -> tuple[str, str]:
        rnd, product = self.rnd, sold.product
        symptoms = self.symptoms.get(product.key, words.GENERIC_SYMPTOMS)
        symptom = symptoms[int(rnd() * len(symptoms))]
        ending = words.TITLE_ENDINGS[int(rnd() * len(words.TITLE_ENDINGS))]
        tail = self.defect_tails[int(rnd() * len(self.defect_tails))]
        lot = f" Serial/lot: {sold.lot_name}." if sold.lot_name else ""
        return (
            f"{product.name} {symptom}{ending}",
            f"Our {product.name} {symptom}. {tail}{lot} Order {sold.order_name}.",
        )

    def _billing(self, sold: Sold) -> tuple[str, str]:
        rnd = self.rnd
        title = words.BILLING_TITLES[int(rnd() * len(words.BILLING_TITLES))].format(
            invoice=sold.invoice_name,
            delivery=sold.delivery_name,
            order=sold.order_name,
            product=sold.product.name,
        )
        tail = self.billing_tails[int(rnd() * len(self.billing_tails))]
        return title, f"{tail} Order {sold.order_name}."

    def _question(self, product: ProductInfo | None) -> tuple[str, str]:
        rnd, goods = self.rnd, self.goods
        title = words.QUESTION_TITLES[int(rnd() * len(words.QUESTION_TITLES))].format(
            product=(product or goods[int(rnd() * len(goods))]).name,
            other=goods[int(rnd() * len(goods))].name,
            quantity=2 + int(rnd() * 38),
            city=words.CITIES[int(rnd() * len(words.CITIES))],
        )
        return title, self.question_tails[int(rnd() * len(self.question_tails))]


def _sentences(*choices: tuple[str, ...]) -> list[str]:
    """Every way of saying one sentence of each list, in order (empty ones left out)."""
    found = [""]
    for options in choices:
        found = [f"{start} {option}".strip() for start in found for option in options]
    return found
