//! The output set: the files one `report` run leaves in its folder → written all or nothing.
//!
//! Every file is written to a temporary name inside the output folder and moved into place
//! only when all are written ([`OutputSet::commit`]). An existing set is moved whole into a
//! dated folder under [`BACKUPS`] first, so nothing is ever replaced silently; on any failure
//! nothing that was there before is replaced. A lock on the folder keeps a second run out, and
//! every path the run reads is protected from being moved or overwritten.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The published report workbook (資料2).
pub const REPORT: &str = "report.xlsx";
/// The review workbook for the office (SPEC §9).
pub const REVIEW: &str = crate::write::REVIEW_FILE;
/// The folder of return workbooks, one per department input (SPEC §9).
pub const RETURNS: &str = "返却";
/// The corrections, for scripts.
pub const CHANGES: &str = "changes.csv";
/// The findings, for scripts.
pub const FINDINGS: &str = "findings.json";

/// Every member of the output set, named once. A run writes some or all of them; an earlier
/// set is moved aside whole (with the `changes-<stem>.csv` an earlier `--split` wrote, see
/// [`is_member`]).
pub const MEMBERS: [&str; 5] = [REPORT, REVIEW, RETURNS, CHANGES, FINDINGS];

/// The folder inside the output folder that keeps earlier sets, one dated folder each.
pub const BACKUPS: &str = "以前の出力";

/// The lock file held (with an OS file lock) while a run writes into the folder.
pub const LOCK: &str = ".shinchoku.lock";

/// What a temporary name ends with.
const TMP_SUFFIX: &str = ".shinchoku-tmp";

/// Whether `name` (a file or folder name inside an output folder) belongs to the output set:
/// one of [`MEMBERS`], or a per-input change log `changes-<stem>.csv` written by `--split`
/// before the return workbooks replaced it (an earlier set keeps its files together).
pub fn is_member(name: &str) -> bool {
    MEMBERS.contains(&name) || (name.starts_with("changes-") && name.ends_with(".csv"))
}

/// A folder being written: holds the folder's lock until committed or dropped; a dropped set
/// removes its temporary files and replaces nothing.
#[derive(Debug)]
pub struct OutputSet {
    dir: PathBuf,
    lock: Option<File>,
    created_dir: bool,
    /// (name, temporary path, is a folder), in the order registered.
    parts: Vec<(String, PathBuf, bool)>,
    #[cfg(test)]
    fail_at_place: Option<usize>,
}

/// What [`OutputSet::commit`] did.
#[derive(Debug)]
pub struct Committed {
    /// The files and folders written, as `dir.join(name)`, in the order registered.
    pub written: Vec<PathBuf>,
    /// Where the earlier set was moved, if there was one.
    pub backup: Option<PathBuf>,
}

impl OutputSet {
    /// Opens `dir` for a new set: creates it if missing, takes its lock, and refuses when a
    /// member is open in Excel or when a path the run reads (`reads`) is part of the set that
    /// would be moved aside.
    ///
    /// # Errors
    /// [`Error::OutputIsFile`], [`Error::OutputDir`], [`Error::OutputBusy`],
    /// [`Error::OutputOpenInExcel`], [`Error::WouldOverwriteInput`], [`Error::OutputNotWritten`].
    pub fn begin(dir: &Path, reads: &[&Path]) -> Result<OutputSet> {
        let created_dir = prepare_dir(dir)?;
        let mut set = OutputSet {
            dir: dir.to_path_buf(),
            lock: None,
            created_dir,
            parts: Vec::new(),
            #[cfg(test)]
            fail_at_place: None,
        };
        set.lock = Some(lock(dir)?);
        set.remove_stale_temporaries();
        let existing = set.existing()?;
        for name in &existing {
            let lock_file = format!("~${name}");
            if dir.join(&lock_file).exists() {
                return Err(Error::OutputOpenInExcel {
                    path: dir.join(name),
                    lock: lock_file,
                });
            }
        }
        let canon_dir = dir.canonicalize().map_err(|e| not_written(dir, &e))?;
        for read in reads {
            let Ok(read) = read.canonicalize() else {
                continue;
            };
            if let Some(name) = existing
                .iter()
                .find(|name| read.starts_with(canon_dir.join(name)))
            {
                return Err(Error::WouldOverwriteInput(dir.join(name)));
            }
        }
        Ok(set)
    }

