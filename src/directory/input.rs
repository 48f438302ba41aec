//! Entry input from forms and JSON, parsed into domain values ("parse, don't validate").
//! One parser serves the HTML forms and the API, so both refuse the same things with the same
//! messages, keyed by field name.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::text::{clean_line, clean_text};
use crate::domain::{
    BizRegNo, CenterMode, CertNo, CertType, DistrictCode, Email, EntryKind, EntryStatus, LatLng,
    OutletChannel, Slug, SocialPurpose, parse_date,
};
use crate::entities::entry;
use crate::web::form::FieldErrors;

/// Accepts a JSON string or number (or null) where forms send text.
fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        N(serde_json::Number),
        B(bool),
        Nothing(()),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        Some(Raw::S(s)) => s,
        Some(Raw::N(n)) => n.to_string(),
        Some(Raw::B(b)) => b.to_string(),
        Some(Raw::Nothing(())) | None => String::new(),
    })
}

macro_rules! entry_input {
    ($($field:ident),* $(,)?) => {
        /// Every field an entry form or API call may send, as typed. Unknown kinds' fields
        /// are ignored.
        #[derive(Debug, Default, Clone, Deserialize, Serialize)]
        #[serde(default)]
        pub struct EntryInput {
            $(#[serde(deserialize_with = "lenient")] pub $field: String,)*
        }
    };
}

entry_input!(
    kind,
    name,
    name_en,
    slug,
    description,
    address,
    lat,
    lng,
    district,
    website,
    phone,
    email,
    status,
    founded_on,
    last_verified_on,
    source,
    operating_mode,
    operator,
    head,
    opened_on,
    closed_on,
    focus_areas,
    cert_type,
    cert_no,
    biz_reg_no,
    cert_date,
    cert_round,
    representative,
    service_field,
    social_purpose,
    business,
    channel,
    url,
    sponsor,
    period,
    starts_on,
    ends_on,
    code,
    population,
    population_year,
    area_km2,
    version,
    confirm_duplicates,
);

/// Kind-specific facts of a draft. References to other entries stay slugs or names here; the
/// write step resolves them.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftDetails {
    District {
        code: DistrictCode,
        population: Option<i64>,
        population_year: Option<i32>,
        area_km2: Option<f64>,
    },
    Center {
        operating_mode: Option<CenterMode>,
        operator: Option<String>,
        head: Option<String>,
        opened_on: Option<NaiveDate>,
        closed_on: Option<NaiveDate>,
        focus_areas: Option<String>,
    },
    Enterprise {
        cert_type: CertType,
        cert_no: Option<CertNo>,
        biz_reg_no: Option<BizRegNo>,
        cert_date: Option<NaiveDate>,
        cert_round: Option<i32>,
        representative: Option<String>,
        service_field: Option<String>,
        social_purpose: Option<SocialPurpose>,
        business: Option<String>,
    },
    Outlet {
        channel: OutletChannel,
        operator: Option<String>,
        url: Option<String>,
    },
    Program {
        sponsor: Option<String>,
        period: Option<String>,
        starts_on: Option<NaiveDate>,
        ends_on: Option<NaiveDate>,
    },
    None,
}

/// A valid entry, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDraft {
    pub kind: EntryKind,
    pub name: String,
    pub name_en: Option<String>,
    pub slug: Option<Slug>,
    pub description: Option<String>,
    pub address: Option<String>,
    pub location: Option<LatLng>,
    pub district: Option<DistrictCode>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub email: Option<Email>,
    pub status: EntryStatus,
    pub founded_on: Option<NaiveDate>,
    pub last_verified_on: Option<NaiveDate>,
    pub source: Option<String>,
    pub details: DraftDetails,
}

/// Longest single-line value accepted (names, addresses, …).
pub(crate) const MAX_LINE: usize = 300;
/// Longest multi-line value accepted (descriptions).
const MAX_TEXT: usize = 20_000;

struct Parser<'a> {
    errors: &'a mut FieldErrors,
}

impl Parser<'_> {
    fn line(&mut self, field: &'static str, raw: &str) -> Option<String> {
        let v = clean_line(raw);
        if v.chars().count() > MAX_LINE {
            self.errors
                .add(field, format!("{MAX_LINE}자 이하로 입력해 주세요."));
            return None;
        }
        Some(v).filter(|v| !v.is_empty())
    }

    fn text(&mut self, field: &'static str, raw: &str) -> Option<String> {
        let v = clean_text(raw);
        if v.chars().count() > MAX_TEXT {
            self.errors
                .add(field, format!("{MAX_TEXT}자 이하로 입력해 주세요."));
            return None;
        }
        Some(v).filter(|v| !v.is_empty())
    }

    fn parsed<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        raw: &str,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match f(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.add(field, e.to_string());
                None
            }
        }
    }

    fn date(&mut self, field: &'static str, raw: &str) -> Option<NaiveDate> {
        self.parsed(field, raw, parse_date)
    }

    fn choice<T: Copy>(
        &mut self,
        field: &'static str,
        raw: &str,
        from: fn(&str) -> Option<T>,
    ) -> Option<T> {
        self.parsed(field, raw, |s| from(s).ok_or("목록에서 골라 주세요."))
    }

    fn number<T: std::str::FromStr>(
        &mut self,
        field: &'static str,
        raw: &str,
        what: &str,
    ) -> Option<T> {
        self.parsed(field, &raw.replace(',', ""), |s| {
            s.parse::<T>()
                .map_err(|_| format!("{what}를 숫자로 입력해 주세요."))
        })
    }
}

