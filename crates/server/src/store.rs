//! The layer store: an SQLite file in WAL mode holding every layer and every revision of it.
//!
//! Each save appends a revision (the previous ones are kept); writes name the revision they were
//! based on, and a write based on a stale revision is refused with [`StoreError::Conflict`]
//! (optimistic concurrency: nothing is lost, the client reloads and merges).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database folder could not be created.
    #[error("{path}: cannot create the database folder: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The database was written by a newer navlayer.
    #[error("the database has schema version {found}, newer than this navlayer knows ({known}); upgrade navlayer")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version known here.
        known: i64,
    },
    /// No layer with this key.
    #[error("no layer named {key:?}")]
    NotFound {
        /// The key.
        key: String,
    },
    /// The layer has no such revision.
    #[error("layer {key:?} has no revision {revision}")]
    NoRevision {
        /// The key.
        key: String,
        /// The revision asked for.
        revision: i64,
    },
    /// A layer with this key exists already.
    #[error("a layer named {key:?} exists already (hint: PUT /api/layers/{key} to save a new revision of it)")]
    Exists {
        /// The key.
        key: String,
    },
    /// The write was based on an older revision than the current one.
    #[error("layer {key:?} is at revision {current}, the write was based on revision {base} (hint: reload the layer, apply your change again and save)")]
    Conflict {
        /// The key.
        key: String,
        /// The revision the write was based on.
        base: i64,
        /// The current revision.
        current: i64,
    },
    /// The store lock was poisoned by a panic in another request.
    #[error("the database lock is poisoned")]
    Poisoned,
    /// The write's deadline passed before it could commit: nothing was written.
    #[error("the write did not finish before the request's deadline; nothing was stored (hint: retry, or send fewer layers at once)")]
    Deadline,
    /// No free key is left for a base name.
    #[error("no free name is left for {base:?} (tried {base}-2 … {base}-{tried})")]
    NoFreeKey {
        /// The base name.
        base: String,
        /// The last suffix tried.
        tried: usize,
    },
}

/// The key a new layer is stored under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    /// Exactly this key ([`StoreError::Exists`] when taken).
    Exact(String),
    /// The first free of `base`, `base-2`, `base-3`, …
    FreeFrom(String),
}

/// Suffixes tried for a free key.
const MAX_KEY_SUFFIX: usize = 1_000_000;

/// One stored layer, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerSummary {
    /// Key (the name in URLs).
    pub key: String,
    /// The layer's own `name`.
    pub name: String,
    /// The layer's `domain`.
    pub domain: String,
    /// The ATT&CK version the layer says it is for (`versions.attack`: `18`, `16.1`, …; empty
    /// when it says none).
    pub attack: String,
    /// Current revision (1 for a new layer).
    pub revision: i64,
    /// Number of technique entries in the current revision.
    pub techniques: i64,
    /// When the layer was created (UTC, RFC 3339).
    pub created: String,
    /// When the current revision was saved (UTC, RFC 3339).
    pub updated: String,
}

/// One revision, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionInfo {
    /// Revision number.
    pub revision: i64,
    /// When it was saved (UTC, RFC 3339).
    pub created: String,
    /// Size of the stored JSON in bytes.
    pub size: i64,
    /// What made it (`create`, `update`, `import`, `restore of 3`, `upgrade …`).
    pub note: String,
    /// Whether a report is stored with it (the migration report of an upgrade:
    /// `GET /api/layers/{key}/revisions/{revision}/report`).
    #[serde(rename = "hasReport")]
    pub has_report: bool,
}

/// A layer body to store, with the facts listed about it.
#[derive(Debug, Clone)]
pub struct NewBody<'a> {
    /// The layer JSON (format 4.5).
    pub json: &'a str,
    /// The layer's `name`.
    pub name: &'a str,
    /// The layer's `domain`.
    pub domain: &'a str,
    /// The layer's `versions.attack` (empty when it has none).
    pub attack: &'a str,
    /// Number of technique entries.
    pub techniques: usize,
    /// What made this revision.
    pub note: &'a str,
    /// A JSON report kept with the revision (an upgrade's migration report).
    pub report: Option<&'a str>,
}

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: layers and their revisions.
    "CREATE TABLE layers (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        domain TEXT NOT NULL,
        revision INTEGER NOT NULL,
        techniques INTEGER NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE revisions (
        layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        body TEXT NOT NULL,
        created TEXT NOT NULL,
        note TEXT NOT NULL,
        PRIMARY KEY (layer_id, revision)
    ) WITHOUT ROWID;",
    // 2: the ATT&CK version each layer is for (listed beside its domain), taken from the
    // current revision of the layers stored before; a report kept with a revision.
    "ALTER TABLE layers ADD COLUMN attack TEXT NOT NULL DEFAULT '';
    UPDATE layers SET attack = COALESCE((
        SELECT CAST(json_extract(r.body, '$.versions.attack') AS TEXT) FROM revisions r
        WHERE r.layer_id = layers.id AND r.revision = layers.revision AND json_valid(r.body)
    ), '');
    ALTER TABLE revisions ADD COLUMN report TEXT;",
];

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

