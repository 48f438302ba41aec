//! Generated entries: names with company-form markers, aliases, addresses near the district
//! centroid, descriptions, and enterprise certification details.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::Set;

use crate::bench::words::{self, Rng};
use crate::domain::{AliasType, CertType, EntryKind, EntryStatus, Slug, SocialPurpose};
use crate::entities::{enterprise_detail, entry};

/// A district as the generator uses it.
#[derive(Debug, Clone)]
pub struct District {
    pub id: i64,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
}

impl District {
    /// The short form used in prose and names (성동구 → 성동, 중구 → 중구).
    fn short(&self) -> &str {
        match self.name.strip_suffix('구') {
            Some(s) if s.chars().count() >= 2 => s,
            _ => &self.name,
        }
    }
}

/// An entry about to be inserted, with what later steps need to know about it.
#[derive(Debug, Clone)]
pub struct Planned {
    pub entry: entry::ActiveModel,
    pub id: i64,
    pub kind: EntryKind,
    pub slug: String,
    /// The name without company-form markers, as reports mention it.
    pub base: String,
    pub aliases: Vec<(String, AliasType)>,
}

/// Picks the kind of the next entry: half enterprises, the rest spread over the other kinds.
pub fn pick_kind(rng: &mut Rng) -> EntryKind {
    match rng.below(100) {
        0..50 => EntryKind::Enterprise,
        50..62 => EntryKind::Outlet,
        62..75 => EntryKind::Place,
        75..85 => EntryKind::Partner,
        85..95 => EntryKind::Program,
        _ => EntryKind::Center,
    }
}

/// A date between the first days of `from` and `to` (years).
pub fn date_between(rng: &mut Rng, from: i32, to: i32) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or_default();
    let days = i64::from((to - from).max(1)) * 365;
    start + Duration::days(rng.range(0, days))
}

