//! Photo captions and their credits.
//!
//! When a post is copied as text, each photo leaves its caption behind on a line of its own:
//! "와디즈 매장 전경 (사진출처. 서울경제)". Credits come as (사진출처. X), (사진출처: X),
//! (사진 출처 X), (출처: X), [사진제공=X], 사진=X or © X. A caption without a credit
//! ("와디즈 홈페이지") is recognised only next to a credited caption, and only when it reads
//! like a label rather than part of a sentence.

use serde::Serialize;

/// A photo caption found in the post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoCaption {
    /// 0-based index of the caption's line in the pasted text.
    pub line_index: usize,
    /// The caption without its credit; empty when the line held only a credit.
    pub caption: String,
    /// The photo credit (사진출처), when one was written.
    pub credit: Option<String>,
}

/// Labels that introduce a credit, longest first so 사진출처 wins over 사진.
const CREDIT_LABELS: [&str; 8] = [
    "사진출처",
    "사진 출처",
    "사진제공",
    "사진 제공",
    "이미지 출처",
    "이미지출처",
    "출처",
    "사진",
];

/// A credit longer than this is a sentence that happens to mention 사진, not a credit.
const MAX_CREDIT_CHARS: usize = 40;

/// A caption without a credit is at most this long.
const MAX_BARE_CAPTION_CHARS: usize = 30;

/// Finds captions among the lines whose `eligible` flag is set (the body). Returns the
/// captions in line order and, separately, every line they occupy, so the body can drop them.
pub fn find_captions(lines: &[&str], eligible: &[bool]) -> (Vec<PhotoCaption>, Vec<usize>) {
    let usable = |i: usize| eligible.get(i).copied().unwrap_or(false) && !lines[i].is_empty();
    let order: Vec<usize> = (0..lines.len()).filter(|&i| usable(i)).collect();
    let mut captions: Vec<Option<PhotoCaption>> = vec![None; lines.len()];
    let mut occupied = vec![false; lines.len()];

    for (pos, &i) in order.iter().enumerate() {
        let Some((caption, credit)) = split_credit(lines[i]) else {
            continue;
        };
        let mut caption = caption;
        // A credit alone on its line belongs to the label on the line before it.
        if caption.is_empty() && pos > 0 {
            let prev = order[pos - 1];
            if !occupied[prev] && looks_like_bare_caption(lines[prev]) {
                caption = lines[prev].to_string();
                occupied[prev] = true;
            }
        }
        occupied[i] = true;
        captions[i] = Some(PhotoCaption {
            line_index: i,
            caption,
            credit: Some(credit),
        });
    }

    // Bare captions sit beside credited ones; sweep both ways so chains of them are found.
    let mut adopt = |from: usize, to: usize, captions: &mut Vec<Option<PhotoCaption>>| {
        if captions[from].is_some() && !occupied[to] && looks_like_bare_caption(lines[to]) {
            occupied[to] = true;
            captions[to] = Some(PhotoCaption {
                line_index: to,
                caption: lines[to].to_string(),
                credit: None,
            });
        }
    };
    for pair in order.windows(2) {
        adopt(pair[0], pair[1], &mut captions);
    }
    for pair in order.windows(2).rev() {
        adopt(pair[1], pair[0], &mut captions);
    }

    let occupied_lines = (0..lines.len()).filter(|&i| occupied[i]).collect();
    (captions.into_iter().flatten().collect(), occupied_lines)
}

/// Splits a caption line into caption and credit, or returns None when it has no credit.
pub fn split_credit(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    bracketed_credit(line)
        .or_else(|| labelled_credit(line))
        .or_else(|| copyright_credit(line))
        .filter(|(_, credit)| !credit.is_empty() && credit.chars().count() <= MAX_CREDIT_CHARS)
}

