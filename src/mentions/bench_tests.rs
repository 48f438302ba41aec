//! Micro-benchmark (ignored by default): dictionary build and linking for 100,000 generated
//! entries with two aliases each, next to a bare aho-corasick build and scan of the same
//! patterns and text (the floor). Run it optimised:
//! `cargo test --release bench -- --ignored --nocapture`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aho_corasick::{AhoCorasick, MatchKind};

use super::{DictEntry, Dictionary, FindOptions, LiveDictionary};

const ENTRIES: usize = 100_000;
const TEXT_CHARS: usize = 10_000;
const SCANS: usize = 300;

/// Syllables common in organisation names and in prose, so generated names collide with
/// ordinary words about as often as real ones do.
const SYLLABLES: &str = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추\
    기니디리미비시이지치개내대래매배새애재채해경공동성산용광진서울한남숲강북중원신정문화예술행복나눔\
    협합회적업센터스어판장단연상방농식품여행교육돌봄청년희망미래함께무햇살별빛람늘름들꽃";

/// Prose the generated report is made of (written for this benchmark).
const PROSE: &str = "지난주에는 여러 지역의 사회적경제 기업들과 만나 판로와 협력 방안을 이야기했습니다. \
    참여자들은 현장을 돌아보며 서로의 경험을 나누었고, 다음 달에는 공동 판매 행사를 열기로 했습니다. \
    점심은 지역 식당에서 함께 먹었고 오후에는 청년 창업 공간을 둘러보았습니다. ";

/// Deterministic xorshift generator: the benchmark must not depend on outside crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn name(rng: &mut Rng, pool: &[char]) -> String {
    let len = 3 + rng.below(6); // 3–8 syllables
    (0..len).map(|_| pool[rng.below(pool.len())]).collect()
}

fn generate_entries() -> Vec<DictEntry> {
    let pool: Vec<char> = SYLLABLES.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..ENTRIES)
        .map(|i| DictEntry {
            entry_id: i as i64,
            kind: "enterprise".to_string(),
            name: name(&mut rng, &pool),
            aliases: vec![name(&mut rng, &pool), name(&mut rng, &pool)],
        })
        .collect()
}

/// About 10,000 characters of prose with a dictionary name (and its particle) every ~150
/// characters and a misspelt long name now and then.
fn generate_text(entries: &[DictEntry]) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let prose: Vec<char> = PROSE.chars().collect();
    let mut text = String::new();
    let mut i = 0;
    while text.chars().count() < TEXT_CHARS {
        for _ in 0..150 {
            text.push(prose[i % prose.len()]);
            i += 1;
        }
        let e = &entries[rng.below(entries.len())];
        let mut name: Vec<char> = e.name.chars().collect();
        if name.len() >= 5 && rng.below(4) == 0 {
            name[2] = '쉪'; // one substitution
        }
        text.push(' ');
        text.extend(name);
        text.push_str(["는 ", "에서 ", "과 ", " "][rng.below(4)]);
    }
    text.chars().take(TEXT_CHARS).collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_scans(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let found = f();
    let samples = (0..SCANS)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    (median(samples), found)
}

#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn bench_build_and_scan_against_bare_automaton() {
    let entries = generate_entries();
    let text = generate_text(&entries);
    let patterns: Vec<&str> = entries
        .iter()
        .flat_map(|e| std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(String::as_str)))
        .collect();

    let t = Instant::now();
    let bare = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&patterns);
    let bare_build = t.elapsed();
    let Ok(bare) = bare else {
        panic!("bare automaton failed to build");
    };

    let t = Instant::now();
    let dictionary = match Dictionary::build(&entries) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let build = t.elapsed();

    let (bare_scan, bare_found) = time_scans(|| bare.find_iter(&text).count());
    let exact_only = FindOptions {
        fuzzy: false,
        candidates: false,
    };
    let (exact_scan, exact_found) = time_scans(|| dictionary.find_with(&text, exact_only).len());
    let no_fuzzy = FindOptions {
        fuzzy: false,
        candidates: true,
    };
    let (cand_scan, _) = time_scans(|| dictionary.find_with(&text, no_fuzzy).len());
    let (full_scan, full_found) = time_scans(|| dictionary.find(&text).len());

    let base = Arc::new(dictionary);
    let mut live = match LiveDictionary::new(Arc::clone(&base)) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let t = Instant::now();
    for (i, e) in entries.iter().take(100).enumerate() {
        let mut changed = e.clone();
        changed.entry_id = (ENTRIES + i) as i64;
        if let Err(e) = live.upsert(changed) {
            panic!("{e}");
        }
    }
    let hundred_upserts = t.elapsed();
    let (live_scan, _) = time_scans(|| live.find(&text).len());

    println!(
        "entries {ENTRIES}, patterns {} (distinct {})",
        patterns.len(),
        base.pattern_count()
    );
    println!("text {} chars, {} bytes", text.chars().count(), text.len());
    println!("build  bare aho-corasick        {:>10.3?}", bare_build);
    println!("build  Dictionary::build        {:>10.3?}", build);
    println!(
        "scan   bare find_iter           {:>10.3?}  ({bare_found} matches)",
        bare_scan
    );
    println!(
        "find   exact only               {:>10.3?}  ({exact_found} mentions)",
        exact_scan
    );
    println!("find   exact + candidates       {:>10.3?}", cand_scan);
    println!(
        "find   full (fuzzy, candidates) {:>10.3?}  ({full_found} mentions)",
        full_scan
    );
    println!("live   100 upserts (delta)      {:>10.3?}", hundred_upserts);
    println!("live   find, base + delta       {:>10.3?}", live_scan);
}