/// The SQLite layer store. Cheap to share behind an `Arc`; each call takes one of its connections.
pub struct Store {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // FULL: a write acknowledged to a client survives a crash of the process or the machine.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

impl Store {
    /// Opens (creating and migrating when needed) the database at `path`, in WAL mode.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let mut writer = Connection::open(path)?;
        let mode: String = writer.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        debug_assert_eq!(mode.to_ascii_lowercase(), "wal");
        configure(&writer)?;
        migrate(&mut writer)?;
        let readers = (0..4)
            .map(|_| {
                let c = Connection::open(path)?;
                configure(&c)?;
                Ok(Mutex::new(c))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Store {
            writer: Mutex::new(writer),
            readers,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // Take the first free reader; wait on one picked by thread when all are busy.
        for r in &self.readers {
            if let Ok(conn) = r.try_lock() {
                return f(&conn);
            }
        }
        let conn = self.readers[0].lock().map_err(|_| StoreError::Poisoned)?;
        f(&conn)
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write_before(None, f)
    }

    /// A write transaction that is rolled back instead of committed once `deadline` has passed,
    /// so a write reported as failed never lands.
    fn write_before<T>(
        &self,
        deadline: Option<Instant>,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().map_err(|_| StoreError::Poisoned)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(StoreError::Deadline);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Creates several layers at revision 1 in one transaction: all of them or none (an
    /// [`KeyChoice::Exact`] key that is taken, an error, or the deadline passing stores
    /// nothing). Free keys are found with one query per base name, so the time is linear in the
    /// number of layers. Returns the keys used, in order.
    pub fn create_many(
        &self,
        items: &[(KeyChoice, NewBody<'_>)],
        deadline: Option<Instant>,
    ) -> Result<Vec<String>, StoreError> {
        self.write_before(deadline, |tx| {
            // For each base name: the keys taken under it and the next suffix to try.
            let mut taken: HashMap<&str, (HashSet<String>, usize)> = HashMap::new();
            let mut keys = Vec::with_capacity(items.len());
            for (choice, body) in items {
                let key = match choice {
                    KeyChoice::Exact(k) => {
                        let exists = tx
                            .prepare_cached("SELECT 1 FROM layers WHERE key = ?1")?
                            .exists([k])?;
                        if exists {
                            return Err(StoreError::Exists { key: k.clone() });
                        }
                        k.clone()
                    }
                    KeyChoice::FreeFrom(base) => {
                        if !taken.contains_key(base.as_str()) {
                            taken.insert(base, (keys_under(tx, base)?, 2));
                        }
                        let (used, next) = taken.get_mut(base.as_str()).ok_or(StoreError::Poisoned)?;
                        free_key(base, used, next)?
                    }
                };
                tx.execute(
                    &format!("INSERT INTO layers (key, name, domain, attack, revision, techniques, created, updated) VALUES (?1, ?2, ?3, ?4, 1, ?5, {NOW}, {NOW})"),
                    params![key, body.name, body.domain, body.attack, body.techniques as i64],
                )?;
                let id = tx.last_insert_rowid();
                insert_revision(tx, id, 1, body)?;
                // Later free-key searches in this batch see it: the bases it falls under are
                // the key itself and its prefixes ending before a `-`.
                let bases = std::iter::once(key.len()).chain(key.match_indices('-').map(|(i, _)| i));
                for end in bases {
                    if let Some((used, _)) = taken.get_mut(&key[..end]) {
                        used.insert(key.clone());
                    }
                }
                keys.push(key);
            }
            Ok(keys)
        })
    }

    /// Every layer, by key.
    pub fn list(&self) -> Result<Vec<LayerSummary>, StoreError> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT key, name, domain, attack, revision, techniques, created, updated FROM layers ORDER BY key",
            )?;
            let rows = st.query_map([], |r| {
                Ok(LayerSummary {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    domain: r.get(2)?,
                    attack: r.get(3)?,
                    revision: r.get(4)?,
                    techniques: r.get(5)?,
                    created: r.get(6)?,
                    updated: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// True when a layer with this key exists.
    pub fn exists(&self, key: &str) -> Result<bool, StoreError> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT 1 FROM layers WHERE key = ?1")?
                .exists([key])?)
        })
    }

    /// Creates a layer at revision 1.
    pub fn create(&self, key: &str, body: &NewBody<'_>) -> Result<i64, StoreError> {
        self.write(|tx| {
            if tx
                .prepare_cached("SELECT 1 FROM layers WHERE key = ?1")?
                .exists([key])?
            {
                return Err(StoreError::Exists { key: key.into() });
            }
            tx.execute(
                &format!("INSERT INTO layers (key, name, domain, attack, revision, techniques, created, updated) VALUES (?1, ?2, ?3, ?4, 1, ?5, {NOW}, {NOW})"),
                params![key, body.name, body.domain, body.attack, body.techniques as i64],
            )?;
            let id = tx.last_insert_rowid();
            insert_revision(tx, id, 1, body)?;
            Ok(1)
        })
    }

    /// The current revision and JSON of a layer.
    pub fn get(&self, key: &str) -> Result<(i64, String), StoreError> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT l.revision, r.body FROM layers l JOIN revisions r ON r.layer_id = l.id AND r.revision = l.revision WHERE l.key = ?1",
            )?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { key: key.into() })
        })
    }

