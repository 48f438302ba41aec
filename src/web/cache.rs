//! Computed page data (search results, entry pages) kept per app instance while nothing has
//! changed. Before every use the cache reads the database's change stamp
//! (`crate::audit::stamp`, one reading shared by the requests asking at once); when it moved,
//! everything cached is dropped, so a page never shows data older than the last committed
//! write — through this instance or any other on the same database. The stamp is one small
//! indexed statement, far cheaper than the pages it guards.
//!
//! The cache holds at most `capacity` pages and forgets the oldest first: the point is the
//! pages many people open (popular searches, well-known entries), not the whole directory.
//! Where pages are large and differ in size, it also holds at most a budget of bytes, and a
//! page that would go past it is served but not kept: forgetting kept pages to make room
//! churned the allocator (below).

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, RwLock};

use crate::audit::stamp::{Stamp, Stamps};
use crate::error::AppResult;

/// Rendered HTML as a cache keeps it: without the spare capacity its growth left (a
/// `String` grows by doubling, so up to half of a page's buffer is empty), which for 500 kept
/// pages of 25 KB is megabytes of the server's peak memory.
pub fn kept(html: maud::Markup) -> String {
    let mut html = html.into_string();
    html.shrink_to_fit();
    html
}

/// Pages by key (a normalised query, a slug), valid for one stamp.
pub struct PageCache<V> {
    capacity: usize,
    /// Bytes the pages held may weigh together, as `weigh` counts them.
    budget: usize,
    weigh: fn(&V) -> usize,
    inner: RwLock<Inner<V>>,
    /// Pages computed at once. Under a burst of uncached requests (32 connections after a
    /// write emptied the cache) every computation holds its rows and intermediate results at
    /// the same time: at 100k entries 32 searches at once took the server from 74 to 170 MiB,
    /// where 4 at a time finish as fast on two cores. A request that waited looks again
    /// before computing, so a page many people asked for at once is usually computed once.
    loads: tokio::sync::Semaphore,
}

/// Pages one cache computes at once (see [`PageCache::loads`]).
const LOADS_AT_ONCE: usize = 4;

struct Inner<V> {
    stamp: Option<Stamp>,
    pages: HashMap<String, Arc<V>>,
    /// Keys in the order they were stored, oldest first.
    order: VecDeque<String>,
    /// What the pages held weigh together.
    bytes: usize,
}

impl<V> PageCache<V> {
    /// An empty cache of at most `capacity` pages.
    pub fn new(capacity: usize) -> Self {
        PageCache::with_budget(capacity, usize::MAX, |_| 0)
    }

    /// An empty cache of at most `capacity` pages weighing at most `budget` bytes together,
    /// each as `weigh` says. Once the budget is spent, further pages are served but not kept
    /// until the stamp moves. Making room instead, by forgetting the oldest, was measured with
    /// report pages at 100,000 entries (wrk over 500 paths, 12 MiB for ~33 KB pages): every
    /// request missed, each miss kept a new page and freed an old one, and the server's peak
    /// memory rose 25 MiB — twice what the pages held — for no hit at all.
    pub fn with_budget(capacity: usize, budget: usize, weigh: fn(&V) -> usize) -> Self {
        PageCache {
            capacity: capacity.max(1),
            budget,
            weigh,
            inner: RwLock::new(Inner {
                stamp: None,
                pages: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
            }),
            loads: tokio::sync::Semaphore::new(LOADS_AT_ONCE),
        }
    }

    /// The page for `key`: cached when nothing changed since it was computed, else computed
    /// by `load` (the stamp is read first, so a write during `load` is noticed next time).
    pub async fn get_or_load<F, Fut>(
        &self,
        stamps: &Stamps,
        key: &str,
        load: F,
    ) -> AppResult<Arc<V>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<V>>,
    {
        let now = stamps.now().await?;
        if let Some(page) = self.lookup(&now, key) {
            return Ok(page);
        }
        // The semaphore is never closed, so acquiring fails only in theory; then compute.
        let _permit = self.loads.acquire().await.ok();
        if let Some(page) = self.lookup(&now, key) {
            return Ok(page);
        }
        let page = Arc::new(load().await?);
        self.store(now, key, &page);
        Ok(page)
    }

    /// Number of pages held (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.inner.read().map_or(0, |i| i.pages.len())
    }

    /// What the pages held weigh together (for tests and diagnostics).
    pub fn bytes(&self) -> usize {
        self.inner.read().map_or(0, |i| i.bytes)
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lookup(&self, now: &Stamp, key: &str) -> Option<Arc<V>> {
        let inner = self.inner.read().ok()?;
        if inner.stamp.as_ref() != Some(now) {
            return None;
        }
        inner.pages.get(key).cloned()
    }

    fn store(&self, now: Stamp, key: &str, page: &Arc<V>) {
        let Ok(mut inner) = self.inner.write() else {
            return;
        };
        if inner.stamp != Some(now) {
            inner.stamp = Some(now);
            inner.pages.clear();
            inner.order.clear();
            inner.bytes = 0;
        }
        let weight = (self.weigh)(page);
        if inner.pages.contains_key(key) || inner.bytes + weight > self.budget {
            return;
        }
        while inner.pages.len() >= self.capacity {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.pages.remove(&old) {
                inner.bytes -= (self.weigh)(&gone);
            }
        }
        inner.pages.insert(key.to_string(), Arc::clone(page));
        inner.order.push_back(key.to_string());
        inner.bytes += weight;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(len: usize) -> Arc<String> {
        Arc::new("가".repeat(len))
    }

    #[test]
    fn past_the_count_the_oldest_go_and_past_the_bytes_new_pages_are_not_kept() {
        let cache: PageCache<String> = PageCache::with_budget(3, 10 * 3, String::len);
        let now = Stamp::for_tests(1);
        for key in ["a", "b", "c"] {
            cache.store(now, key, &page(2));
        }
        assert_eq!((cache.len(), cache.bytes()), (3, 18));
        cache.store(now, "d", &page(1));
        assert!(
            cache.lookup(&now, "a").is_none(),
            "past the count: the oldest went"
        );
        assert_eq!((cache.len(), cache.bytes()), (3, 15));
        cache.store(now, "e", &page(6));
        assert!(
            cache.lookup(&now, "e").is_none(),
            "15 + 18 bytes: past the budget"
        );
        assert_eq!(
            (cache.len(), cache.bytes()),
            (3, 15),
            "and nothing went for it"
        );
        cache.store(now, "f", &page(5));
        assert_eq!(cache.lookup(&now, "f").map(|p| p.len()), Some(15));
        assert!(cache.lookup(&now, "b").is_none(), "past the count again");
        assert_eq!((cache.len(), cache.bytes()), (3, 24));
    }

    #[test]
    fn a_new_stamp_forgets_every_page_and_its_bytes() {
        let cache: PageCache<String> = PageCache::with_budget(10, 100, String::len);
        cache.store(Stamp::for_tests(1), "a", &page(5));
        let later = Stamp::for_tests(2);
        assert!(cache.lookup(&later, "a").is_none());
        cache.store(later, "b", &page(1));
        assert_eq!((cache.len(), cache.bytes()), (1, 3));
    }
}
