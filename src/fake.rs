//! Fake keys for tests and benchmarks: every family's shape, from a seeded generator.
//!
//! Nothing here was ever a key. The repository holds no key-shaped literal outside `rules/`;
//! tests and benchmark corpora call this at run time instead.

/// The key families keyhound knows, as shapes to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `sk-` + 20 + marker + 20, alphanumeric.
    Legacy,
    /// `sk-proj-` + 20 + marker + 20 (2024).
    ProjectShort,
    /// `sk-proj-` + 74 + marker + 74, base64url.
    Project,
    /// `sk-svcacct-` + 74 + marker + 74.
    ServiceAccount,
    /// `sk-admin-` + 58 + marker + 58.
    Admin,
    /// `sk-None-` + 74 + marker + 74.
    Unowned,
    /// `sk-None-` + 48 alphanumerics, no marker.
    UnownedShort,
    /// `sk-<name>-` + 20 + marker + 20.
    Named,
}

impl Family {
    pub const ALL: [Family; 8] = [
        Family::Legacy,
        Family::ProjectShort,
        Family::Project,
        Family::ServiceAccount,
        Family::Admin,
        Family::Unowned,
        Family::UnownedShort,
        Family::Named,
    ];

    /// The id of the rule that must report this family.
    pub fn rule_id(self) -> &'static str {
        match self {
            Family::Legacy => "openai.legacy-key",
            Family::ProjectShort | Family::Project => "openai.project-key",
            Family::ServiceAccount => "openai.service-account-key",
            Family::Admin => "openai.admin-key",
            Family::Unowned | Family::UnownedShort => "openai.unowned-key",
            Family::Named => "openai.named-key",
        }
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub use crate::secret::MARKER;

/// A deterministic generator (SplitMix64) of fake keys.
#[derive(Debug, Clone)]
pub struct FakeKeys {
    state: u64,
}

impl FakeKeys {
    pub fn new(seed: u64) -> Self {
        FakeKeys { state: seed }
    }

    /// The next pseudo-random number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random string of `n` characters from `alphabet`.
    pub fn run(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n)
            .map(|_| alphabet[(self.next_u64() % alphabet.len() as u64) as usize] as char)
            .collect()
    }

    fn balanced(&mut self, prefix: &str, half: usize, alphabet: &[u8]) -> String {
        let head = self.run(half, alphabet);
        let tail = self.run(half, alphabet);
        format!("{prefix}{head}{MARKER}{tail}")
    }

    /// A fake key of the family.
    pub fn key(&mut self, family: Family) -> String {
        match family {
            Family::Legacy => self.balanced("sk-", 20, ALNUM),
            Family::ProjectShort => self.balanced("sk-proj-", 20, ALNUM),
            Family::Project => self.balanced("sk-proj-", 74, B64URL),
            Family::ServiceAccount => self.balanced("sk-svcacct-", 74, B64URL),
            Family::Admin => self.balanced("sk-admin-", 58, B64URL),
            Family::Unowned => self.balanced("sk-None-", 74, B64URL),
            Family::UnownedShort => format!("sk-None-{}", self.run(48, ALNUM)),
            Family::Named => {
                let name = ["service-account-name", "my-app", "ci"][(self.next_u64() % 3) as usize];
                self.balanced(&format!("sk-{name}-"), 20, ALNUM)
            }
        }
    }

    /// A fake key of the family that ends in `end` (keys may end in `-` or `_`).
    pub fn key_ending(&mut self, family: Family, end: char) -> String {
        let mut k = self.key(family);
        k.pop();
        k.push(end);
        k
    }
}