    /// The current revision number of a layer.
    pub fn revision(&self, key: &str) -> Result<i64, StoreError> {
        self.read(|c| current(c, key).map(|(_, rev)| rev))
    }

    /// Saves a new revision of a layer, when `base` is its current revision.
    pub fn update(&self, key: &str, base: i64, body: &NewBody<'_>) -> Result<i64, StoreError> {
        self.update_before(key, base, body, None)
    }

    /// [`Store::update`], rolled back when `deadline` passes before it commits.
    pub fn update_before(
        &self,
        key: &str,
        base: i64,
        body: &NewBody<'_>,
        deadline: Option<Instant>,
    ) -> Result<i64, StoreError> {
        self.write_before(deadline, |tx| {
            let (id, rev) = current(tx, key)?;
            if rev != base {
                return Err(StoreError::Conflict {
                    key: key.into(),
                    base,
                    current: rev,
                });
            }
            let next = rev + 1;
            insert_revision(tx, id, next, body)?;
            tx.execute(
                &format!("UPDATE layers SET name = ?2, domain = ?3, attack = ?4, techniques = ?5, revision = ?6, updated = {NOW} WHERE id = ?1"),
                params![id, body.name, body.domain, body.attack, body.techniques as i64, next],
            )?;
            Ok(next)
        })
    }

    /// Deletes a layer and its revisions (when `base`, if given, is its current revision).
    pub fn delete(&self, key: &str, base: Option<i64>) -> Result<(), StoreError> {
        self.delete_before(key, base, None)
    }

