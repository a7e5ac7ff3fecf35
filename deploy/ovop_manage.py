#!/usr/bin/env python3
"""Run manage.py the way the portal's services run it: as the ovop user, in the code's folder, with the
variables of /etc/ovop/ovop.env (and nothing else of the caller's environment).

    sudo /srv/ovop/app/deploy/ovop_manage.py migrate --noinput
    sudo /srv/ovop/app/deploy/ovop_manage.py createsuperuser

The environment file is read as systemd's EnvironmentFile= reads it (VARIABLE=value lines, # comments),
which `set -a; . /etc/ovop/ovop.env` would not: a value with spaces or "<" breaks a shell.
OVOP_ENV_FILE names another file (a second instance, a test).
"""

import os
import pwd
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent
ENV_FILE = Path(os.environ.get("OVOP_ENV_FILE", "/etc/ovop/ovop.env"))
USER = "ovop"


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip().isidentifier():
            raise SystemExit(f"{path}:{number}: not VARIABLE=value: {raw!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]  # systemd removes surrounding quotes too
        values[name.strip()] = value
    return values


def main() -> None:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", **read_env_file(ENV_FILE)}
    if os.geteuid() == 0:  # read the file as root (it is root:ovop 0640), then become ovop
        account = pwd.getpwnam(USER)
        os.initgroups(USER, account.pw_gid)
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)
        env["HOME"] = account.pw_dir
    os.umask(0o027)  # as the units' UMask=: files readable by the ovop group (nginx), no one else
    os.chdir(APP)
    python = str(APP / ".venv" / "bin" / "python")
    os.execve(python, [python, "manage.py", *sys.argv[1:]], env)  # noqa: S606 (no shell on purpose)


if __name__ == "__main__":
    main()
