"""Sign-in for the internal dashboard, before any page renders.

Public mode is anonymous: :func:`gate` returns None and nothing here shows. In internal mode the
visitor is either a person the OIDC provider vouched for (``st.login``, configured by an
``[auth]`` section in ``secrets.toml``) whose e-mail has an account, or a built-in account signed
in with name and password. The account is read again on every run, so a disabled account or a
changed role takes effect on the next click. The roles are enforced in ``data_access``; this
module only finds out who is asking.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from data_access.access import Actor, is_internal
from data_access.security import access_log, accounts

ACTOR_KEY = "_pantau_actor"
# The page a visitor asked for before signing in (its url_path), opened once they have.
REQUESTED_KEY = "_pantau_requested_page"
ROLE_LABELS = {"viewer": "Viewer", "analyst": "Analyst", "admin": "Administrator"}


def oidc_configured() -> bool:
    """True when ``secrets.toml`` names an OIDC provider for ``st.login``."""
    try:
        return "auth" in st.secrets
    except Exception:  # Streamlit raises its own error types when there is no secrets file
        return False


def provider_signed_in() -> bool:
    """True when the OIDC provider vouched for this visitor (``st.user`` has no
    ``is_logged_in`` at all until ``[auth]`` is configured)."""
    return bool(st.user.get("is_logged_in", False))


def _oidc_actor() -> Actor | None:
    if not provider_signed_in():
        return None
    try:
        return accounts.actor_for_email(str(st.user.get("email") or ""))
    except accounts.SignInRefused:
        return None


def current_actor() -> Actor | None:
    """The signed-in actor of this session (None in public mode or before sign-in)."""
    return st.session_state.get(ACTOR_KEY)


def _sign_in_form(tr: Callable[..., str]) -> None:
    with st.form("sign_in"):
        name = st.text_input(tr("User name"), max_chars=64, key="sign_in_name")
        password = st.text_input(tr("Password"), type="password", max_chars=1024,
                                 key="sign_in_password")
        submitted = st.form_submit_button(tr("Sign in"), type="primary")
    if submitted:
        try:
            st.session_state[ACTOR_KEY] = accounts.sign_in(name, password)
        except accounts.SignInRefused:
            st.error(tr("Wrong user name or password."))
        else:
            st.rerun()


def gate(tr: Callable[..., str]) -> Actor | None:
    """Who is asking. In internal mode, renders the sign-in screen and stops the run until the
    visitor has signed in with an enabled account."""
    if not is_internal():
        st.session_state.pop(ACTOR_KEY, None)
        return None
    actor = _oidc_actor() if provider_signed_in() else current_actor()
    actor = accounts.current(actor) if actor is not None else None
    if actor is not None:
        st.session_state[ACTOR_KEY] = actor
        return actor
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state[REQUESTED_KEY] = requested_page()
    st.title(tr("Pantau — internal"))
    st.write(tr("This dashboard shows case-level data of Bawaslu. Sign in to continue."))
    if provider_signed_in():  # the provider knows the person, Pantau has no enabled account
        st.error(tr("Your account is not enabled for Pantau. Ask an administrator."))
        if st.button(tr("Sign out")):
            st.logout()
    elif oidc_configured():
        if st.button(tr("Sign in with your Bawaslu account"), type="primary"):
            st.login()
    else:
        _sign_in_form(tr)
    st.stop()
    return None


def requested_page() -> str:
    """The first path segment of the address the visitor opened (a page's url_path, or "")."""
    url = st.context.url or ""
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    parts = path.split("/")[1:]
    return parts[-1][:64] if parts else ""


def account_box(actor: Actor, tr: Callable[..., str]) -> None:
    """Who is signed in, and the way out, at the top of the sidebar."""
    with st.sidebar:
        st.caption(tr("Signed in as {name} ({role})", name=actor.username,
                      role=tr(ROLE_LABELS[actor.role])))
        if st.button(tr("Sign out"), key="sign_out"):
            access_log.record(actor, "sign_out", "sign-in", None)
            st.session_state.pop(ACTOR_KEY, None)
            if provider_signed_in():
                st.logout()
            st.rerun()


def detail_reader(tr: Callable[..., str], public_text: str) -> Actor | None:
    """The actor when they may read case- or record-level rows; otherwise says why not and
    returns None. The rows are still refused in ``data_access`` whatever this returns."""
    actor = current_actor()
    if not is_internal():
        st.caption(public_text)
        return None
    if actor is None or not actor.can("analyst"):
        st.caption(tr("This list needs the analyst role."))
        return None
    return actor