fn timestamp(rng: &mut Rng) -> DateTime<Utc> {
    let base = Utc
        .with_ymd_and_hms(2023, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    base + Duration::seconds(rng.range(0, 3 * 365 * 86_400))
}

/// (display name, base name without markers) of a new entry.
fn name_of(rng: &mut Rng, kind: EntryKind, d: &District, seq: usize) -> (String, String) {
    let stem = words::stem(rng);
    let base = match kind {
        EntryKind::Enterprise => match rng.below(10) {
            0..6 => format!("{stem}{}", rng.pick(words::BUSINESS_WORDS)),
            6..9 => format!("{stem} {}", rng.pick(words::COOP_FORMS)),
            _ => stem,
        },
        EntryKind::Outlet => match rng.below(4) {
            0 => format!("{stem}마켓"),
            1 => format!("{} 공동판매장 {}호점", d.short(), seq % 50 + 1),
            2 => format!("{stem}몰"),
            _ => format!("{stem} 편집숍"),
        },
        EntryKind::Partner => match rng.below(4) {
            0 => format!("{stem}재단"),
            1 => format!("{stem}은행 사회공헌팀"),
            2 => format!("{stem}전자"),
            _ => format!("{stem}복지관"),
        },
        EntryKind::Program => match rng.below(3) {
            0 => format!("{} {stem} 육성사업", rng.range(2018, 2025)),
            1 => format!("{stem} 임팩트 액셀러레이팅 {}기", rng.range(1, 12)),
            _ => format!("{} 사회적경제 아카데미 {}기", d.short(), rng.range(1, 20)),
        },
        EntryKind::Place => match rng.below(3) {
            0 => format!("{stem} 공유공간"),
            1 => format!("{} {stem}센터 다목적실", d.short()),
            _ => format!("{stem} 커뮤니티홀"),
        },
        EntryKind::Center | EntryKind::District => match rng.below(3) {
            0 => format!("{}사회적경제지원센터 {stem}분소", d.name),
            1 => format!("{}마을공동체지원센터 {stem}", d.name),
            _ => format!("{} {stem} 협동조합지원센터", d.short()),
        },
    };
    let is_coop = base.ends_with("협동조합");
    let display = if kind == EntryKind::Enterprise && !is_coop && rng.chance(30) {
        if rng.chance(65) {
            format!("{}{base}", rng.pick(words::MARKERS_BEFORE))
        } else {
            format!("{base}{}", rng.pick(words::MARKERS_AFTER))
        }
    } else if kind == EntryKind::Partner && rng.chance(30) {
        format!("(재){base}")
    } else {
        base.clone()
    };
    (display, base)
}

/// Up to two aliases that differ from the name and from each other.
fn aliases_of(rng: &mut Rng, display: &str, base: &str) -> Vec<(String, AliasType)> {
    let mut candidates: Vec<(String, AliasType)> = Vec::new();
    if let Some(stem) = base.strip_suffix(" 사회적협동조합") {
        candidates.push((format!("{stem} 사협"), AliasType::Abbreviation));
    } else if let Some(stem) = base.strip_suffix(" 협동조합") {
        candidates.push((format!("{stem}협동"), AliasType::Abbreviation));
    }
    if base != display {
        candidates.push((base.to_string(), AliasType::Other));
    }
    candidates.push((words::romanize(base), AliasType::Romanization));
    let chars: Vec<char> = base.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() >= 4 {
        let cut = chars.len() / 2;
        let spaced: String = chars[..cut]
            .iter()
            .chain([' '].iter())
            .chain(&chars[cut..])
            .collect();
        candidates.push((spaced, AliasType::Misspelling));
        candidates.push((
            format!(
                "구 {}{}",
                words::stem(rng),
                chars[cut..].iter().collect::<String>()
            ),
            AliasType::FormerName,
        ));
    }
    let mut seen = HashSet::from([display.to_string()]);
    let mut out = Vec::new();
    while out.len() < 2 && !candidates.is_empty() {
        let (name, kind) = candidates.remove(rng.below(candidates.len()));
        if seen.insert(name.clone()) {
            out.push((name, kind));
        }
    }
    out
}

fn description(rng: &mut Rng, kind: EntryKind, d: &District, base: &str) -> String {
    let field = rng.pick(words::SERVICE_FIELDS);
    let first = match kind {
        EntryKind::Enterprise => format!(
            "{} {field} 분야의 사회적경제기업으로 지역 주민을 고용해 제품과 서비스를 만든다.",
            d.name
        ),
        EntryKind::Outlet => format!(
            "{}의 사회적경제기업 제품을 모아 파는 판로로 {}개 기업이 입점해 있다.",
            d.name,
            rng.range(3, 60)
        ),
        EntryKind::Partner => format!("{field} 분야에서 사회적경제 조직을 후원하는 협력기관이다."),
        EntryKind::Program => format!("{field} 분야 사회적경제기업의 성장을 돕는 프로그램이다."),
        EntryKind::Place => format!("{} 주민과 사회적경제기업이 함께 쓰는 공간이다.", d.name),
        EntryKind::Center | EntryKind::District => {
            format!(
                "{}의 사회적경제 조직을 발굴하고 판로와 교육을 지원한다.",
                d.name
            )
        }
    };
    if rng.chance(50) {
        format!("{first} {}", rng.pick(words::FILLER))
    } else if rng.chance(30) {
        format!("{first} {base} 대표는 {}이다.", words::person(rng))
    } else {
        first
    }
}

/// Builds entry number `seq` of `kind` with id `id`; `slugs` keeps slugs unique.
pub fn plan_entry(
    rng: &mut Rng,
    kind: EntryKind,
    id: i64,
    seq: usize,
    d: &District,
    slugs: &mut HashSet<String>,
) -> Planned {
    let (name, base) = name_of(rng, kind, d, seq);
    let mut slug = Slug::from_name(&name).as_str().to_string();
    if !slugs.insert(slug.clone()) {
        slug = format!("{slug}-{id}");
        slugs.insert(slug.clone());
    }
    let aliases = aliases_of(rng, &name, &base);
    let status = match rng.below(100) {
        0..85 => EntryStatus::Active,
        85..95 => EntryStatus::Closed,
        _ => EntryStatus::Unknown,
    };
    let created = timestamp(rng);
    let updated = created + Duration::seconds(rng.range(0, 200 * 86_400));
    let address = format!(
        "서울특별시 {} {} {}{}",
        d.name,
        rng.pick(words::ROADS),
        rng.range(1, 400),
        if rng.chance(40) {
            format!(", {}층", rng.range(1, 9))
        } else {
            String::new()
        }
    );
    let website = rng.chance(30).then(|| {
        let host: String = words::romanize(&base)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .flat_map(char::to_lowercase)
            .collect();
        format!("https://{host}.example.kr")
    });
    let entry = entry::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().into()),
        slug: Set(slug.clone()),
        name: Set(name.clone()),
        name_key: Set(crate::domain::name_key(&name)),
        name_en: Set(rng.chance(60).then(|| words::romanize(&base))),
        description: Set(Some(description(rng, kind, d, &base))),
        address: Set(Some(address)),
        lat: Set(Some(d.lat + (rng.unit() - 0.5) * 0.02)),
        lng: Set(Some(d.lng + (rng.unit() - 0.5) * 0.025)),
        district_id: Set(Some(d.id)),
        website: Set(website),
        phone: Set(rng
            .chance(50)
            .then(|| format!("02-{}-{:04}", rng.range(200, 9999), rng.range(0, 9999)))),
        email: Set(None),
        status: Set(status.as_str().into()),
        founded_on: Set(rng.chance(70).then(|| date_between(rng, 2005, 2024))),
        last_verified_on: Set(rng.chance(80).then(|| date_between(rng, 2019, 2025))),
        source: Set(Some(crate::bench::generate::SOURCE.into())),
        created_at: Set(created),
        updated_at: Set(updated),
        version: Set(1),
    };
    Planned {
        entry,
        id,
        kind,
        slug,
        base,
        aliases,
    }
}

