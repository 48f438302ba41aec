//! What a person reads for what the audit trail stores. The trail keeps the schema's names
//! (`outlet_details`, `channel`, `offline_store`) so that it stays exact across releases;
//! history lines show these Korean names instead, with the stored name kept as a tooltip.

use crate::domain::{
    AliasType, CenterMode, CertType, EntryKind, EntryStatus, LinkType, MentionMethod, MentionState,
    OutletChannel, ReportState, Role, SocialPurpose,
};

/// The Korean name of a table the trail records, or `None` for one it does not know.
pub fn table(table: &str) -> Option<&'static str> {
    Some(match table {
        "entries" => "항목",
        "district_details" => "자치구 정보",
        "center_details" => "지원센터 정보",
        "enterprise_details" => "기업 정보",
        "outlet_details" => "판로 정보",
        "program_details" => "프로그램 정보",
        "aliases" => "별칭",
        "links" => "연결",
        "reports" => "탐방 보고서",
        "report_entries" => "보고서의 기관",
        "report_stops" => "탐방 경로",
        "report_photos" => "사진",
        "report_participants" => "참가자",
        "takeaways" => "할 일",
        "mentions" => "언급",
        "users" => "사용자",
        "api_tokens" => "API 토큰",
        _ => return None,
    })
}

/// What a person reads for a change made by a process rather than a person (the actors of
/// `Actor::system`), or `None` for a signed-in user's e-mail and any other name.
pub fn actor(name: &str) -> Option<&'static str> {
    Some(match name {
        "cli" => "명령줄 (cli)",
        "demo" => "데모 데이터",
        "linker" => "자동 연결",
        "bench" => "벤치마크 데이터",
        _ => return None,
    })
}

/// The Korean name of `field` of `table` (the labels the edit forms use), or `None`.
pub fn field(table: &str, field: &str) -> Option<&'static str> {
    // Names that mean something else in one table come first.
    let special = match (table, field) {
        ("aliases", "name") => Some("별칭"),
        ("report_participants", "name") => Some("이름"),
        ("report_entries", "role") => Some("방문 관계"),
        // Not a column: the linker's line when a report's mentions came out different.
        ("reports", "mentions") => Some("언급"),
        ("users", "display_name") => Some("이름"),
        ("center_details", "operator_id") => Some("운영 기관"),
        ("outlet_details", "operator_id") => Some("운영 기관"),
        ("report_photos", "position") | ("report_stops", "position") => Some("순서"),
        ("takeaways", "position") | ("report_participants", "position") => Some("순서"),
        _ => None,
    };
    if special.is_some() {
        return special;
    }
    Some(match field {
        "id" => "번호",
        "entry_id" => "항목",
        "report_id" => "보고서",
        "kind" => "종류",
        "slug" => "주소(slug)",
        "name" => "이름",
        "name_en" => "영문 이름",
        "name_key" => "이름 비교 키",
        "description" => "설명",
        "address" => "주소",
        "lat" => "위도",
        "lng" => "경도",
        "district_id" => "자치구",
        "website" => "웹사이트",
        "phone" => "전화",
        "email" => "이메일",
        "status" => "상태",
        "founded_on" => "설립·개소일",
        "last_verified_on" => "최근 확인일",
        "source" => "출처",
        "created_at" => "만든 때",
        "updated_at" => "고친 때",
        "version" => "판",
        "code" => "행정구역 코드",
        "city" => "시·도",
        "kostat_code" => "통계청 코드",
        "population" => "인구",
        "population_year" => "인구 기준 연도",
        "area_km2" => "면적(km²)",
        "boundary_geojson" => "경계",
        "operating_mode" => "운영 방식",
        "head" => "센터장",
        "opened_on" => "개소일",
        "closed_on" => "종료일",
        "focus_areas" => "중점 분야",
        "cert_type" => "기업 유형",
        "cert_no" => "인증번호",
        "biz_reg_no" => "사업자등록번호",
        "cert_date" => "인증일",
        "cert_round" => "인증 회차",
        "representative" => "대표자",
        "service_field" => "사회서비스 분야",
        "social_purpose" => "사회적 목적 유형",
        "business" => "사업 내용",
        "channel" => "판로 유형",
        "url" => "온라인 주소",
        "sponsor_id" => "후원·운영 기관",
        "period" => "기간",
        "starts_on" => "시작일",
        "ends_on" => "종료일",
        "alias_type" => "종류",
        "from_id" => "연결하는 항목",
        "to_id" => "연결되는 항목",
        "link_type" => "연결 종류",
        "since" => "시작일",
        "until" => "종료일",
        "title" => "제목",
        "author" => "작성자",
        "published_on" => "작성일",
        "visited_at" => "탐방 일시",
        "state" => "상태",
        "participant_count" => "참가자 수",
        "body" => "본문",
        "source_url" => "원문 주소",
        "tags" => "태그",
        "created_by" => "만든 사람",
        "label" => "장소 이름",
        "at_time" => "시각",
        "note" => "메모",
        "file_name" => "파일 이름",
        "caption" => "설명",
        "credit" => "출처·촬영",
        "content_type" => "파일 형식",
        "byte_size" => "크기(바이트)",
        "data" => "사진 파일",
        "thumbnail" => "작은 사진",
        "thumb_width" => "작은 사진 너비",
        "thumb_height" => "작은 사진 높이",
        "sha256" => "파일 지문(SHA-256)",
        "width" => "너비",
        "height" => "높이",
        "lesson" => "배운 점",
        "owner" => "담당",
        "due_on" => "기한",
        "done" => "완료",
        "done_at" => "완료한 때",
        "affiliation" => "소속",
        "role" => "역할",
        "disabled" => "사용 중지",
        "password_hash" => "비밀번호",
        "password_changed_at" => "비밀번호 바꾼 때",
        "last_login_at" => "마지막 로그인",
        "start_char" => "본문 위치(시작)",
        "end_char" => "본문 위치(끝)",
        "surface" => "본문의 표기",
        "method" => "찾은 방법",
        "confidence" => "확신도",
        "candidate_kind" => "후보 종류",
        _ => return None,
    })
}

