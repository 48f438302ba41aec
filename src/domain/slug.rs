//! URL slugs for entries: `/enterprises/소영씨-스토어`. Hangul stays Hangul because Korean
//! users read and share these URLs; everything else is reduced to lowercase ASCII, digits and
//! single hyphens.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Longest slug, in characters (a Hangul syllable counts as one).
const MAX_CHARS: usize = 80;

/// What `from_name` returns when a name has nothing usable (e.g. only punctuation).
const FALLBACK: &str = "entry";

/// Company-form markers written in Korean. They carry no identity (㈜오엠인터렉트 and
/// 오엠인터렉트 주식회사 are one company), so slugs leave them out. ㈜ and full-width （주）
/// reach this list as "(주)" after NFKC.
const KOREAN_MARKERS: &[&str] = &[
    "(주)",
    "(유)",
    "(합)",
    "(사)",
    "(재)",
    "(복)",
    "(비)",
    "주식회사",
    "유한책임회사",
    "유한회사",
    "합자회사",
    "사단법인",
    "재단법인",
    "사회복지법인",
    "농업회사법인",
    "영농조합법인",
];

/// English company-form words, dropped only as whole words so "Costa" keeps its "co".
const ENGLISH_MARKERS: &[&str] = &[
    "inc", "inc.", "co.", "co.,ltd.", "ltd", "ltd.", "corp", "corp.",
];

/// A valid slug: 1 to 80 characters of Hangul syllables, `a-z`, `0-9` and single inner `-`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a slug was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// Nothing was entered.
    #[error("URL 이름을 입력하세요 (예: 소영씨-스토어)")]
    Empty,
    /// More than 80 characters.
    #[error("URL 이름은 80자 이하여야 합니다")]
    TooLong,
    /// A character outside the allowed set.
    #[error(
        "URL 이름에는 한글, 영문 소문자, 숫자, '-'만 쓸 수 있습니다 ('{0}'은(는) 쓸 수 없습니다)"
    )]
    InvalidChar(char),
    /// A hyphen at the start or the end.
    #[error("URL 이름은 '-'로 시작하거나 끝날 수 없습니다")]
    EdgeDash,
    /// Two hyphens in a row.
    #[error("URL 이름에 '-'를 두 번 연달아 쓸 수 없습니다")]
    DoubleDash,
    /// A word the app's own URLs use (`/reports/new`, `/api/v1/entries/id/…`).
    #[error("'{0}'은(는) 예약된 이름이라 URL 이름으로 쓸 수 없습니다")]
    Reserved(String),
}

/// Slugs that would collide with fixed routes beside `{slug}` (`/reports/new`,
/// `/reports/import`, `/api/v1/entries/id/{id}`).
const RESERVED: &[&str] = &["id", "new", "import"];

impl Slug {
    /// Checks a slug typed by a user (surrounding whitespace is ignored). Unlike `from_name`
    /// it changes nothing else, so what the user sees is what the URL will be.
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        let s: String = s.trim().nfc().collect();
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if let Some(bad) = s.chars().find(|&c| !is_slug_char(c)) {
            return Err(SlugError::InvalidChar(bad));
        }
        if s.chars().count() > MAX_CHARS {
            return Err(SlugError::TooLong);
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err(SlugError::EdgeDash);
        }
        if s.contains("--") {
            return Err(SlugError::DoubleDash);
        }
        if RESERVED.contains(&s.as_str()) {
            return Err(SlugError::Reserved(s));
        }
        Ok(Self(s))
    }

    /// Derives a slug from an entry name. Never fails: company-form markers and punctuation
    /// are dropped, separators become `-`, and an empty result becomes `entry`. Callers
    /// still have to make it unique (e.g. by appending `-2`).
    pub fn from_name(name: &str) -> Self {
        // NFKC folds ㈜, full-width letters and brackets into plain forms before matching.
        // Most names (Hangul syllables, ASCII) are NFKC already: the quick check skips the
        // decompose-recompose pass for them (an import derives a slug and a key for every row).
        let mut folded: String = match is_nfkc_quick(name.chars()) {
            IsNormalized::Yes => name.to_ascii_lowercase(),
            _ => name.nfkc().map(|c| c.to_ascii_lowercase()).collect(),
        };
        for marker in KOREAN_MARKERS {
            // A space keeps the words on either side apart: "바른참(주)스토어" → "바른참 스토어".
            if folded.contains(marker) {
                folded = folded.replace(marker, " ");
            }
        }
        let trimmed = folded.trim_start();
        let folded = trimmed.strip_prefix("주)").unwrap_or(trimmed);
        let words: Vec<&str> = folded
            .split_whitespace()
            .filter(|w| !ENGLISH_MARKERS.contains(&w.trim_end_matches(',')))
            .collect();

        let mut slug = String::with_capacity(folded.len());
        for c in words.join(" ").chars() {
            if is_slug_char(c) && c != '-' {
                slug.push(c);
            } else if is_separator(c) && !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(MAX_CHARS).collect();
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            Self(FALLBACK.to_owned())
        } else if RESERVED.contains(&slug) {
            Self(format!("{slug}-1"))
        } else {
            Self(slug.to_owned())
        }
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_slug_char(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | 'a'..='z' | '0'..='9' | '-')
}

