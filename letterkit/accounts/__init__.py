"""A service's accounts and what it keeps beside the letters: sessions, patient links and the
audit log (``Accounts``), and how staff sign in (``Login``: ``PasswordLogin`` today, a password
and a code from an authenticator app; OIDC can come later behind the same interface).

Needs the ``postgres`` and ``service`` extras (``pip install 'letterkit[postgres,service]'``).
"""

from __future__ import annotations

from letterkit.accounts.audit import ACTIONS, AuditEntry
from letterkit.accounts.credentials import code_now
from letterkit.accounts.links import NewLink, PatientLink
from letterkit.accounts.service import ROLES, Account, Accounts, Login, NewAccount, PasswordLogin
from letterkit.store.scope import Acting, acting_as

__all__ = [
    "ACTIONS",
    "ROLES",
    "Account",
    "Acting",
    "AuditEntry",
    "Login",
    "NewAccount",
    "NewLink",
    "PasswordLogin",
    "PatientLink",
    "Accounts",
    "acting_as",
    "code_now",
]
