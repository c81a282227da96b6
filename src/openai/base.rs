//! The API base URL: where the admin key may be sent.
//!
//! Stage: configuration. Parses and checks a base such as `https://api.openai.com/v1`: HTTPS
//! anywhere, plain HTTP only to a loopback host (so that a typo or a hostile setting cannot
//! send the admin key in clear text over a network). Performs no I/O.

use ureq::http::Uri;

/// OpenAI's API, where the admin key goes unless the user says otherwise.
pub const DEFAULT_BASE: &str = "https://api.openai.com/v1";

/// A checked base URL, without a trailing `/`. Paths such as `/organization/projects` are
/// appended to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase {
    url: String,
    https: bool,
}

/// Why a base URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseError {
    #[error("invalid API base URL {0:?}")]
    Invalid(String),
    #[error("API base URL {0:?} must be https:// or http:// to a loopback host")]
    Scheme(String),
    /// Holds the base without what it must not hold (which may be a credential).
    #[error(
        "API base URL {0:?} must not hold a user name, password, query or fragment \
         (not repeated here)"
    )]
    Extra(String),
    #[error(
        "API base URL {0:?} is plain http:// to a host that is not loopback; use https:// \
         (http:// is allowed only for 127.0.0.0/8, ::1 and localhost)"
    )]
    PlainHttp(String),
}

impl ApiBase {
    /// Parses and checks `url`.
    pub fn parse(url: &str) -> Result<ApiBase, BaseError> {
        let shown = crate::openai::error::sanitize(url);
        let trimmed = url.trim_end_matches('/');
        if trimmed.contains(['@', '?', '#']) {
            return Err(BaseError::Extra(scheme_and_host(&shown)));
        }
        let uri: Uri = trimmed
            .parse()
            .map_err(|_| BaseError::Invalid(shown.clone()))?;
        let https = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("https") => true,
            Some(s) if s.eq_ignore_ascii_case("http") => false,
            _ => return Err(BaseError::Scheme(shown)),
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| BaseError::Invalid(shown.clone()))?;
        if !https && !is_loopback(host) {
            return Err(BaseError::PlainHttp(shown));
        }
        Ok(ApiBase {
            url: trimmed.to_string(),
            https,
        })
    }

    /// The base as text, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// True for an `https://` base.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The URL of `path_and_query` (which starts with `/`) under this base.
    pub fn join(&self, path_and_query: &str) -> String {
        format!("{}{}", self.url, path_and_query)
    }
}

impl Default for ApiBase {
    fn default() -> Self {
        ApiBase {
            url: DEFAULT_BASE.to_string(),
            https: true,
        }
    }
}

/// `scheme://host` of a URL that holds user info, a query or a fragment, for an error that
/// must not repeat a password or token: everything after the host, and before the last `@`
/// of the authority, is left out.
fn scheme_and_host(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    format!("{scheme}://{host}")
}

/// `localhost`, `127.0.0.0/8` or `::1` (brackets allowed).
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_loopback() {
        for ok in [
            "https://api.openai.com/v1",
            "https://proxy.example.com:8443/openai/v1/",
            "http://127.0.0.1:8080/v1",
            "http://127.3.4.5/v1",
            "http://localhost:9/v1",
            "http://[::1]:9/v1",
        ] {
            assert!(ApiBase::parse(ok).is_ok(), "{ok}");
        }
        for plain in [
            "http://api.openai.com/v1",
            "http://10.0.0.1/v1",
            "http://127.0.0.1.example.com/v1",
            "http://localhost.example.com/v1",
            "http://[::2]/v1",
        ] {
            assert!(
                matches!(ApiBase::parse(plain), Err(BaseError::PlainHttp(_))),
                "{plain}"
            );
        }
        assert!(matches!(
            ApiBase::parse("ftp://x/v1"),
            Err(BaseError::Scheme(_))
        ));
        assert!(matches!(
            ApiBase::parse("https://user:pw@x/v1"),
            Err(BaseError::Extra(_))
        ));
        assert!(ApiBase::parse("not a url").is_err());
    }

    #[test]
    fn a_refused_base_never_repeats_its_credentials() {
        for (url, shown) in [
            (
                "https://alice:hunter2@api.example.com/v1",
                "https://api.example.com",
            ),
            (
                "https://tok3n@api.example.com/v1",
                "https://api.example.com",
            ),
            (
                "https://api.example.com/v1?key=tok3n",
                "https://api.example.com",
            ),
            (
                "https://api.example.com/v1#tok3n",
                "https://api.example.com",
            ),
            (
                "https://api.example.com/tok3n@x/v1",
                "https://api.example.com",
            ),
        ] {
            let e = ApiBase::parse(url).unwrap_err().to_string();
            assert!(e.contains(&format!("{shown:?}")), "{e}");
            for secret in ["hunter2", "tok3n", "alice"] {
                assert!(!e.contains(secret), "{e}");
            }
        }
    }

    #[test]
    fn join_appends_paths_without_a_double_slash() {
        let base = ApiBase::parse("http://127.0.0.1:1/v1/").unwrap();
        assert_eq!(base.join("/models"), "http://127.0.0.1:1/v1/models");
        assert_eq!(ApiBase::default().as_str(), DEFAULT_BASE);
    }
}
