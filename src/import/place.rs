//! Step 6, *place*: the district of a row, from an explicit code column or from the address
//! ("03993 서울특별시 마포구 …", "서울 성동구 …", "서울시 중구 …"). Names repeat across Korea
//! (중구 is in six cities), so a 구 name only counts after a Seoul city token. When neither
//! names one, coordinates inside a loaded boundary do; when both do and disagree, the row is
//! flagged (a warning, not an error).

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

/// What a row's coordinates say about its district, given the loaded boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinateCheck {
    /// No coordinates, no boundaries, or they agree.
    Nothing,
    /// No district from a column or the address; the coordinates lie in this one (code).
    Fill(String),
    /// The district from the column/address is not where the coordinates lie: a warning.
    Conflict(String),
}

/// Compares the district a row names (`code`, from a column or the address) with the one its
/// coordinates lie in. Without boundaries nothing can be said.
pub fn check_coordinates(
    code: Option<&str>,
    location: Option<(f64, f64)>,
    boundaries: &crate::boundary::Boundaries,
) -> CoordinateCheck {
    let Some((lat, lng)) = location else {
        return CoordinateCheck::Nothing;
    };
    if boundaries.is_empty() {
        return CoordinateCheck::Nothing;
    }
    let located = boundaries.district_at(lat, lng);
    let named = |c: &str| {
        SEOUL_DISTRICTS
            .iter()
            .find(|(code, _)| *code == c)
            .map_or(c.to_string(), |(_, n)| (*n).to_string())
    };
    match (code, located) {
        (None, Some(area)) => CoordinateCheck::Fill(area.code.clone()),
        (None, None) => CoordinateCheck::Nothing,
        (Some(c), Some(area)) if area.code == c => CoordinateCheck::Nothing,
        (Some(c), Some(area)) => CoordinateCheck::Conflict(format!(
            "주소·자치구는 {}, 좌표는 {} 안입니다 (address says {}, the coordinates lie in {})",
            named(c),
            area.name,
            named(c),
            area.name
        )),
        (Some(c), None) => CoordinateCheck::Conflict(format!(
            "주소·자치구는 {}, 좌표는 불러온 어느 경계에도 들지 않습니다 (address says {}, the coordinates lie outside every loaded boundary)",
            named(c),
            named(c)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::Boundaries;

    #[test]
    fn coordinates_fill_a_missing_district_and_flag_a_different_one() {
        let square = |x0: f64| {
            format!(
                r#"{{"type":"Polygon","coordinates":[[[{x0},37.0],[{},37.0],[{},38.0],[{x0},38.0],[{x0},37.0]]]}}"#,
                x0 + 1.0,
                x0 + 1.0
            )
        };
        let b = Boundaries::from_rows([
            (1, "11140".into(), "중구".into(), square(126.0)),
            (2, "11440".into(), "마포구".into(), square(127.0)),
        ]);
        let at_jung = Some((37.5, 126.5));
        assert_eq!(
            check_coordinates(None, at_jung, &b),
            CoordinateCheck::Fill("11140".into())
        );
        assert_eq!(
            check_coordinates(Some("11140"), at_jung, &b),
            CoordinateCheck::Nothing
        );
        let CoordinateCheck::Conflict(msg) = check_coordinates(Some("11440"), at_jung, &b) else {
            panic!("no conflict")
        };
        assert!(msg.contains("마포구") && msg.contains("중구"), "{msg}");
        assert!(matches!(
            check_coordinates(Some("11440"), Some((30.0, 120.0)), &b),
            CoordinateCheck::Conflict(_)
        ));
        assert_eq!(check_coordinates(None, None, &b), CoordinateCheck::Nothing);
        assert_eq!(
            check_coordinates(Some("11440"), at_jung, &Boundaries::default()),
            CoordinateCheck::Nothing
        );
    }

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
