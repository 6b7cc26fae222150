#!/usr/bin/env python3
"""Starts Mailu's front with one more SMTP listener, for mail that arrives through a proxy.

Traefik forwards port 25 here with a PROXY protocol header that carries the sender's real
address. nginx believes that header only from REAL_IP_FROM, offers STARTTLS as on port 25 when
front has a certificate, and hands the address to postfix through XCLIENT. Mailu's own port 25
stays as it is, for senders inside the cluster (fetchmail) that send no such header.

Nothing else of the image changes: the listener is added to the image's own nginx template, so
it survives Mailu's reconfiguration on certificate renewal, then the image's /start.py runs.
"""
import os
import sys

TEMPLATE = "/conf/nginx.conf"
MARKER = "# mailu-chart: port 25 through the proxy"
PORT = 20025

LISTENER = (
    "    " + MARKER + "\n"
    "    server {\n"
    f"      listen {PORT} proxy_protocol;\n"
    "      {% if SUBNET6 %}listen [::]:" + str(PORT) + " proxy_protocol;{% endif %}\n"
    "      {% for from_ip in REAL_IP_FROM.split(',') %}set_real_ip_from {{ from_ip }};\n"
    "      {% endfor %}"
    "{% if TLS and not TLS_ERROR %}starttls on;{% endif %}\n"
    "      protocol smtp;\n"
    "      smtp_auth none;\n"
    "      auth_http_header Auth-Port 25;\n"
    "      auth_http_header Client-Port $remote_port;\n"
    "    }\n"
)


def add_listener():
    with open(TEMPLATE) as handle:
        template = handle.read()
    if MARKER in template:
        return
    body = template.rstrip()
    # The mail block is the last block of Mailu's nginx template.
    if "\nmail {" not in body or not body.endswith("}"):
        sys.exit(f"{TEMPLATE} does not end with the mail block; this image is not supported")
    with open(TEMPLATE, "w") as handle:
        handle.write(body[:-1] + LISTENER + "}\n")


if not os.environ.get("REAL_IP_FROM"):
    sys.exit("REAL_IP_FROM must name the networks the proxy connects from")
add_listener()
os.execv("/start.py", ["/start.py"])