/// `… (사진출처. X)`, `… [사진제공=X]`, `…（출처: X）` at the end of the line.
fn bracketed_credit(line: &str) -> Option<(String, String)> {
    let closer = line.chars().last()?;
    let opener = match closer {
        ')' => '(',
        ']' => '[',
        '）' => '（',
        '】' => '【',
        _ => return None,
    };
    let open = line.rfind(opener)?;
    let inner = &line[open + opener.len_utf8()..line.len() - closer.len_utf8()];
    let credit = after_label(inner.trim(), true)?;
    Some((clean_caption(&line[..open]), credit))
}

/// `… 사진=X`, `… / 사진제공: X` without brackets, at the end of the line.
fn labelled_credit(line: &str) -> Option<(String, String)> {
    for label in CREDIT_LABELS {
        let Some(at) = line.rfind(label) else {
            continue;
        };
        if let Some(credit) = after_label(&line[at..], false) {
            return Some((clean_caption(&line[..at]), credit));
        }
    }
    None
}

/// `… © X` or `… ⓒ X`.
fn copyright_credit(line: &str) -> Option<(String, String)> {
    let at = line.rfind(['©', 'ⓒ'])?;
    let credit = line[at..]
        .chars()
        .skip(1)
        .collect::<String>()
        .trim()
        .to_string();
    Some((clean_caption(&line[..at]), credit))
}

/// When `text` starts with a credit label, returns the credit after it. Inside brackets a
/// space may separate label and credit ("사진 출처 X"); outside them a sign is needed
/// ("사진=X", "출처: X") so that prose mentioning 사진 is left alone. A bare 사진 always
/// needs '=' or ':' — "(사진 왼쪽)" is not a credit.
fn after_label(text: &str, in_brackets: bool) -> Option<String> {
    let label = CREDIT_LABELS.iter().find(|l| text.starts_with(*l))?;
    let rest = &text[label.len()..];
    let trimmed = rest.trim_start();
    let sign = trimmed.chars().next()?;
    let has_sign = matches!(sign, '.' | ':' | '：' | '=' | '-' | '·' | ',');
    let spaced = rest.starts_with(' ');
    let accepted = match *label {
        "사진" => matches!(sign, '=' | ':' | '：'),
        _ => has_sign || (in_brackets && spaced),
    };
    if !accepted {
        return None;
    }
    let credit = if has_sign {
        &trimmed[sign.len_utf8()..]
    } else {
        trimmed
    };
    Some(credit.trim().to_string())
}

/// The caption part before a credit, without the separators people put before credits.
fn clean_caption(text: &str) -> String {
    text.trim()
        .trim_end_matches(['/', '|', '-', '·', ','])
        .trim()
        .to_string()
}

