//! String-backed enums stored in the database and shown in forms.
//!
//! Each variant has a stable stored string (never change it: rows and URLs depend on it), a
//! Korean label and an English label. One macro generates them all so that parsing, display,
//! serde and label lookup behave identically for every kind.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

/// A stored string that names no variant of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("알 수 없는 값입니다 ({what}): \"{value}\"")]
pub struct UnknownValue {
    /// Which kind was expected, e.g. `"entry kind"`.
    pub what: &'static str,
    /// The rejected input, as given.
    pub value: String,
}

/// Folds a label for lenient comparison: compatibility forms (full-width letters and
/// parentheses) become plain ones, whitespace disappears and letters are lowercased. Lists
/// from public bodies write "일자리 제공형" and "일자리제공형", "（지역형）" and "(지역형)".
fn fold_label(s: &str) -> String {
    let fold = |chars: &mut dyn Iterator<Item = char>| -> String {
        chars
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    // Labels without compatibility forms (the quick check says so) skip the NFKC pass.
    match unicode_normalization::is_nfkc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => fold(&mut s.chars()),
        _ => fold(&mut s.nfkc()),
    }
}

/// Deserializes any kind from its stable string without an intermediate allocation.
struct StableStrVisitor<T>(PhantomData<T>);

impl<T> serde::de::Visitor<'_> for StableStrVisitor<T>
where
    T: FromStr<Err = UnknownValue>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stable string value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// Declares a string-backed enum. Each variant is
/// `Variant = "stable", "한국어", "English"` optionally followed by `also ["alias", …]`:
/// extra spellings `from_label` accepts (seen in public lists) that are not display labels.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $what:literal {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $stable:literal, $ko:literal, $en:literal
                $(, also [$($alias:literal),* $(,)?])?
            );+ $(;)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in the order forms and filters list them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable string stored in the database and used in URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $stable,)+ }
            }

            /// The Korean label shown in the interface.
            pub fn label_ko(self) -> &'static str {
                match self { $(Self::$variant => $ko,)+ }
            }

            /// The English label shown in the interface and in exports.
            pub fn label_en(self) -> &'static str {
                match self { $(Self::$variant => $en,)+ }
            }

            /// Finds the variant named by its stable string, Korean label or English label
            /// (and a few spellings used in public lists). Case and whitespace are ignored,
            /// because imported spreadsheets are inconsistent about both.
            pub fn from_label(s: &str) -> Option<Self> {
                // Every label folded once per process, in the order of `ALL` (an import asks
                // for several kinds on every row).
                static FOLDED: std::sync::OnceLock<Vec<(String, $name)>> =
                    std::sync::OnceLock::new();
                let wanted = fold_label(s);
                if wanted.is_empty() {
                    return None;
                }
                FOLDED
                    .get_or_init(|| {
                        Self::ALL
                            .iter()
                            .flat_map(|&v| {
                                [v.as_str(), v.label_ko(), v.label_en()]
                                    .into_iter()
                                    .chain(v.aliases().iter().copied())
                                    .map(move |label| (fold_label(label), v))
                            })
                            .collect()
                    })
                    .iter()
                    .find(|(label, _)| *label == wanted)
                    .map(|&(_, v)| v)
            }

            /// Extra spellings accepted by `from_label`.
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($($alias),*)?],)+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            /// Accepts exactly the stable string; labels go through `from_label`.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownValue { what: $what, value: s.to_owned() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(StableStrVisitor(PhantomData))
            }
        }
    };
}

string_enum! {
    /// What an entry of the directory is.
    pub enum EntryKind as "entry kind" {
        District = "district", "자치구", "District";
        Center = "center", "지원센터", "Support center";
        Enterprise = "enterprise", "사회적경제기업", "Enterprise";
        Outlet = "outlet", "판로", "Sales outlet";
        Partner = "partner", "협력기관", "Partner";
        Program = "program", "프로그램", "Program";
        Place = "place", "장소", "Place";
    }
}

impl EntryKind {
    /// The plural used in URL paths (`/centers/…`).
    pub fn plural(self) -> &'static str {
        match self {
            Self::District => "districts",
            Self::Center => "centers",
            Self::Enterprise => "enterprises",
            Self::Outlet => "outlets",
            Self::Partner => "partners",
            Self::Program => "programs",
            Self::Place => "places",
        }
    }

    /// The kind whose URL plural is exactly `s`.
    pub fn from_plural(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.plural() == s)
    }
}

