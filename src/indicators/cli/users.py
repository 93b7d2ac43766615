"""``indicators users``: manage the local analyst accounts (add, remove, list, passwd, unlock).

Every change is recorded in the audit log with the operating-system user who made it. Errors
print one line to standard error and exit with status 2. Passwords are asked for twice without
echo, or read as one line from standard input with ``--password-stdin`` (for scripts).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.accounts import auth
from indicators.paths import default_store_dir
from indicators.store import audit

EXIT_OK = 0
EXIT_ERROR = 2


class _Refused(Exception):
    """A users command cannot go on; the message is printed as the one error line."""


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _users_path(args: argparse.Namespace) -> Path:
    return Path(args.users_file) if args.users_file else auth.users_file_path()


def _store_root(args: argparse.Namespace) -> Path:
    return Path(args.store) if args.store else default_store_dir()


def _read_password(args: argparse.Namespace, name: str) -> str:
    """The new password: one line of standard input, or asked twice without echo."""
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise _Refused("--password-stdin was given but standard input is empty")
        return line.removesuffix("\n").removesuffix("\r")
    try:
        first = getpass.getpass(f"New password for {name}: ")
        second = getpass.getpass("Repeat the password: ")
    except EOFError as exc:
        raise _Refused("no password was given (use --password-stdin in scripts)") from exc
    if first != second:
        raise _Refused("the two passwords differ; nothing was changed")
    return first


def _audit(args: argparse.Namespace, action: str, details: dict[str, Any]) -> None:
    """Record a change that was made; if the log cannot be written, say so plainly."""
    try:
        audit.record(
            action,
            _actor(),
            {**details, "via": "cli", "users_file": str(_users_path(args))},
            store_root=_store_root(args),
        )
    except audit.AuditError as exc:
        raise _Refused(f"the change was made but not recorded in the audit log: {exc}") from exc


def _run(args: argparse.Namespace, action: Callable[[argparse.Namespace], int]) -> int:
    try:
        return action(args)
    except (auth.AccountError, audit.AuditError, _Refused) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return _fail("interrupted; nothing was changed")


def _add(args: argparse.Namespace) -> int:
    auth.validate_name(args.name)
    path = _users_path(args)
    if auth.get_user(args.name, path=path) is not None:
        raise auth.UserExists(f"an account named {args.name!r} already exists")
    password = _read_password(args, args.name)
    user = auth.add_user(args.name, password, path=path, role=args.role)
    _audit(args, "users.add", {"name": user.name, "role": user.role})
    print(f"added {user.role} {user.name!r} to {path}")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    path = _users_path(args)
    user = auth.remove_user(args.name, path=path)
    _audit(args, "users.remove", {"name": user.name})
    print(f"removed {user.name!r}")
    return EXIT_OK


def _passwd(args: argparse.Namespace) -> int:
    path = _users_path(args)
    if auth.get_user(args.name, path=path) is None:
        raise auth.UnknownUser(f"no account named {args.name!r}")
    password = _read_password(args, args.name)
    user = auth.set_password(args.name, password, path=path)
    _audit(args, "users.passwd", {"name": user.name})
    print(f"changed the password of {user.name!r} (its sign-in wait is cleared)")
    return EXIT_OK


def _unlock(args: argparse.Namespace) -> int:
    path = _users_path(args)
    user = auth.unlock_user(args.name, path=path)
    _audit(args, "users.unlock", {"name": user.name})
    print(f"cleared the sign-in wait of {user.name!r}")
    return EXIT_OK


def _status(user: auth.User, now: datetime) -> str:
    if user.is_locked(now) and user.locked_until is not None:
        return f"sign-in wait until {user.locked_until:%Y-%m-%d %H:%M:%S} UTC"
    if user.failed_attempts:
        return f"active ({user.failed_attempts} failed sign-in(s))"
    return "active"


def _list(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    users = auth.list_users(path=_users_path(args))
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "created_at": u.created_at.isoformat(),
            "failed_attempts": u.failed_attempts,
            "locked_until": u.locked_until.isoformat()
            if u.is_locked(now) and u.locked_until
            else None,
            "status": _status(u, now),
        }
        for u in users
    ]
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=1, ensure_ascii=True) + "\n")
        return EXIT_OK
    if not rows:
        print(f"(no local accounts in {_users_path(args)})")
        return EXIT_OK
    columns = ("name", "role", "created_at", "status")
    table = [[str(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in table)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def cmd_users_add(args: argparse.Namespace) -> int:
    """``indicators users add NAME``: create a local analyst account."""
    return _run(args, _add)


def cmd_users_remove(args: argparse.Namespace) -> int:
    """``indicators users remove NAME``: delete an account."""
    return _run(args, _remove)


def cmd_users_passwd(args: argparse.Namespace) -> int:
    """``indicators users passwd NAME``: set a new password (also clears the sign-in wait)."""
    return _run(args, _passwd)


def cmd_users_unlock(args: argparse.Namespace) -> int:
    """``indicators users unlock NAME``: clear the sign-in wait after failed sign-ins."""
    return _run(args, _unlock)


def cmd_users_list(args: argparse.Namespace) -> int:
    """``indicators users list``: every account with its role and sign-in wait."""
    return _run(args, _list)


def add_users_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``users`` with its actions to the ``indicators`` parser; each sets ``func``."""
    users = subparsers.add_parser(
        "users",
        help="local analyst accounts: add, remove, list, passwd, unlock",
        description="Manage the local analyst accounts: add, remove, list, passwd, unlock.",
    )
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--users-file",
            help="users file (default: $INDICATORS_USERS_FILE, else "
            "~/.config/press-freedom-indicators/users.json)",
        )
        p.add_argument(
            "--store",
            help="store folder whose audit.log records the change "
            "(default: $INDICATORS_STORE, else the default store; $INDICATORS_AUDIT_LOG wins)",
        )
        return p

    def password_source(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password as one line from standard input instead of asking",
        )

    p = common(actions.add_parser("add", help="create a local analyst account"))
    p.add_argument("name", help="account name: letters, digits, '.', '_', '-', '@'")
    p.add_argument("--role", choices=sorted(auth.ROLES), default="analyst")
    password_source(p)
    p.set_defaults(func=cmd_users_add)

    p = common(actions.add_parser("remove", help="delete an account"))
    p.add_argument("name")
    p.set_defaults(func=cmd_users_remove)

    p = common(actions.add_parser("list", help="list accounts, roles and sign-in waits"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_users_list)

    p = common(actions.add_parser("passwd", help="set a new password (clears the sign-in wait)"))
    p.add_argument("name")
    password_source(p)
    p.set_defaults(func=cmd_users_passwd)

    p = common(
        actions.add_parser("unlock", help="clear the sign-in wait after failed sign-ins (at once)")
    )
    p.add_argument("name")
    p.set_defaults(func=cmd_users_unlock)
    return users
