//! Walk stage: decide which files to read. Reads no file contents.
//!
//! `.gitignore` and `.ignore` are honoured unless `--no-ignore`; hidden files are included;
//! `.git/` is never entered; symbolic links are followed only when asked. Paths listed in a
//! `.keyhoundignore` at a scan root are skipped always.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkParallel};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The name of keyhound's own ignore file: gitignore-style paths, and key fingerprints.
pub const IGNORE_FILE: &str = ".keyhoundignore";

/// What the walk visits.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub follow_links: bool,
    pub threads: usize,
}

/// A scan root and how its files are named in reports.
#[derive(Debug, Clone)]
pub struct Root {
    pub path: PathBuf,
    /// Prepended to paths relative to the root (empty when there is a single root).
    pub label: String,
    pub is_file: bool,
    pub ignore: Gitignore,
}

impl Root {
    /// The report path of a file under this root: relative, `/`-separated, with any
    /// key-shaped word in it redacted.
    pub fn display_path(&self, path: &Path) -> String {
        crate::secret::redact_keys_owned(self.raw_display_path(path))
    }

    fn raw_display_path(&self, path: &Path) -> String {
        if self.is_file && !self.label.is_empty() {
            return self.label.clone();
        }
        let rel = if self.is_file {
            path.file_name().map(PathBuf::from).unwrap_or_default()
        } else {
            path.strip_prefix(&self.path)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| path.to_path_buf())
        };
        let mut parts: Vec<String> = Vec::new();
        if !self.label.is_empty() {
            parts.push(self.label.clone());
        }
        for c in rel.components() {
            if let std::path::Component::Normal(s) = c {
                parts.push(s.to_string_lossy().into_owned());
            }
        }
        parts.join("/")
    }
}

/// Suppressions read from `.keyhoundignore` files.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    pub fingerprints: HashSet<String>,
}

/// Prepares roots: checks they exist and reads their `.keyhoundignore`.
pub fn prepare_roots(
    paths: &[PathBuf],
    suppressions: &mut Suppressions,
) -> Result<Vec<Root>, String> {
    let many = paths.len() > 1;
    let mut roots = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("cannot scan {}: {}", path.display(), io_reason(&e)))?;
        let is_file = !meta.is_dir();
        let ignore = if is_file {
            Gitignore::empty()
        } else {
            read_ignore_file(path, suppressions)?
        };
        let label = if many {
            path.to_string_lossy()
                .trim_end_matches('/')
                .replace('\\', "/")
        } else {
            String::new()
        };
        roots.push(Root {
            path: path.clone(),
            label: label.trim_start_matches("./").to_string(),
            is_file,
            ignore,
        });
    }
    Ok(roots)
}

/// Reads `dir/.keyhoundignore` (absent: nothing ignored): its fingerprints go into
/// `suppressions`, its patterns into the returned matcher, relative to `dir`. A file that is
/// there but cannot be used (unreadable, a directory, not UTF-8 text) is an error: silently
/// dropping it would drop every suppression the user wrote in it.
pub fn read_ignore_file(dir: &Path, suppressions: &mut Suppressions) -> Result<Gitignore, String> {
    let mut builder = GitignoreBuilder::new(dir);
    let file = dir.join(IGNORE_FILE);
    if let Some(text) = ignore_file_text(&file)? {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if is_fingerprint(line) {
                suppressions.fingerprints.insert(line.to_ascii_lowercase());
            } else if !line.is_empty() && !line.starts_with('#') {
                builder
                    .add_line(Some(file.clone()), line)
                    .map_err(|e| format!("{}:{}: invalid pattern: {e}", file.display(), n + 1))?;
            }
        }
    }
    builder
        .build()
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// The text of an ignore file, without a UTF-8 byte-order mark; `None` when there is none.
fn ignore_file_text(file: &Path) -> Result<Option<String>, String> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {}", file.display(), io_reason(&e))),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Some(text.to_string())),
        Err(_) => Err(format!(
            "{}: not UTF-8 text (saved as UTF-16?): its paths and fingerprints cannot be read",
            file.display()
        )),
    }
}

fn is_fingerprint(line: &str) -> bool {
    line.len() == 64 && line.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A short reason for an I/O error, without the OS's "(os error N)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// A parallel walker over one root.
pub fn walker(root: &Root, opts: &WalkOptions) -> WalkParallel {
    let mut b = WalkBuilder::new(&root.path);
    let honour = !opts.no_ignore;
    b.hidden(false)
        .parents(honour)
        .ignore(honour)
        .git_ignore(honour)
        .git_global(honour)
        .git_exclude(honour)
        .require_git(false)
        .follow_links(opts.follow_links)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    b.build_parallel()
}
