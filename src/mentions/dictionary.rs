//! The dictionary: every entry's names, aliases and derived forms, folded, deduplicated and
//! indexed in a character trie for leftmost-longest matching ([`super::trie`]) plus a fuzzy
//! index.
//!
//! All folded patterns live in one string arena (no `String` per pattern) and the per-pattern
//! bookkeeping is a few flat vectors, so a rebuild at 100,000 entries is mostly one sort.

use std::fmt;
use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::derive::derived_forms;
use super::fuzzy::FuzzyIndex;
use super::mention::{CAP_AMBIGUOUS, CONF_ALIAS, CONF_EXACT_NAME, Method, capped_confidence};
use super::normalize::fold_into;
use super::trie::Trie;

/// One directory entry as the mention engine sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictEntry {
    /// The entry's id in the directory.
    pub entry_id: i64,
    /// "district", "center", "enterprise", "outlet", "partner", "program" or "place".
    pub kind: String,
    /// The display name, markers and all (㈜오엠인터렉트 is fine: markers are folded).
    pub name: String,
    /// Aliases the directory lists (abbreviations, former names, spacing variants).
    pub aliases: Vec<String>,
}

/// Why a dictionary could not be built.
#[derive(Debug)]
pub struct DictionaryError;

impl fmt::Display for DictionaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot build the mention index: more name characters than it can number")
    }
}

impl std::error::Error for DictionaryError {}

/// What one pattern links to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Target {
    pub entry_id: i64,
    pub method: Method,
    pub confidence: f32,
}

/// Names, aliases and derived forms of a set of entries, ready for [`Dictionary::find`].
pub struct Dictionary {
    pub(crate) trie: Trie,
    /// All folded patterns, back to back.
    pub(crate) arena: String,
    /// Byte span in `arena` of each distinct pattern (indexed by pattern id).
    pub(crate) patterns: Vec<(u32, u32)>,
    /// `targets[target_start[p]..target_start[p + 1]]` are pattern `p`'s entries.
    target_start: Vec<u32>,
    targets: Vec<Target>,
    pub(crate) fuzzy: FuzzyIndex,
    entry_count: usize,
}

/// A pattern before deduplication: its span in the arena and what it links to.
struct RawPattern {
    start: u32,
    end: u32,
    target: Target,
}

impl Dictionary {
    /// Builds the dictionary for `entries`: folds every name and alias, adds derived forms,
    /// merges identical patterns and builds the trie and the fuzzy index.
    pub fn build(entries: &[DictEntry]) -> Result<Dictionary, DictionaryError> {
        let mut builder = DictionaryBuilder::default();
        for entry in entries {
            builder.add(entry);
        }
        builder.finish()
    }

    fn from_patterns(
        arena: String,
        raw: Vec<RawPattern>,
        entry_count: usize,
        started: std::time::Instant,
    ) -> Result<Dictionary, DictionaryError> {
        let collected = started.elapsed();

        // Identical folded patterns (a name and its spacing-variant alias, two 중구) become
        // one pattern with several targets. The table holds only pattern ids (four bytes a
        // slot, where a map keyed by `&str` took twenty-four): at 100,000 entries it is sized
        // for a million raw patterns, and it lives at the build's memory peak.
        // The names are the directory's own, so a fixed-seed fast hash is safe here.
        let hasher = foldhash::fast::FixedState::default();
        let text = |&(s, e): &(u32, u32)| &arena[s as usize..e as usize];
        let mut ids: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(raw.len());
        let mut patterns: Vec<(u32, u32)> = Vec::with_capacity(raw.len());
        // Each raw pattern becomes its (pattern id, target) in place: the same 24 bytes, so
        // `collect` reuses the allocation instead of holding both vectors at once.
        let linked: Vec<(u32, Target)> = raw
            .into_iter()
            .map(|r| {
                let span = (r.start, r.end);
                let hash = hasher.hash_one(text(&span));
                let found = ids.entry(
                    hash,
                    |&p| text(&patterns[p as usize]) == text(&span),
                    |&p| hasher.hash_one(text(&patterns[p as usize])),
                );
                let id = match found {
                    hashbrown::hash_table::Entry::Occupied(o) => *o.get(),
                    hashbrown::hash_table::Entry::Vacant(v) => {
                        let id = u32::try_from(patterns.len()).unwrap_or(u32::MAX);
                        patterns.push(span);
                        v.insert(id);
                        id
                    }
                };
                (id, r.target)
            })
            .collect();
        drop(ids);
        let merged = started.elapsed();

        // The fuzzy index, the targets and the trie are independent of each other: the trie
        // (the longest) on this thread, the other two one after the other beside it.
        let (trie, (target_start, targets), fuzzy, fuzzy_time) = std::thread::scope(|scope| {
            let beside = scope.spawn(|| {
                // The targets first: grouping frees the raw links before the fuzzy index grows.
                let grouped = group_targets(&arena, &patterns, linked);
                let t = std::time::Instant::now();
                let fuzzy = FuzzyIndex::build(&arena, &patterns);
                (grouped, fuzzy, t.elapsed())
            });
            let trie = Trie::build(&arena, &patterns);
            // A panic there is a bug; surface it where it happened.
            let (grouped, fuzzy, fuzzy_time) = beside
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (trie, grouped, fuzzy, fuzzy_time)
        });
        tracing::debug!(
            entries = entry_count,
            patterns = patterns.len(),
            collect_ms = collected.as_secs_f64() * 1e3, // from the first entry added
            merge_ms = (merged - collected).as_secs_f64() * 1e3,
            trie_targets_and_fuzzy_ms = (started.elapsed() - merged).as_secs_f64() * 1e3,
            fuzzy_ms = fuzzy_time.as_secs_f64() * 1e3,
            "dictionary built"
        );
        let mut arena = arena;
        arena.shrink_to_fit();
        patterns.shrink_to_fit();
        let dictionary = Dictionary {
            trie: trie.map_err(|_| DictionaryError)?,
            arena,
            patterns,
            target_start,
            targets,
            fuzzy,
            entry_count,
        };
        let (trie_bytes, fuzzy_bytes, rest_bytes) = dictionary.heap_bytes();
        tracing::debug!(trie_bytes, fuzzy_bytes, rest_bytes, "dictionary size");
        Ok(dictionary)
    }

