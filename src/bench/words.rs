//! The raw material of generated data: a seeded PRNG and Korean word lists.
//!
//! Everything here is pure and deterministic: the same seed yields the same names, numbers and
//! sentences on every machine, so figures from different runs describe the same data.

/// splitmix64: tiny, fast and good enough to shuffle names (not for secrets).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as usize) as i64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One item of a non-empty slice (the first for an empty one is impossible: callers pass
    /// constant lists).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Syllables that names are commonly built from.
pub const SYLLABLES: &[&str] = &[
    "가", "온", "다", "나", "루", "리", "미", "소", "영", "씨", "해", "별", "달", "숲", "들", "솔",
    "한", "빛", "새", "봄", "늘", "찬", "하", "은", "진", "아", "름", "슬", "결", "품", "터", "길",
    "샘", "목", "담", "윤", "채", "지", "도", "모", "두", "여", "울", "바", "람", "산", "강", "누",
];

/// Words that names are commonly built from.
pub const WORDS: &[&str] = &[
    "푸른",
    "햇살",
    "나눔",
    "동행",
    "마을",
    "이음",
    "다온",
    "희망",
    "소나무",
    "둥근숲",
    "바른참",
    "함께",
    "두레",
    "품앗이",
    "새싹",
    "들꽃",
    "온누리",
    "행복",
    "사람",
    "공감",
    "꿈틀",
    "열매",
    "손길",
    "우리",
    "모두",
    "너머",
    "다솜",
    "한울",
    "누리",
    "어울림",
    "씨앗",
    "풀잎",
    "별빛",
    "오름",
    "징검다리",
    "마중물",
    "소풍",
    "온기",
    "살림",
    "이웃",
    "보듬",
    "채움",
    "디딤",
];

/// What an enterprise does, as the tail of its name.
pub const BUSINESS_WORDS: &[&str] = &[
    "스토어",
    "공방",
    "푸드",
    "컴퍼니",
    "랩",
    "디자인",
    "케어",
    "에듀",
    "베이커리",
    "농장",
    "커피",
    "출판",
    "미디어",
    "리빙",
    "청소",
    "세탁",
    "도시락",
    "공예",
    "여행",
    "건축",
];

/// Company-form markers placed before or after a name.
pub const MARKERS_BEFORE: &[&str] = &["㈜", "(주)", "주식회사 ", "(사)", "농업회사법인 "];
/// Markers written after the name.
pub const MARKERS_AFTER: &[&str] = &["(주)", " 주식회사", "(유)"];
/// Legal forms that are part of the name.
pub const COOP_FORMS: &[&str] = &["협동조합", "사회적협동조합"];

/// Surnames and given-name syllables for people.
pub const SURNAMES: &[&str] = &[
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한",
];
/// Given-name syllables.
pub const GIVEN: &[&str] = &[
    "민", "서", "지", "현", "수", "영", "준", "은", "하", "윤", "선", "경", "희", "재", "혜",
];

/// Road names (the road part of a road address).
pub const ROADS: &[&str] = &[
    "왕십리로",
    "성수일로",
    "아차산로",
    "동일로",
    "도봉로",
    "마포대로",
    "양화로",
    "을지로",
    "세종대로",
    "테헤란로",
    "한강대로",
    "천호대로",
    "시흥대로",
    "노원로",
    "망우로",
    "은평로",
];

/// Fields of service (서비스 분야) of enterprises.
pub const SERVICE_FIELDS: &[&str] = &[
    "환경",
    "문화예술",
    "교육",
    "돌봄",
    "보건",
    "식품",
    "제조",
    "관광",
    "청소",
    "주거",
    "IT",
    "유통",
];