/// Characters that separate words in a name. Brackets count too, so that
/// "카페(성수점)" becomes "카페-성수점" rather than "카페성수점"; quotes do not, so that
/// "Tom's" stays one word.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '_'
                | '/'
                | '\\'
                | '-'
                | ','
                | '·'
                | '・'
                | '‧'
                | '|'
                | '+'
                | '&'
                | ':'
                | ';'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | '「'
                | '」'
                | '『'
                | '』'
                | '〈'
                | '〉'
                | '《'
                | '》'
                | '【'
                | '】'
                | '\u{2010}'..='\u{2015}' | '\u{2212}'
        )
}

impl FromStr for Slug {
    type Err = SlugError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> Self {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(name: &str) -> String {
        Slug::from_name(name).as_str().to_owned()
    }

    #[test]
    fn from_name_examples() {
        assert_eq!(slug("㈜오엠인터렉트"), "오엠인터렉트");
        assert_eq!(slug("소영씨 스토어"), "소영씨-스토어");
        assert_eq!(
            slug("「내 생의 가장 아름다운 하루」"),
            "내-생의-가장-아름다운-하루"
        );
        assert_eq!(slug("Wadiz Store"), "wadiz-store");
    }

    #[test]
    fn from_name_drops_company_markers_anywhere() {
        for name in [
            "(주)오엠인터렉트",
            "（주）오엠인터렉트",
            "오엠인터렉트(주)",
            "주식회사 오엠인터렉트",
            "오엠인터렉트 주식회사",
            "주) 오엠인터렉트",
        ] {
            assert_eq!(slug(name), "오엠인터렉트", "{name}");
        }
        assert_eq!(
            slug("(사)한국사회적기업중앙협의회"),
            "한국사회적기업중앙협의회"
        );
        assert_eq!(slug("재단법인 아름다운가게"), "아름다운가게");
        assert_eq!(slug("Wadiz Co., Ltd."), "wadiz");
        assert_eq!(slug("Acme Inc."), "acme");
        assert_eq!(slug("Costa Coffee"), "costa-coffee");
    }

    #[test]
    fn from_name_keeps_cooperative_words() {
        assert_eq!(slug("둥근숲 사회적협동조합"), "둥근숲-사회적협동조합");
    }

    #[test]
    fn from_name_maps_separators_and_drops_punctuation() {
        assert_eq!(slug("성수동 수제화_거리"), "성수동-수제화-거리");
        assert_eq!(slug("a.b/c"), "a-b-c");
        assert_eq!(slug("  --바른참--  "), "바른참");
        assert_eq!(slug("Tom's \"Shop\"!"), "toms-shop");
        assert_eq!(slug("카페(성수점)"), "카페-성수점");
        assert_eq!(slug("사회적경제·공정여행"), "사회적경제-공정여행");
        assert_eq!(slug("ＡＢＣ　마켓"), "abc-마켓");
    }

    #[test]
    fn from_name_falls_back_when_nothing_is_left() {
        assert_eq!(slug(""), "entry");
        assert_eq!(slug("㈜"), "entry");
        assert_eq!(slug("「」!!"), "entry");
        assert_eq!(slug("株式"), "entry");
    }

    #[test]
    fn from_name_truncates_to_80_chars_without_a_trailing_dash() {
        let long = "가".repeat(79) + " 나다라";
        let s = slug(&long);
        assert_eq!(s.chars().count(), 79);
        assert!(!s.ends_with('-'));
        assert_eq!(slug(&"가".repeat(200)).chars().count(), 80);
    }

    #[test]
    fn from_name_always_parses() {
        for name in [
            "㈜오엠인터렉트",
            "  ",
            "x--y",
            "É cole",
            "\u{1112}\u{1161}\u{11AB}글",
            "ㄱㄴ",
        ] {
            let s = Slug::from_name(name);
            assert_eq!(Slug::parse(s.as_str()).as_ref(), Ok(&s), "{name}");
        }
        assert_eq!(slug("\u{1112}\u{1161}\u{11AB}글"), "한글");
    }

    #[test]
    fn parse_accepts_valid_slugs() {
        for ok in [
            "a",
            "소영씨-스토어",
            "wadiz-store",
            "2022-펀딩",
            &"가".repeat(80),
        ] {
            assert_eq!(Slug::parse(ok).map(|s| s.to_string()).as_deref(), Ok(ok));
        }
        assert_eq!(
            Slug::parse(" 바른참 ").map(String::from).as_deref(),
            Ok("바른참")
        );
        assert_eq!(
            Slug::parse("\u{1112}\u{1161}\u{11AB}")
                .map(String::from)
                .as_deref(),
            Ok("한")
        );
    }

    #[test]
    fn parse_rejects_bad_slugs() {
        assert_eq!(Slug::parse(""), Err(SlugError::Empty));
        assert_eq!(Slug::parse("   "), Err(SlugError::Empty));
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(SlugError::TooLong));
        assert_eq!(Slug::parse("Wadiz"), Err(SlugError::InvalidChar('W')));
        assert_eq!(
            Slug::parse("소영씨 스토어"),
            Err(SlugError::InvalidChar(' '))
        );
        assert_eq!(Slug::parse("ㄱ"), Err(SlugError::InvalidChar('ㄱ')));
        assert_eq!(Slug::parse("a_b"), Err(SlugError::InvalidChar('_')));
        assert_eq!(Slug::parse("-a"), Err(SlugError::EdgeDash));
        assert_eq!(Slug::parse("a-"), Err(SlugError::EdgeDash));
        assert_eq!(Slug::parse("-"), Err(SlugError::EdgeDash));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::DoubleDash));
    }

    #[test]
    fn serde_and_from_str_round_trip() {
        let s: Slug = "소영씨-스토어".parse().expect("valid");
        let json = serde_json::to_string(&s).expect("serialize");
        assert_eq!(json, "\"소영씨-스토어\"");
        assert_eq!(serde_json::from_str::<Slug>(&json).ok(), Some(s));
        assert!(serde_json::from_str::<Slug>("\"Bad Slug\"").is_err());
    }

    #[test]
    fn messages_are_korean() {
        assert!(SlugError::InvalidChar('_').to_string().contains("'_'"));
        assert!(SlugError::TooLong.to_string().contains("80자"));
    }
}

