"""`salesbot staff`: seed the first admin, add, list and disable staff accounts."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.config import Settings
from bot.staff.accounts import ROLES, AccountError, Accounts

app = typer.Typer(help="Staff accounts for the agents' desk and log review (/staff).")
console = Console()
Password = Annotated[
    str,
    typer.Option(
        prompt=True, hide_input=True, confirmation_prompt=True, envvar="SALESBOT_STAFF_PASSWORD",
        help="At least 10 characters; asked for when not given (or SALESBOT_STAFF_PASSWORD).",
    ),
]  # fmt: skip


@contextmanager
def accounts() -> Iterator[Accounts]:
    from bot.prepare import open_log

    log = open_log(Settings())
    try:
        yield Accounts(log.sessions)
    except AccountError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from None
    finally:
        log.close()


@app.command("create-admin")
def create_admin(
    password: Password,
    username: Annotated[str, typer.Option(help="The admin's sign-in name.")] = "admin",
    name: Annotated[str | None, typer.Option(help="The name shoppers see.")] = None,
) -> None:
    """Seed the first admin; refused once an admin exists (admins add others)."""
    with accounts() as staff:
        if staff.has_admin():
            raise AccountError(
                "An admin already exists. Add accounts with `salesbot staff create`, or sign in "
                "at /staff as an admin."
            )
        staff.create(username, password, "admin", name)
    console.print(f"Admin {escape(username)} created. Sign in at /staff.")


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="The sign-in name, e.g. maria.")],
    password: Password,
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "agent",
    name: Annotated[str | None, typer.Option(help="The name shoppers see.")] = None,
) -> None:
    """Add a staff account."""
    with accounts() as staff:
        staff.create(username, password, role, name)
    console.print(f"Account {escape(username)} ({role}) created.")


@app.command("list")
def list_accounts() -> None:
    """The staff accounts with their roles."""
    with accounts() as staff:
        rows = staff.all()
    table = Table("username", "name", "role", "created", "disabled")
    for row in rows:
        disabled = row.disabled_at.isoformat(timespec="seconds") if row.disabled_at else ""
        table.add_row(
            row.username, escape(row.display_name), row.role,
            row.created_at.isoformat(timespec="seconds"), disabled,
        )  # fmt: skip
    console.print(table)


@app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="The account to disable.")]) -> None:
    """Disable an account: its sessions end and its open pages are disconnected."""
    with accounts() as staff:
        ended = staff.disable(username)
    console.print(f"Account {escape(username)} disabled; {len(ended)} session(s) ended.")


@app.command("password")
def password(
    username: Annotated[str, typer.Argument(help="Whose password.")], password: Password
) -> None:
    """Set a new password; the account's sessions end."""
    with accounts() as staff:
        staff.set_password(username, password)
    console.print(f"Password of {escape(username)} changed; its sessions ended.")
