//! Acceptance on the founding report (`shared/seed/*.txt`), with a dictionary mirroring the
//! demo data. Skipped, with a message, when the seed is not on this machine.
//! Run with `--nocapture` to see the full mention list.

use std::path::PathBuf;

use super::{DictEntry, Dictionary, Mention, Method};

const SEONGDONG: i64 = 1;
const YONGSAN: i64 = 2;
const GWANGJIN: i64 = 3;
const SD_CENTER: i64 = 10;
const YS_CENTER: i64 = 11;
const GJ_CENTER: i64 = 12;
const AMORE: i64 = 20;
const PROGRAM: i64 = 21;
const BAREUNCHAM: i64 = 22;
const SAGYEJEOL: i64 = 23;
const SEONGSU: i64 = 30;
const SHOE_STREET: i64 = 31;
const SEOUL_FOREST: i64 = 32;
const HANNAM: i64 = 33;
const WADIZ: i64 = 40;
const SOYOUNG: i64 = 41;
const OM: i64 = 42;
const YS_SHOP: i64 = 43;

fn entry(id: i64, kind: &str, name: &str, aliases: &[&str]) -> DictEntry {
    DictEntry {
        entry_id: id,
        kind: kind.to_string(),
        name: name.to_string(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

fn demo_entries() -> Vec<DictEntry> {
    vec![
        entry(SEONGDONG, "district", "성동구", &[]),
        entry(YONGSAN, "district", "용산구", &[]),
        entry(GWANGJIN, "district", "광진구", &[]),
        // 성동사경세터 (the seed's misspelling) is deliberately not an alias: fuzzy finds it.
        entry(
            SD_CENTER,
            "center",
            "성동구사회적경제지원센터",
            &["성동사경센터"],
        ),
        entry(
            YS_CENTER,
            "center",
            "용산구사회적경제지원센터",
            &["용산사경센터"],
        ),
        entry(GJ_CENTER, "center", "광진구사회적경제지원센터", &[]),
        entry(AMORE, "partner", "아모레퍼시픽", &[]),
        entry(PROGRAM, "program", "내 생의 가장 아름다운 하루", &[]),
        entry(BAREUNCHAM, "enterprise", "바른참", &[]),
        entry(SAGYEJEOL, "enterprise", "사계절공정여행", &[]),
        entry(SEONGSU, "place", "성수동", &[]),
        entry(SHOE_STREET, "place", "성수동 수제화 거리", &["수제화 거리"]),
        entry(SEOUL_FOREST, "place", "서울숲", &[]),
        entry(HANNAM, "place", "한남동", &[]),
        entry(WADIZ, "partner", "와디즈 주식회사", &["와디즈"]),
        entry(SOYOUNG, "outlet", "소영씨스토어", &["소영씨 스토어"]),
        entry(OM, "enterprise", "㈜오엠인터렉트", &[]),
        entry(YS_SHOP, "outlet", "용산구사회적경제 공동판매장", &[]),
    ]
}

/// The seed directory: `$TAMBANG_SEED_DIR`, `../shared/seed` beside the crate, or the
/// workplace copy.
fn seed_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("TAMBANG_SEED_DIR").map(PathBuf::from),
        Some(manifest.join("../shared/seed")),
        Some(manifest.join("../../shared/seed")),
        Some(PathBuf::from("/work/shared/seed")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

fn seed_texts() -> Vec<(String, String)> {
    let Some(dir) = seed_dir() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

fn print_mentions(text: &str, mentions: &[Mention]) {
    println!(
        "{:>5} {:>5}  {:<18} {:>5}  {:>6}  surface",
        "start", "end", "method", "conf", "entry"
    );
    for m in mentions {
        let method = format!("{:?}", m.method);
        let entry = m
            .entry_id
            .map_or_else(|| "-".to_string(), |id| id.to_string());
        let kind = m
            .candidate_kind
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        let auto = if m.auto_confirm() { " [auto]" } else { "" };
        println!(
            "{:>5} {:>5}  {:<18} {:>5.2}  {:>6}  {}{kind}{auto}",
            m.start, m.end, method, m.confidence, entry, m.surface
        );
    }
    let linked = mentions.iter().filter(|m| m.entry_id.is_some()).count();
    println!(
        "{} mentions ({linked} linked) in {} characters",
        mentions.len(),
        text.chars().count()
    );
}

#[test]
fn seed_report_links_every_entry_it_names() {
    let texts = seed_texts();
    if texts.is_empty() {
        println!("seed acceptance skipped: no shared/seed/*.txt found (set TAMBANG_SEED_DIR)");
        return;
    }
    let dictionary = match Dictionary::build(&demo_entries()) {
        Ok(d) => d,
        Err(e) => panic!("demo dictionary: {e}"),
    };
    let (path, text) = &texts[0];
    let mentions = dictionary.find(text);
    println!("seed: {path}");
    print_mentions(text, &mentions);
    let chars: Vec<char> = text.chars().collect();

    // Offsets are exact and every link sits on word boundaries.
    for m in &mentions {
        let surface: String = chars[m.start..m.end].iter().collect();
        assert_eq!(surface, *m.surface);
        if m.entry_id.is_some() {
            let before = m.start.checked_sub(1).map(|i| chars[i]);
            let inside_word = before.is_some_and(|c| ('가'..='힣').contains(&c));
            assert!(!inside_word, "link starts inside a word: {m:?}");
        }
    }

    // Every entry the text names is found at least once.
    let named = [
        SEONGDONG,
        YONGSAN,
        GWANGJIN,
        SD_CENTER,
        YS_CENTER,
        AMORE,
        PROGRAM,
        BAREUNCHAM,
        SAGYEJEOL,
        SEONGSU,
        SHOE_STREET,
        SEOUL_FOREST,
        HANNAM,
        WADIZ,
        SOYOUNG,
        OM,
        YS_SHOP,
    ];
    for id in named {
        assert!(
            mentions.iter().any(|m| m.entry_id == Some(id)),
            "entry {id} not found"
        );
    }
    // 광진구's center is in the demo data but not in the text (only 광진구로): no link.
    assert!(mentions.iter().all(|m| m.entry_id != Some(GJ_CENTER)));

    let find = |surface: &str, id: i64| {
        mentions
            .iter()
            .filter(|m| &*m.surface == surface && m.entry_id == Some(id))
            .collect::<Vec<_>>()
    };
    // The misspelling is found tolerantly, the abbreviations by alias.
    let misspelt = find("성동사경세터", SD_CENTER);
    assert_eq!(misspelt.len(), 1);
    assert_eq!(misspelt[0].method, Method::Fuzzy);
    assert_eq!(find("성동사경센터", SD_CENTER).len(), 3);
    assert_eq!(find("용산사경센터", YS_CENTER).len(), 1);
    // The center's full name is one mention, with no 성동구 inside it.
    let center = find("성동구사회적경제지원센터", SD_CENTER);
    assert_eq!(center.len(), 1);
    let (cs, ce) = (center[0].start, center[0].end);
    assert!(
        !mentions
            .iter()
            .any(|m| m.entry_id == Some(SEONGDONG) && m.start >= cs && m.end <= ce)
    );
    // Quoted and marked names, glued particles.
    assert_eq!(find("내 생의 가장 아름다운 하루", PROGRAM).len(), 1);
    assert_eq!(find("사계절공정여행", SAGYEJEOL).len(), 1);
    assert_eq!(find("오엠인터렉트", OM).len(), 1);
    assert_eq!(find("와디즈", WADIZ).len(), 9);
    assert_eq!(find("소영씨스토어", SOYOUNG).len(), 5);
    assert_eq!(find("소영씨 스토어", SOYOUNG).len(), 1);
    assert_eq!(find("수제화 거리", SHOE_STREET).len(), 2);
    assert_eq!(find("용산구사회적경제 공동판매장", YS_SHOP).len(), 1);
    // District short forms in prose are suggestions, not links to confirm.
    for m in find("성동", SEONGDONG)
        .into_iter()
        .chain(find("용산", YONGSAN))
    {
        assert_eq!(m.method, Method::AbbreviationRule);
        assert!(!m.auto_confirm());
    }
    // No false links: every linked surface is one of the names, aliases or rule forms above.
    let allowed = [
        "성동구",
        "용산구",
        "광진구",
        "성동",
        "용산",
        "성동구사회적경제지원센터",
        "성동사경센터",
        "성동사경세터",
        "용산사경센터",
        "아모레퍼시픽",
        "내 생의 가장 아름다운 하루",
        "바른참",
        "사계절공정여행",
        "성수동",
        "수제화 거리",
        "서울숲",
        "한남동",
        "와디즈",
        "소영씨스토어",
        "소영씨 스토어",
        "오엠인터렉트",
        "용산구사회적경제 공동판매장",
    ];
    for m in mentions.iter().filter(|m| m.entry_id.is_some()) {
        assert!(
            allowed.contains(&m.surface.as_ref()),
            "unexpected link {m:?}"
        );
    }
    // Candidates never sit on linked text, and generic phrases are not offered.
    assert!(
        !mentions
            .iter()
            .any(|m| m.method == Method::Candidate && m.surface.contains("사회적경제지원센터"))
    );
}
