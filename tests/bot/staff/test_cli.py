"""`salesbot staff`, run as a shop owner runs it: seed the first admin, add and disable."""

from pathlib import Path

from bot.log.store import DialogueLog
from bot.staff.accounts import Accounts
from tests.bot.test_cli import salesbot

GOOD = "a long enough password"


def test_staff_cli_seeds_one_admin_adds_and_disables_accounts(tmp_path: Path) -> None:
    first = salesbot(tmp_path, "staff", "create-admin", "--password", GOOD, "--name", "Kim")
    assert first.returncode == 0, first.stderr
    assert "Admin admin created. Sign in at /staff." in first.stdout
    again = salesbot(tmp_path, "staff", "create-admin", "--username", "other", "--password", GOOD)
    assert again.returncode == 2 and "An admin already exists" in again.stdout
    short = salesbot(tmp_path, "staff", "create", "maria", "--password", "short")
    assert short.returncode == 2 and "at least 10 characters" in short.stdout
    role = salesbot(tmp_path, "staff", "create", "maria", "--password", GOOD, "--role", "boss")
    assert role.returncode == 2 and "A role is one of viewer, agent, admin" in role.stdout
    made = salesbot(tmp_path, "staff", "create", "maria", "--password", GOOD, "--name", "Maria")
    assert made.returncode == 0 and "Account maria (agent) created." in made.stdout
    listed = salesbot(tmp_path, "staff", "list").stdout
    assert "admin" in listed and "Kim" in listed and "maria" in listed and "agent" in listed

    log = DialogueLog(f"sqlite:///{tmp_path / 'dialogues.db'}")
    try:
        accounts = Accounts(log.sessions)
        assert accounts.sign_in("maria", GOOD) is not None
        disabled = salesbot(tmp_path, "staff", "disable", "maria")
        assert disabled.returncode == 0 and "1 session(s) ended" in disabled.stdout
        assert accounts.sign_in("maria", GOOD) is None
        unknown = salesbot(tmp_path, "staff", "disable", "nobody")
        assert unknown.returncode == 2 and "There is no account nobody." in unknown.stdout
    finally:
        log.close()