string_enum! {
    /// Whether an entry still operates.
    pub enum EntryStatus as "entry status" {
        Active = "active", "운영 중", "Active";
        Closed = "closed", "종료", "Closed";
        Unknown = "unknown", "확인 필요", "Unknown";
    }
}

string_enum! {
    /// Legal or certification type of an enterprise.
    pub enum CertType as "certification type" {
        Certified = "certified", "인증 사회적기업", "Certified social enterprise",
            also ["사회적기업"];
        PreRegional = "pre_regional", "예비사회적기업(지역형)", "Pre-certified (regional)",
            also ["지역형 예비사회적기업", "예비사회적기업 지역형"];
        PreMinistry = "pre_ministry", "예비사회적기업(부처형)", "Pre-certified (ministry)",
            also ["부처형 예비사회적기업", "예비사회적기업 부처형"];
        Cooperative = "cooperative", "협동조합", "Cooperative";
        SocialCooperative = "social_cooperative", "사회적협동조합", "Social cooperative";
        Village = "village", "마을기업", "Village enterprise";
        SelfSufficiency = "self_sufficiency", "자활기업", "Self-sufficiency enterprise";
        SocialVenture = "social_venture", "소셜벤처", "Social venture";
        General = "general", "일반기업", "General company";
    }
}

string_enum! {
    /// The social purpose type a certified social enterprise was certified under.
    pub enum SocialPurpose as "social purpose" {
        Jobs = "jobs", "일자리제공형", "Job creation";
        Services = "services", "사회서비스제공형", "Social services";
        Community = "community", "지역사회공헌형", "Community contribution";
        Mixed = "mixed", "혼합형", "Mixed";
        Creative = "creative", "창의혁신형", "Creative innovation";
        Other = "other", "기타형", "Other";
    }
}

string_enum! {
    /// How an outlet sells.
    pub enum OutletChannel as "outlet channel" {
        OfflineStore = "offline_store", "오프라인 매장", "Offline store";
        OnlineMall = "online_mall", "온라인몰", "Online mall";
        Crowdfunding = "crowdfunding", "크라우드펀딩", "Crowdfunding";
        JointShop = "joint_shop", "공동판매장", "Joint sales shop";
        Popup = "popup", "팝업스토어", "Pop-up store";
        PublicProcurement = "public_procurement", "공공구매", "Public procurement";
    }
}

string_enum! {
    /// How a support center is run.
    pub enum CenterMode as "center mode" {
        Consigned = "consigned", "위탁", "Consigned";
        Direct = "direct", "직영", "Directly run";
    }
}

string_enum! {
    /// Why an alias exists; the mention matcher trusts some types more than others.
    pub enum AliasType as "alias type" {
        Abbreviation = "abbreviation", "약칭", "Abbreviation";
        FormerName = "former_name", "옛 이름", "Former name";
        Romanization = "romanization", "로마자 표기", "Romanization";
        Misspelling = "misspelling", "흔한 오기", "Common misspelling";
        Other = "other", "기타", "Other";
    }
}

string_enum! {
    /// A typed relation from one entry to another. The labels read forward (from the source
    /// entry's page); the reverse labels read from the target entry's page.
    pub enum LinkType as "link type" {
        Operates = "operates", "운영", "operates";
        SellsAt = "sells_at", "입점 판로", "sells at";
        Runs = "runs", "운영 프로그램", "runs";
        Funds = "funds", "후원", "funds";
        ParticipatesIn = "participates_in", "참여", "participates in";
        Supports = "supports", "지원", "supports";
        MemberOf = "member_of", "소속", "member of";
        LocatedIn = "located_in", "위치", "located in";
        PartnersWith = "partners_with", "협력", "partners with";
    }
}

