//! The repository's remote URL for SARIF `versionControlProvenance`, with credentials removed.
//!
//! Stage: walk (repository metadata). Reads configuration only. The URL is shared with
//! whoever receives the report, so no user name, password or token may survive.

/// The fetch URL of `origin`, or of the first remote when there is no `origin`, as a URI
/// without userinfo; `None` when the repository has no remote with a usable URL.
pub fn remote_uri(repo: &gix::Repository) -> Option<String> {
    let names = repo.remote_names();
    let name = if names.iter().any(|n| n.as_ref() as &[u8] == b"origin") {
        "origin".to_string()
    } else {
        names.iter().next()?.to_string()
    };
    let config = repo.config_snapshot();
    let url = config.string(format!("remote.{name}.url").as_str())?;
    sanitize_url(&String::from_utf8_lossy(url.as_ref()))
}

/// Rewrites a git remote URL as a URI without credentials: `scheme://user:token@host/p`
/// becomes `scheme://host/p`, scp-like `user@host:path` becomes `ssh://host/path`, and an
/// absolute local path becomes a `file://` URI. Query strings and fragments (where tokens
/// also hide) are dropped. Returns `None` for what is none of these.
pub fn sanitize_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(char::is_control) {
        return None;
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return None;
        }
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let host = authority.rsplit('@').next().unwrap_or("");
        if host.is_empty() && scheme != "file" {
            return None;
        }
        return Some(format!("{}://{host}{path}", scheme.to_ascii_lowercase()));
    }
    if url.starts_with('/') {
        return Some(format!(
            "file://{}",
            url.split(['?', '#']).next().unwrap_or("")
        ));
    }
    // scp-like syntax: [user@]host:path, where the host part holds no slash.
    let (left, path) = url.split_once(':')?;
    if left.contains('/') || path.is_empty() {
        return None;
    }
    let host = left.rsplit('@').next().unwrap_or("");
    if host.is_empty() {
        return None;
    }
    let path = path.trim_start_matches('/');
    Some(format!("ssh://{host}/{path}"))
}

#[cfg(test)]
mod tests {
    use super::sanitize_url;

    #[test]
    fn credentials_never_survive_in_any_url_form() {
        let cases = [
            (
                "https://github.com/o/r.git",
                Some("https://github.com/o/r.git"),
            ),
            (
                "https://user:tok3n@github.com/o/r.git",
                Some("https://github.com/o/r.git"),
            ),
            (
                "https://x-access-token:abc@host:8443/o/r",
                Some("https://host:8443/o/r"),
            ),
            ("HTTPS://tok@host", Some("https://host")),
            (
                "https://host/o/r?private_token=abc#frag",
                Some("https://host/o/r"),
            ),
            ("git@github.com:o/r.git", Some("ssh://github.com/o/r.git")),
            (
                "ssh://git@github.com/o/r.git",
                Some("ssh://github.com/o/r.git"),
            ),
            ("/srv/git/r.git", Some("file:///srv/git/r.git")),
            ("file:///srv/git/r.git", Some("file:///srv/git/r.git")),
            ("relative/path", None),
            ("", None),
            ("https://@/x", None),
        ];
        for (given, want) in cases {
            assert_eq!(sanitize_url(given).as_deref(), want, "{given}");
        }
    }
}
