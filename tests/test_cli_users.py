"""`pantau users`: accounts from the command line; passwords only through stdin or the terminal,
never printed back."""

from __future__ import annotations

import io
import sys

import pytest

from data_access.access import Actor
from data_access.security import accounts
from pantau.cli import main

PASSWORD = "kata-sandi-yang-panjang"


def cli(monkeypatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(argv))


def test_add_list_disable_and_log(security_store, monkeypatch, capsys):
    assert cli(monkeypatch, "users", "add", "ana", "--role", "analyst", "--password-stdin",
               stdin=PASSWORD + "\n") == 0
    assert cli(monkeypatch, "users", "add", "dina", "--role", "admin", "--email",
               "dina@bawaslu.go.id") == 0
    assert accounts.sign_in("ana", PASSWORD) == Actor("ana", "analyst")
    capsys.readouterr()
    assert cli(monkeypatch, "users", "list") == 0
    listing = capsys.readouterr().out
    assert "ana,,analyst,false" in listing and "dina,dina@bawaslu.go.id,admin,false" in listing
    assert PASSWORD not in listing and "argon2" not in listing
    assert cli(monkeypatch, "users", "disable", "ana") == 0
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in("ana", PASSWORD)
    capsys.readouterr()
    assert cli(monkeypatch, "users", "log") == 0
    log = capsys.readouterr().out
    assert "disable account" in log and "sign_in" in log and PASSWORD not in log


@pytest.mark.parametrize(("argv", "stdin", "reason"), [
    (("users", "add", "ana", "--role", "analyst", "--password-stdin"), "short\n", "12 characters"),
    (("users", "add", "Ana Lisa", "--role", "viewer", "--password-stdin"), PASSWORD, "user name"),
    (("users", "disable", "nobody"), "", "no account"),
])
def test_mistakes_end_in_one_clear_line(security_store, monkeypatch, capsys, argv, stdin, reason):
    assert cli(monkeypatch, *argv, stdin=stdin) == 2
    err = capsys.readouterr().err
    assert err.startswith("pantau: error:") and reason in err and "Traceback" not in err
