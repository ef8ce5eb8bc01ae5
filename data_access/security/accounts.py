"""Built-in accounts: argon2id password hashes, roles, disabling, and a lock after repeated
failures. Used when no OIDC provider is configured; with one, an account row with the person's
e-mail (and no password) is what gives an identity from the provider its role.

Every refusal a visitor can see says only "wrong name or password" — which of the two, or that an
account is disabled or locked, would tell an attacker which names exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from data_access.access import ROLES, Actor, require_role
from data_access.security import access_log
from data_access.security.store import security_engine
from data_access.security.tables import account

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a 10 MB "password" is an attack
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{2,}")

_hasher = PasswordHasher()  # argon2id with a random 16-byte salt per hash


class AccountError(ValueError):
    """An account command that cannot be carried out (the message says why)."""


class SignInRefused(PermissionError):
    """Sign-in failed; the message is the same whatever the reason."""

    def __init__(self) -> None:
        super().__init__("wrong name or password")


@dataclass(frozen=True)
class Account:
    username: str
    email: str | None
    role: str
    disabled: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; every moment here is stored in UTC.
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.fullmatch(name):
        raise AccountError(f"user name {username!r}: 2–64 characters, lower-case letters, digits "
                           "and . _ - only, starting with a letter or digit")
    return name


def _check_password(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def add_user(username: str, role: str, *, by: Actor, password: str | None = None,
             email: str | None = None, engine: Engine | None = None) -> Account:
    """Create an account (``by`` an admin). A password makes it a built-in account; an e-mail lets
    an OIDC identity with that address sign in. At least one of the two is needed."""
    require_role(by, "admin", "account management", data=False)
    name = _check_username(username)
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
    if password is None and email is None:
        raise AccountError("give a password (built-in sign-in) or an e-mail (OIDC sign-in)")
    if email is not None and not EMAIL.fullmatch(email.strip()):
        raise AccountError(f"e-mail {email!r} is not an address")
    digest = _hasher.hash(_check_password(password)) if password is not None else None
    address = email.strip().lower() if email is not None else None
    same = account.c.username == name
    if address is not None:
        same = same | (account.c.email == address)
    with (engine or security_engine()).begin() as conn:
        taken = conn.execute(sa.select(account.c.username).where(same)).first()
        if taken:
            raise AccountError(f"an account {taken[0]!r} already has that name or e-mail")
        conn.execute(account.insert().values(
            username=name, email=address, role=role,
            password_hash=digest, disabled=False, failed_sign_ins=0, created_at=_now()))
    access_log.record(by, "account", "add account", None, detail=f"{name} role={role}",
                      engine=engine)
    return Account(name, address, role, False)


def _set(username: str, by: Actor, change: str, engine: Engine | None, **values: object) -> None:
    require_role(by, "admin", "account management", data=False)
    name = _check_username(username)
    with (engine or security_engine()).begin() as conn:
        done = conn.execute(account.update().where(account.c.username == name).values(**values))
        if done.rowcount != 1:
            raise AccountError(f"no account {name!r}")
    access_log.record(by, "account", change, None, detail=name, engine=engine)


def disable_user(username: str, *, by: Actor, engine: Engine | None = None) -> None:
    """Disable at once: the next page a signed-in session opens refuses it."""
    _set(username, by, "disable account", engine, disabled=True)


def enable_user(username: str, *, by: Actor, engine: Engine | None = None) -> None:
    _set(username, by, "enable account", engine, disabled=False, failed_sign_ins=0,
         locked_until=None)


def set_role(username: str, role: str, *, by: Actor, engine: Engine | None = None) -> None:
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use one of {', '.join(ROLES)}")
    _set(username, by, f"set role {role}", engine, role=role)


def set_password(username: str, password: str, *, by: Actor,
                 engine: Engine | None = None) -> None:
    _set(username, by, "set password", engine,
         password_hash=_hasher.hash(_check_password(password)), failed_sign_ins=0,
         locked_until=None)


def list_users(*, by: Actor, engine: Engine | None = None) -> pl.DataFrame:
    """Every account without its hash (admins only): username, email, role, disabled,
    last_sign_in."""
    require_role(by, "admin", "the account list", data=False)
    stmt = sa.select(account.c.username, account.c.email, account.c.role, account.c.disabled,
                     account.c.last_sign_in).order_by(account.c.username)
    with (engine or security_engine()).connect() as conn:
        data = [tuple(row) for row in conn.execute(stmt)]
    return pl.DataFrame(data, schema={"username": pl.Utf8, "email": pl.Utf8, "role": pl.Utf8,
                                      "disabled": pl.Boolean, "last_sign_in": pl.Datetime},
                        orient="row")


def sign_in(username: str, password: str, *, engine: Engine | None = None) -> Actor:
    """The actor for a correct name and password of an enabled, unlocked account; otherwise
    :class:`SignInRefused`. Five failures lock the account for 15 minutes."""
    engine = engine or security_engine()
    name = (username or "").strip().lower()[:64]
    if not USERNAME.fullmatch(name) or not password or len(password) > MAX_PASSWORD_LENGTH:
        raise SignInRefused()
    with engine.begin() as conn:
        row = conn.execute(sa.select(account).where(account.c.username == name)).first()
        now = _now()
        locked = row is not None and row.locked_until is not None and _aware(row.locked_until) > now
        try:
            if row is None or row.password_hash is None:
                _hasher.hash(password)  # the same work as a real check: timing reveals nothing
                raise VerificationError()
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            if row is not None:
                failures = row.failed_sign_ins + 1
                conn.execute(account.update().where(account.c.username == name).values(
                    failed_sign_ins=failures,
                    locked_until=now + LOCK_FOR if failures >= MAX_FAILURES else row.locked_until))
            ok = False
        else:
            ok = not locked and not row.disabled
        if ok:
            values: dict[str, object] = {"failed_sign_ins": 0, "locked_until": None,
                                         "last_sign_in": now}
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = _hasher.hash(password)
            conn.execute(account.update().where(account.c.username == name).values(**values))
    # Logged after the account's own transaction: SQLite has one writer at a time.
    if not ok:
        access_log.record(name, "sign_in_failed", "sign-in", None, engine=engine)
        raise SignInRefused()
    actor = Actor(name, row.role)
    access_log.record(actor, "sign_in", "sign-in", None, engine=engine)
    return actor


def actor_for_email(email: str, *, engine: Engine | None = None) -> Actor:
    """The role of an identity the OIDC provider vouched for; refused unless an enabled account
    carries that e-mail (an identity alone grants nothing)."""
    address = (email or "").strip().lower()
    with (engine or security_engine()).connect() as conn:
        row = conn.execute(sa.select(account.c.username, account.c.role, account.c.disabled)
                           .where(account.c.email == address)).first()
    if row is None or row.disabled:
        raise SignInRefused()
    return Actor(row.username, row.role)


def current(actor: Actor, *, engine: Engine | None = None) -> Actor | None:
    """``actor`` as the store sees it now — None once disabled, with a changed role at once."""
    with (engine or security_engine()).connect() as conn:
        row = conn.execute(sa.select(account.c.role, account.c.disabled)
                           .where(account.c.username == actor.username)).first()
    if row is None or row.disabled:
        return None
    return Actor(actor.username, row.role)
