//! The benchmark's linking phase, on the generated directory: rebuilding the mention
//! dictionary from the database (what `serve` and `tambang mentions rebuild` do; also split
//! into reading the names and building the dictionary), and linking
//! a 10,000-character report made of the generated reports' text — each next to a bare
//! leftmost-longest Aho-Corasick automaton over the same names and aliases (the floor: the
//! engine cannot do less than one such scan).

use std::hint::black_box;
use std::time::Instant;

use aho_corasick::{AhoCorasick, MatchKind};
use sea_orm::DatabaseConnection;

use crate::bench::measure::Stats;
use crate::error::{AppError, AppResult};
use crate::linking::index::{MentionIndex, dict_entries};
use crate::mentions::{Dictionary, FindOptions, Stage};

/// Characters of the report that is linked.
pub const REPORT_CHARS: usize = 10_000;

/// What the linking phase measured (ms).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LinkingTimes {
    pub entries: usize,
    pub patterns: usize,
    /// `MentionIndex::rebuild`: read entries and aliases, build the dictionary.
    pub rebuild: Stats,
    /// Its two halves: reading every name and alias from the database…
    pub read: Stats,
    /// …and `Dictionary::build` (fold, derive, deduplicate, trie and fuzzy index).
    pub build: Stats,
    /// Nodes of the dictionary's trie.
    pub trie_nodes: usize,
    /// Building the bare automaton over the same names and aliases.
    pub bare_build: Stats,
    /// Exact names and aliases only.
    pub link_exact: Stats,
    /// Everything a saved report gets: exact, fuzzy and candidate names.
    pub link_full: Stats,
    /// One `find_iter` pass of the bare automaton.
    pub bare_scan: Stats,
    /// Full linking timed stage by stage, in the order they run (`mentions::Stage`).
    pub stages: Vec<(&'static str, Stats)>,
    pub mentions_found: usize,
    /// Distinct spans those mentions cover (a name several entries bear is one span).
    pub spans_found: usize,
}

/// `REPORT_CHARS` characters of `bodies` one after the other (a line break between), repeated
/// when they are shorter; empty when they are all empty.
pub fn report_text(bodies: &[String]) -> String {
    let mut text = String::new();
    if bodies.iter().all(String::is_empty) {
        return text;
    }
    let mut chars = 0;
    for body in bodies.iter().cycle() {
        for c in body.chars().chain(std::iter::once('\n')) {
            if chars == REPORT_CHARS {
                return text;
            }
            text.push(c);
            chars += 1;
        }
    }
    text
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> Stats {
    black_box(f());
    Stats::of(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    )
}

/// Times each of `fs` `n` times (after one warm-up call each), one call of each in turn.
fn time_in_turns<const K: usize>(n: usize, mut fs: [&mut dyn FnMut() -> usize; K]) -> [Stats; K] {
    for f in fs.iter_mut() {
        black_box(f());
    }
    let mut samples: [Vec<f64>; K] = std::array::from_fn(|_| Vec::with_capacity(n));
    for _ in 0..n {
        for (f, out) in fs.iter_mut().zip(samples.iter_mut()) {
            let t = Instant::now();
            black_box(f());
            out.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    samples.map(Stats::of)
}

/// Full linking of `text`, `n` times, with the time of each stage apart (ms).
fn time_stages(dictionary: &Dictionary, text: &str, n: usize) -> Vec<(&'static str, Stats)> {
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(n); Stage::ALL.len()];
    for _ in 0..n {
        let mut last = Instant::now();
        let mut done = |stage: Stage| {
            let now = Instant::now();
            if let Some(i) = Stage::ALL.iter().position(|&s| s == stage) {
                samples[i].push((now - last).as_secs_f64() * 1000.0);
            }
            last = now;
        };
        black_box(dictionary.find_probed(text, FindOptions::default(), &mut done));
    }
    Stage::ALL
        .iter()
        .zip(samples)
        .map(|(stage, v)| (stage.name(), Stats::of(v)))
        .collect()
}

/// Times the rebuild (`rebuilds` times) and linking of one report (`scans` times).
pub async fn time_linking(
    db: &DatabaseConnection,
    bodies: &[String],
    rebuilds: usize,
    scans: usize,
) -> AppResult<LinkingTimes> {
    let index = MentionIndex::default();
    let mut rebuild = Vec::with_capacity(rebuilds);
    for _ in 0..rebuilds.max(1) {
        let t = Instant::now();
        index.rebuild(db).await?;
        rebuild.push(t.elapsed().as_secs_f64() * 1000.0);
    }

    let mut read = Vec::with_capacity(rebuilds);
    for _ in 0..rebuilds.max(1) {
        let t = Instant::now();
        black_box(dict_entries(db, None).await?);
        read.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let entries = dict_entries(db, None).await?;
    let patterns: Vec<&str> = entries
        .iter()
        .flat_map(|e| std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(String::as_str)))
        .collect();
    let build_bare = || {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
    };
    let bare = build_bare().map_err(AppError::internal)?;
    let bare_build = time(rebuilds.max(1), build_bare);

    let build = time(rebuilds.max(1), || Dictionary::build(&entries));
    let dictionary = Dictionary::build(&entries).map_err(AppError::internal)?;
    let text = report_text(bodies);
    let exact = FindOptions {
        fuzzy: false,
        candidates: false,
    };
    // Taken in turns, so that a change in the machine's pace while they run (another process,
    // the clock) weighs on the engine and its floor alike.
    let [link_exact, link_full, bare_scan] = time_in_turns(
        scans,
        [
            &mut || dictionary.find_with(&text, exact).len(),
            &mut || dictionary.find(&text).len(),
            &mut || bare.find_iter(&text).count(),
        ],
    );
    let stages = time_stages(&dictionary, &text, scans);
    let found = dictionary.find(&text);
    let mut spans: Vec<(usize, usize)> = found.iter().map(|m| (m.start, m.end)).collect();
    spans.dedup();
    Ok(LinkingTimes {
        entries: entries.len(),
        patterns: patterns.len(),
        rebuild: Stats::of(rebuild),
        read: Stats::of(read),
        build,
        trie_nodes: dictionary.trie_nodes(),
        bare_build,
        link_exact,
        link_full,
        bare_scan,
        stages,
        mentions_found: found.len(),
        spans_found: spans.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_text_is_cut_to_size_and_repeats_short_bodies() {
        let t = report_text(&["가나다".into()]);
        assert_eq!(t.chars().count(), REPORT_CHARS);
        assert!(t.starts_with("가나다\n가나다"));
        assert_eq!(report_text(&[]), "");
    }
}
