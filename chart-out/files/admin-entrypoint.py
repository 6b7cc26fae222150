#!/usr/bin/env python3
"""Starts Mailu's admin with an initial password that any character survives.

Mailu's /start.py creates the initial account with a shell command in which the password
stands between single quotes (core/admin/start.py): a quote in the password would end them.
Each quote is handed over as the shell spells a quote inside single quotes ('\\''), so the
account gets the password as written. A password that starts with "-" cannot be passed at all
(the account command would read it as an option): admin stops with a message saying so, rather
than start without the account. Then the image's /start.py runs.
"""
import os
import sys

password = os.environ.get("INITIAL_ADMIN_PW")
if password is not None:
    if password.startswith("-"):
        sys.exit(
            "the initial account's password (INITIAL_ADMIN_PW, from initialAccount.passwordSecret) "
            "starts with '-', which Mailu's account command reads as an option: choose another one"
        )
    os.environ["INITIAL_ADMIN_PW"] = password.replace("'", "'\\''")
os.execv("/start.py", ["/start.py"])
