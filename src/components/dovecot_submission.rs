//! dovecot-submission: the relay-only SMTP submission service webmail sends through. It takes
//! the webmail session's word for who the user is (it accepts any password) and relays to
//! postfix's submission port, where postfix checks the sender against that user. Only webmail
//! may reach it; the NetworkPolicies enforce that.

use super::expr::{Cond, Expr};
use super::wiring::*;

pub fn component() -> Component {
    let mut c = Component::new(
        "dovecot-submission",
        "dovecotSubmission",
        "relay-only submission service for webmail",
        ImageSource::Values,
        "dovecotSubmission.enabled",
    );
    // Only Roundcube sends through it (see webmail.rs); without it there is nobody to serve.
    c.when = super::webmail::patched();
    c.ports = vec![port("submission", 10025)];
    c.service = vec![service_port("submission", 10025)];
    c.shared_env = false;
    c.configs = vec![ConfigFile::new(
        "dovecot-submission",
        Cond::Always,
        vec![file("dovecot.conf", Content::File(config()))],
    )];
    c.volumes = vec![volume("config", VolumeSource::ConfigMap { suffix: "dovecot-submission", mode: None })];
    c.mounts = vec![mount("config", "/etc/dovecot/dovecot.conf").sub_path("dovecot.conf").read_only()];
    c.probes = Probes::all(ProbeAction::tcp("submission"));
    c.strategy = Strategy::RollingUpdate;
    c
}

/// The whole dovecot.conf of the relay.
fn config() -> Expr {
    Expr::concat(vec![
        Expr::lit(
            "# Relay-only submission for webmail. Only webmail can connect (NetworkPolicy); it\n\
             # accepts the webmail session's user without a password and relays to postfix's\n\
             # submission port, which checks the sender against that user.\n\
             protocols = submission\n\
             listen = ",
        ),
        // IPv4 alone unless the pod network is IPv6 (as Mailu's own dovecot listens with
        // SUBNET6): opening `::` fails where the pods have no IPv6.
        Expr::choose(super::shared_env::ipv6_subnet(), Expr::lit("*, ::"), Expr::lit("*")),
        Expr::lit(
            "\n\
             ssl = no\n\
             disable_plaintext_auth = no\n\
             # Any character Mailu allows in an address (core/nginx/dovecot/proxy.conf clears\n\
             # dovecot's default list too).\n\
             auth_username_chars =\n\
             auth_mechanisms = plain login\n\
             log_path = /dev/stderr\n\
             mail_location = maildir:/tmp/%u\n\
             hostname = ",
        ),
        Expr::First("hostnames".into()),
        Expr::lit("\npostmaster_address = "),
        Expr::key("postmaster"),
        Expr::lit("@"),
        Expr::key("domain"),
        Expr::lit("\nsubmission_relay_host = "),
        Expr::ServiceFqdn("postfix"),
        Expr::lit(
            "\nsubmission_relay_port = 10025\n\
             submission_relay_trusted = yes\n\
             submission_relay_ssl = no\n\
             submission_max_mail_size = ",
        ),
        Expr::Product("messageSizeLimitMb".into(), 1_048_576),
        Expr::lit(
            "\nsubmission_backend_capabilities = 8BITMIME DSN VRFY\n\
             # BURL needs IMAP URLAUTH, which nobody offers here: with exotic-backend and the\n\
             # capabilities above, the greeting before login does not advertise it.\n\
             submission_client_workarounds = whitespace-before-path mailbox-for-path exotic-backend\n\
             passdb {\n  driver = static\n  args = nopassword=y\n}\n\
             userdb {\n  driver = static\n  args = uid=vmail gid=vmail home=/tmp/%u\n}\n\
             service submission-login {\n  inet_listener submission {\n    port = 10025\n  }\n}\n",
        ),
    ])
}
