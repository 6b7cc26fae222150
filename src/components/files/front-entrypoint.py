#!/usr/bin/env python3
"""Starts Mailu's front with one more SMTP listener, for mail that arrives through a proxy.

The proxy in front (Traefik, or a load balancer that speaks the PROXY protocol) forwards port
25 here with a PROXY protocol header that carries the sender's real address. The listener is a
copy of Mailu's own port-25 server (the same STARTTLS, the same protocols and ciphers for old
senders when TLS_PERMISSIVE is on, the same certificates) that listens on PORT with the PROXY
protocol and believes the header only from REAL_IP_FROM; nginx hands the address to postfix
through XCLIENT. Mailu's own port 25 stays as it is, for senders
inside the cluster (fetchmail) that send no such header.

Nothing else of the image changes: the copy is added to the image's own nginx template, so it
survives Mailu's reconfiguration on certificate renewal, then the image's /start.py runs.
"""
import os
import sys

TEMPLATE = "/conf/nginx.conf"
MARKER = "# mailu-chart: port 25 through the proxy"
PORT = 20025

# How Mailu's port-25 server listens, and how the copy listens instead.
LISTEN = {
    "listen 25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};": (
        f"listen {PORT} proxy_protocol;\n"
        "      {% for from_ip in REAL_IP_FROM.split(',') %}set_real_ip_from {{ from_ip }};\n"
        "      {% endfor %}"
    ),
    "listen [::]:25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};": (
        f"listen [::]:{PORT} proxy_protocol;"
    ),
}
SERVER_START = "    server {\n"
SERVER_END = "\n    }\n"


def unsupported(reason):
    sys.exit(f"{TEMPLATE}: {reason}; this image is not supported")


def port_25_server(template):
    """Mailu's port-25 server block, from `server {` to its closing brace."""
    listen = template.find(next(iter(LISTEN)))
    if listen < 0:
        unsupported("no port-25 server")
    start = template.rfind(SERVER_START, 0, listen)
    end = template.find(SERVER_END, listen)
    if start < 0 or end < 0 or "server {" in template[start + len(SERVER_START):listen]:
        unsupported("the port-25 server has another shape")
    return template[start:end + len(SERVER_END)]


def proxied_copy(server):
    for mailus, ours in LISTEN.items():
        server = server.replace(mailus, ours)
    if f"listen {PORT} proxy_protocol;" not in server:
        unsupported("the port-25 server listens another way")
    return "    " + MARKER + "\n" + server


def add_listener():
    with open(TEMPLATE) as handle:
        template = handle.read()
    if MARKER in template:
        return
    body = template.rstrip()
    # The mail block is the last block of Mailu's nginx template.
    if "\nmail {" not in body or not body.endswith("}"):
        unsupported("the template does not end with the mail block")
    copy = proxied_copy(port_25_server(template))
    with open(TEMPLATE, "w") as handle:
        handle.write(body[:-1] + copy + "}\n")


if not os.environ.get("REAL_IP_FROM"):
    sys.exit("REAL_IP_FROM must name the networks the proxy connects from")
add_listener()
os.execv("/start.py", ["/start.py"])
