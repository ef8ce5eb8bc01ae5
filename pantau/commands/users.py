"""``pantau users``: the built-in accounts of the internal dashboard.

``add NAME --role viewer|analyst|admin`` reads the password from the terminal (asked twice) or,
with ``--password-stdin``, from the first line of standard input — never from the command line,
where it would sit in the shell history and the process list. ``--email`` lets the person sign in
through the configured OIDC provider instead (no password needed). ``disable``/``enable``,
``role`` and ``list`` manage them; ``log`` prints the newest access-log events.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from data_access.access import ROLES


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if args.email and not sys.stdin.isatty():
        return None
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ValueError("the two passwords differ")
    return first


def _add(args: argparse.Namespace) -> int:
    from data_access.access import operator
    from data_access.security import accounts

    password = _password(args) if (args.password_stdin or not args.email) else None
    made = accounts.add_user(args.name, args.role, by=operator(), password=password,
                             email=args.email)
    print(f"added {made.username} ({made.role})", file=sys.stderr)
    return 0


def _change(args: argparse.Namespace) -> int:
    from data_access.access import operator
    from data_access.security import accounts

    if args.action == "disable":
        accounts.disable_user(args.name, by=operator())
    elif args.action == "enable":
        accounts.enable_user(args.name, by=operator())
    elif args.action == "role":
        accounts.set_role(args.name, args.role, by=operator())
    elif args.action == "password":
        accounts.set_password(args.name, _password(args) or "", by=operator())
    print(f"{args.action}: {args.name}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from data_access.access import operator
    from data_access.security import access_log, accounts

    if args.action == "list":
        frame = accounts.list_users(by=operator())
    else:
        frame = access_log.recent(args.limit, by=operator(), username=args.user)
    sys.stdout.write(frame.write_csv())
    return 0


def register(verbs: argparse._SubParsersAction) -> None:
    users = verbs.add_parser("users", help="accounts of the internal dashboard")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--email", default=None, help="sign in through the OIDC provider")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.set_defaults(func=_add)
    for name, text in (("disable", "refuse the account from its next page"),
                       ("enable", "allow a disabled or locked account again")):
        one = actions.add_parser(name, help=text)
        one.add_argument("name")
        one.set_defaults(func=_change)
    role = actions.add_parser("role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(func=_change)
    password = actions.add_parser("password", help="set a new password")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true")
    password.set_defaults(func=_change, email=None)
    listing = actions.add_parser("list", help="every account, without passwords")
    listing.set_defaults(func=_list)
    log = actions.add_parser("log", help="the newest access-log events")
    log.add_argument("--limit", type=int, default=100)
    log.add_argument("--user", default=None)
    log.set_defaults(func=_list)
