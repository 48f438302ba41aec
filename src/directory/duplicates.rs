//! Likely duplicates, checked before an entry is saved: the same 인증번호 or 사업자등록번호;
//! the same name key (company-form markers and spacing folded) in the same district; or a
//! similar name within 200 m.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::directory::input::{DraftDetails, EntryDraft};
use crate::domain::name_key;
use crate::entities::{enterprise_detail, entry};
use crate::error::AppResult;

/// How close two places must be to count as "the same spot".
pub const NEARBY_METRES: f64 = 200.0;

/// One likely duplicate and why.
#[derive(Debug, Clone)]
pub struct DuplicateWarning {
    pub entry: entry::Model,
    pub reason: String,
}

/// Great-circle distance in metres (haversine on a 6,371 km sphere; within 0.5 % here).
pub fn distance_m(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let (dp, dl) = ((lat2 - lat1).to_radians(), (lng2 - lng1).to_radians());
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * a.sqrt().asin()
}

/// Levenshtein distance over characters (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// True when two name keys are close enough to ask (one contains the other, or at most one
/// edit per four characters).
pub fn similar(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shorter = a.chars().count().min(b.chars().count());
    (shorter >= 2 && (a.contains(b) || b.contains(a)))
        || edit_distance(a, b) <= (shorter / 4).clamp(1, 2)
}

/// Likely duplicates of `draft` (placed in `district_id`), other than `exclude` itself.
pub async fn find_duplicates(
    db: &impl ConnectionTrait,
    draft: &EntryDraft,
    district_id: Option<i64>,
    exclude: Option<i64>,
) -> AppResult<Vec<DuplicateWarning>> {
    let mut found: Vec<DuplicateWarning> = Vec::new();
    let push = |entry: entry::Model, reason: String, found: &mut Vec<DuplicateWarning>| {
        if Some(entry.id) != exclude && !found.iter().any(|w| w.entry.id == entry.id) {
            found.push(DuplicateWarning { entry, reason });
        }
    };

    if let DraftDetails::Enterprise {
        cert_no,
        biz_reg_no,
        ..
    } = &draft.details
    {
        let mut ids = Vec::new();
        if let Some(c) = cert_no {
            for d in enterprise_detail::Entity::find()
                .filter(enterprise_detail::Column::CertNo.eq(c.as_str()))
                .all(db)
                .await?
            {
                ids.push((d.entry_id, format!("인증번호 {c}가 같습니다")));
            }
        }
        if let Some(b) = biz_reg_no {
            for d in enterprise_detail::Entity::find()
                .filter(enterprise_detail::Column::BizRegNo.eq(b.to_string()))
                .all(db)
                .await?
            {
                ids.push((d.entry_id, format!("사업자등록번호 {b}가 같습니다")));
            }
        }
        for (id, reason) in ids {
            if let Some(e) = entry::Entity::find_by_id(id).one(db).await? {
                push(e, reason, &mut found);
            }
        }
    }

    let key = name_key(&draft.name);
    if !key.is_empty() {
        let mut same_name = entry::Entity::find().filter(entry::Column::NameKey.eq(key.as_str()));
        same_name = match district_id {
            Some(d) => same_name.filter(entry::Column::DistrictId.eq(d)),
            None => same_name.filter(entry::Column::DistrictId.is_null()),
        };
        for e in same_name.limit(20).all(db).await? {
            push(
                e,
                "같은 자치구에 이름이 같은 항목이 있습니다".into(),
                &mut found,
            );
        }
    }

    if let Some(here) = draft.location {
        // A bounding box of about ±220 m narrows the candidates before the exact distance.
        let (dlat, dlng) = (0.002, 0.0025);
        let nearby = entry::Entity::find()
            .filter(entry::Column::Lat.between(here.lat() - dlat, here.lat() + dlat))
            .filter(entry::Column::Lng.between(here.lng() - dlng, here.lng() + dlng))
            .limit(500)
            .all(db)
            .await?;
        for e in nearby {
            let (Some(lat), Some(lng)) = (e.lat, e.lng) else {
                continue;
            };
            let d = distance_m(here.lat(), here.lng(), lat, lng);
            if d <= NEARBY_METRES && similar(&key, &e.name_key) {
                push(
                    e,
                    format!("{d:.0} m 안에 비슷한 이름이 있습니다"),
                    &mut found,
                );
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_match_known_values() {
        // 성수역 → 서울숲: about 1.6 km.
        let d = distance_m(37.5446, 127.0557, 37.5444, 127.0374);
        assert!((1550.0..1680.0).contains(&d), "{d}");
    }

    #[test]
    fn similar_names() {
        assert!(similar("소영씨스토어", "소영씨스토어성수"));
        assert!(similar("바른참", "바른창"));
        assert!(!similar("바른참", "와디즈"));
        assert!(!similar("", "와디즈"));
    }
}