/// An http(s) URL with a host and no spaces; a bare domain gets `https://`.
pub fn parse_url(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let lower = with_scheme.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(r)
            if !r.is_empty()
                && r.split('/')
                    .next()
                    .is_some_and(|h| h.contains('.') || h.starts_with("localhost"))
                && !with_scheme.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>'
                }) =>
        {
            Ok(with_scheme)
        }
        _ => Err("웹 주소 형식이 올바르지 않습니다 (예: https://example.org)"),
    }
}

/// A phone number: digits with - ( ) + and spaces, 7 to 20 digits.
pub fn parse_phone(raw: &str) -> Result<String, &'static str> {
    let s = clean_line(raw);
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if (7..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || " -()+.".contains(c))
    {
        Ok(s)
    } else {
        Err("전화번호 형식이 올바르지 않습니다 (예: 02-1234-5678)")
    }
}

/// Parses `input` as an entry of `kind`; all problems are reported at once, by field.
pub fn parse_entry(kind: EntryKind, input: &EntryInput) -> Result<EntryDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut p = Parser {
        errors: &mut errors,
    };
    let name = p.line("name", &input.name);
    if name.is_none() && p.errors.get("name").is_none() {
        p.errors.add("name", "이름을 입력해 주세요.");
    }
    let name_en = p.line("name_en", &input.name_en);
    let slug = p.parsed("slug", &input.slug, Slug::parse);
    let description = p.text("description", &input.description);
    let address = p.line("address", &input.address);
    let lat = p.parsed("lat", &input.lat, |s| {
        s.parse::<f64>()
            .map_err(|_| "위도를 숫자로 입력해 주세요 (예: 37.5446)")
    });
    let lng = p.parsed("lng", &input.lng, |s| {
        s.parse::<f64>()
            .map_err(|_| "경도를 숫자로 입력해 주세요 (예: 127.0374)")
    });
    let location = match (lat, lng) {
        (Some(lat), Some(lng)) => match LatLng::new(lat, lng) {
            Ok(l) => Some(l),
            Err(e) => {
                let field = if (-90.0..=90.0).contains(&lat) {
                    "lng"
                } else {
                    "lat"
                };
                p.errors.add(field, e.to_string());
                None
            }
        },
        (None, None) => None,
        (Some(_), None) if p.errors.get("lng").is_none() => {
            p.errors.add("lng", "위도와 경도를 함께 입력해 주세요.");
            None
        }
        (None, Some(_)) if p.errors.get("lat").is_none() => {
            p.errors.add("lat", "위도와 경도를 함께 입력해 주세요.");
            None
        }
        _ => None,
    };
    let district = p.parsed("district", &input.district, DistrictCode::parse);
    let website = p.parsed("website", &input.website, parse_url);
    let phone = p.parsed("phone", &input.phone, parse_phone);
    let email = p.parsed("email", &input.email, Email::parse);
    let status = p
        .choice("status", &input.status, EntryStatus::from_label)
        .unwrap_or(EntryStatus::Active);
    let founded_on = p.date("founded_on", &input.founded_on);
    let last_verified_on = p.date("last_verified_on", &input.last_verified_on);
    let source = p.text("source", &input.source);

    let details = match kind {
        EntryKind::District => match p.parsed("code", &input.code, DistrictCode::parse) {
            Some(code) => DraftDetails::District {
                code,
                population: p.number("population", &input.population, "인구"),
                population_year: p.number("population_year", &input.population_year, "기준 연도"),
                area_km2: p.number("area_km2", &input.area_km2, "면적"),
            },
            None => {
                if p.errors.get("code").is_none() {
                    p.errors
                        .add("code", "행정구역 코드를 입력해 주세요 (예: 11200).");
                }
                DraftDetails::None
            }
        },
        EntryKind::Center => DraftDetails::Center {
            operating_mode: p.choice(
                "operating_mode",
                &input.operating_mode,
                CenterMode::from_label,
            ),
            operator: p.line("operator", &input.operator),
            head: p.line("head", &input.head),
            opened_on: p.date("opened_on", &input.opened_on),
            closed_on: p.date("closed_on", &input.closed_on),
            focus_areas: p.line("focus_areas", &input.focus_areas),
        },
        EntryKind::Enterprise => {
            let cert_type = p.choice("cert_type", &input.cert_type, CertType::from_label);
            if cert_type.is_none() && p.errors.get("cert_type").is_none() {
                p.errors.add("cert_type", "기업 유형을 골라 주세요.");
            }
            DraftDetails::Enterprise {
                cert_type: cert_type.unwrap_or(CertType::General),
                cert_no: p.parsed("cert_no", &input.cert_no, CertNo::parse),
                biz_reg_no: p.parsed("biz_reg_no", &input.biz_reg_no, BizRegNo::parse),
                cert_date: p.date("cert_date", &input.cert_date),
                cert_round: p.number("cert_round", &input.cert_round, "인증 회차"),
                representative: p.line("representative", &input.representative),
                service_field: p.line("service_field", &input.service_field),
                social_purpose: p.choice(
                    "social_purpose",
                    &input.social_purpose,
                    SocialPurpose::from_label,
                ),
                business: p.text("business", &input.business),
            }
        }
        EntryKind::Outlet => {
            let channel = p.choice("channel", &input.channel, OutletChannel::from_label);
            if channel.is_none() && p.errors.get("channel").is_none() {
                p.errors.add("channel", "판로 유형을 골라 주세요.");
            }
            DraftDetails::Outlet {
                channel: channel.unwrap_or(OutletChannel::OfflineStore),
                operator: p.line("operator", &input.operator),
                url: p.parsed("url", &input.url, parse_url),
            }
        }
        EntryKind::Program => DraftDetails::Program {
            sponsor: p.line("sponsor", &input.sponsor),
            period: p.line("period", &input.period),
            starts_on: p.date("starts_on", &input.starts_on),
            ends_on: p.date("ends_on", &input.ends_on),
        },
        EntryKind::Partner | EntryKind::Place => DraftDetails::None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(EntryDraft {
        kind,
        name: name.unwrap_or_default(),
        name_en,
        slug,
        description,
        address,
        location,
        district,
        website,
        phone,
        email,
        status,
        founded_on,
        last_verified_on,
        source,
        details,
    })
}

