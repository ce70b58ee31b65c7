"""Who may use the page and who may add documents.

Sign-in is optional: users come from MBO_USERS ("u:p,u2:p2") and/or MBO_AUTH_FILE (lines
"user:password", '#' comments allowed). No users means no sign-in. Admins (MBO_ADMINS, comma
separated) may upload documents when sign-in is on; with sign-in off uploads are allowed only
when the settings say so (`allow_uploads`). Passwords are never logged or put in messages.
Non-goals: roles beyond admin, password hashing schemes (use a reverse proxy for that).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path

from ingest.errors import ConfigError


def _pairs(text: str, where: Callable[[int], str], sep: str) -> dict[str, str]:
    users: dict[str, str] = {}
    for i, item in enumerate(text.split(sep), start=1):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        name, colon, password = item.partition(":")
        # the message never quotes the entry: without a ':' it may be all password
        if not colon:
            problem = "has no ':' between user name and password"
        elif not name.strip():
            problem = "has an empty user name"
        elif not password:
            problem = f"has an empty password for user {name.strip()!r}"
        else:
            problem = ""
        if problem:
            raise ConfigError(f"{where(i)} {problem}; write it as 'user:password', or remove it")
        users[name.strip()] = password
    return users


def load_users(settings) -> dict[str, str]:
    """user -> password from settings.users and settings.auth_file; {} when sign-in is off."""
    users: dict[str, str] = {}
    raw = settings.users.get_secret_value() if hasattr(settings.users, "get_secret_value") else str(settings.users or "")
    if raw.strip():
        users.update(_pairs(raw, lambda i: f"MBO_USERS entry {i}", ","))
    if settings.auth_file:
        path = Path(settings.auth_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"MBO_AUTH_FILE={path}: cannot read it ({exc.strerror}); give a readable "
                              "file with 'user:password' lines") from None
        users.update(_pairs(text, lambda i: f"{path}:{i}", "\n"))
    return users


def checker(users: dict[str, str]) -> Callable[[str, str], bool] | None:
    """Gradio's auth callable (constant-time comparison), or None when there are no users."""
    if not users:
        return None

    def check(username: str, password: str) -> bool:
        expected = users.get(username)
        return expected is not None and hmac.compare_digest(expected.encode(), (password or "").encode())

    return check


def admins(settings) -> set[str]:
    return {a.strip() for a in (settings.admins or "").split(",") if a.strip()}


def may_upload(settings, auth_on: bool, username: str | None) -> bool:
    if auth_on:
        return bool(username) and username in admins(settings)
    return bool(getattr(settings, "allow_uploads", False))