/// True when a field of that name holds an entry's id (shown as the entry's name): every
/// audited table names entries with these columns; `id` is always the row's own number.
pub fn refers_to_entry(field: &str) -> bool {
    matches!(
        field,
        "entry_id" | "operator_id" | "sponsor_id" | "district_id" | "from_id" | "to_id"
    )
}

/// The Korean label of a coded value stored in `field` of `table` (`offline_store` →
/// 오프라인 매장), or `None` when the field holds no code or the value is not one.
pub fn value(table: &str, field: &str, value: &str) -> Option<&'static str> {
    fn label<T: std::str::FromStr>(v: &str, ko: fn(T) -> &'static str) -> Option<&'static str> {
        v.parse::<T>().ok().map(ko)
    }
    match (table, field) {
        ("entries", "kind") | ("mentions", "candidate_kind") => label(value, EntryKind::label_ko),
        ("entries", "status") => label(value, EntryStatus::label_ko),
        ("enterprise_details", "cert_type") => label(value, CertType::label_ko),
        ("enterprise_details", "social_purpose") => label(value, SocialPurpose::label_ko),
        ("outlet_details", "channel") => label(value, OutletChannel::label_ko),
        ("center_details", "operating_mode") => label(value, CenterMode::label_ko),
        ("aliases", "alias_type") => label(value, AliasType::label_ko),
        ("links", "link_type") => label(value, LinkType::label_ko),
        ("reports", "state") => label(value, ReportState::label_ko),
        ("mentions", "state") => label(value, MentionState::label_ko),
        ("mentions", "method") => label(value, MentionMethod::label_ko),
        ("users", "role") => label(value, Role::label_ko),
        ("report_entries", "role") => match value {
            "host" => Some("방문한 곳"),
            "visitor" => Some("방문한 기관"),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fields_and_codes_read_in_korean() {
        assert_eq!(table("outlet_details"), Some("판로 정보"));
        assert_eq!(table("no_such_table"), None);
        assert_eq!(field("outlet_details", "channel"), Some("판로 유형"));
        assert_eq!(field("aliases", "name"), Some("별칭"));
        assert_eq!(field("entries", "name"), Some("이름"));
        assert_eq!(field("entries", "no_such_column"), None);
        assert_eq!(
            value("outlet_details", "channel", "offline_store"),
            Some("오프라인 매장")
        );
        assert_eq!(value("report_entries", "role", "host"), Some("방문한 곳"));
        // A value outside the code list, or a field that holds no code, stays as stored.
        assert_eq!(value("outlet_details", "channel", "teleport"), None);
        assert_eq!(value("entries", "name", "active"), None);
    }

    #[test]
    fn every_column_of_the_audited_tables_has_a_name() {
        use sea_orm::Iterable;

        fn check<E: sea_orm::EntityTrait>(e: E) {
            let t = e.table_name();
            assert!(table(t).is_some(), "table {t}");
            for c in E::Column::iter() {
                let c = sea_orm::IdenStatic::as_str(&c);
                assert!(field(t, c).is_some(), "{t}.{c}");
            }
        }
        use crate::entities::*;
        check(entry::Entity);
        check(district_detail::Entity);
        check(center_detail::Entity);
        check(enterprise_detail::Entity);
        check(outlet_detail::Entity);
        check(program_detail::Entity);
        check(alias::Entity);
        check(link::Entity);
        check(report::Entity);
        check(report_entry::Entity);
        check(report_stop::Entity);
        check(report_photo::Entity);
        check(report_participant::Entity);
        check(takeaway::Entity);
        check(mention::Entity);
        check(user::Entity);
    }
}
