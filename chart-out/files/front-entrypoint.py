#!/usr/bin/env python3
"""Starts Mailu's front with extra mail listeners for the ingress controller.

The ingress controller terminates TLS and forwards each mail connection with a PROXY protocol
header. The listeners added here read the client's real address from that header (trusting
only REAL_IP_FROM), so that Mailu's authentication rate limits see it and postfix receives it
through XCLIENT. Nothing else of the image changes: the listeners are added to the image's own
nginx template, then the image's /start.py runs as usual.
"""
import os
import sys

TEMPLATE = "/conf/nginx.conf"
MARKER = "# mailu-chart ingress listeners"

# (listening port, protocol, authentication, the port Mailu's admin is told about)
LISTENERS = [
    (20025, "smtp", "smtp_auth none;", 25),
    (20465, "smtp", "smtp_auth plain login;", 465),
    (20587, "smtp", "smtp_auth plain login;", 587),
    (20993, "imap", "imap_auth plain login;", 993),
    (20995, "pop3", "pop3_auth plain;", 995),
]


def listener_blocks():
    blocks = ["    " + MARKER + "\n"]
    for port, protocol, auth, public_port in LISTENERS:
        blocks.append(
            "    server {\n"
            f"      listen {port} proxy_protocol;\n"
            "      {% for from_ip in REAL_IP_FROM.split(',') %}set_real_ip_from {{ from_ip }};\n"
            "      {% endfor %}"
            f"protocol {protocol};\n"
            f"      {auth}\n"
            f"      auth_http_header Auth-Port {public_port};\n"
            "      auth_http_header Client-Port $remote_port;\n"
            "    }\n"
        )
    return "".join(blocks)


def add_listeners():
    with open(TEMPLATE) as handle:
        template = handle.read()
    if MARKER in template:
        return
    body = template.rstrip()
    # The mail block is the last block of Mailu's nginx template.
    if "\nmail {" not in body or not body.endswith("}"):
        sys.exit(f"{TEMPLATE} does not end with the mail block; this image is not supported")
    patched = body[:-1] + listener_blocks() + "}\n"
    with open(TEMPLATE, "w") as handle:
        handle.write(patched)


if not os.environ.get("REAL_IP_FROM"):
    sys.exit("REAL_IP_FROM must name the networks the ingress controller connects from")
add_listeners()
os.execv("/start.py", ["/start.py"])