impl LinkType {
    /// The Korean label seen from the target entry (오엠인터렉트 operates 소영씨스토어, so the
    /// store's page lists 오엠인터렉트 under "운영 주체").
    pub fn reverse_label_ko(self) -> &'static str {
        match self {
            Self::Operates => "운영 주체",
            Self::SellsAt => "입점 기업",
            Self::Runs => "운영 기관",
            Self::Funds => "후원 기관",
            Self::ParticipatesIn => "참여 기업",
            Self::Supports => "지원 기관",
            Self::MemberOf => "회원",
            Self::LocatedIn => "이곳의 장소",
            Self::PartnersWith => "협력",
        }
    }

    /// The English label seen from the target entry.
    pub fn reverse_label_en(self) -> &'static str {
        match self {
            Self::Operates => "operated by",
            Self::SellsAt => "sellers",
            Self::Runs => "run by",
            Self::Funds => "funded by",
            Self::ParticipatesIn => "participants",
            Self::Supports => "supported by",
            Self::MemberOf => "members",
            Self::LocatedIn => "places here",
            Self::PartnersWith => "partners with",
        }
    }
}

string_enum! {
    /// Review state of a mention found in a report.
    pub enum MentionState as "mention state" {
        Suggested = "suggested", "제안", "Suggested";
        Confirmed = "confirmed", "확인", "Confirmed";
        Rejected = "rejected", "거절", "Rejected";
    }
}

string_enum! {
    /// How a mention was found.
    pub enum MentionMethod as "mention method" {
        ExactName = "exact_name", "이름 일치", "Exact name";
        Alias = "alias", "별칭", "Alias";
        AbbreviationRule = "abbreviation_rule", "약칭 규칙", "Abbreviation rule";
        Fuzzy = "fuzzy", "유사 일치", "Fuzzy";
        Manual = "manual", "직접 연결", "Manual";
    }
}

string_enum! {
    /// Publication state of a visit report.
    pub enum ReportState as "report state" {
        Planned = "planned", "예정", "Planned";
        Draft = "draft", "초안", "Draft";
        Published = "published", "공개", "Published";
    }
}

string_enum! {
    /// What a user may do.
    pub enum Role as "role" {
        Admin = "admin", "관리자", "Admin";
        Editor = "editor", "편집자", "Editor";
        Viewer = "viewer", "열람자", "Viewer";
    }
}

impl Role {
    /// Privilege level, so that checks read "at least editor": viewer 1 < editor 2 < admin 3.
    pub fn rank(self) -> u8 {
        match self {
            Role::Viewer => 1,
            Role::Editor => 2,
            Role::Admin => 3,
        }
    }
}

