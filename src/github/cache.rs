//! The on-disk cache behind `depgov scan-org --cache DIR`: answers to conditional requests
//! with their ETags (`DIR/answers/`), and git blobs by object id (`DIR/blobs/`).
//!
//! File names are made only from a stable hash of the request (its full URL) and from object
//! ids checked to be hexadecimal, never from text a server sent, so no repository, branch or
//! path name can put a file outside DIR. Each answer file starts with the URL it answers, and a
//! file whose URL differs (a hash collision) is a miss. Files are written to a temporary name
//! and renamed, so a reader — another shard sharing the cache, the next run after a crash —
//! never sees half a file. A cache that cannot be written costs only the next run's requests.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::stable_hash::fnv1a;

/// The cache directory.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
}

/// A cached answer: the ETag to send, and the body to use when GitHub answers 304.
#[derive(Debug)]
pub struct Answer {
    pub etag: String,
    pub body: Vec<u8>,
}

impl Cache {
    /// Opens (creating) the cache at `dir`.
    pub fn open(dir: &Path) -> Result<Cache, Error> {
        for sub in ["answers", "blobs"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|source| Error::Write {
                path: crate::util::paths::display_path(&dir.join(sub)),
                source,
            })?;
        }
        Ok(Cache {
            dir: dir.to_path_buf(),
        })
    }

    /// The answer cached for `url`, if any.
    pub fn answer(&self, url: &str) -> Option<Answer> {
        let bytes = std::fs::read(self.answer_path(url)).ok()?;
        let mut lines = bytes.splitn(3, |byte| *byte == b'\n');
        let (cached_url, etag, body) = (lines.next()?, lines.next()?, lines.next()?);
        (cached_url == url.as_bytes()).then(|| Answer {
            etag: String::from_utf8_lossy(etag).into_owned(),
            body: body.to_vec(),
        })
    }

    /// Keeps `body` and its `etag` as the answer for `url`. An ETag with a line break cannot
    /// be sent back, so such an answer is not kept.
    pub fn store_answer(&self, url: &str, etag: &str, body: &[u8]) {
        if url.contains('\n') || etag.contains('\n') {
            return;
        }
        let mut bytes = Vec::with_capacity(url.len() + etag.len() + body.len() + 2);
        for part in [url.as_bytes(), b"\n", etag.as_bytes(), b"\n", body] {
            bytes.extend_from_slice(part);
        }
        self.write(&self.answer_path(url), &bytes);
    }

    /// The blob with object id `sha`, if cached.
    pub fn blob(&self, sha: &str) -> Option<Vec<u8>> {
        std::fs::read(self.blob_path(sha)?).ok()
    }

    /// Keeps a blob by its object id; an id that is not a git object id is not kept.
    pub fn store_blob(&self, sha: &str, bytes: &[u8]) {
        if let Some(path) = self.blob_path(sha) {
            self.write(&path, bytes);
        }
    }

    fn answer_path(&self, url: &str) -> PathBuf {
        self.dir
            .join("answers")
            .join(format!("{:016x}", fnv1a(url.as_bytes())))
    }

    /// `blobs/ab/cdef…` for a SHA-1 or SHA-256 object id; `None` for anything else.
    fn blob_path(&self, sha: &str) -> Option<PathBuf> {
        let valid = matches!(sha.len(), 40 | 64)
            && sha
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.dir.join("blobs").join(&sha[..2]).join(&sha[2..]))
    }

    fn write(&self, path: &Path, bytes: &[u8]) {
        let Some(dir) = path.parent() else { return };
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| tempfile::NamedTempFile::new_in(dir))
            .and_then(|mut file| {
                file.write_all(bytes)?;
                file.persist(path).map_err(|e| e.error)?;
                Ok(())
            });
        // A cache that cannot be written only costs the next run's requests.
        let _ = written;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_hashes_and_object_ids_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cache = Cache::open(dir.path()).expect("open");
        let url = "https://api.github.com/repos/a/b/git/trees/../../../x?recursive=1";
        cache.store_answer(url, "W/\"1\"", b"{}");
        let answer = cache.answer(url).expect("cached");
        assert_eq!(
            (answer.etag.as_str(), answer.body.as_slice()),
            ("W/\"1\"", &b"{}"[..])
        );
        assert!(cache.answer("https://api.github.com/other").is_none());
        for bad in ["../../etc/passwd", "ABCDEF", "/abs", "zz", &"a".repeat(41)] {
            cache.store_blob(bad, b"x");
            assert!(cache.blob(bad).is_none(), "{bad}");
        }
        let sha = "0123456789abcdef0123456789abcdef01234567";
        cache.store_blob(sha, b"text");
        assert_eq!(cache.blob(sha).as_deref(), Some(&b"text"[..]));
        let mut files = Vec::new();
        let mut stack = vec![dir.path().to_path_buf()];
        while let Some(next) = stack.pop() {
            for entry in std::fs::read_dir(next).expect("read dir").flatten() {
                if entry.path().is_dir() {
                    stack.push(entry.path());
                } else {
                    files.push(entry.path());
                }
            }
        }
        assert_eq!(files.len(), 2, "{files:?}");
    }
}