    /// The temporary path to write member file `name` to (one of [`MEMBERS`] or a
    /// `changes-<stem>.csv`); it is moved to `dir/name` by [`OutputSet::commit`].
    pub fn file(&mut self, name: &str) -> PathBuf {
        self.register(name, false)
    }

    /// The temporary folder to fill for member folder `name` (e.g. [`RETURNS`]), created
    /// empty; it is moved to `dir/name` by [`OutputSet::commit`].
    ///
    /// # Errors
    /// [`Error::OutputNotWritten`] if the folder cannot be created.
    pub fn folder(&mut self, name: &str) -> Result<PathBuf> {
        let tmp = self.register(name, true);
        if tmp.exists() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        std::fs::create_dir(&tmp).map_err(|e| not_written(&self.dir.join(name), &e))?;
        Ok(tmp)
    }

    /// Writes `bytes` as member file `name` (to its temporary path).
    ///
    /// # Errors
    /// [`Error::OutputNotWritten`] naming `dir/name`.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let tmp = self.file(name);
        std::fs::write(&tmp, bytes).map_err(|e| not_written(&self.dir.join(name), &e))
    }

    fn register(&mut self, name: &str, folder: bool) -> PathBuf {
        debug_assert!(is_member(name), "{name} is not a member of the output set");
        let tmp = self.dir.join(format!(".{name}{TMP_SUFFIX}"));
        self.parts.retain(|(n, _, _)| n != name);
        self.parts.push((name.to_string(), tmp.clone(), folder));
        tmp
    }

    /// Removes temporary files a killed run left behind (only a lock holder writes them, so
    /// any found now are stale).
    fn remove_stale_temporaries(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let member = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(TMP_SUFFIX))
                .is_some_and(is_member);
            if member {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }

    /// The members of the set now in the folder, by name, sorted.
    fn existing(&self) -> Result<Vec<String>> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| not_written(&self.dir, &e))?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_member(n))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Moves the earlier set (every member in the folder, written this run or not) into a new
    /// dated folder under [`BACKUPS`], then every temporary file into place. On a failure
    /// everything moved is moved back and the temporary files are removed.
    ///
    /// # Errors
    /// [`Error::OutputIsFolder`] if a folder stands where a member file goes;
    /// [`Error::OutputNotWritten`] if a move fails (nothing earlier is replaced).
    pub fn commit(mut self) -> Result<Committed> {
        for (name, _, folder) in &self.parts {
            let target = self.dir.join(name);
            if !folder && target.is_dir() {
                return Err(Error::OutputIsFolder(target));
            }
        }
        let existing = self.existing()?;
        let mut backup = None;
        let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
        if !existing.is_empty() {
            let folder = new_unique_dir(&self.dir.join(BACKUPS), &timestamp(SystemTime::now()))
                .map_err(|e| not_written(&self.dir.join(BACKUPS), &e))?;
            for name in &existing {
                let (from, to) = (self.dir.join(name), folder.join(name));
                if let Err(e) = std::fs::rename(&from, &to) {
                    undo(&moved);
                    let _ = std::fs::remove_dir(&folder);
                    return Err(not_written(&from, &e));
                }
                moved.push((from, to));
            }
            backup = Some(folder);
        }
        let mut placed: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (i, (name, tmp, _)) in self.parts.iter().enumerate() {
            let target = self.dir.join(name);
            #[cfg(test)]
            let result = if self.fail_at_place == Some(i) {
                Err(std::io::Error::other("injected failure"))
            } else {
                std::fs::rename(tmp, &target)
            };
            #[cfg(not(test))]
            let result = {
                let _ = i;
                std::fs::rename(tmp, &target)
            };
            if let Err(e) = result {
                undo(&placed);
                undo(&moved);
                if let Some(folder) = &backup {
                    let _ = std::fs::remove_dir(folder);
                    let _ = std::fs::remove_dir(self.dir.join(BACKUPS));
                }
                return Err(not_written(&target, &e));
            }
            placed.push((tmp.clone(), target));
        }
        let written = self
            .parts
            .drain(..)
            .map(|(name, _, _)| self.dir.join(name))
            .collect();
        self.created_dir = false;
        Ok(Committed { written, backup })
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        for (_, tmp, folder) in &self.parts {
            let _ = if *folder {
                std::fs::remove_dir_all(tmp)
            } else {
                std::fs::remove_file(tmp)
            };
        }
        if let Some(lock) = self.lock.take() {
            // Removed while still locked: a run waiting on this file finds it gone and retries.
            let _ = std::fs::remove_file(self.dir.join(LOCK));
            drop(lock);
        }
        if self.created_dir {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Moves each `(from, to)` back, last first.
fn undo(moves: &[(PathBuf, PathBuf)]) {
    for (from, to) in moves.iter().rev() {
        let _ = std::fs::rename(to, from);
    }
}

/// The hint of [`Error::OutputNotWritten`] when the system says a file is in use.
pub const OPEN_HINT: &str = "Excel などで開いていないか確認してください。";

fn not_written(path: &Path, e: &std::io::Error) -> Error {
    // Windows: ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33) when Excel has the
    // file open; elsewhere a permission problem reads the same to a clerk.
    let in_use = matches!(e.raw_os_error(), Some(32 | 33) if cfg!(windows))
        || e.kind() == std::io::ErrorKind::PermissionDenied;
    Error::OutputNotWritten {
        path: path.to_path_buf(),
        hint: if in_use { OPEN_HINT } else { "" },
        detail: e.to_string(),
    }
}

/// Makes sure `dir` is a folder; returns whether it was created.
fn prepare_dir(dir: &Path) -> Result<bool> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(false),
        Ok(_) => Err(Error::OutputIsFile(dir.to_path_buf())),
        Err(_) => {
            // A file somewhere up the path is the same mistake as a file at the path.
            if let Some(file) = dir.ancestors().skip(1).find(|a| a.is_file()) {
                return Err(Error::OutputIsFile(file.to_path_buf()));
            }
            std::fs::create_dir_all(dir).map_err(|e| Error::OutputDir {
                path: dir.to_path_buf(),
                detail: e.to_string(),
            })?;
            Ok(true)
        }
    }
}

