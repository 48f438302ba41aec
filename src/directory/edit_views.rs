//! Views for editing the directory: the entry form (every kind), duplicate warnings, the
//! conflict page, the alias and link forms on the entry page, and the merge form.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::directory::duplicates::DuplicateWarning;
use crate::directory::input::EntryInput;
use crate::directory::views::entry_link;
use crate::directory::write::LinkInput;
use crate::domain::{
    AliasType, CenterMode, CertType, EntryKind, EntryStatus, LinkType, OutletChannel, SocialPurpose,
};
use crate::entities::entry;
use crate::web::form::{FieldErrors, confirm_controls, enum_options, input, select, textarea};
use crate::web::layout::{csrf_field, page};

/// New entry or editing an existing one.
pub enum FormMode<'a> {
    New,
    Edit(&'a entry::Model),
}

/// Everything the entry form shows.
pub struct EntryForm<'a> {
    pub kind: EntryKind,
    pub input: &'a EntryInput,
    pub errors: &'a FieldErrors,
    pub mode: FormMode<'a>,
    /// (code, name) of every district, for the district select.
    pub districts: &'a [(String, String)],
    pub warnings: &'a [DuplicateWarning],
    /// On a conflict: the stored (newer) values, to show next to what the user typed.
    pub theirs: Option<&'a EntryInput>,
}

fn kind_fields(f: &EntryForm<'_>) -> Markup {
    let i = f.input;
    let e = f.errors;
    html! {
        @match f.kind {
            EntryKind::District => {
                (input("행정구역 코드 (SIG_CD, 예: 11200)", "code", "text", &i.code, e))
                (input("인구", "population", "text", &i.population, e))
                (input("인구 기준 연도", "population_year", "text", &i.population_year, e))
                (input("면적 (km²)", "area_km2", "text", &i.area_km2, e))
            }
            EntryKind::Center => {
                (select("운영 방식", "operating_mode", &enum_options(CenterMode::ALL, CenterMode::as_str, CenterMode::label_ko, Some("—")), &i.operating_mode, e))
                (input("운영 기관 (이름 또는 주소)", "operator", "text", &i.operator, e))
                (input("센터장", "head", "text", &i.head, e))
                (input("개소일", "opened_on", "date", &i.opened_on, e))
                (input("종료일", "closed_on", "date", &i.closed_on, e))
                (input("중점 분야 (쉼표로 구분)", "focus_areas", "text", &i.focus_areas, e))
            }
            EntryKind::Enterprise => {
                (select("기업 유형", "cert_type", &enum_options(CertType::ALL, CertType::as_str, CertType::label_ko, Some("— 고르세요 —")), &i.cert_type, e))
                (input("인증번호 (예: 제2007-001호)", "cert_no", "text", &i.cert_no, e))
                (input("사업자등록번호 (예: 123-45-67890)", "biz_reg_no", "text", &i.biz_reg_no, e))
                (input("인증일", "cert_date", "text", &i.cert_date, e))
                (input("인증 회차", "cert_round", "text", &i.cert_round, e))
                (input("대표자", "representative", "text", &i.representative, e))
                (select("사회적 목적 유형", "social_purpose", &enum_options(SocialPurpose::ALL, SocialPurpose::as_str, SocialPurpose::label_ko, Some("—")), &i.social_purpose, e))
                (input("사회서비스 분야", "service_field", "text", &i.service_field, e))
                (textarea("사업 내용", "business", &i.business, e))
            }
            EntryKind::Outlet => {
                (select("판로 유형", "channel", &enum_options(OutletChannel::ALL, OutletChannel::as_str, OutletChannel::label_ko, Some("— 고르세요 —")), &i.channel, e))
                (input("운영 기관 (이름 또는 주소)", "operator", "text", &i.operator, e))
                (input("온라인 주소", "url", "text", &i.url, e))
            }
            EntryKind::Program => {
                (input("후원·운영 기관 (이름 또는 주소)", "sponsor", "text", &i.sponsor, e))
                (input("기간 (예: 2023년 하반기)", "period", "text", &i.period, e))
                (input("시작일", "starts_on", "date", &i.starts_on, e))
                (input("종료일", "ends_on", "date", &i.ends_on, e))
            }
            EntryKind::Partner | EntryKind::Place => {}
        }
    }
}

/// Rows where the stored value differs from what the user typed.
fn conflict_diff(theirs: &EntryInput, mine: &EntryInput) -> Vec<(String, String, String)> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(theirs), serde_json::to_value(mine))
    else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, _)| !matches!(k.as_str(), "version" | "confirm_duplicates" | "kind"))
        .filter_map(|(k, v)| {
            let (t, m) = (
                v.as_str().unwrap_or_default(),
                b.get(k).and_then(|x| x.as_str()).unwrap_or_default(),
            );
            (t.trim() != m.trim()).then(|| (k.clone(), t.to_string(), m.to_string()))
        })
        .collect()
}

