//! Property tests (proptest, fixed case budget): the parsers that read what users and public
//! bodies hand us never panic, and the mention engine's offsets always point into the text.
//!
//! Budget: `PROPTEST_CASES` (default 256 cases per property here; `.ci/run` uses the default).
//! A failing case is shrunk and printed; proptest also records it under
//! `tests/proptest-regressions/props.txt` so it is replayed first next time.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tambang::blogpost::parse_post;
use tambang::domain::{BizRegNo, CertNo, DistrictCode, Email, LatLng, parse_date};
use tambang::import::{decode, map, parse, place, sniff};
use tambang::mentions::{DictEntry, Dictionary, normalize_with_map};
use tambang::search::terms::{SearchQuery, snippet};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        // Shrinking is for humans reading a failure; keep it bounded in CI.
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

/// Text that looks like what reports and lists contain: Hangul, particles, markers, quotes,
/// digits, punctuation, spacing oddities, full-width forms, combining jamo (NFD), and now and
/// then anything at all.
fn koreanish() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("성동구".to_string()),
        Just("사회적경제지원센터".to_string()),
        Just("성동사경센터".to_string()),
        Just("와디즈는".to_string()),
        Just("㈜오엠인터렉트".to_string()),
        Just("(주)".to_string()),
        Just("「내 생의 가장 아름다운 하루」".to_string()),
        Just("‘바른참’".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("·".to_string()),
        Just("ＡＢＣ１２".to_string()),
        Just("\u{1100}\u{1161}\u{11A8}".to_string()),
        Just("작성자 관리자1 | 작성일 2024.01.11 | 조회수 57".to_string()),
        Just("지난 12월 11일 월요일 오전 10시".to_string()),
        Just("(사진출처. 성동구)".to_string()),
        Just("7명".to_string()),
        "[가-힣]{1,6}",
        "[0-9]{1,4}",
        "[ -~]{0,8}",
        any::<String>(),
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

fn dictionary() -> Dictionary {
    let entry = |id: i64, kind: &str, name: &str, aliases: &[&str]| DictEntry {
        entry_id: id,
        kind: kind.into(),
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    };
    Dictionary::build(&[
        entry(1, "district", "성동구", &[]),
        entry(2, "center", "성동구사회적경제지원센터", &["성동사경센터"]),
        entry(3, "outlet", "와디즈", &[]),
        entry(4, "enterprise", "㈜오엠인터렉트", &[]),
        entry(5, "program", "내 생의 가장 아름다운 하루", &[]),
        entry(6, "enterprise", "바른참", &[]),
    ])
    .expect("dictionary")
}

proptest! {
    #![proptest_config(config())]

    /// Mentions lie inside the text, in order of position, and their surface is the text
    /// they cover.
    #[test]
    fn mention_offsets_stay_inside_the_text(text in koreanish()) {
        let dict = dictionary();
        let nfc = tambang::domain::text::nfc(&text);
        let chars: Vec<char> = nfc.chars().collect();
        for m in dict.find(&nfc) {
            prop_assert!(m.start < m.end, "empty mention {m:?}");
            prop_assert!(m.end <= chars.len(), "mention {m:?} past the end ({})", chars.len());
            let covered: String = chars[m.start..m.end].iter().collect();
            prop_assert_eq!(covered.as_str(), &*m.surface);
            prop_assert!((0.0..=1.0).contains(&m.confidence));
        }
    }

    /// The normalisation map has one source offset per folded character, never decreasing
    /// and always inside the NFC text.
    #[test]
    fn normalisation_map_round_trips(text in koreanish()) {
        let (folded, map) = normalize_with_map(&text);
        let n = tambang::domain::text::nfc(&text).chars().count();
        prop_assert_eq!(folded.chars().count(), map.len());
        prop_assert!(map.windows(2).all(|w| w[0] <= w[1]), "map goes backwards");
        prop_assert!(map.iter().all(|&i| i < n.max(1)), "map points past the text");
        // Folding only drops or replaces characters, one for one at most.
        prop_assert!(map.len() <= n, "folded text longer than the text");
        // Every folded Hangul syllable comes from that same syllable in the text.
        let nfc: Vec<char> = tambang::domain::text::nfc(&text).chars().collect();
        for (c, &i) in folded.chars().zip(&map) {
            if ('가'..='힣').contains(&c) {
                prop_assert_eq!(nfc[i], c);
            }
        }
    }

    /// The blog-post parser reads anything without panicking, and what it reports is
    /// consistent with the text.
    #[test]
    fn blog_post_parser_never_panics(text in koreanish()) {
        let post = parse_post(&text);
        if let Some(c) = &post.participant_count {
            prop_assert!(text.contains(c.value.to_string().as_str()) || !c.evidence.is_empty());
        }
    }

    /// Any bytes: decoding either fails with an error or yields text; sniffing and parsing
    /// every row of what decodes never panics.
    #[test]
    fn csv_pipeline_never_panics(bytes in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2_000),
        koreanish().prop_map(|t| format!("기관명,인증번호,사업자등록번호,소재지,인증일자\n{t}").into_bytes()),
        koreanish().prop_map(|t| {
            let text = format!("제목 행\n기관명,대표자,소재지\n{t},{t}\n");
            encoding_rs::EUC_KR.encode(&text).0.into_owned()
        }),
    ]) {
        let Ok(decoded) = decode::decode(&bytes) else { return Ok(()) };
        let Ok(sniffed) = sniff::sniff(&decoded.text) else { return Ok(()) };
        let mapping = map::Mapping::suggested(&sniffed.headers, &BTreeMap::new());
        let mut reader = sniff::reader(&decoded.text, sniffed.delimiter);
        for (i, rec) in reader.records().enumerate().take(200) {
            let Ok(rec) = rec else { continue };
            if i <= sniffed.header_record || sniff::classify(&rec).is_some() {
                continue;
            }
            let _ = parse::parse_row(i as u64 + 1, &rec, &mapping, sniffed.delimiter, tambang::domain::CertType::Certified);
        }
    }

    /// Domain parsers: errors, never panics; what parses re-parses to the same value.
    #[test]
    fn domain_parsers_never_panic(s in koreanish()) {
        if let Ok(c) = CertNo::parse(&s) {
            prop_assert_eq!(CertNo::parse(&c.to_string()).ok(), Some(c));
        }
        if let Ok(b) = BizRegNo::parse(&s) {
            prop_assert_eq!(BizRegNo::parse(&b.to_string()).ok(), Some(b));
        }
        if let Ok(d) = parse_date(&s) {
            prop_assert_eq!(parse_date(&d.to_string()).ok(), Some(d));
        }
        let _ = DistrictCode::parse(&s);
        let _ = Email::parse(&s);
        let _ = place::district_from_text(&s);
        let _ = place::strip_postcode(&s);
        let _ = tambang::domain::name_key(&s);
    }

    /// Dates in every form the lists use parse to the same day.
    #[test]
    fn date_forms_agree(y in 1990i32..2100, m in 1u32..=12, d in 1u32..=28) {
        let want = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for form in [
            format!("{y}-{m:02}-{d:02}"),
            format!("{y}.{m:02}.{d:02}"),
            format!("{y}{m:02}{d:02}"),
            format!("{y}년 {m}월 {d}일"),
        ] {
            prop_assert_eq!(parse_date(&form).ok(), Some(want), "{}", form);
        }
    }

    /// Coordinates: anything outside the globe (or not a number) is refused, never stored.
    #[test]
    fn coordinates_are_checked(lat in any::<f64>(), lng in any::<f64>()) {
        let ok = LatLng::new(lat, lng).is_ok();
        prop_assert_eq!(ok, (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng));
    }

    /// Search input: any query parses to a bounded set of terms, and snippets of any text
    /// are cut on character boundaries.
    #[test]
    fn search_queries_are_bounded(q in koreanish(), text in koreanish()) {
        let parsed = SearchQuery::parse(&q);
        prop_assert!(parsed.terms.len() <= tambang::search::terms::MAX_TERMS);
        prop_assert!(parsed.terms.iter().all(|t| t.chars().count() <= tambang::search::terms::MAX_TERM_CHARS));
        let _ = snippet(&text, &parsed.terms);
    }
}