/// Takes the folder's lock: [`LOCK`] created if missing and locked by the OS (released when
/// the process ends, so a crash leaves no stale lock). Refuses at once if another run holds it.
fn lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK);
    let err = |e: std::io::Error| not_written(&path, &e);
    // The holder removes the file before it lets go: a run that opened the old file then
    // locks a file no longer in the folder, which the check below sees; it tries again.
    for _ in 0..8 {
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::OutputBusy(dir.to_path_buf()))
            }
            // A file system without locks (some network shares): write without one rather
            // than not at all.
            Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                return Ok(file)
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
        }
        // A mark that changes the file's size and time, so that the check below can tell
        // this file from another at the same path.
        let mark = format!(
            "{} {}\n",
            std::process::id(),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        file.set_len(0).map_err(err)?;
        file.write_all(mark.as_bytes()).map_err(err)?;
        file.flush().map_err(err)?;
        let mine = file.metadata().map_err(err)?;
        if std::fs::metadata(&path).is_ok_and(|now| same_file(&mine, &now)) {
            return Ok(file);
        }
    }
    Err(Error::OutputBusy(dir.to_path_buf()))
}

/// Whether two metadata describe the same file: device and inode on Unix; elsewhere (where
/// std has no stable file id, and a locked file cannot be read through another handle) size
/// and modification time, which the lock's mark makes distinct.
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len() && a.modified().ok() == b.modified().ok()
    }
}

/// Creates `parent/name` (or `name-2`, `name-3`, … if taken) and returns it; never reuses an
/// existing folder.
///
/// # Errors
/// What the system says when a folder cannot be created.
pub fn new_unique_dir(parent: &Path, name: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(parent)?;
    for n in 1.. {
        let candidate = match n {
            1 => parent.join(name),
            n => parent.join(format!("{name}-{n}")),
        };
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    unreachable!("some suffix is free")
}

/// `YYYYMMDD-HHMMSS` of `t` in UTC (the folder names of backups and drop-in outputs).
pub fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = crate::saved::civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests;