string_enum! {
    /// The kind of change recorded in the audit trail.
    pub enum AuditAction as "audit action" {
        Create = "create", "생성", "Created";
        Update = "update", "수정", "Updated";
        Delete = "delete", "삭제", "Deleted";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the same contract checks on every kind, so adding a kind adds its tests.
    macro_rules! check_every_kind {
        ($($kind:ty),+ $(,)?) => {$({
            let all = <$kind>::ALL;
            assert!(!all.is_empty());
            for (i, &v) in all.iter().enumerate() {
                // Stable string round-trips through FromStr, Display and serde.
                assert_eq!(v.as_str().parse::<$kind>(), Ok(v));
                assert_eq!(v.to_string(), v.as_str());
                let json = serde_json::to_string(&v).expect("serialize");
                assert_eq!(json, format!("\"{}\"", v.as_str()));
                assert_eq!(serde_json::from_str::<$kind>(&json).expect("deserialize"), v);
                // Every label and its lenient spellings lead back to the variant.
                for label in [v.as_str(), v.label_ko(), v.label_en()] {
                    assert_eq!(<$kind>::from_label(label), Some(v), "{label}");
                }
                assert_eq!(<$kind>::from_label(&v.label_en().to_uppercase()), Some(v));
                let spaced: String = v.label_ko().chars().flat_map(|c| [c, ' ']).collect();
                assert_eq!(<$kind>::from_label(&format!(" {spaced}")), Some(v));
                // No label of one variant may fold onto another variant's label.
                for &other in &all[i + 1..] {
                    for a in [v.as_str(), v.label_ko(), v.label_en()].iter().chain(v.aliases()) {
                        for b in [other.as_str(), other.label_ko(), other.label_en()]
                            .iter()
                            .chain(other.aliases())
                        {
                            assert_ne!(fold_label(a), fold_label(b), "{v:?} vs {other:?}");
                        }
                    }
                }
            }
            // Declaration order is the sort order.
            assert!(all.windows(2).all(|w| w[0] < w[1]));
            // Garbage is rejected everywhere.
            for bad in ["", " ", "xyz", "알수없음"] {
                assert!(bad.parse::<$kind>().is_err());
                assert_eq!(<$kind>::from_label(bad), None);
            }
            assert!(serde_json::from_str::<$kind>("\"xyz\"").is_err());
            assert!(serde_json::from_str::<$kind>("1").is_err());
        })+};
    }

    #[test]
    fn every_kind_honours_the_contract() {
        check_every_kind!(
            EntryKind,
            EntryStatus,
            CertType,
            SocialPurpose,
            OutletChannel,
            CenterMode,
            AliasType,
            LinkType,
            MentionState,
            MentionMethod,
            ReportState,
            Role,
            AuditAction,
        );
    }

    #[test]
    fn from_str_accepts_only_the_stable_string() {
        assert_eq!("sells_at".parse(), Ok(LinkType::SellsAt));
        assert!("Sells_At".parse::<LinkType>().is_err());
        assert!(" sells_at".parse::<LinkType>().is_err());
        assert!("입점 판로".parse::<LinkType>().is_err());
    }

    #[test]
    fn unknown_value_message_is_korean() {
        let err = "xyz".parse::<EntryKind>().unwrap_err();
        assert_eq!(
            err,
            UnknownValue {
                what: "entry kind",
                value: "xyz".into()
            }
        );
        assert_eq!(err.to_string(), "알 수 없는 값입니다 (entry kind): \"xyz\"");
    }

    #[test]
    fn entry_kind_plurals() {
        assert_eq!(EntryKind::Center.plural(), "centers");
        assert_eq!(
            EntryKind::from_plural("enterprises"),
            Some(EntryKind::Enterprise)
        );
        for &k in EntryKind::ALL {
            assert_eq!(EntryKind::from_plural(k.plural()), Some(k));
        }
        assert_eq!(EntryKind::from_plural("center"), None);
        assert_eq!(EntryKind::from_plural(""), None);
    }

    #[test]
    fn labels_from_public_lists_parse() {
        assert_eq!(
            SocialPurpose::from_label("혼합형"),
            Some(SocialPurpose::Mixed)
        );
        assert_eq!(
            SocialPurpose::from_label("일자리 제공형"),
            Some(SocialPurpose::Jobs)
        );
        assert_eq!(
            SocialPurpose::from_label("사회서비스 제공형"),
            Some(SocialPurpose::Services)
        );
        assert_eq!(
            CertType::from_label("인증사회적기업"),
            Some(CertType::Certified)
        );
        assert_eq!(
            CertType::from_label("예비사회적기업(지역형)"),
            Some(CertType::PreRegional)
        );
        assert_eq!(
            CertType::from_label("예비사회적기업 （부처형）"),
            Some(CertType::PreMinistry)
        );
        assert_eq!(
            CertType::from_label("지역형 예비사회적기업"),
            Some(CertType::PreRegional)
        );
        assert_eq!(CertType::from_label("사협"), None);
    }

    #[test]
    fn english_labels_are_case_insensitive() {
        assert_eq!(
            OutletChannel::from_label("POP-UP STORE"),
            Some(OutletChannel::Popup)
        );
        assert_eq!(
            CenterMode::from_label("directly run"),
            Some(CenterMode::Direct)
        );
        assert_eq!(
            AuditAction::from_label("deleted"),
            Some(AuditAction::Delete)
        );
    }

    #[test]
    fn link_labels_read_both_ways() {
        assert_eq!(LinkType::Operates.label_ko(), "운영");
        assert_eq!(LinkType::Operates.reverse_label_ko(), "운영 주체");
        assert_eq!(LinkType::LocatedIn.reverse_label_en(), "places here");
        assert_eq!(
            LinkType::PartnersWith.reverse_label_en(),
            LinkType::PartnersWith.label_en()
        );
        for &l in LinkType::ALL {
            assert!(!l.reverse_label_ko().is_empty() && !l.reverse_label_en().is_empty());
        }
    }

    #[test]
    fn display_respects_padding() {
        assert_eq!(format!("{:<8}|", Role::Admin), "admin   |");
    }
}
