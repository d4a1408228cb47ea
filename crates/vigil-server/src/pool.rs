//! A small pool of store connections. The store is synchronous: each
//! request borrows a connection on a blocking thread, so that a slow query
//! never stalls the async workers. (SQLite's WAL lets the readers run side
//! by side.) The pool holds the store contract, not a backend.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;
use vigil_store::{BoxStore, Store, StoreError};

use crate::ApiError;

/// Connections to one store file, opened on demand up to a bound.
pub struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<BoxStore>>,
    permits: Arc<Semaphore>,
    /// One writer at a time: SQLite allows one, and a second would wait on
    /// the file lock inside a blocking thread instead of here.
    writer: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Opens one connection now (creating and migrating the store if
    /// needed, so that errors show at start) and allows up to `size`.
    pub fn open(path: &Path, size: usize) -> Result<Pool, StoreError> {
        let first = vigil_store::open(path)?;
        Ok(Pool {
            path: path.to_path_buf(),
            idle: Mutex::new(vec![first]),
            permits: Arc::new(Semaphore::new(size.max(1))),
            writer: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Runs `f` with a connection on a blocking thread.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        self.run_mut(|s| f(s)).await
    }

    /// Runs `f`, which writes, with a connection on a blocking thread, one
    /// writer at a time.
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        let _writing = self.writer.clone().lock_owned().await;
        self.run_mut(f).await
    }

    async fn run_mut<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::internal(&e))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = pool.idle.lock().map_err(|e| ApiError::internal(&e))?.pop();
            let mut conn = match conn {
                Some(c) => c,
                None => vigil_store::open(&pool.path).map_err(|e| ApiError::internal(&e))?,
            };
            let out = f(&mut *conn);
            if let Ok(mut idle) = pool.idle.lock() {
                idle.push(conn);
            }
            out
        })
        .await
        .map_err(|e| ApiError::internal(&e))?
    }
}
