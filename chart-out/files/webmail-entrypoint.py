#!/usr/bin/env python3
"""Starts Mailu's webmail trusting the client address that front reports.

Mailu's nginx-webmail.conf takes X-Real-IP only from FRONT_ADDRESS. Here that name is front's
Service, whose address never connects: requests come from front's pods. The line is changed to
trust the pod networks (SUBNET, SUBNET6), where front's pods are and which only front may reach
webmail from (NetworkPolicy). Then the image's /start.py runs.
"""
import os
import sys

TEMPLATE = "/conf/nginx-webmail.conf"
MAILU_LINE = 'set_real_ip_from {{ FRONT_ADDRESS or "front" }};'
POD_NETWORKS = (
    "set_real_ip_from {{ SUBNET }};"
    "{% if SUBNET6 %} set_real_ip_from {{ SUBNET6 }};{% endif %}"
    " # mailu-chart: front's pods"
)


def trust_pod_networks():
    with open(TEMPLATE) as handle:
        template = handle.read()
    if POD_NETWORKS in template:
        return
    if MAILU_LINE not in template:
        sys.exit(f"{TEMPLATE} has no line {MAILU_LINE!r}; this image is not supported")
    with open(TEMPLATE, "w") as handle:
        handle.write(template.replace(MAILU_LINE, POD_NETWORKS))


if not os.environ.get("SUBNET"):
    sys.exit("SUBNET must name the pod network")
trust_pod_networks()
os.execv("/start.py", ["/start.py"])
