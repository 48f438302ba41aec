//! A dictionary that takes changes without rebuilding the big base.
//!
//! Building the dictionary for a full directory takes about half a second at 100,000 entries,
//! too long for a request path. [`LiveDictionary`] pairs the big, shared base dictionary with a small delta built
//! from the entries changed since: an upsert rebuilds only the delta (milliseconds for
//! hundreds of entries) and hides the entry's old names in the base. The owner rebuilds the
//! base in the background from time to time and swaps in a fresh `LiveDictionary`.

use std::collections::HashSet;
use std::sync::Arc;

use super::dictionary::{DictEntry, Dictionary, DictionaryError};
use super::matcher::{FindOptions, Layer, find_in_layers};
use super::mention::Mention;

/// A base dictionary plus recent changes.
pub struct LiveDictionary {
    base: Arc<Dictionary>,
    delta: Dictionary,
    delta_entries: Vec<DictEntry>,
    /// Entries whose base patterns are stale: changed (the delta has them now) or removed.
    shadowed: HashSet<i64>,
}

impl LiveDictionary {
    /// Starts with no changes on top of `base`.
    pub fn new(base: Arc<Dictionary>) -> Result<LiveDictionary, DictionaryError> {
        Ok(LiveDictionary {
            base,
            delta: Dictionary::build(&[])?,
            delta_entries: Vec::new(),
            shadowed: HashSet::new(),
        })
    }

    /// Adds a new entry or replaces an existing one (new name or aliases). Only the delta
    /// is rebuilt.
    pub fn upsert(&mut self, entry: DictEntry) -> Result<(), DictionaryError> {
        self.shadowed.insert(entry.entry_id);
        match self
            .delta_entries
            .iter_mut()
            .find(|e| e.entry_id == entry.entry_id)
        {
            Some(existing) => *existing = entry,
            None => self.delta_entries.push(entry),
        }
        self.rebuild_delta()
    }

    /// Stops linking an entry (deleted or merged into another).
    pub fn remove(&mut self, entry_id: i64) -> Result<(), DictionaryError> {
        self.shadowed.insert(entry_id);
        let before = self.delta_entries.len();
        self.delta_entries.retain(|e| e.entry_id != entry_id);
        if self.delta_entries.len() == before {
            return Ok(());
        }
        self.rebuild_delta()
    }

    /// Number of entries changed since the base was built: a hint for when to rebuild it.
    pub fn delta_len(&self) -> usize {
        self.delta_entries.len()
    }

    /// The shared base dictionary.
    pub fn base(&self) -> &Arc<Dictionary> {
        &self.base
    }

    /// Like [`Dictionary::find`], over the base and the changes. Where both match, the longer
    /// span wins; the same span may carry links from both.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.find_with(text, FindOptions::default())
    }

    /// Like [`Dictionary::find_with`], over the base and the changes.
    pub fn find_with(&self, text: &str, options: FindOptions) -> Vec<Mention> {
        let fresh = |id: i64| !self.shadowed.contains(&id);
        let any = |_: i64| true;
        let layers = [
            Layer {
                dictionary: &self.base,
                keep: &fresh,
            },
            Layer {
                dictionary: &self.delta,
                keep: &any,
            },
        ];
        find_in_layers(&layers, text, options)
    }

    fn rebuild_delta(&mut self) -> Result<(), DictionaryError> {
        self.delta = Dictionary::build(&self.delta_entries)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mentions::Method;

    fn entry(id: i64, name: &str, aliases: &[&str]) -> DictEntry {
        DictEntry {
            entry_id: id,
            kind: "enterprise".to_string(),
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn linked(live: &LiveDictionary, text: &str) -> Vec<(String, Option<i64>)> {
        live.find(text)
            .into_iter()
            .filter(|m| m.entry_id.is_some())
            .map(|m| (m.surface.to_string(), m.entry_id))
            .collect()
    }

    #[test]
    fn new_entries_link_without_rebuilding_the_base() -> Result<(), DictionaryError> {
        let base = Arc::new(Dictionary::build(&[entry(1, "와디즈", &[])])?);
        let mut live = LiveDictionary::new(Arc::clone(&base))?;
        live.upsert(entry(2, "소영씨스토어", &[]))?;
        let found = linked(&live, "와디즈와 소영씨스토어를 방문");
        assert_eq!(
            found,
            vec![
                ("와디즈".to_string(), Some(1)),
                ("소영씨스토어".to_string(), Some(2))
            ]
        );
        assert_eq!(live.delta_len(), 1);
        assert!(Arc::ptr_eq(live.base(), &base));
        Ok(())
    }

    #[test]
    fn renamed_and_removed_entries_stop_linking_old_names() -> Result<(), DictionaryError> {
        let base = Dictionary::build(&[entry(1, "해오름상회", &[]), entry(2, "별빛공방", &[])])?;
        let mut live = LiveDictionary::new(Arc::new(base))?;
        live.upsert(entry(1, "해오름협동조합", &["해오름"]))?;
        live.remove(2)?;
        let text = "해오름상회와 별빛공방, 그리고 해오름협동조합";
        let found = linked(&live, text);
        assert_eq!(found, vec![("해오름협동조합".to_string(), Some(1))]);
        Ok(())
    }

    #[test]
    fn a_name_in_both_layers_offers_every_entry_once_most_confident_first()
    -> Result<(), DictionaryError> {
        // 이음 is entry 3's name and entry 1's alias in the base; entry 2 takes it as its name
        // in the delta, and entry 1, changed, keeps it as an alias there.
        let base = Dictionary::build(&[entry(1, "이음공방", &["이음"]), entry(3, "이음", &[])])?;
        let mut live = LiveDictionary::new(Arc::new(base))?;
        live.upsert(entry(2, "이음", &[]))?;
        live.upsert(entry(1, "이음공방협동조합", &["이음"]))?;
        let found: Vec<(Option<i64>, Method, f32)> = live
            .find("이음에서")
            .into_iter()
            .map(|m| (m.entry_id, m.method, m.confidence))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        let ids: Vec<Option<i64>> = found.iter().map(|f| f.0).collect();
        assert_eq!(
            ids,
            [Some(2), Some(3), Some(1)],
            "equally sure: own names before the alias, then by entry"
        );
        assert_eq!(found[2].1, Method::Alias);
        Ok(())
    }

    #[test]
    fn the_longer_match_wins_across_layers() -> Result<(), DictionaryError> {
        let base = Dictionary::build(&[entry(1, "성수동", &[])])?;
        let mut live = LiveDictionary::new(Arc::new(base))?;
        live.upsert(entry(2, "성수동 수제화 거리", &[]))?;
        let found = linked(&live, "성수동 수제화 거리와 성수동");
        assert_eq!(
            found,
            vec![
                ("성수동 수제화 거리".to_string(), Some(2)),
                ("성수동".to_string(), Some(1))
            ]
        );
        Ok(())
    }
}
