//! Rule-by-rule tests of `Dictionary::find` on sentences written for them.

use super::mention::MAX_ALTERNATIVES;
use super::{DictEntry, Dictionary, FindOptions, Mention, Method, Stage};

fn entry(id: i64, kind: &str, name: &str, aliases: &[&str]) -> DictEntry {
    DictEntry {
        entry_id: id,
        kind: kind.to_string(),
        name: name.to_string(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

const SEONGDONG: i64 = 1;
const YONGSAN: i64 = 2;
const SD_CENTER: i64 = 10;
const YS_CENTER: i64 = 11;
const BAREUNCHAM: i64 = 20;
const SAGYEJEOL: i64 = 21;
const WADIZ: i64 = 30;
const SOYOUNG: i64 = 31;
const OM: i64 = 32;
const SEONGSU: i64 = 40;

fn dictionary() -> Dictionary {
    let entries = [
        entry(SEONGDONG, "district", "성동구", &[]),
        entry(YONGSAN, "district", "용산구", &[]),
        entry(
            SD_CENTER,
            "center",
            "성동구사회적경제지원센터",
            &["성동사경센터"],
        ),
        entry(YS_CENTER, "center", "용산구사회적경제지원센터", &[]),
        entry(BAREUNCHAM, "enterprise", "바른참", &[]),
        entry(SAGYEJEOL, "enterprise", "사계절공정여행", &[]),
        entry(WADIZ, "partner", "와디즈 주식회사", &["와디즈"]),
        entry(SOYOUNG, "outlet", "소영씨스토어", &["소영씨 스토어"]),
        entry(OM, "enterprise", "㈜오엠인터렉트", &[]),
        entry(SEONGSU, "place", "성수", &[]),
    ];
    match Dictionary::build(&entries) {
        Ok(d) => d,
        Err(e) => panic!("test dictionary: {e}"),
    }
}

/// Finds mentions and checks the invariants every result must keep.
fn find(text: &str) -> Vec<Mention> {
    let mentions = dictionary().find(text);
    assert_offsets(text, &mentions);
    mentions
}

fn assert_offsets(text: &str, mentions: &[Mention]) {
    let len = text.chars().count();
    for m in mentions {
        assert!(m.start < m.end && m.end <= len, "{m:?} outside the text");
        let surface: String = text.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(surface, *m.surface, "offsets of {m:?}");
    }
}

fn links(text: &str) -> Vec<(String, i64)> {
    find(text)
        .into_iter()
        .filter_map(|m| m.entry_id.map(|id| (m.surface.to_string(), id)))
        .collect()
}

fn link(surface: &str, id: i64) -> (String, i64) {
    (surface.to_string(), id)
}

#[test]
fn particles_glued_to_names() {
    assert_eq!(links("와디즈는 유명하죠"), [link("와디즈", WADIZ)]);
    assert_eq!(
        links("소영씨스토어를 방문했습니다"),
        [link("소영씨스토어", SOYOUNG)]
    );
    assert_eq!(
        links("성동사경센터에서 모였다"),
        [link("성동사경센터", SD_CENTER)]
    );
    assert_eq!(
        links("용산사경센터 직원들과 함께"),
        [link("용산사경센터", YS_CENTER)]
    );
}

#[test]
fn stacked_particles_and_vowel_harmony() {
    assert_eq!(links("성동구에서부터는"), [link("성동구", SEONGDONG)]);
    assert_eq!(links("바른참과의 협력"), [link("바른참", BAREUNCHAM)]);
    assert_eq!(links("와디즈와의 협력"), [link("와디즈", WADIZ)]);
    assert_eq!(links("성동구만의 판로"), [link("성동구", SEONGDONG)]);
}

#[test]
fn spacing_variants_and_markers() {
    assert_eq!(
        links("소영씨 스토어 전경"),
        [link("소영씨 스토어", SOYOUNG)]
    );
    assert_eq!(links("㈜오엠인터렉트의 노력"), [link("오엠인터렉트", OM)]);
    assert_eq!(links("（주）오엠인터렉트와"), [link("오엠인터렉트", OM)]);
    assert_eq!(links("오엠인터렉트(주)는"), [link("오엠인터렉트", OM)]);
    assert_eq!(links("와디즈 주식회사는"), [link("와디즈", WADIZ)]);
}

#[test]
fn quoted_names() {
    assert_eq!(
        links("‘사계절공정여행’에서 소개"),
        [link("사계절공정여행", SAGYEJEOL)]
    );
    assert_eq!(links("「와디즈」라는 곳"), [link("와디즈", WADIZ)]);
}

#[test]
fn containment_yields_the_longest_name_only() {
    let found = find("오늘은 성동구사회적경제지원센터 및 입주기업과");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].entry_id, Some(SD_CENTER));
    assert_eq!(found[0].method, Method::ExactName);
    assert!(found[0].auto_confirm());
}

#[test]
fn start_of_a_longer_word_is_no_mention() {
    assert!(find("바른참여연대 회원").is_empty());
    assert!(links("우리와디즈").is_empty());
    assert!(links("성수기에는 붐빈다").is_empty());
}

#[test]
fn script_change_is_a_boundary() {
    assert_eq!(links("2022와디즈를 통해"), [link("와디즈", WADIZ)]);
}

#[test]
fn derived_abbreviations_and_district_short_forms() {
    let found = find("성동구사경센터와 성동의 사경기업");
    let summary: Vec<(&str, Option<i64>, Method)> = found
        .iter()
        .map(|m| (m.surface.as_ref(), m.entry_id, m.method))
        .collect();
    assert_eq!(
        summary,
        [
            ("성동구사경센터", Some(SD_CENTER), Method::AbbreviationRule),
            ("성동", Some(SEONGDONG), Method::AbbreviationRule),
        ]
    );
    assert!(found[1].confidence <= 0.5);
    assert!(found.iter().all(|m| !m.auto_confirm()));
}

#[test]
fn fuzzy_finds_misspelt_long_names() {
    let found = find("성동사경세터에서 모였습니다");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(&*found[0].surface, "성동사경세터");
    assert_eq!(found[0].entry_id, Some(SD_CENTER));
    assert_eq!(found[0].method, Method::Fuzzy);
    assert!(found[0].confidence < 0.9 && !found[0].auto_confirm());
    // Across a space, too.
    let found = find("소영시 스토어를 방문");
    assert_eq!(
        found.first().map(|m| m.surface.as_ref()),
        Some("소영시 스토어")
    );
    assert_eq!(found.first().and_then(|m| m.entry_id), Some(SOYOUNG));
}

#[test]
fn fuzzy_leaves_short_names_and_exact_text_alone() {
    assert!(links("와디주에서").is_empty());
    let found = find("성동사경센터의 설명");
    assert!(found.iter().all(|m| m.method != Method::Fuzzy));
    let none = dictionary().find_with(
        "성동사경세터",
        FindOptions {
            fuzzy: false,
            candidates: true,
        },
    );
    assert!(none.iter().all(|m| m.entry_id.is_none()));
}

#[test]
fn short_names_and_homonyms_need_review() {
    let found = find("성수에 갔다");
    assert_eq!(found.len(), 1);
    assert!(found[0].confidence <= 0.4 && !found[0].auto_confirm());
}

#[test]
fn exact_long_names_auto_confirm() {
    let found = find("와디즈는 소영씨스토어를");
    assert!(found.iter().all(Mention::auto_confirm), "{found:?}");
}

#[test]
fn candidates_for_unknown_names_only() {
    let found = find("‘둥근숲’과 ‘와디즈’, 그리고 ㈜해오름에서 행복나눔협동조합을 만났다");
    let candidates: Vec<(&str, Option<&str>)> = found
        .iter()
        .filter(|m| m.method == Method::Candidate)
        .map(|m| (m.surface.as_ref(), m.candidate_kind.map(|k| k.as_str())))
        .collect();
    assert_eq!(
        candidates,
        [
            ("둥근숲", Some("enterprise")),
            ("해오름", Some("enterprise")),
            ("행복나눔협동조합", Some("enterprise")),
        ]
    );
    assert!(found.iter().any(|m| m.entry_id == Some(WADIZ)));
    assert!(
        found
            .iter()
            .filter(|m| m.entry_id.is_none())
            .all(|m| !m.auto_confirm())
    );
}

#[test]
fn offsets_are_characters_of_the_nfc_text() {
    let text = "지난 12월 ‘사계절공정여행’에서, 와디즈와 소영씨 스토어를 돌아보았다.";
    let found = find(text);
    assert_eq!(found.len(), 3);
    assert_eq!((found[0].start, found[0].end), (8, 15));
    // Decomposed input (한 as conjoining jamo) is reported against its NFC form.
    let decomposed = "\u{1112}\u{1161}\u{11AB}남동 와디즈";
    let found = dictionary().find(decomposed);
    assert_eq!(
        (found[0].start, found[0].end, found[0].surface.as_ref()),
        (4, 7, "와디즈")
    );
}

#[test]
fn mentions_serialise_for_the_api() {
    let found = find("와디즈는");
    let json = serde_json::to_value(&found).unwrap_or_default();
    assert_eq!(json[0]["method"], "exact_name");
    assert_eq!(json[0]["start"], 0);
}

#[test]
fn empty_and_plain_text() {
    assert!(find("").is_empty());
    assert!(find("오늘은 비가 왔다.").is_empty());
}

#[test]
fn a_name_many_entries_share_offers_its_first_entries_each_once_per_occurrence() {
    // Thirty-one enterprises called 함께스토어; the first also lists the name as an alias.
    let mut entries = vec![entry(100, "enterprise", "함께 스토어", &["함께스토어"])];
    entries.extend((101..=130).map(|id| entry(id, "enterprise", "함께스토어", &[])));
    let d = match Dictionary::build(&entries) {
        Ok(d) => d,
        Err(e) => panic!("test dictionary: {e}"),
    };
    let text = "함께스토어는 이웃과 함께 함께스토어를 운영한다.";
    let exact = FindOptions {
        fuzzy: false,
        candidates: false,
    };
    for found in [d.find_with(text, exact), d.find(text)] {
        assert_offsets(text, &found);
        assert_eq!(found.len(), 2 * MAX_ALTERNATIVES, "{found:?}");
        for (occurrence, start) in found.chunks(MAX_ALTERNATIVES).zip([0, 14]) {
            assert!(
                occurrence
                    .iter()
                    .all(|m| m.start == start && m.end == start + 5)
            );
            let ids: Vec<Option<i64>> = occurrence.iter().map(|m| m.entry_id).collect();
            let expected: Vec<Option<i64>> =
                (100..100 + MAX_ALTERNATIVES as i64).map(Some).collect();
            assert_eq!(ids, expected, "each entry once, by id when equally sure");
        }
    }
}

/// The cap keeps the surest entries of a span, whatever their ids.
#[test]
fn the_cap_on_alternatives_keeps_the_surest_entries() {
    // Twelve entries share 둥근숲공방 as an alias (0.92, capped as ambiguous); the one whose
    // name it is comes first although its id is the largest.
    let mut entries: Vec<DictEntry> = (1..=12)
        .map(|id| entry(id, "enterprise", &format!("공방{id}호"), &["둥근숲공방"]))
        .collect();
    entries.push(entry(99, "enterprise", "둥근숲공방", &[]));
    let d = Dictionary::build(&entries).expect("dictionary");
    let found = d.find("어제 둥근숲공방에 들렀다");
    let ids: Vec<Option<i64>> = found.iter().map(|m| m.entry_id).collect();
    assert_eq!(ids.len(), MAX_ALTERNATIVES, "{found:?}");
    assert_eq!(ids[0], Some(99));
    assert_eq!(
        &ids[1..],
        (1..MAX_ALTERNATIVES as i64).map(Some).collect::<Vec<_>>()
    );
}

/// A span's alternatives come most confident first, whatever their ids: here the enterprise
/// named 성동 (a short name, capped) before the district whose short form it is.
#[test]
fn a_shared_name_lists_the_surer_entry_first() {
    let d = Dictionary::build(&[
        entry(1, "district", "성동구", &[]),
        entry(9, "enterprise", "성동", &[]),
    ])
    .expect("dictionary");
    let found: Vec<(Option<i64>, Method)> = d
        .find_with(
            "성동에서 만났다",
            FindOptions {
                fuzzy: false,
                candidates: false,
            },
        )
        .into_iter()
        .map(|m| (m.entry_id, m.method))
        .collect();
    assert_eq!(
        found,
        [
            (Some(9), Method::ExactName),
            (Some(1), Method::AbbreviationRule)
        ]
    );
}

#[test]
fn the_probe_reports_each_stage_that_runs_once_in_order_and_changes_nothing() {
    let d = dictionary();
    let text = "성동사경세터에서 ㈜오엠인터렉트의 와디즈는 ‘사계절공정여행’을 소개했다.";
    let mut seen = Vec::new();
    let found = d.find_probed(text, FindOptions::default(), &mut |s| seen.push(s));
    assert_eq!(seen, Stage::ALL);
    assert_eq!(found, d.find(text));
    let exact = FindOptions {
        fuzzy: false,
        candidates: false,
    };
    seen.clear();
    let found = d.find_probed(text, exact, &mut |s| seen.push(s));
    assert_eq!(seen, [Stage::Fold, Stage::Exact, Stage::Assemble]);
    assert_eq!(found, d.find_with(text, exact));
}
