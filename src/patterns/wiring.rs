// The patterns the wiring itself checks values against (not the schema's). `build.rs`
// includes this file to build their matchers with the schema's, so it holds constants only.

/// A DNS label that starts with a letter and leaves room for the longest object name
/// (`<release>-dovecot-submission` in 63 characters): 44 characters at most.
pub const RELEASE_NAME: &str = "^[a-z]([-a-z0-9]{0,42}[a-z0-9])?$";

/// helm's own rule for release names (its `ValidateReleaseName`), but for the length.
pub const HELM_RELEASE_NAME: &str = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// helm's bound on the length of a release name: 53 characters.
pub const HELM_RELEASE_NAME_LENGTH: &str = "^.{1,53}$";

/// A Kubernetes namespace: a DNS label of at most 63 characters.
pub const NAMESPACE: &str = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

/// Every pattern above.
pub const ALL: &[&str] = &[RELEASE_NAME, HELM_RELEASE_NAME, HELM_RELEASE_NAME_LENGTH, NAMESPACE];
