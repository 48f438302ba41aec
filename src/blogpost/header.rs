//! The top of a post: menu chrome, the title line and the header line.
//!
//! Korean public-sector boards print "작성자: 관리자1 작성일: 2024-01-11 조회수: 173" right
//! under the title, and above the title whatever menu the page had ("추진 사업" twice in the
//! seed). The header line is the anchor: the line before it is the title, everything above
//! that is chrome. Without a header, leading lines repeated at the top are chrome and the next
//! line is the title if it reads like one.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::dates::first_full_date;
use super::scan::is_hangul;

/// Only this many non-empty lines at the top are searched for the header: a board prints it
/// right under the title, and the limit keeps a 100k-char paste from being searched whole.
const HEADER_SEARCH_LINES: usize = 40;

/// A title is a line, not a paragraph.
const MAX_TITLE_CHARS: usize = 120;

/// Field labels, longest first where one is a prefix of another (작성일자 before 작성일).
const LABELS: [(&str, Field); 11] = [
    ("작성일자", Field::Date),
    ("작성일시", Field::Date),
    ("작성일", Field::Date),
    ("등록일", Field::Date),
    ("게시일", Field::Date),
    ("작성자", Field::Author),
    ("글쓴이", Field::Author),
    ("등록자", Field::Author),
    ("조회수", Field::Views),
    ("조회", Field::Views),
    ("Views", Field::Views),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Author,
    Date,
    Views,
}

/// What the top of the post holds, as line indices and parsed header values.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Top {
    /// The title line, when one was recognised.
    pub title_line: Option<usize>,
    /// The header line(s) with 작성자 / 작성일 / 조회수.
    pub header_lines: Vec<usize>,
    /// Non-empty lines above the title: menus and breadcrumbs.
    pub chrome_lines: Vec<usize>,
    /// 작성자.
    pub author: Option<String>,
    /// 작성일 (the first full date in its value).
    pub published_on: Option<NaiveDate>,
    /// 조회수.
    pub view_count: Option<u32>,
}

/// Finds title, header and chrome among the (trimmed) lines.
pub fn find_top(lines: &[&str]) -> Top {
    let non_empty: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].is_empty())
        .take(HEADER_SEARCH_LINES)
        .collect();
    let Some(first_header) = non_empty.iter().position(|&i| is_header_line(lines[i])) else {
        return top_without_header(lines, &non_empty);
    };
    let mut top = Top::default();
    // Boards that print one field per line give a run of header lines.
    for &i in &non_empty[first_header..] {
        if !is_header_line(lines[i]) {
            break;
        }
        top.header_lines.push(i);
        for (field, value) in fields(lines[i]) {
            match field {
                Field::Author if top.author.is_none() => {
                    top.author = Some(value).filter(|v| !v.is_empty())
                }
                Field::Date if top.published_on.is_none() => {
                    top.published_on = first_full_date(&value)
                }
                Field::Views if top.view_count.is_none() => top.view_count = parse_count(&value),
                _ => {}
            }
        }
    }
    if first_header > 0 {
        let title = non_empty[first_header - 1];
        if lines[title].chars().count() <= MAX_TITLE_CHARS {
            top.title_line = Some(title);
            top.chrome_lines = non_empty[..first_header - 1].to_vec();
        } else {
            top.chrome_lines = Vec::new();
        }
    }
    top
}

/// Without a header: skip leading lines that repeat near the top (menus), then take the next
/// line as the title when it is short, is not a sentence, and something follows it.
fn top_without_header(lines: &[&str], non_empty: &[usize]) -> Top {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for &i in non_empty {
        *seen.entry(lines[i]).or_default() += 1;
    }
    // Only short label-like lines count as menu: a repeated sentence is the author's.
    let is_menu =
        |i: usize| seen.get(lines[i]).copied().unwrap_or(0) > 1 && is_menu_label(lines[i]);
    let chrome: Vec<usize> = non_empty
        .iter()
        .copied()
        .take_while(|&i| is_menu(i))
        .collect();
    let mut top = Top {
        chrome_lines: chrome,
        ..Top::default()
    };
    let rest = &non_empty[top.chrome_lines.len()..];
    if let [candidate, _, ..] = rest
        && reads_like_title(lines[*candidate])
    {
        top.title_line = Some(*candidate);
    }
    top
}

/// A menu or breadcrumb label: short and not a sentence.
pub fn is_menu_label(line: &str) -> bool {
    line.chars().count() <= 30 && !matches!(line.chars().last(), Some('.' | '!' | '?' | ',' | '。'))
}

fn reads_like_title(line: &str) -> bool {
    let count = line.chars().count();
    let last = line.chars().last();
    (2..=80).contains(&count) && !matches!(last, Some('.' | '!' | '?' | ',' | '。' | '다' | '요'))
}

/// A header line has two labels, or one label followed by a colon.
fn is_header_line(line: &str) -> bool {
    let cs: Vec<char> = line.chars().collect();
    if cs.len() > 160 {
        return false;
    }
    let found = labels_in(&cs);
    found.len() >= 2
        || found
            .iter()
            .any(|&(_, end, _)| matches!(cs.get(skip(&cs, end)), Some(':' | '：')))
}

/// Label positions (start, end, field) in a line; a label must start a word.
fn labels_in(cs: &[char]) -> Vec<(usize, usize, Field)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let word_start = i == 0 || !(is_hangul(cs[i - 1]) || cs[i - 1].is_alphanumeric());
        let hit = word_start
            .then(|| {
                LABELS
                    .iter()
                    .find(|(label, _)| super::scan::has_at(cs, i, label))
            })
            .flatten();
        match hit {
            // …and end one: 작성자가 and 조회해 are prose, 조회수: and 조회 173 are labels.
            Some((label, field))
                if !cs
                    .get(i + label.chars().count())
                    .is_some_and(|c| c.is_alphabetic()) =>
            {
                let end = i + label.chars().count();
                found.push((i, end, *field));
                i = end;
            }
            Some(_) => i += 1,
            None => i += 1,
        }
    }
    found
}

