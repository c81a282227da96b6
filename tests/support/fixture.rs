//! Fixture trees from `fixtures/trees/`, with their placeholders filled by fake keys.
//!
//! See `fixtures/README.md` for the placeholders. Rendering copies a tree into a temporary
//! directory and records where each planted key landed, so tests can assert exact locations.

use super::tree::Tree;
use keyhound::fake::{FakeKeys, Family, MARKER};
use std::collections::HashMap;
use std::path::Path;

/// A key written into a rendered fixture, and where (1-based line and byte column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub key: String,
    pub family: Family,
}

/// A rendered fixture: the tree, the keys planted in it, and the decoys that must not match.
pub struct Rendered {
    pub tree: Tree,
    pub planted: Vec<Planted>,
    pub decoys: Vec<String>,
}

/// Renders `fixtures/trees/<name>` with keys from a generator seeded with `seed`.
pub fn render(name: &str, seed: u64) -> Rendered {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/trees")
        .join(name);
    let mut state = State {
        gen: FakeKeys::new(seed),
        numbered: HashMap::new(),
        planted: Vec::new(),
        decoys: Vec::new(),
    };
    let tree = Tree::new();
    let mut files = Vec::new();
    collect(&src, &src, &mut files);
    files.sort();
    for rel in files {
        let text = std::fs::read_to_string(src.join(&rel)).expect("fixture is UTF-8 text");
        let out = state.fill(&rel, &text);
        tree.write(&rel, out);
    }
    Rendered {
        tree,
        planted: state.planted,
        decoys: state.decoys,
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read fixture dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("under root");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

struct State {
    gen: FakeKeys,
    numbered: HashMap<String, String>,
    planted: Vec<Planted>,
    decoys: Vec<String>,
}

impl State {
    fn fill(&mut self, rel: &str, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            out.push_str(&rest[..open]);
            let close = rest[open..].find("}}").expect("unclosed placeholder") + open;
            let spec = &rest[open + 2..close];
            let value = match spec.split_once(':') {
                Some(("key", family)) => {
                    let key = self.key(family);
                    let line = out.matches('\n').count() as u64 + 1;
                    let column = (out.len() - out.rfind('\n').map_or(0, |i| i + 1)) as u64 + 1;
                    let family = family_of(family.split('#').next().unwrap_or(family));
                    self.planted.push(Planted {
                        path: rel.to_string(),
                        line,
                        column,
                        key: key.clone(),
                        family,
                    });
                    key
                }
                Some(("decoy", kind)) => {
                    let decoy = self.decoy(kind);
                    self.decoys.push(decoy.clone());
                    decoy
                }
                _ => panic!("unknown placeholder {{{{{spec}}}}} in {rel}"),
            };
            out.push_str(&value);
            rest = &rest[close + 2..];
        }
        out.push_str(rest);
        out
    }

    fn key(&mut self, spec: &str) -> String {
        let (family, number) = match spec.split_once('#') {
            Some((f, n)) => (f, Some(n)),
            None => (spec, None),
        };
        if let Some(n) = number {
            if let Some(k) = self.numbered.get(n) {
                return k.clone();
            }
        }
        let key = self.gen.key(family_of(family));
        if let Some(n) = number {
            self.numbered.insert(n.to_string(), key.clone());
        }
        key
    }

    fn decoy(&mut self, kind: &str) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const HEX: &[u8] = b"0123456789abcdef";
        let g = &mut self.gen;
        match kind {
            "stripe" => format!("sk_live_{}", g.run(24, ALNUM)),
            "anthropic" => format!(
                "sk-ant-api03-{}{MARKER}{}",
                g.run(20, ALNUM),
                g.run(20, ALNUM)
            ),
            "deepseek" => format!("sk-{}", g.run(32, HEX)),
            "openrouter" => format!("sk-or-v1-{}", g.run(64, HEX)),
            "groq" => format!("gsk_{}{MARKER}{}", g.run(20, ALNUM), g.run(20, ALNUM)),
            "mask" | "dots" | "truncated" => {
                let key = g.key(Family::Project);
                let (head, tail) = (&key[..8], &key[key.len() - 4..]);
                match kind {
                    "mask" => format!("{head}{}{tail}", "*".repeat(key.len() - 12)),
                    "dots" => format!("{head}...{tail}"),
                    _ => key[..key.len() - 9].to_string(),
                }
            }
            "repeated" => format!("sk-proj-{}{MARKER}{}", "x".repeat(74), "x".repeat(74)),
            other => panic!("unknown decoy kind {other}"),
        }
    }
}

fn family_of(name: &str) -> Family {
    match name {
        "legacy" => Family::Legacy,
        "project-short" => Family::ProjectShort,
        "project" => Family::Project,
        "service-account" => Family::ServiceAccount,
        "admin" => Family::Admin,
        "unowned" => Family::Unowned,
        "unowned-short" => Family::UnownedShort,
        "named" => Family::Named,
        other => panic!("unknown key family {other}"),
    }
}