/// The form pre-filled from a stored entry (its details filled by the caller).
pub fn input_from_entry(e: &entry::Model, district_code: Option<String>) -> EntryInput {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    EntryInput {
        kind: e.kind.clone(),
        name: e.name.clone(),
        name_en: opt(&e.name_en),
        slug: e.slug.clone(),
        description: opt(&e.description),
        address: opt(&e.address),
        lat: e.lat.map(|v| v.to_string()).unwrap_or_default(),
        lng: e.lng.map(|v| v.to_string()).unwrap_or_default(),
        district: district_code.unwrap_or_default(),
        website: opt(&e.website),
        phone: opt(&e.phone),
        email: opt(&e.email),
        status: e.status.clone(),
        founded_on: date(e.founded_on),
        last_verified_on: date(e.last_verified_on),
        source: opt(&e.source),
        version: e.version.to_string(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(pairs: &[(&str, &str)]) -> EntryInput {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&body).unwrap()
    }

    #[test]
    fn a_minimal_outlet_parses() {
        let d = parse_entry(
            EntryKind::Outlet,
            &input(&[("name", " 소영씨스토어 "), ("channel", "offline_store")]),
        )
        .unwrap();
        assert_eq!(d.name, "소영씨스토어");
        assert_eq!(d.status, EntryStatus::Active);
        assert!(matches!(
            d.details,
            DraftDetails::Outlet {
                channel: OutletChannel::OfflineStore,
                ..
            }
        ));
    }

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let e = parse_entry(
            EntryKind::Enterprise,
            &input(&[
                ("name", ""),
                ("lat", "91"),
                ("lng", "127"),
                ("website", "javascript:alert(1)"),
                ("email", "nope"),
                ("phone", "call me"),
                ("cert_no", "제2007호"),
                ("biz_reg_no", "123-45-67890"),
                ("cert_date", "2007-13-01"),
                ("cert_type", "???"),
                ("district", "99999"),
            ]),
        )
        .unwrap_err();
        for f in [
            "name",
            "lat",
            "website",
            "email",
            "phone",
            "cert_no",
            "biz_reg_no",
            "cert_date",
            "cert_type",
            "district",
        ] {
            assert!(e.get(f).is_some(), "no error for {f}");
        }
    }

    #[test]
    fn json_numbers_are_accepted_for_numeric_fields() {
        let i: EntryInput =
            serde_json::from_str(r#"{"name":"서울숲","lat":37.5444,"lng":127.0374,"version":3}"#)
                .unwrap();
        let d = parse_entry(EntryKind::Place, &i).unwrap();
        assert_eq!(d.location.unwrap().lat(), 37.5444);
        assert_eq!(i.version, "3");
    }

    #[test]
    fn urls_and_phones() {
        assert_eq!(parse_url("www.wadiz.kr").unwrap(), "https://www.wadiz.kr");
        assert!(parse_url("javascript:alert(1)").is_err());
        assert!(parse_url("https://a b.kr").is_err());
        assert_eq!(parse_phone("02-1234-5678").unwrap(), "02-1234-5678");
        assert!(parse_phone("123").is_err());
    }

    #[test]
    fn overlong_names_are_refused() {
        let long = "가".repeat(10_000);
        let e = parse_entry(EntryKind::Place, &input(&[("name", &long)])).unwrap_err();
        assert!(e.get("name").unwrap().contains("300자"));
    }
}
