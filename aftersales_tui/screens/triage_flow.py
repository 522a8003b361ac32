"""Triage from any screen: pick a value, confirm a batch, call the service, report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.screen import Screen

from .. import formatting as fmt
from ..i18n import _, ngettext
from ..models import Priority, Stage
from ..services import AfterSalesError, directory, triage
from ..services.directory import Choice
from .base import desk_of
from .confirm import ConfirmModal
from .picker import Pick, PickerModal

Done = Callable[[], None]


def _count(ids: Sequence[int]) -> str:
    return ngettext("{n} ticket", "{n} tickets", len(ids)).format(n=len(ids))


def _run(screen: Screen[Any], change: Callable[[], int], done: Done) -> bool:
    """Apply a change; a refusal is one clear notification. OpenWorkError is the caller's."""
    try:
        changed = change()
    except triage.OpenWorkError:
        raise
    except AfterSalesError as refused:
        screen.notify(refused.message, severity="error")
        return False
    if changed == 0:
        screen.notify(_("Nothing to change"))
    done()
    return True


def _confirm_batch(
    screen: Screen[Any], ids: Sequence[int], what: str, go: Callable[[], object]
) -> None:
    """One ticket: go at once. Several (marked): ask first, showing the count."""
    if len(ids) <= 1:
        go()
        return
    question = _("{what} on {count}?").format(what=what, count=_count(ids))

    def answered(yes: bool | None) -> None:
        if yes:
            go()

    screen.app.push_screen(ConfirmModal(_("Change marked tickets"), question), answered)


def agent_options(agents: Sequence[Choice], me: int | None) -> list[tuple[str, int | None]]:
    """A picker's options for assigning: me first, the other agents, then Unassigned."""
    options: list[tuple[str, int | None]] = []
    options += [(_("Me ({name})").format(name=a.label), a.id) for a in agents if a.id == me]
    options += [(a.label, a.id) for a in agents if a.id != me]
    options.append((_("Unassigned"), None))
    return options


def assign(screen: Screen[Any], ids: Sequence[int], done: Done) -> None:
    desk = desk_of(screen)
    if not ids:
        return
    with desk.db.read() as session:
        agents = directory.agents(session)
    options = agent_options(agents, desk.ctx.user_id)

    def chosen(pick: Pick[int | None] | None) -> None:
        if pick is None:
            return
        label = next(label for label, value in options if value == pick.value)
        _confirm_batch(
            screen,
            ids,
            _("Assign to {name}").format(name=label),
            lambda: _run(screen, lambda: triage.assign(desk.db, desk.ctx, ids, pick.value), done),
        )

    screen.app.push_screen(PickerModal(_("Assign to"), options, subtitle=_count(ids)), chosen)


def change_stage(
    screen: Screen[Any], ids: Sequence[int], done: Done, current: Stage | None = None
) -> None:
    desk = desk_of(screen)
    if not ids:
        return
    options = [(fmt.stage_label(stage), stage) for stage in Stage]

    def apply(stage: Stage, confirmed: bool) -> None:
        try:
            _run(
                screen,
                lambda: triage.set_stage(desk.db, desk.ctx, ids, stage, confirmed=confirmed),
                done,
            )
        except triage.OpenWorkError as open_work:

            def answered(yes: bool | None) -> None:
                if yes:
                    apply(stage, True)

            screen.app.push_screen(
                ConfirmModal(
                    _("Close with open work?"),
                    open_work.message + "\n\n" + _("Close anyway?"),
                    _("Close anyway"),
                ),
                answered,
            )

    def chosen(pick: Pick[Stage] | None) -> None:
        if pick is None:
            return
        what = _("Move to {stage}").format(stage=fmt.stage_label(pick.value))
        _confirm_batch(screen, ids, what, lambda: apply(pick.value, False))

    screen.app.push_screen(
        PickerModal(_("Stage"), options, current=current, subtitle=_count(ids)), chosen
    )


def change_priority(
    screen: Screen[Any], ids: Sequence[int], done: Done, current: Priority | None = None
) -> None:
    desk = desk_of(screen)
    if not ids:
        return
    options = [(f"{fmt.priority_label(p)} {fmt.priority_stars(p)}".strip(), p) for p in Priority]

    def chosen(pick: Pick[Priority] | None) -> None:
        if pick is None:
            return
        what = _("Set priority {label}").format(label=fmt.priority_label(pick.value))
        _confirm_batch(
            screen,
            ids,
            what,
            lambda: _run(
                screen, lambda: triage.set_priority(desk.db, desk.ctx, ids, pick.value), done
            ),
        )

    screen.app.push_screen(
        PickerModal(_("Priority"), options, current=current, subtitle=_count(ids)), chosen
    )


def toggle_follow(screen: Screen[Any], ids: Sequence[int], done: Done) -> None:
    """Follow the tickets; when the agent already follows the (single) ticket, stop."""
    desk = desk_of(screen)
    if not ids:
        return
    following = not (len(ids) == 1 and triage.is_following(desk.db, desk.ctx, ids[0]))
    what = _("Follow") if following else _("Stop following")

    def go() -> None:
        if _run(screen, lambda: triage.follow(desk.db, desk.ctx, ids, following), done):
            if following:
                screen.notify(_("You follow {count}").format(count=_count(ids)))
            else:
                screen.notify(_("You no longer follow this ticket"))

    _confirm_batch(screen, ids, what, go)