    /// [`Store::delete`], rolled back when `deadline` passes before it commits.
    pub fn delete_before(
        &self,
        key: &str,
        base: Option<i64>,
        deadline: Option<Instant>,
    ) -> Result<(), StoreError> {
        self.write_before(deadline, |tx| {
            let (id, rev) = current(tx, key)?;
            if let Some(base) = base.filter(|b| *b != rev) {
                return Err(StoreError::Conflict {
                    key: key.into(),
                    base,
                    current: rev,
                });
            }
            tx.execute("DELETE FROM layers WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Every revision of a layer, newest first.
    pub fn revisions(&self, key: &str) -> Result<Vec<RevisionInfo>, StoreError> {
        self.read(|c| {
            let (id, _) = current(c, key)?;
            let mut st = c.prepare_cached(
                "SELECT revision, created, length(CAST(body AS BLOB)), note, report IS NOT NULL FROM revisions WHERE layer_id = ?1 ORDER BY revision DESC",
            )?;
            let rows = st.query_map([id], |r| {
                Ok(RevisionInfo {
                    revision: r.get(0)?,
                    created: r.get(1)?,
                    size: r.get(2)?,
                    note: r.get(3)?,
                    has_report: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The report stored with a revision (`None` when it has none).
    pub fn revision_report(&self, key: &str, revision: i64) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            let (id, _) = current(c, key)?;
            c.prepare_cached("SELECT report FROM revisions WHERE layer_id = ?1 AND revision = ?2")?
                .query_row(params![id, revision], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .ok_or_else(|| StoreError::NoRevision {
                    key: key.into(),
                    revision,
                })
        })
    }

    /// The JSON of one revision of a layer.
    pub fn get_revision(&self, key: &str, revision: i64) -> Result<String, StoreError> {
        self.read(|c| revision_body(c, key, revision))
    }

    /// Saves revision `revision` again as a new revision (when `base` is the current one).
    pub fn restore(&self, key: &str, revision: i64, base: i64) -> Result<i64, StoreError> {
        self.restore_before(key, revision, base, None)
    }

    /// [`Store::restore`], rolled back when `deadline` passes before it commits.
    pub fn restore_before(
        &self,
        key: &str,
        revision: i64,
        base: i64,
        deadline: Option<Instant>,
    ) -> Result<i64, StoreError> {
        self.write_before(deadline, |tx| {
            let (id, rev) = current(tx, key)?;
            if rev != base {
                return Err(StoreError::Conflict {
                    key: key.into(),
                    base,
                    current: rev,
                });
            }
            let body = revision_body(tx, key, revision)?;
            let next = rev + 1;
            tx.execute(
                &format!("INSERT INTO revisions (layer_id, revision, body, created, note) VALUES (?1, ?2, ?3, {NOW}, ?4)"),
                params![id, next, body, format!("restore of {revision}")],
            )?;
            // Name, domain, ATT&CK version and count come from the restored body.
            let value: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let name = value.get("name").and_then(|v| v.as_str()).unwrap_or(key);
            let domain = value.get("domain").and_then(|v| v.as_str()).unwrap_or("");
            let attack = match value.pointer("/versions/attack") {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            let count = value
                .get("techniques")
                .and_then(|v| v.as_array())
                .map_or(0, Vec::len);
            tx.execute(
                &format!("UPDATE layers SET name = ?2, domain = ?3, attack = ?4, techniques = ?5, revision = ?6, updated = {NOW} WHERE id = ?1"),
                params![id, name, domain, attack, count as i64, next],
            )?;
            Ok(next)
        })
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound database.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.read(|c| {
            let mut st = c.prepare("PRAGMA integrity_check")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?.join("\n"))
        })
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
    }

    /// The journal mode (`wal` once opened).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        self.read(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// Every key that is `base` or starts with `base-` (a range scan on the unique index: `-` is
/// 0x2D and `.` 0x2E, so the keys starting with `base-` sort in [`base-`, `base.`)).
fn keys_under(c: &Connection, base: &str) -> Result<HashSet<String>, StoreError> {
    let mut st = c.prepare_cached(
        "SELECT key FROM layers WHERE key = ?1 OR (key >= ?1 || '-' AND key < ?1 || '.')",
    )?;
    let rows = st.query_map([base], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<Result<HashSet<_>, _>>()?)
}

/// The first free key of `base`, `base-N` (N from `*next` on), given the keys taken.
fn free_key(base: &str, used: &HashSet<String>, next: &mut usize) -> Result<String, StoreError> {
    if !used.contains(base) {
        return Ok(base.to_string());
    }
    while *next <= MAX_KEY_SUFFIX {
        let k = format!("{base}-{next}");
        *next += 1;
        if !used.contains(&k) {
            return Ok(k);
        }
    }
    Err(StoreError::NoFreeKey {
        base: base.to_string(),
        tried: MAX_KEY_SUFFIX,
    })
}

fn current(c: &Connection, key: &str) -> Result<(i64, i64), StoreError> {
    c.prepare_cached("SELECT id, revision FROM layers WHERE key = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { key: key.into() })
}

fn revision_body(c: &Connection, key: &str, revision: i64) -> Result<String, StoreError> {
    let (id, _) = current(c, key)?;
    c.prepare_cached("SELECT body FROM revisions WHERE layer_id = ?1 AND revision = ?2")?
        .query_row(params![id, revision], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NoRevision {
            key: key.into(),
            revision,
        })
}

fn insert_revision(
    tx: &Connection,
    id: i64,
    revision: i64,
    body: &NewBody<'_>,
) -> Result<(), StoreError> {
    tx.execute(
        &format!("INSERT INTO revisions (layer_id, revision, body, created, note, report) VALUES (?1, ?2, ?3, {NOW}, ?4, ?5)"),
        params![id, revision, body.json, body.note, body.report],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body<'a>(json: &'a str, note: &'a str) -> NewBody<'a> {
        NewBody {
            json,
            name: "n",
            domain: "enterprise-attack",
            attack: "18",
            techniques: 0,
            note,
            report: None,
        }
    }

    #[test]
    fn revisions_are_kept_and_stale_writes_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sub/db.sqlite")).unwrap();
        assert_eq!(store.journal_mode().unwrap(), "wal");
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(store.create("a", &body("{\"v\":1}", "create")).unwrap(), 1);
        assert!(matches!(
            store.create("a", &body("{}", "create")),
            Err(StoreError::Exists { .. })
        ));
        assert_eq!(
            store.update("a", 1, &body("{\"v\":2}", "update")).unwrap(),
            2
        );
        match store.update("a", 1, &body("{\"v\":3}", "update")) {
            Err(StoreError::Conflict {
                base: 1,
                current: 2,
                ..
            }) => {}
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(store.get("a").unwrap(), (2, "{\"v\":2}".to_string()));
        assert_eq!(store.get_revision("a", 1).unwrap(), "{\"v\":1}");
        assert_eq!(store.restore("a", 1, 2).unwrap(), 3);
        assert_eq!(store.get("a").unwrap().1, "{\"v\":1}");
        let revs = store.revisions("a").unwrap();
        assert_eq!(
            revs.iter().map(|r| r.revision).collect::<Vec<_>>(),
            vec![3, 2, 1]
        );
        assert_eq!(revs[0].note, "restore of 1");
        store.delete("a", Some(3)).unwrap();
        assert!(matches!(store.get("a"), Err(StoreError::NotFound { .. })));
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }

    #[test]
    fn layers_list_their_attack_version_and_revisions_keep_reports() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        store.create("a", &body("{}", "create")).unwrap();
        assert_eq!(store.list().unwrap()[0].attack, "18");
        let mut upgraded = body("{}", "upgrade");
        upgraded.attack = "18.1";
        upgraded.report = Some("{\"from\":\"16.1\"}");
        assert_eq!(store.update("a", 1, &upgraded).unwrap(), 2);
        assert_eq!(store.list().unwrap()[0].attack, "18.1");
        let revs = store.revisions("a").unwrap();
        assert_eq!(
            revs.iter().map(|r| r.has_report).collect::<Vec<_>>(),
            [true, false]
        );
        assert_eq!(
            store.revision_report("a", 2).unwrap().as_deref(),
            Some("{\"from\":\"16.1\"}")
        );
        assert_eq!(store.revision_report("a", 1).unwrap(), None);
        assert!(matches!(
            store.revision_report("a", 9),
            Err(StoreError::NoRevision { .. })
        ));
    }

    #[test]
    fn a_database_of_schema_1_gets_the_attack_version_of_its_layers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            // A database as the first release of the store wrote it.
            let mut c = Connection::open(&path).unwrap();
            let tx = c.transaction().unwrap();
            tx.execute_batch(MIGRATIONS[0]).unwrap();
            tx.execute_batch(
                "INSERT INTO layers VALUES (1, 'old', 'Old', 'enterprise-attack', 2, 0, 't', 't');
                 INSERT INTO layers VALUES (2, 'bare', 'Bare', 'ics-attack', 1, 0, 't', 't');
                 INSERT INTO revisions VALUES (1, 1, '{\"versions\":{\"attack\":\"14\"}}', 't', 'create');
                 INSERT INTO revisions VALUES (1, 2, '{\"versions\":{\"attack\":\"16.1\"}}', 't', 'update');
                 INSERT INTO revisions VALUES (2, 1, 'not json', 't', 'create');",
            )
            .unwrap();
            tx.pragma_update(None, "user_version", 1).unwrap();
            tx.commit().unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let list = store.list().unwrap();
        let attack: Vec<(&str, &str)> = list
            .iter()
            .map(|l| (l.key.as_str(), l.attack.as_str()))
            .collect();
        assert_eq!(attack, [("bare", ""), ("old", "16.1")]);
        assert!(!store.revisions("old").unwrap()[0].has_report);
    }

    #[test]
    fn reopening_keeps_data_and_does_not_migrate_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        Store::open(&path)
            .unwrap()
            .create("x", &body("{}", "create"))
            .unwrap();
        let again = Store::open(&path).unwrap();
        assert_eq!(again.list().unwrap().len(), 1);
        assert_eq!(again.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }
}
