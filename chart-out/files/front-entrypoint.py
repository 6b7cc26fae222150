#!/usr/bin/env python3
"""Starts Mailu's front with one more SMTP listener, for mail from the internet.

postfix relays anywhere for the pod network (SUBNET, SUBNET6) and takes the sender's address
from the XCLIENT command nginx sends it. Mailu's own port 25 believes every connection, which
is right for senders inside the cluster (fetchmail) and wrong for the public port: a sender
that arrives with an address of the pod network would be an open relay. That happens behind a
proxy (a pod sending through Traefik, or every sender when the proxy's own Service hides their
addresses behind the nodes' tunnel addresses) and behind a load balancer that masquerades its
clients (k3s's ServiceLB).

So the public port 25 arrives on a copy of Mailu's port-25 server instead (the same STARTTLS,
the same protocols and ciphers for old senders when TLS_PERMISSIVE is on, the same
certificates), on a port of its own, as MAILU_CHART_PUBLIC_SMTP says:

- `proxy-protocol`: port 20025, where the proxy (Traefik, or a load balancer that speaks the
  PROXY protocol) sends a header with the sender's real address, believed only from
  REAL_IP_FROM;
- `direct`: port 20026, where the LoadBalancer or the host port brings the connection itself.

The copy asks a small server of its own (AUTH_PORT, on loopback) whether to accept a sender;
that server refuses senders inside the pod network or on loopback (which postfix trusts as
well) with a temporary error and hands every other question to Mailu's own authentication
server.

Nothing else of the image changes: the copy is added to the image's own nginx template, so it
survives Mailu's reconfiguration on certificate renewal, then the image's /start.py runs. Its
filter of nginx's log, which hides the failed reverse lookups of senders on Mailu's mail ports,
is told the copy's port too, where the image's filter has the expected shape.
"""
import os
import sys

TEMPLATE = "/conf/nginx.conf"
MARKER = "# mailu-chart: the public port 25"
AUTH_PORT = 8025
AUTH = f"      auth_http http://127.0.0.1:{AUTH_PORT}/auth/email;\n"
MAILUS_LISTEN = "listen 25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};"
MAILUS_LISTEN6 = "listen [::]:25{% if PROXY_PROTOCOL_25 %} proxy_protocol{% endif %};"

# How the copy listens instead of Mailu's port-25 server, for each way in.
LISTENERS = {
    "proxy-protocol": {
        MAILUS_LISTEN: (
            "listen 20025 proxy_protocol;\n"
            + AUTH
            + "      {% for from_ip in REAL_IP_FROM.split(',') %}set_real_ip_from {{ from_ip }};\n"
            "      {% endfor %}"
        ),
        MAILUS_LISTEN6: "listen [::]:20025 proxy_protocol;",
    },
    "direct": {
        MAILUS_LISTEN: "listen 20026;\n" + AUTH.rstrip("\n"),
        MAILUS_LISTEN6: "listen [::]:20026;",
    },
}
# The server the copy asks, inside the http block. nginx's mail module sends the sender's
# address as Client-IP; an answer other than OK refuses the sender with Auth-Error-Code.
# postfix trusts the loopback addresses too (mynetworks, core/postfix/conf/main.cf), which a
# trusted proxy may pass on or claim.
SENDER_CHECK = (
    "    # mailu-chart: the senders the public port 25 accepts\n"
    "    geo $http_client_ip $mailu_chart_sender_in_pod_network {\n"
    "      default 0;\n"
    "      127.0.0.0/8 1;\n"
    "      ::1/128 1;\n"
    "      {{ SUBNET }} 1;\n"
    "      {% if SUBNET6 %}{{ SUBNET6 }} 1;{% endif %}\n"
    "    }\n"
    "    server {\n"
    f"      listen 127.0.0.1:{AUTH_PORT};\n"
    "      location / {\n"
    "        if ($mailu_chart_sender_in_pod_network) {\n"
    "          add_header Auth-Status \"sender inside the pod network, refused on the public port\" always;\n"
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
    listen = template.find(MAILUS_LISTEN)
    if listen < 0:
        unsupported("no port-25 server")
    start = template.rfind(SERVER_START, 0, listen)
    end = template.find(SERVER_END, listen)
    if start < 0 or end < 0 or "server {" in template[start + len(SERVER_START):listen]:
        unsupported("the port-25 server has another shape")
    return template[start:end + len(SERVER_END)]


def public_copy(server, listeners):
    for mailus, ours in listeners.items():
        server = server.replace(mailus, ours)
    if AUTH not in server:
        unsupported("the port-25 server listens another way")
    return "    " + MARKER + "\n" + server


START = "/start.py"
# The ports whose failed reverse lookups Mailu's start script keeps out of the log.
LOG_FILTER_PORTS = "(25|110|143|587|465|993|995)$"


def quiet_log(port):
    """Adds `port` to the start script's log filter; an image without it is left as it is."""
    with open(START) as handle:
        script = handle.read()
    ours = LOG_FILTER_PORTS.replace(")$", f"|{port})$")
    if ours in script or script.count(LOG_FILTER_PORTS) != 1:
        return
    with open(START, "w") as handle:
        handle.write(script.replace(LOG_FILTER_PORTS, ours))


def add_listener(listeners):
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
    copy = public_copy(port_25_server(template), listeners)
    with open(TEMPLATE, "w") as handle:
        handle.write(body[:http_end] + SENDER_CHECK + body[http_end:-1] + copy + "}\n")


way_in = os.environ.get("MAILU_CHART_PUBLIC_SMTP", "")
if way_in not in LISTENERS:
    sys.exit(f"MAILU_CHART_PUBLIC_SMTP must be one of {', '.join(LISTENERS)}, found {way_in!r}")
if way_in == "proxy-protocol" and not os.environ.get("REAL_IP_FROM"):
    sys.exit("REAL_IP_FROM must name the networks the proxy connects from")
add_listener(LISTENERS[way_in])
quiet_log(20025 if way_in == "proxy-protocol" else 20026)
os.execv(START, [START])