/// `GET /entries/new`, `GET /e/{slug}/edit`, and their re-rendering after a failed save.
pub fn entry_form_page(ctx: &Ctx, f: &EntryForm<'_>) -> Markup {
    let i = f.input;
    let e = f.errors;
    let (title, action) = match f.mode {
        FormMode::New => (
            format!("새 {} 등록", f.kind.label_ko()),
            "/entries".to_string(),
        ),
        FormMode::Edit(entry) => (
            format!("{} 수정", entry.name),
            format!("/e/{}/edit", entry.slug),
        ),
    };
    let mut districts = vec![(String::new(), "— 없음 —".to_string())];
    districts.extend(
        f.districts
            .iter()
            .map(|(c, n)| (c.clone(), format!("{n} ({c})"))),
    );
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            @if let Some(theirs) = f.theirs {
                div.notice.warn role="alert" {
                    p { strong { "다른 사람이 먼저 이 항목을 고쳤습니다." } " 아래 입력한 내용은 그대로 남아 있습니다. 저장된 값과 비교한 뒤 다시 저장하세요. (Someone saved a newer version.)" }
                    table {
                        thead { tr { th { "항목" } th { "저장된 값" } th { "입력한 값" } } }
                        tbody { @for (field, t, m) in conflict_diff(theirs, i) { tr { td { code { (field) } } td { (t) } td { (m) } } } }
                    }
                }
            }
            @if !f.warnings.is_empty() {
                div.notice.warn role="alert" {
                    p { strong { "이미 등록된 항목일 수 있습니다." } " 확인한 뒤 같은 항목이 아니면 아래에서 ‘중복이 아님’을 고르고 다시 저장하세요." }
                    ul.plain { @for w in f.warnings { li { (entry_link(&w.entry)) " — " (w.reason) } } }
                }
            }
            form.stacked method="post" action=(action) {
                (csrf_field(ctx))
                input type="hidden" name="kind" value=(f.kind.as_str());
                input type="hidden" name="version" value=(i.version);
                (input("이름", "name", "text", &i.name, e))
                (input("영문 이름", "name_en", "text", &i.name_en, e))
                (input("주소(slug, 비우면 이름으로 만듭니다)", "slug", "text", &i.slug, e))
                (textarea("설명", "description", &i.description, e))
                (select("자치구", "district", &districts, &i.district, e))
                (input("주소", "address", "text", &i.address, e))
                (input("위도 (예: 37.5444)", "lat", "text", &i.lat, e))
                (input("경도 (예: 127.0374)", "lng", "text", &i.lng, e))
                (input("웹사이트", "website", "text", &i.website, e))
                (input("전화", "phone", "text", &i.phone, e))
                (input("이메일", "email", "text", &i.email, e))
                (select("상태", "status", &enum_options(EntryStatus::ALL, EntryStatus::as_str, EntryStatus::label_ko, None), &i.status, e))
                (input("설립·개소일", "founded_on", "text", &i.founded_on, e))
                (input("최근 확인일", "last_verified_on", "text", &i.last_verified_on, e))
                (kind_fields(f))
                (textarea("출처", "source", &i.source, e))
                @if !f.warnings.is_empty() {
                    label.check { input type="checkbox" name="confirm_duplicates" value="1"; span { "중복이 아닙니다. 그대로 저장합니다." } }
                }
                div { button type="submit" { "저장" } }
            }
        },
    )
}

/// What the alias and link forms on an entry page show again after a failed submit.
#[derive(Debug, Default)]
pub struct EditPanel {
    pub alias_name: String,
    pub alias_type: String,
    pub alias_errors: FieldErrors,
    pub link: LinkInput,
    pub link_errors: FieldErrors,
}