    /// Number of entries the dictionary was built from.
    pub fn entry_count(&self) -> usize {
        self.entry_count
    }

    /// Number of distinct folded patterns.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Bytes the dictionary holds on the heap: (trie, fuzzy index, everything else).
    pub fn heap_bytes(&self) -> (usize, usize, usize) {
        let rest = self.arena.capacity()
            + self.patterns.capacity() * 8
            + self.target_start.capacity() * 4
            + self.targets.capacity() * std::mem::size_of::<Target>();
        (self.trie.heap_bytes(), self.fuzzy.heap_bytes(), rest)
    }

    /// Nodes of the exact-match trie (its size: twelve bytes a node).
    pub fn trie_nodes(&self) -> usize {
        self.trie.node_count()
    }

    /// The folded text of pattern `id`.
    pub(crate) fn pattern(&self, id: usize) -> &str {
        let (s, e) = self.patterns[id];
        &self.arena[s as usize..e as usize]
    }

    /// The entries pattern `id` links to (usually one), most confident first, then by method
    /// (own name, alias, derived form), then by entry.
    pub(crate) fn targets(&self, id: usize) -> &[Target] {
        let from = self.target_start[id] as usize;
        let to = self.target_start[id + 1] as usize;
        &self.targets[from..to]
    }
}

/// Folds entries into a dictionary one at a time, so that a caller can feed them as they
/// arrive from the database (folding overlaps reading) and each entry's strings are freed as
/// soon as it is folded.
#[derive(Default)]
pub struct DictionaryBuilder {
    arena: String,
    raw: Vec<RawPattern>,
    derived: Vec<(String, f32)>,
    entries: usize,
    started: Option<std::time::Instant>,
}

impl DictionaryBuilder {
    /// Folds `entry`'s name and aliases and adds their derived forms.
    pub fn add(&mut self, entry: &DictEntry) {
        self.started.get_or_insert_with(std::time::Instant::now);
        self.entries += 1;
        let arena = &mut self.arena;
        for (name, method, confidence) in names(entry) {
            let start = arena.len();
            fold_into(arena, name);
            let end = arena.len();
            if start == end {
                continue;
            }
            let target = Target {
                entry_id: entry.entry_id,
                method,
                confidence,
            };
            push_raw(&mut self.raw, start, end, target);
            self.derived.clear();
            derived_forms(&arena[start..end], &entry.kind, &mut self.derived);
            for (form, confidence) in &self.derived {
                let start = arena.len();
                arena.push_str(form);
                let target = Target {
                    entry_id: entry.entry_id,
                    method: Method::AbbreviationRule,
                    confidence: *confidence,
                };
                push_raw(&mut self.raw, start, arena.len(), target);
            }
        }
    }

    /// Merges identical patterns and builds the trie and the fuzzy index.
    pub fn finish(self) -> Result<Dictionary, DictionaryError> {
        let started = self.started.unwrap_or_else(std::time::Instant::now);
        Dictionary::from_patterns(self.arena, self.raw, self.entries, started)
    }
}

/// An entry's name and aliases with their method and base confidence.
fn names(e: &DictEntry) -> impl Iterator<Item = (&str, Method, f32)> {
    let name = std::iter::once((e.name.as_str(), Method::ExactName, CONF_EXACT_NAME));
    name.chain(
        e.aliases
            .iter()
            .map(|a| (a.as_str(), Method::Alias, CONF_ALIAS)),
    )
}

