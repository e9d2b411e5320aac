//! A cache of expensive read results (aggregates, liabilities, the renewal
//! calendar) that can never serve stale data: every entry is keyed by the
//! data version it was computed under (`store::data_version`), and each
//! lookup first reads the current version, one indexed single-row read. A
//! write anywhere, through any server instance, raises the version in its own
//! transaction, so the next lookup misses and recomputes.
//!
//! Concurrent lookups of the same missing key wait for one computation
//! instead of each running it, which keeps a burst of dashboard requests
//! from running the same heavy query many times over. The computation runs
//! in a task of its own: a request dropped while waiting (its client gone,
//! a load test's run ended) neither cancels it nor loses its result, so the
//! next request finds it kept rather than starting over.

use std::any::Any;
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::data_version;
use crate::error::{AppError, AppResult};

type Entry = Arc<dyn Any + Send + Sync>;

/// How many results the cache holds by default; the least recently used
/// beyond this are dropped.
pub const DEFAULT_CAPACITY: usize = 256;

/// Results of reads keyed by what was asked and the data version.
pub struct ResultCache {
    entries: Arc<quick_cache::sync::Cache<(i64, String), Entry>>,
    /// The newest data version seen: entries of older versions can never be
    /// served again, so they are dropped as soon as a newer one appears
    /// rather than left to hold memory until evicted.
    latest: AtomicI64,
}

impl Default for ResultCache {
    fn default() -> Self {
        ResultCache::new(DEFAULT_CAPACITY)
    }
}

impl ResultCache {
    /// A cache of at most `capacity` results (at least one).
    pub fn new(capacity: usize) -> Self {
        ResultCache {
            entries: Arc::new(quick_cache::sync::Cache::new(capacity.max(1))),
            latest: AtomicI64::new(i64::MIN),
        }
    }

    /// The result for `key` at the current data version, computing it with
    /// `compute` (given a handle on the pool) if it is not held. `key` must
    /// name the read and every input that changes its answer (distinct reads
    /// use distinct prefixes).
    ///
    /// The computation runs in its own task and keeps its result even if
    /// this call is dropped before it ends.
    pub async fn get_or_compute<T, F, Fut>(
        &self,
        db: &DatabaseConnection,
        key: String,
        compute: F,
    ) -> AppResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce(DatabaseConnection) -> Fut + Send + 'static,
        Fut: Future<Output = AppResult<T>> + Send + 'static,
    {
        let version = data_version::current(db).await?;
        if self.latest.fetch_max(version, Ordering::AcqRel) < version {
            self.entries.clear();
        }
        let key = (version, key);
        let entry = match self.entries.get(&key) {
            Some(entry) => entry,
            None => {
                let entries = Arc::clone(&self.entries);
                let db = db.clone();
                // Awaiting the task does not own it: dropping this call
                // leaves the task running to keep its result for the next.
                tokio::spawn(async move {
                    entries
                        .get_or_insert_async(&key, async move {
                            compute(db).await.map(|value| Arc::new(value) as Entry)
                        })
                        .await
                })
                .await
                .map_err(|err| AppError::internal(format!("a kept computation failed: {err}")))??
            }
        };
        entry
            .downcast::<T>()
            .map_err(|_| AppError::internal("a cached result of another type under one key"))
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::ResultCache;

    /// A migrated SQLite database in a temporary file, and the file's path.
    async fn scratch_database() -> (sea_orm::DatabaseConnection, std::path::PathBuf) {
        let path =
            std::env::temp_dir().join(format!("commtrack-cache-{}.db", uuid::Uuid::new_v4()));
        let db = crate::store::open(&format!("sqlite://{}", path.display()))
            .await
            .expect("a migrated database");
        (db, path)
    }

    #[tokio::test]
    async fn answers_until_a_write_and_drops_older_versions() {
        let (db, path) = scratch_database().await;
        let cache = ResultCache::new(16);
        let computed = std::sync::atomic::AtomicUsize::new(0);
        let computed = std::sync::Arc::new(computed);
        let compute = |n: i32| {
            let computed = std::sync::Arc::clone(&computed);
            move |_db| async move {
                computed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(n)
            }
        };
        assert_eq!(
            *cache
                .get_or_compute(&db, "a".into(), compute(1))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            *cache
                .get_or_compute(&db, "a".into(), compute(2))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            *cache
                .get_or_compute(&db, "b".into(), compute(3))
                .await
                .unwrap(),
            3
        );
        assert_eq!(computed.load(std::sync::atomic::Ordering::SeqCst), 2);
        assert_eq!(cache.entries.len(), 2);

        // Any write to the data raises the version (by trigger).
        db.execute_unprepared("INSERT INTO themes (name) VALUES ('Cache test')")
            .await
            .unwrap();
        assert_eq!(
            *cache
                .get_or_compute(&db, "a".into(), compute(4))
                .await
                .unwrap(),
            4
        );
        assert_eq!(
            cache.entries.len(),
            1,
            "the older version's entries are gone"
        );
        drop(db);
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn a_computation_outlives_the_request_that_started_it() {
        let (db, path) = scratch_database().await;
        let cache = ResultCache::new(16);
        // The request gives up (its client went away) before the result is in.
        let slow = cache.get_or_compute(&db, "slow".into(), |_db| async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            Ok(1)
        });
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(50), slow)
                .await
                .is_err(),
            "the first request is dropped while computing"
        );
        // The next one waits for that computation instead of starting over.
        let again = cache
            .get_or_compute(&db, "slow".into(), |_db| async { Ok(2) })
            .await
            .unwrap();
        assert_eq!(*again, 1, "the dropped request's computation was kept");
        drop(db);
        let _ = std::fs::remove_file(&path);
    }
}