/// Editing controls on the entry page (editors; delete and merge for admins).
pub fn edit_panel(ctx: &Ctx, e: &entry::Model, panel: &EditPanel, is_admin: bool) -> Markup {
    let link_types: Vec<(String, String)> = LinkType::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                format!("{} / {}", t.label_ko(), t.reverse_label_ko()),
            )
        })
        .collect();
    let directions = vec![
        (
            "out".to_string(),
            "이 항목 → 다른 항목 (예: 운영)".to_string(),
        ),
        (
            "in".to_string(),
            "다른 항목 → 이 항목 (예: 운영 주체)".to_string(),
        ),
    ];
    html! {
        section.edit-panel {
            h2 { "편집 " span.en { "Edit" } }
            div.inline-actions {
                a.button href={ "/e/" (e.slug) "/edit" } { "정보 수정" } " "
                @if e.status != EntryStatus::Closed.as_str() {
                    form.inline method="post" action={ "/e/" (e.slug) "/archive" } {
                        (csrf_field(ctx)) button type="submit" { "종료로 표시 (보관)" }
                    }
                }
                @if is_admin {
                    " " a href={ "/e/" (e.slug) "/merge" } { "다른 항목과 합치기" } " "
                    a href={ "/e/" (e.slug) "/delete" } { "삭제" }
                }
            }
            h3 { "별칭 추가" }
            form.stacked method="post" action={ "/e/" (e.slug) "/aliases" } {
                (csrf_field(ctx))
                (input("별칭", "alias_name", "text", &panel.alias_name, &panel.alias_errors))
                (select("종류", "alias_type", &enum_options(AliasType::ALL, AliasType::as_str, AliasType::label_ko, None), &panel.alias_type, &panel.alias_errors))
                div { button type="submit" { "별칭 추가" } }
            }
            h3 { "연결 추가" }
            form.stacked method="post" action={ "/e/" (e.slug) "/links" } {
                (csrf_field(ctx))
                (select("종류", "link_type", &link_types, &panel.link.link_type, &panel.link_errors))
                (select("방향", "direction", &directions, &panel.link.direction, &panel.link_errors))
                (input("연결할 항목 (이름, 별칭 또는 주소)", "other", "text", &panel.link.other, &panel.link_errors))
                (input("시작일 (선택)", "since", "text", &panel.link.since, &panel.link_errors))
                (input("출처 (선택)", "source", "text", &panel.link.source, &panel.link_errors))
                div { button type="submit" { "연결 추가" } }
            }
        }
    }
}

/// `GET /e/{slug}/delete`: what deleting the entry would take with it, the gentler ways
/// (archive, merge), and a form that deletes only with its box ticked.
pub fn delete_page(
    ctx: &Ctx,
    e: &entry::Model,
    impact: &crate::directory::write::DeletionImpact,
    errors: &FieldErrors,
) -> Markup {
    let lines: [(u64, &str, &str); 7] = [
        (impact.aliases, "별칭", "가 지워집니다."),
        (impact.links, "다른 항목과의 연결", "가 지워집니다."),
        (
            impact.report_roles,
            "보고서의 ‘방문한 곳’·‘방문한 기관’ 표시",
            "가 사라집니다.",
        ),
        (
            impact.stops,
            "탐방 일정",
            "는 이 항목의 이름을 글로 남기고 링크만 잃습니다.",
        ),
        (
            impact.mentions,
            "보고서 본문의 언급",
            "는 글로 남고 링크만 잃습니다.",
        ),
        (impact.takeaways, "할 일", "는 관련 항목 없이 남습니다."),
        (
            impact.in_district,
            "이 자치구의 항목",
            "는 자치구 없이 남습니다.",
        ),
    ];
    page(
        ctx,
        "항목 삭제",
        html! {
            h1 { "‘" (e.name) "’ 삭제 " span.en { "Delete" } }
            p { "삭제는 되돌릴 수 없습니다. 변경 기록에는 남지만 이 항목의 페이지와 주소는 사라집니다." }
            ul {
                @for (n, what, then) in lines {
                    @if n > 0 { li { (what) " " strong { (crate::web::format::thousands(n)) "개" } (then) } }
                }
            }
            p {
                "문을 닫았거나 더 이상 활동하지 않는 곳이면 삭제 대신 ‘종료로 표시 (보관)’을, 같은 곳이 두 번 등록되었다면 "
                a href={ "/e/" (e.slug) "/merge" } { "다른 항목과 합치기" }
                "를 쓰세요. 합치면 별칭, 연결, 보고서와 언급이 남는 항목으로 옮겨집니다."
            }
            form.stacked method="post" action={ "/e/" (e.slug) "/delete" } {
                (csrf_field(ctx))
                (confirm_controls(ctx, html! { "위 내용을 확인했습니다. ‘" (e.name) "’ 항목을 삭제합니다." }, errors, &format!("/e/{}", e.slug)))
            }
        },
    )
}

/// `GET /e/{slug}/merge`
pub fn merge_page(ctx: &Ctx, survivor: &entry::Model, other: &str, errors: &FieldErrors) -> Markup {
    page(
        ctx,
        "항목 합치기",
        html! {
            h1 { "항목 합치기 " span.en { "Merge" } }
            p { (entry_link(survivor)) " 항목에 다른 항목을 합칩니다. 다른 항목의 별칭, 연결, 보고서 언급과 변경 기록이 모두 이 항목으로 옮겨지고, 다른 항목의 이름은 별칭으로 남습니다. 되돌릴 수 없습니다." }
            form.stacked method="post" action={ "/e/" (survivor.slug) "/merge" } {
                (csrf_field(ctx))
                (input("합칠 항목 (이름, 별칭 또는 주소)", "other", "text", other, errors))
                div { button type="submit" { "합치기" } }
            }
        },
    )
}
