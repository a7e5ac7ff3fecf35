#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ovop_portal.settings")
    if "DJANGO_SECRET_KEY" not in os.environ:
        # No secret in the environment: a developer's checkout, so commands run in development mode.
        # A server has its secret set and keeps DEBUG off; the WSGI app (gunicorn) never takes this default.
        os.environ.setdefault("DJANGO_DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