/// Whether a line reads like a photo label ("와디즈 홈페이지") rather than a sentence or a
/// sentence fragment: short, no closing punctuation, and not ending in a verb ending or a
/// particle that continues onto the next line.
fn looks_like_bare_caption(line: &str) -> bool {
    const CONTINUING_ENDINGS: [char; 25] = [
        '다', '요', '죠', '고', '며', '서', '면', '데', '라', '니', '게', '는', '은', '을', '를',
        '이', '가', '와', '과', '에', '도', '로', '만', '함', '음',
    ];
    // Particles glued to a word inside the line mean a clause, not a label: "센터의 …로부터".
    const INNER_PARTICLES: [&str; 10] = [
        "의", "를", "은", "는", "에", "에서", "으로", "부터", "에게", "와",
    ];
    let count = line.chars().count();
    let Some(last) = line.chars().last() else {
        return false;
    };
    let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    let inner_particle = words
        .iter()
        .rev()
        .skip(1)
        .any(|w| w.chars().count() > 1 && INNER_PARTICLES.iter().any(|p| w.ends_with(p)));
    (2..=MAX_BARE_CAPTION_CHARS).contains(&count)
        && words.len() <= 6
        && !inner_particle
        && !matches!(
            last,
            '.' | '!' | '?' | ',' | ';' | ':' | '…' | '。' | '~' | '>' | ')'
        )
        && !CONTINUING_ENDINGS.contains(&last)
        && !line.starts_with('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Option<(String, String)> {
        split_credit(line)
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_string(), b.to_string()))
    }

    #[test]
    fn credit_variants() {
        assert_eq!(
            split("와디즈 매장 전경 (사진출처. 서울경제)"),
            pair("와디즈 매장 전경", "서울경제")
        );
        assert_eq!(
            split("소영씨 스토어 전경(사진출처. 소영씨스토어 홈페이지)"),
            pair("소영씨 스토어 전경", "소영씨스토어 홈페이지")
        );
        assert_eq!(
            split("매장 내부 (사진출처: 패션 포스트)"),
            pair("매장 내부", "패션 포스트")
        );
        assert_eq!(
            split("매장 내부 (사진 출처 패션 포스트)"),
            pair("매장 내부", "패션 포스트")
        );
        assert_eq!(
            split("성수동 수제화 거리 / 사진=연합뉴스"),
            pair("성수동 수제화 거리", "연합뉴스")
        );
        assert_eq!(
            split("공동판매장 [사진제공=용산구]"),
            pair("공동판매장", "용산구")
        );
        assert_eq!(split("(출처: 서울경제)"), pair("", "서울경제"));
        assert_eq!(split("서울숲 ⓒ 성동구청"), pair("서울숲", "성동구청"));
    }

    #[test]
    fn prose_is_not_a_credit() {
        assert_eq!(split("자세히 사진을 찍어 왔습니다."), None);
        assert_eq!(split("단체 사진 (사진 왼쪽부터)"), None);
        assert_eq!(split("출처를 밝혀 주세요"), None);
        assert_eq!(split("와디즈 홈페이지"), None);
    }

    #[test]
    fn bare_caption_next_to_credited_one() {
        let lines = [
            "바로 와디즈와 소영씨스토어입니다.",
            "",
            "와디즈 홈페이지",
            "",
            "와디즈 매장 전경 (사진출처. 서울경제)",
            "",
            "와디즈는 사회적경제에 꼭 얽매이지 않고,",
        ];
        let eligible = vec![true; lines.len()];
        let (captions, occupied) = find_captions(&lines, &eligible);
        assert_eq!(occupied, vec![2, 4]);
        assert_eq!(captions.len(), 2);
        assert_eq!(captions[0].caption, "와디즈 홈페이지");
        assert_eq!(captions[0].credit, None);
        assert_eq!(captions[1].credit.as_deref(), Some("서울경제"));
    }

    #[test]
    fn sentence_fragments_are_not_bare_captions() {
        let lines = [
            "먼저 성동사경센터의 차문희 센터장님들로부터",
            "매장 전경 (사진출처. 서울경제)",
            "용산구는 다른 구보다 늦게 시작한 지역이라",
            "매장 내부 (사진출처. 패션 포스트)",
            "성동구에는 두 곳의 판로가 있는데",
            "매장 외부 (사진출처. 패션 포스트)",
            "센터의 차문희 센터장님",
        ];
        let (captions, _) = find_captions(&lines, &[true; 7]);
        assert_eq!(captions.len(), 3);
    }

    #[test]
    fn credit_only_line_takes_the_label_above() {
        let lines = ["성수동 수제화 거리", "(사진출처: 연합뉴스)"];
        let (captions, occupied) = find_captions(&lines, &[true, true]);
        assert_eq!(occupied, vec![0, 1]);
        assert_eq!(captions.len(), 1);
        assert_eq!(captions[0].caption, "성수동 수제화 거리");
        assert_eq!(captions[0].line_index, 1);
    }

    #[test]
    fn ineligible_lines_are_ignored() {
        let lines = ["와디즈 매장 전경 (사진출처. 서울경제)"];
        assert!(find_captions(&lines, &[false]).0.is_empty());
        assert!(find_captions(&lines, &[]).0.is_empty());
    }
}