fn push_raw(raw: &mut Vec<RawPattern>, start: usize, end: usize, target: Target) {
    // A 4 GiB arena is far beyond any directory; such patterns are skipped, not truncated.
    if let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(end)) {
        raw.push(RawPattern { start, end, target });
    }
}

/// Sorts targets by pattern, keeps the best method per (pattern, entry) and applies the
/// short-name, homonym and ambiguity caps. Returns CSR offsets and the targets, each
/// pattern's most confident first, then by method, then by entry.
fn group_targets(
    arena: &str,
    patterns: &[(u32, u32)],
    mut linked: Vec<(u32, Target)>,
) -> (Vec<u32>, Vec<Target>) {
    linked.sort_unstable_by(|(pa, a), (pb, b)| {
        pa.cmp(pb)
            .then(a.entry_id.cmp(&b.entry_id))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.method.cmp(&b.method))
    });
    linked.dedup_by(|next, kept| next.0 == kept.0 && next.1.entry_id == kept.1.entry_id);

    let mut target_start = Vec::with_capacity(patterns.len() + 1);
    let mut targets = Vec::with_capacity(linked.len());
    let mut i = 0;
    for (p, &(s, e)) in patterns.iter().enumerate() {
        target_start.push(u32::try_from(targets.len()).unwrap_or(u32::MAX));
        let from = i;
        while i < linked.len() && linked[i].0 as usize == p {
            i += 1;
        }
        let folded = &arena[s as usize..e as usize];
        let ambiguous = i - from > 1;
        let first = targets.len();
        for (_, t) in &linked[from..i] {
            let mut confidence = capped_confidence(t.confidence, folded);
            if ambiguous {
                confidence = confidence.min(CAP_AMBIGUOUS);
            }
            targets.push(Target { confidence, ..*t });
        }
        // In the order a span's alternatives are shown, so that matching copies them as they are.
        // An entry's own name before an alias before a derived form when the caps made
        // them equally sure (a shared name is capped as ambiguous), then the oldest entry.
        targets[first..].sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.method.cmp(&b.method))
                .then(a.entry_id.cmp(&b.entry_id))
        });
    }
    target_start.push(u32::try_from(targets.len()).unwrap_or(u32::MAX));
    targets.shrink_to_fit();
    (target_start, targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, kind: &str, name: &str, aliases: &[&str]) -> DictEntry {
        DictEntry {
            entry_id: id,
            kind: kind.to_string(),
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn find_pattern(d: &Dictionary, text: &str) -> Option<usize> {
        (0..d.pattern_count()).find(|&p| d.pattern(p) == text)
    }

    #[test]
    fn spacing_variant_alias_merges_with_name() -> Result<(), DictionaryError> {
        let d = Dictionary::build(&[entry(1, "outlet", "소영씨스토어", &["소영씨 스토어"])])?;
        assert_eq!(d.pattern_count(), 1);
        let targets = d.targets(0);
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].method, Method::ExactName);
        Ok(())
    }

    #[test]
    fn company_markers_fold_out_of_names() -> Result<(), DictionaryError> {
        let d = Dictionary::build(&[entry(1, "enterprise", "㈜오엠인터렉트", &[])])?;
        assert!(find_pattern(&d, "오엠인터렉트").is_some());
        Ok(())
    }

    #[test]
    fn derived_forms_are_abbreviation_rules() -> Result<(), DictionaryError> {
        let d = Dictionary::build(&[
            entry(1, "district", "성동구", &[]),
            entry(2, "center", "성동구사회적경제지원센터", &[]),
        ])?;
        let short = find_pattern(&d, "성동").map(|p| d.targets(p)[0]);
        assert_eq!(
            short.map(|t| (t.entry_id, t.method)),
            Some((1, Method::AbbreviationRule))
        );
        assert!(short.is_some_and(|t| t.confidence <= 0.5));
        let abbr = find_pattern(&d, "성동사경센터").map(|p| d.targets(p)[0]);
        assert_eq!(abbr.map(|t| t.entry_id), Some(2));
        Ok(())
    }

    #[test]
    fn shared_names_are_ambiguous() -> Result<(), DictionaryError> {
        let d = Dictionary::build(&[
            entry(1, "district", "중구", &[]),
            entry(2, "district", "중구", &[]),
        ])?;
        let p = find_pattern(&d, "중구").unwrap_or(usize::MAX);
        assert_eq!(d.targets(p).len(), 2);
        assert!(d.targets(p).iter().all(|t| t.confidence <= CAP_AMBIGUOUS));
        Ok(())
    }

    #[test]
    fn empty_dictionary_builds() -> Result<(), DictionaryError> {
        let d = Dictionary::build(&[])?;
        assert_eq!(d.pattern_count(), 0);
        Ok(())
    }
}
