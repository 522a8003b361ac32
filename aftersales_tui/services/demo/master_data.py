"""The demo's master data: partners, agents, teams, projects, products, places, journals."""

from __future__ import annotations

from ...i18n import _
from ...models import (
    CouponProgram,
    Journal,
    JournalType,
    Location,
    LocationUsage,
    Lot,
    Partner,
    Product,
    ProductType,
    ProgramType,
    Project,
    RepairTag,
    TaskStage,
    Team,
    Tracking,
    User,
    WorksheetTemplate,
)
from .reader import DemoReader, to_decimal


class MasterDataLoader(DemoReader):
    """Customers, agents and everything documents refer to."""

    def load_partners(self) -> None:
        rows = self.rows("partners")
        # companies first, then their contacts (a contact names a company of the same file)
        for batch in (
            [r for r in rows if not r.get("company")],
            [r for r in rows if r.get("company")],
        ):
            partners = [
                Partner(
                    name=r["name"],
                    email=r.get("email"),
                    phone=r.get("phone"),
                    company_id=self.opt(self.partners, r.get("company"), _("company")),
                )
                for r in batch
            ]
            self.save(partners)
            self.index(partners, [r["key"] for r in batch], self.partners)

    def load_users(self) -> None:
        rows = self.rows("users")
        partners = [Partner(name=r["name"], email=r.get("email")) for r in rows]
        self.save(partners)
        users = [
            User(login=r["login"], name=r["name"], partner_id=p.id or 0)
            for r, p in zip(rows, partners, strict=True)
        ]
        self.save(users)
        logins = [r["login"] for r in rows]
        self.index(users, logins, self.users)
        self.index(partners, logins, self.user_partners)

    def load_worksheet_templates(self) -> None:
        rows = self.rows("worksheet_templates")
        templates = [WorksheetTemplate(name=r["name"]) for r in rows]
        self.save(templates)
        self.index(templates, [r["key"] for r in rows], self.templates)

    def load_projects(self) -> None:
        rows = self.rows("projects")
        projects = [
            Project(
                name=r["name"],
                is_fsm=r.get("is_fsm", True),
                allow_worksheets=r["allow_worksheets"],
                worksheet_template_id=self.opt(
                    self.templates, r.get("worksheet_template"), _("worksheet template")
                ),
            )
            for r in rows
        ]
        self.save(projects)
        self.index(projects, [r["key"] for r in rows], self.projects)
        stages: list[TaskStage] = []
        keys: list[tuple[str, str]] = []
        for row, project in zip(rows, projects, strict=True):
            for s in row["stages"]:
                stages.append(
                    TaskStage(
                        project_id=project.id or 0,
                        name=s["name"],
                        sequence=s["sequence"],
                        is_closed=s["is_closed"],
                    )
                )
                keys.append((row["key"], s["name"]))
        self.save(stages)
        self.index(stages, keys, self.stages)

    def load_teams(self) -> None:
        rows = self.rows("teams")
        teams = [
            Team(
                name=r["name"],
                use_refunds=r["use_refunds"],
                use_coupons=r["use_coupons"],
                use_returns=r["use_returns"],
                use_repairs=r["use_repairs"],
                use_field_service=r["use_field_service"],
                fsm_project_id=self.opt(self.projects, r.get("fsm_project"), _("project")),
            )
            for r in rows
        ]
        self.save(teams)
        self.index(teams, [r["key"] for r in rows], self.teams)

    def load_products(self) -> None:
        rows = self.rows("products")
        products = [
            Product(
                name=r["name"],
                default_code=r.get("default_code"),
                list_price=to_decimal(r["list_price"]),
                product_type=ProductType(r["product_type"]),
                tracking=Tracking(r["tracking"]),
            )
            for r in rows
        ]
        self.save(products)
        self.index(products, [r["key"] for r in rows], self.products)

    def load_lots(self) -> None:
        rows = self.rows("lots")
        lots = [
            Lot(name=r["name"], product_id=self.ref(self.products, r["product"], _("product")))
            for r in rows
        ]
        self.save(lots)
        self.index(lots, [(r["product"], r["name"]) for r in rows], self.lots)

    def load_locations(self) -> None:
        rows = self.rows("locations")
        locations = [
            Location(
                name=r["name"],
                usage=LocationUsage(r["usage"]),
                is_return_location=r["is_return_location"],
                is_default_return=r["is_default_return"],
            )
            for r in rows
        ]
        self.save(locations)
        self.index(locations, [r["name"] for r in rows], self.locations)

    def load_journals(self) -> None:
        rows = self.rows("journals")
        journals = [
            Journal(
                name=r["name"],
                code=r["code"],
                journal_type=JournalType(r["journal_type"]),
                refund_code=r.get("refund_code", ""),
            )
            for r in rows
        ]
        self.save(journals)
        self.index(journals, [r["code"] for r in rows], self.journals)

    def load_coupon_programs(self) -> None:
        rows = self.rows("coupon_programs")
        programs = [
            CouponProgram(
                name=r["name"],
                program_type=ProgramType(r["program_type"]),
                reward=r.get("reward", ""),
                code=r.get("code"),
                active=r["active"],
            )
            for r in rows
        ]
        self.save(programs)
        self.index(programs, [r["key"] for r in rows], self.programs)

    def load_repair_tags(self) -> None:
        rows = self.rows("repair_tags")
        tags = [RepairTag(name=r["name"]) for r in rows]
        self.save(tags)
        self.index(tags, [r["name"] for r in rows], self.tags)
