//! Writing a reply's attachments into a folder. The name comes from the reply but is
//! reduced to a plain file name (no directories, no `..`), and an existing file is never
//! overwritten: `report.csv` becomes `report-1.csv`, `report-2.csv`…

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::core::Attachment;

/// Why an attachment could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("cannot create the folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes every attachment into `dir` (created if missing) and returns the paths written,
/// in order.
pub fn write_attachments(
    dir: &Path,
    attachments: &[Attachment],
) -> Result<Vec<PathBuf>, FilesError> {
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(dir).map_err(|source| FilesError::Folder {
        path: dir.to_path_buf(),
        source,
    })?;
    attachments.iter().map(|a| write_one(dir, a)).collect()
}

fn write_one(dir: &Path, attachment: &Attachment) -> Result<PathBuf, FilesError> {
    let (stem, ext) = split_name(&safe_name(&attachment.filename));
    for n in 0..10_000u32 {
        let name = match n {
            0 => format!("{stem}{ext}"),
            n => format!("{stem}-{n}{ext}"),
        };
        let path = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                return file
                    .write_all(&attachment.bytes)
                    .and_then(|()| file.flush())
                    .map(|()| path.clone())
                    .map_err(|source| FilesError::Write { path, source });
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(FilesError::Write { path, source }),
        }
    }
    Err(FilesError::Write {
        path: dir.join(format!("{stem}{ext}")),
        source: std::io::Error::new(ErrorKind::AlreadyExists, "too many files of that name"),
    })
}

/// The last path component, with characters unsafe in file names replaced by `_`.
fn safe_name(filename: &str) -> String {
    let last = filename.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    if cleaned.is_empty() {
        "attachment".to_string()
    } else {
        cleaned.to_string()
    }
}

/// `report.csv` → (`report`, `.csv`); `README` → (`README`, ``).
fn split_name(name: &str) -> (String, String) {
    match name.rfind('.') {
        Some(i) if i > 0 => (name[..i].to_string(), name[i..].to_string()),
        _ => (name.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attachment(name: &str, bytes: &[u8]) -> Attachment {
        Attachment {
            filename: name.to_string(),
            media_type: "text/csv".to_string(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn names_are_reduced_to_a_plain_file_name() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("a\\b\\c.csv"), "c.csv");
        assert_eq!(safe_name(".."), "attachment");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name("a:b?.png"), "a_b_.png");
        assert_eq!(safe_name(""), "attachment");
    }

    #[test]
    fn existing_files_are_never_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let files = [attachment("r.csv", b"one"), attachment("r.csv", b"two")];
        let paths = write_attachments(&out, &files).expect("written");
        assert_eq!(paths, vec![out.join("r.csv"), out.join("r-1.csv")]);
        assert_eq!(std::fs::read(&paths[1]).expect("read"), b"two");
        let again = write_attachments(&out, &files[..1]).expect("written");
        assert_eq!(again, vec![out.join("r-2.csv")]);
    }

    #[test]
    fn nothing_to_write_creates_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("never");
        assert!(write_attachments(&out, &[]).expect("ok").is_empty());
        assert!(!out.exists());
    }
}