/// Each label's value: the text after it (and its colon) up to the next label.
fn fields(line: &str) -> Vec<(Field, String)> {
    let cs: Vec<char> = line.chars().collect();
    let found = labels_in(&cs);
    found
        .iter()
        .enumerate()
        .map(|(k, &(_, end, field))| {
            let stop = found.get(k + 1).map_or(cs.len(), |next| next.0);
            let mut from = skip(&cs, end);
            if matches!(cs.get(from), Some(':' | '：')) {
                from += 1;
            }
            let value: String = cs[from.min(stop)..stop].iter().collect();
            (
                field,
                value
                    .trim()
                    .trim_matches(['|', '/', '·', ','])
                    .trim()
                    .to_string(),
            )
        })
        .collect()
}

fn skip(cs: &[char], i: usize) -> usize {
    super::scan::skip_spaces(cs, i)
}

/// A view count such as "173" or "1,234".
fn parse_count(value: &str) -> Option<u32> {
    let digits: String = value
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Splits a leading tag such as "(탐방후기)" or "[공지]" off a title: (tag, rest).
pub fn split_title_tag(title: &str) -> (Option<String>, String) {
    let title = title.trim();
    let closer = match title.chars().next() {
        Some('(') => ')',
        Some('[') => ']',
        Some('【') => '】',
        Some('〔') => '〕',
        Some('（') => '）',
        _ => return (None, title.to_string()),
    };
    let Some(close) = title.find(closer) else {
        return (None, title.to_string());
    };
    let opener_len = title.chars().next().map_or(0, char::len_utf8);
    let tag = title[opener_len..close].trim();
    let rest = title[close + closer.len_utf8()..].trim();
    // A tag is a short label; "(주)…" and a title that is only brackets stay whole.
    if tag.is_empty()
        || tag.chars().count() > 15
        || rest.is_empty()
        || tag == "주"
        || tag == "사"
        || tag == "재"
    {
        return (None, title.to_string());
    }
    (Some(tag.to_string()), rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn seed_top() {
        let lines = [
            "추진 사업",
            "",
            "추진 사업",
            "",
            "(탐방후기) 성동구 사례탐방",
            "작성자: 관리자1 작성일: 2024-01-11 조회수: 173",
            "• < 성동구 사례탐방 >",
        ];
        let top = find_top(&lines);
        assert_eq!(top.title_line, Some(4));
        assert_eq!(top.header_lines, vec![5]);
        assert_eq!(top.chrome_lines, vec![0, 2]);
        assert_eq!(top.author.as_deref(), Some("관리자1"));
        assert_eq!(top.published_on, d(2024, 1, 11));
        assert_eq!(top.view_count, Some(173));
    }

    #[test]
    fn header_variants() {
        let lines = [
            "홈 > 알림마당 > 공지사항",
            "제목 없는 글",
            "글쓴이 홍길동 | 등록일 2023.12.20 | 조회 1,234",
            "본문",
        ];
        let top = find_top(&lines);
        assert_eq!(top.title_line, Some(1));
        assert_eq!(top.chrome_lines, vec![0]);
        assert_eq!(top.author.as_deref(), Some("홍길동"));
        assert_eq!(top.published_on, d(2023, 12, 20));
        assert_eq!(top.view_count, Some(1234));
    }

    #[test]
    fn one_field_per_line() {
        let lines = [
            "제목",
            "작성자: 김철수",
            "",
            "작성일: 2024.01.11.",
            "조회수: 5",
            "본문입니다.",
        ];
        let top = find_top(&lines);
        assert_eq!(top.header_lines, vec![1, 3, 4]);
        assert_eq!(top.author.as_deref(), Some("김철수"));
        assert_eq!(top.published_on, d(2024, 1, 11));
        assert_eq!(top.view_count, Some(5));
    }

    #[test]
    fn without_header() {
        let lines = ["메뉴", "메뉴", "성동구 탐방기", "본문이 이어집니다."];
        let top = find_top(&lines);
        assert_eq!(top.chrome_lines, vec![0, 1]);
        assert_eq!(top.title_line, Some(2));
        assert!(top.header_lines.is_empty());
        // A lone sentence is body, not a title.
        assert_eq!(
            find_top(&["오늘 다녀왔습니다.", "좋았다."]).title_line,
            None
        );
        // A sentence repeated at the top is the author's, not a menu.
        assert!(
            find_top(&["정말 좋았습니다.", "정말 좋았습니다."])
                .chrome_lines
                .is_empty()
        );
    }

    #[test]
    fn prose_with_label_words_is_not_a_header() {
        assert!(!is_header_line("조회해 보니 작성자가 없었다"));
        assert!(!is_header_line("보고서 작성자가 누구인지"));
    }

    #[test]
    fn title_tags() {
        assert_eq!(
            split_title_tag("(탐방후기) 성동구 사례탐방"),
            (Some("탐방후기".into()), "성동구 사례탐방".into())
        );
        assert_eq!(
            split_title_tag("[공지] 일정 안내"),
            (Some("공지".into()), "일정 안내".into())
        );
        assert_eq!(
            split_title_tag("(주)오엠인터렉트 방문기"),
            (None, "(주)오엠인터렉트 방문기".into())
        );
        assert_eq!(
            split_title_tag("성동구 사례탐방"),
            (None, "성동구 사례탐방".into())
        );
        assert_eq!(split_title_tag("(탐방후기)"), (None, "(탐방후기)".into()));
    }
}