/// Sentences of report bodies; `{}` is replaced by an entry name with a particle.
pub const REPORT_SENTENCES: &[&str] = &[
    "이번 탐방에서는 {} 먼저 찾아가 운영 현황을 들었다.",
    "담당자는 {} 지역 주민과 함께 성장해 온 과정을 설명했다.",
    "{} 판로 개척을 위해 온라인몰과 오프라인 매장을 함께 운영하고 있다.",
    "참가자들은 {} 사례를 통해 공동판매장 운영의 어려움을 이해할 수 있었다.",
    "오후 2시 30분에는 {} 이동하여 제품 생산 공정을 둘러보았다.",
    "{} 2023년 12월 11일 협약을 맺은 뒤 매출이 21개 품목으로 늘었다.",
    "질의응답 시간에 {} 관한 질문이 가장 많았다.",
    "사회적경제지원센터 측은 {} 지원한 경험을 공유했다.",
    "지난 12월 11일(월) 오전 10시에 모인 7명은 {} 향했다.",
    "{} 크라우드펀딩으로 초기 자금을 마련한 점이 인상적이었다.",
];

/// Filler sentences without a mention, to reach realistic lengths.
pub const FILLER: &[&str] = &[
    "현장에서는 사회적가치 측정과 지속가능한 운영 모델에 대한 논의가 이어졌다.",
    "참가자들은 지역 내 협력 구조와 중간지원조직의 역할을 다시 생각해 보았다.",
    "25개 자치구 중 21개에 비슷한 매장이 있다는 점도 확인하였다.",
    "판로 지원과 공공구매 연계가 앞으로의 과제로 꼽혔다.",
    "돌봄과 일자리를 함께 해결하려는 시도가 곳곳에서 보였다.",
    "제품 포장재를 재사용하는 방식은 다른 기업에도 적용할 만하다.",
    "탐방 후에는 간단한 평가회를 열어 배운 점을 정리하였다.",
];

/// Particles after a name ending in a consonant (받침) and after a vowel, in pairs.
const PARTICLES: &[(&str, &str)] = &[
    ("은", "는"),
    ("을", "를"),
    ("이", "가"),
    ("과", "와"),
    ("으로", "로"),
    ("에서는", "에서는"),
    ("의", "의"),
    ("에", "에"),
    ("이라는", "라는"),
    ("과의", "와의"),
];

/// True when the last character is a Hangul syllable with a final consonant.
fn has_batchim(word: &str) -> bool {
    word.chars()
        .last()
        .map(|c| c as u32)
        .filter(|c| (0xAC00..=0xD7A3).contains(c))
        .is_some_and(|c| (c - 0xAC00) % 28 != 0)
}

/// `name` with a random particle glued on, chosen by vowel harmony ("소영씨스토어를").
pub fn with_particle(rng: &mut Rng, name: &str) -> String {
    let (after_consonant, after_vowel) = *rng.pick(PARTICLES);
    let p = if has_batchim(name) {
        after_consonant
    } else {
        after_vowel
    };
    format!("{name}{p}")
}

const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const MEDIALS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// A rough Revised Romanization of Hangul (other characters are kept), capitalised per word:
/// "둥근숲 공방" → "Dunggeunsup Gongbang".
pub fn romanize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut word_start = true;
    for c in text.chars() {
        let code = c as u32;
        let piece = if (0xAC00..=0xD7A3).contains(&code) {
            let s = code - 0xAC00;
            format!(
                "{}{}{}",
                INITIALS[(s / 588) as usize],
                MEDIALS[((s % 588) / 28) as usize],
                FINALS[(s % 28) as usize]
            )
        } else {
            c.to_string()
        };
        if word_start {
            let mut chars = piece.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(&piece);
        }
        word_start = c.is_whitespace();
    }
    out
}

/// A person's name: surname and two given-name syllables.
pub fn person(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(SURNAMES),
        rng.pick(GIVEN),
        rng.pick(GIVEN)
    )
}

/// A name stem: a word, two words, or two to four syllables.
pub fn stem(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => (*rng.pick(WORDS)).to_string(),
        1 => format!("{}{}", rng.pick(WORDS), rng.pick(WORDS)),
        _ => (0..rng.range(2, 4)).map(|_| *rng.pick(SYLLABLES)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert!((0..100).all(|_| a.next_u64() == b.next_u64()));
    }

    #[test]
    fn particles_follow_vowel_harmony() {
        assert!(has_batchim("숲"));
        assert!(!has_batchim("스토어"));
        assert!(!has_batchim("Lab"));
    }

    #[test]
    fn romanizes_hangul() {
        assert_eq!(romanize("둥근숲 공방"), "Dunggeunsup Gongbang");
    }
}
