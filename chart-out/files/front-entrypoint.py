#!/usr/bin/env python3
"""Starts Mailu's front with one more SMTP listener, for mail that arrives through a proxy.

The proxy in front (Traefik, or a load balancer that speaks the PROXY protocol) forwards port
25 here with a PROXY protocol header that carries the sender's real address. The listener is a
copy of Mailu's own port-25 server (the same STARTTLS, the same protocols and ciphers for old
senders when TLS_PERMISSIVE is on, the same certificates) that listens on PORT with the PROXY
protocol and believes the header only from REAL_IP_FROM; nginx hands the address to postfix
through XCLIENT. Mailu's own port 25 stays as it is, for senders
inside the cluster (fetchmail) that send no such header.

postfix relays anywhere for the pod network (SUBNET, SUBNET6), so a sender the header places
there is refused with a temporary error before postfix sees it: a pod that connects through the
proxy, or every sender when the proxy's own Service hides their addresses behind the nodes'
tunnel addresses. The copy asks a small server of its own (AUTH_PORT, on loopback) whether to
accept a sender; that server answers for such addresses itself and hands every other question
to Mailu's own authentication server.

Nothing else of the image changes: the copy is added to the image's own nginx template, so it
survives Mailu's reconfiguration on certificate renewal, then the image's /start.py runs.
"""
import os
import sys

TEMPLATE = "/conf/nginx.conf"
MARKER = "# mailu-chart: port 25 through the proxy"
PORT = 20025
AUTH_PORT = 8025

# How Mailu's port-25 server listens, and how the copy listens instead.
LISTEN = {
    "listen 25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};": (
        f"listen {PORT} proxy_protocol;\n"
        f"      auth_http http://127.0.0.1:{AUTH_PORT}/auth/email;\n"
        "      {% for from_ip in REAL_IP_FROM.split(',') %}set_real_ip_from {{ from_ip }};\n"
        "      {% endfor %}"
    ),
    "listen [::]:25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};": (
        f"listen [::]:{PORT} proxy_protocol;"
    ),
}
# The server the copy asks, inside the http block. nginx's mail module sends the sender's
# address as Client-IP; an answer other than OK refuses the sender with Auth-Error-Code.
SENDER_CHECK = (
    "    # mailu-chart: the senders port 25 through the proxy accepts\n"
    "    geo $http_client_ip $mailu_chart_sender_in_pod_network {\n"
    "      default 0;\n"
    "      {{ SUBNET }} 1;\n"
    "      {% if SUBNET6 %}{{ SUBNET6 }} 1;{% endif %}\n"
    "    }\n"
    "    server {\n"
    f"      listen 127.0.0.1:{AUTH_PORT};\n"
    "      location / {\n"
    "        if ($mailu_chart_sender_in_pod_network) {\n"
    "          add_header Auth-Status \"sender inside the pod network, refused through the proxy\" always;\n"
    "          add_header Auth-Error-Code \"451 4.7.1\" always;\n"
    "          return 200;\n"
    "        }\n"
    "        proxy_pass http://127.0.0.1:8000;\n"
    "      }\n"
    "    }\n"
)
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
    # The mail block is the last block of Mailu's nginx template, right after the http block.
    mail = body.find("\nmail {")
    if mail < 0 or not body.endswith("}"):
        unsupported("the template does not end with the mail block")
    http_end = body.rfind("}", 0, mail)
    if http_end < 0 or "http {" not in body[:http_end]:
        unsupported("no http block before the mail block")
    copy = proxied_copy(port_25_server(template))
    with open(TEMPLATE, "w") as handle:
        handle.write(body[:http_end] + SENDER_CHECK + body[http_end:-1] + copy + "}\n")


if not os.environ.get("REAL_IP_FROM"):
    sys.exit("REAL_IP_FROM must name the networks the proxy connects from")
add_listener()
os.execv("/start.py", ["/start.py"])