/// The comparison key of a name for duplicate checks: company-form markers (㈜, (주),
/// 주식회사, (사), (재) …), spaces, middle dots and punctuation folded away, Latin letters
/// lowercased. "㈜오엠인터렉트", "오엠인터렉트 (주)" and "오엠 인터렉트" share one key.
/// Empty when nothing comparable is left.
pub fn name_key(name: &str) -> String {
    let slug = Slug::from_name(name);
    if slug.as_str() == FALLBACK && !name.to_lowercase().contains(FALLBACK) {
        return String::new();
    }
    slug.as_str().replace('-', "")
}

#[cfg(test)]
mod reserved_tests {
    use super::*;

    #[test]
    fn route_words_are_not_slugs() {
        assert_eq!(Slug::parse("id"), Err(SlugError::Reserved("id".into())));
        assert!(Slug::parse("new").is_err() && Slug::parse("import").is_err());
        assert_eq!(Slug::from_name("New").as_str(), "new-1");
        assert_eq!(Slug::from_name("ID").as_str(), "id-1");
        assert!(Slug::parse("news").is_ok());
    }
}

#[cfg(test)]
mod name_key_tests {
    use super::name_key;

    #[test]
    fn company_markers_and_spacing_fold_away() {
        let key = name_key("㈜오엠인터렉트");
        assert_eq!(key, "오엠인터렉트");
        for variant in [
            "(주)오엠인터렉트",
            "오엠인터렉트 (주)",
            "주식회사 오엠 인터렉트",
            "오엠·인터렉트",
        ] {
            assert_eq!(name_key(variant), key, "{variant}");
        }
        assert_eq!(name_key("소영씨 스토어"), name_key("소영씨스토어"));
        assert_ne!(
            name_key("둥근숲 사회적협동조합"),
            name_key("둥근숲"),
            "협동조합 is part of the name"
        );
        assert_eq!(name_key("「」"), "");
    }
}
