//! Step 3, *map*: which column holds which field. A synonym table covers the layouts public
//! bodies publish (documented in README); a user's choices override it; columns that map to
//! nothing are kept per row as `extra` JSON rather than dropped.

use std::collections::BTreeMap;

/// The fields an enterprise row can fill. `Region` (지역) only helps to place the row.
pub const FIELDS: &[(&str, &str)] = &[
    ("name", "기업명"),
    ("cert_no", "인증번호"),
    ("biz_reg_no", "사업자등록번호"),
    ("cert_type", "기업 유형"),
    ("representative", "대표자"),
    ("address", "주소"),
    ("region", "지역"),
    ("district", "자치구 코드"),
    ("cert_date", "인증일"),
    ("cert_round", "인증회차"),
    ("social_purpose", "사회적목적 유형"),
    ("service_field", "서비스 분야"),
    ("business", "사업내용"),
    ("website", "홈페이지"),
    ("phone", "전화번호"),
    ("email", "이메일"),
    ("lat", "위도"),
    ("lng", "경도"),
];

/// (field, header spellings). Earlier spellings win when two columns claim one field, so
/// 주소 beats 소재지 in the co-operative layout (where 소재지 is the region).
pub const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "기관명",
            "기업명",
            "업체명",
            "상호",
            "상호명",
            "법인명",
            "협동조합명",
            "자활기업명",
            "마을기업명",
            "기업체명",
            "entNmV",
            "co_name",
        ],
    ),
    ("cert_no", &["인증번호", "certiNumV", "co_num"]),
    ("biz_reg_no", &["사업자등록번호", "사업자번호", "bizrno"]),
    ("cert_type", &["기업유형", "기업구분", "인증구분", "구분"]),
    (
        "representative",
        &["대표자", "대표자명", "대표", "ceoNmV", "co_ceo"],
    ),
    (
        "address",
        &[
            "주소",
            "사업장주소",
            "도로명주소",
            "소재지주소",
            "addr",
            "new_address",
            "소재지",
        ],
    ),
    ("region", &["지역", "시도", "시군구", "자치구"]),
    ("district", &["시군구코드", "자치구코드"]),
    (
        "cert_date",
        &[
            "인증일자",
            "인증일",
            "지정일",
            "지정일자",
            "certiIssuD",
            "co_date",
            "수리인가일",
            "설립인가일",
            "설립일",
        ],
    ),
    ("cert_round", &["인증회차", "회차"]),
    (
        "social_purpose",
        &[
            "사회적목적실현유형",
            "사회적목적유형",
            "목적유형",
            "co_object",
        ],
    ),
    (
        "service_field",
        &[
            "사회서비스분야",
            "서비스분야",
            "업종",
            "업태",
            "업태명1",
            "busiFiledNm",
            "co_sevice",
        ],
    ),
    (
        "business",
        &[
            "사업내용",
            "주요사업",
            "주요사업내용",
            "busiContV",
            "co_content",
        ],
    ),
    (
        "website",
        &["홈페이지", "웹사이트", "homepageAddrV", "homepage"],
    ),
    (
        "phone",
        &["전화번호", "연락처", "대표전화", "telNo", "co_tel"],
    ),
    ("email", &["이메일", "전자우편", "email"]),
    ("lat", &["위도", "lat", "latitude", "y좌표"]),
    ("lng", &["경도", "lng", "lon", "longitude", "x좌표"]),
];

/// Folds a header cell for comparison: spaces, BOMs, quotes and `*` marks go, Latin lowercases.
pub fn fold_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{FEFF}' | '"' | '\'' | '*'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names, with its rank in the synonym list (lower wins).
pub fn suggest(header: &str) -> Option<(&'static str, usize)> {
    let h = fold_header(header);
    SYNONYMS.iter().find_map(|(field, names)| {
        names
            .iter()
            .position(|n| fold_header(n) == h)
            .map(|rank| (*field, rank))
    })
}

/// Column index → field (None: kept in `extra`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub headers: Vec<String>,
    pub fields: Vec<Option<&'static str>>,
}

impl Mapping {
    /// The suggested mapping for `headers`, with `overrides` (header text → field name, or
    /// `""` for "keep as extra") applied first.
    pub fn suggested(headers: &[String], overrides: &BTreeMap<String, String>) -> Self {
        let mut best: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
        let mut fields: Vec<Option<&'static str>> = vec![None; headers.len()];
        let mut fixed = vec![false; headers.len()];
        for (i, h) in headers.iter().enumerate() {
            if let Some(wanted) = overrides.get(h.trim()) {
                fixed[i] = true;
                fields[i] = field_named(wanted);
                if let Some(f) = fields[i] {
                    best.insert(f, (0, i));
                }
            }
        }
        for (i, h) in headers.iter().enumerate() {
            if fixed[i] {
                continue;
            }
            if let Some((field, rank)) = suggest(h) {
                match best.get(field) {
                    Some(&(r, _)) if r <= rank => {}
                    _ => {
                        best.insert(field, (rank, i));
                    }
                }
            }
        }
        for (field, (_, i)) in best {
            fields[i] = Some(field);
        }
        Mapping {
            headers: headers.to_vec(),
            fields,
        }
    }

    /// The column holding `field`.
    pub fn column_of(&self, field: &str) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }

    /// How many columns map to a field.
    pub fn mapped(&self) -> usize {
        self.fields.iter().flatten().count()
    }

    /// `{header: field}` as stored with the import and reused by `--mapping NAME`.
    pub fn to_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .zip(&self.fields)
            .map(|(h, f)| (h.clone(), f.map_or(serde_json::Value::Null, Into::into)))
            .collect();
        serde_json::Value::Object(map)
    }

    /// Overrides read back from `to_json`.
    pub fn overrides_from_json(v: &serde_json::Value) -> BTreeMap<String, String> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .map(|(h, f)| (h.clone(), f.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The static name of a field, if `name` is one.
pub fn field_named(name: &str) -> Option<&'static str> {
    FIELDS.iter().map(|(f, _)| *f).find(|f| *f == name.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn the_ministry_layout_maps_fully() {
        let m = Mapping::suggested(
            &headers(
                "지역,인증번호,기관명,사업내용,사회적목적실현유형,사회서비스분야,사업자등록번호,대표자,소재지,홈페이지,인증일자,인증회차",
            ),
            &BTreeMap::new(),
        );
        assert_eq!(m.mapped(), 12);
        assert_eq!(m.column_of("address"), Some(8));
        assert_eq!(m.column_of("region"), Some(0));
    }

    #[test]
    fn address_beats_location_and_unknowns_stay_extra() {
        let m = Mapping::suggested(
            &headers("구분,협동조합명,대표자,업종,유형,소재지,수리인가일,주소,비고"),
            &BTreeMap::new(),
        );
        assert_eq!(m.column_of("address"), Some(7));
        assert_eq!(m.fields[5], None);
        assert_eq!(m.fields[8], None);
        assert_eq!(m.column_of("name"), Some(1));
    }

    #[test]
    fn spacing_and_overrides() {
        let mut o = BTreeMap::new();
        o.insert("비고".to_string(), "business".to_string());
        o.insert("상호".to_string(), String::new());
        let m = Mapping::suggested(&headers("업체 명,상호,대표자 명,비고"), &o);
        assert_eq!(
            m.fields,
            vec![Some("name"), None, Some("representative"), Some("business")]
        );
        let back = Mapping::suggested(&m.headers, &Mapping::overrides_from_json(&m.to_json()));
        assert_eq!(back, m);
    }
}