/// A valid business registration number, `123-45-67890` (check digit computed).
pub fn biz_reg_no(rng: &mut Rng) -> String {
    const WEIGHTS: [u64; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];
    let d: Vec<u64> = (0..9).map(|_| rng.next_u64() % 10).collect();
    let sum: u64 = d.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum::<u64>() + d[8] * 5 / 10;
    let check = (10 - sum % 10) % 10;
    let s: String = d.iter().chain([check].iter()).map(u64::to_string).collect();
    format!("{}-{}-{}", &s[..3], &s[3..5], &s[5..])
}

/// Certification details of an enterprise; `serials` hands out 인증번호 per year, skipping
/// those in `taken` (numbers already in the database).
pub fn enterprise_details(
    rng: &mut Rng,
    p: &Planned,
    serials: &mut HashMap<i32, u32>,
    taken: &HashSet<String>,
) -> enterprise_detail::ActiveModel {
    let cert_type = if p.base.ends_with("사회적협동조합") {
        CertType::SocialCooperative
    } else if p.base.ends_with("협동조합") {
        CertType::Cooperative
    } else {
        *rng.pick(&[
            CertType::Certified,
            CertType::Certified,
            CertType::Certified,
            CertType::PreRegional,
            CertType::PreRegional,
            CertType::PreMinistry,
            CertType::Village,
            CertType::SelfSufficiency,
            CertType::SocialVenture,
            CertType::General,
        ])
    };
    let certified = cert_type == CertType::Certified;
    let cert_date = date_between(rng, 2007, 2025);
    let cert_no = certified.then(|| {
        let year = chrono::Datelike::year(&cert_date);
        let serial = serials.entry(year).or_insert(0);
        loop {
            *serial += 1;
            let no = format!("제{year}-{:03}호", serial);
            if !taken.contains(&no) {
                break no;
            }
        }
    });
    let purpose = matches!(
        cert_type,
        CertType::Certified | CertType::PreRegional | CertType::PreMinistry
    )
    .then(|| rng.pick(SocialPurpose::ALL).as_str().to_string());
    let field = rng.pick(words::SERVICE_FIELDS);
    enterprise_detail::ActiveModel {
        entry_id: Set(p.id),
        cert_type: Set(cert_type.as_str().into()),
        cert_no: Set(cert_no),
        biz_reg_no: Set(rng.chance(90).then(|| biz_reg_no(rng))),
        cert_date: Set(certified.then_some(cert_date)),
        cert_round: Set(certified.then(|| rng.range(1, 40) as i32)),
        representative: Set(Some(words::person(rng))),
        service_field: Set(Some((*field).to_string())),
        social_purpose: Set(purpose),
        business: Set(Some(format!("{field} 관련 제품 생산과 서비스 제공"))),
    }
}
