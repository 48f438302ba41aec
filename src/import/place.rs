//! Step 6, *place*: the district of a row, from an explicit code column or from the address
//! ("03993 서울특별시 마포구 …", "서울 성동구 …", "서울시 중구 …"). Names repeat across Korea
//! (중구 is in six cities), so a 구 name only counts after a Seoul city token.

/// Seoul's 25 districts: (SIG_CD, name).
pub const SEOUL_DISTRICTS: &[(&str, &str)] = &[
    ("11110", "종로구"),
    ("11140", "중구"),
    ("11170", "용산구"),
    ("11200", "성동구"),
    ("11215", "광진구"),
    ("11230", "동대문구"),
    ("11260", "중랑구"),
    ("11290", "성북구"),
    ("11305", "강북구"),
    ("11320", "도봉구"),
    ("11350", "노원구"),
    ("11380", "은평구"),
    ("11410", "서대문구"),
    ("11440", "마포구"),
    ("11470", "양천구"),
    ("11500", "강서구"),
    ("11530", "구로구"),
    ("11545", "금천구"),
    ("11560", "영등포구"),
    ("11590", "동작구"),
    ("11620", "관악구"),
    ("11650", "서초구"),
    ("11680", "강남구"),
    ("11710", "송파구"),
    ("11740", "강동구"),
];

const SEOUL_TOKENS: &[&str] = &["서울특별시", "서울시", "서울"];

/// The address without a leading postcode (five digits, or the old `123-456`).
pub fn strip_postcode(address: &str) -> &str {
    let t = address.trim();
    let (first, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
    let is_postcode = (first.len() == 5 && first.bytes().all(|b| b.is_ascii_digit()))
        || (first.len() == 7
            && first.as_bytes()[3] == b'-'
            && first.bytes().filter(u8::is_ascii_digit).count() == 6);
    if is_postcode && !rest.trim().is_empty() {
        rest.trim_start()
    } else {
        t
    }
}

/// The Seoul district code an address (or a 지역 cell such as "서울 성동구") names. The 구
/// name must directly follow the city token; a bare "성동구" is accepted too (a 지역 column
/// in a Seoul list).
pub fn district_from_text(text: &str) -> Option<&'static str> {
    let t = strip_postcode(text);
    let mut tokens = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty());
    let first = tokens.next()?;
    let gu = if SEOUL_TOKENS.contains(&first) {
        tokens.next()?
    } else if let Some(rest) = SEOUL_TOKENS.iter().find_map(|c| first.strip_prefix(c)) {
        // "서울특별시성동구" written without a space.
        rest
    } else {
        first
    };
    let only_gu = first == gu;
    let code = SEOUL_DISTRICTS
        .iter()
        .find(|(_, name)| *name == gu)
        .map(|(code, _)| *code)?;
    // A bare 구 name with more text after it is an address of an unknown city: do not guess.
    if only_gu && tokens.next().is_some() {
        return None;
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_spellings_and_postcodes() {
        for a in [
            "서울특별시 성동구 왕십리로 222",
            "서울 성동구 천호대로 362(용답동)",
            "서울시 성동구 성수동2가 280-5",
            "04768 서울특별시 성동구 왕십리로 222, 3층",
            "133-070 서울 성동구 성수동",
            "서울특별시성동구 뚝섬로 1",
            "성동구",
            "서울 성동구",
        ] {
            assert_eq!(district_from_text(a), Some("11200"), "{a}");
        }
        assert_eq!(
            strip_postcode("03993 서울특별시 마포구 동교로27길 3-10"),
            "서울특별시 마포구 동교로27길 3-10"
        );
    }

    #[test]
    fn other_cities_are_not_seoul() {
        assert_eq!(district_from_text("부산광역시 중구 중앙대로 1"), None);
        assert_eq!(district_from_text("중구 중앙대로 1"), None);
        assert_eq!(district_from_text("서울특별시 없는구 1"), None);
        assert_eq!(district_from_text(""), None);
    }
}
