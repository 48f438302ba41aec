//! `tambang import boundaries FILE.geojson`: district outlines into
//! `district_details.boundary_geojson`. The file must be WGS84 longitude/latitude (projected
//! files such as UTM-K, EPSG:5179, are refused: their metres would land in the ocean), and
//! every feature is matched by code *and* name — agencies' code systems overlap (the
//! statistics office's 11110 is 노원구, the Ministry of the Interior's 11110 is 종로구), so a
//! file in which one code and its name disagree with the directory is refused whole.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};
use serde_json::Value;

use crate::audit::{self, Actor};
use crate::domain::AuditAction;
use crate::entities::{district_detail, entry};
use crate::error::{AppError, AppResult};

/// Property names that hold a district code (SIG_CD first).
pub const CODE_PROPERTIES: &[&str] = &[
    "SIG_CD",
    "sig_cd",
    "SGG_CD",
    "sgg_cd",
    "code",
    "CODE",
    "sigungu_cd",
    "SIGUNGU_CD",
];
/// Property names that hold a district name.
pub const NAME_PROPERTIES: &[&str] = &[
    "SIG_KOR_NM",
    "sig_kor_nm",
    "SGG_NM",
    "sgg_nm",
    "sggnm",
    "name",
    "NAME",
    "SIGUNGU_NM",
    "sigungu_nm",
];

/// One feature of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub code: String,
    pub name: String,
    /// The GeoJSON geometry (Polygon or MultiPolygon), as stored.
    pub geometry: Value,
    pub points: usize,
}

/// Why a boundary file is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    #[error("GeoJSON으로 읽을 수 없습니다 (not valid GeoJSON): {0}")]
    NotJson(String),
    #[error("GeoJSON FeatureCollection이 아닙니다 (not a GeoJSON FeatureCollection)")]
    NotCollection,
    #[error(
        "{feature}번째 도형에 코드(SIG_CD 등) 또는 이름(SIG_KOR_NM 등) 속성이 없습니다 (feature {feature} has no code or name property)"
    )]
    NoCodeOrName { feature: usize },
    #[error(
        "{feature}번째 도형({name})이 Polygon/MultiPolygon이 아닙니다 (feature {feature} is not a polygon)"
    )]
    NotPolygon { feature: usize, name: String },
    #[error(
        "좌표가 경위도(WGS84)가 아닙니다: {name}의 좌표 ({x}, {y})는 투영 좌표(예: UTM-K, EPSG:5179)로 보입니다. WGS84(EPSG:4326)로 변환해 올려 주세요 (coordinates are not WGS84 longitude/latitude: ({x}, {y}) in {name} looks projected, e.g. UTM-K; convert to EPSG:4326)"
    )]
    Projected { name: String, x: f64, y: f64 },
    #[error(
        "코드와 이름이 맞지 않습니다: {}. 기관마다 코드 체계가 다릅니다(통계청 코드 11110은 노원구, 행정안전부 SIG_CD 11110은 종로구). 파일 전체를 받지 않았습니다 (codes and names disagree with the directory; the whole file was refused)",
        .0.join("; ")
    )]
    Mismatch(Vec<String>),
    #[error("같은 코드가 두 번 나옵니다: {0} (a code appears twice)")]
    Duplicate(String),
}

/// Reads the features of a GeoJSON FeatureCollection and checks its coordinates are WGS84.
pub fn parse(bytes: &[u8]) -> Result<Vec<Feature>, BoundaryError> {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| BoundaryError::NotJson(e.to_string()))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(BoundaryError::NotCollection);
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or(BoundaryError::NotCollection)?;
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties");
        let prop = |names: &[&str]| {
            names.iter().find_map(|n| {
                let v = props?.get(*n)?;
                let s = match v {
                    Value::String(s) => s.trim().to_string(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                (!s.is_empty()).then_some(s)
            })
        };
        let (Some(code), Some(name)) = (prop(CODE_PROPERTIES), prop(NAME_PROPERTIES)) else {
            return Err(BoundaryError::NoCodeOrName { feature: i + 1 });
        };
        let geometry = f.get("geometry").cloned().unwrap_or(Value::Null);
        let kind = geometry.get("type").and_then(Value::as_str);
        if !matches!(kind, Some("Polygon" | "MultiPolygon")) {
            return Err(BoundaryError::NotPolygon {
                feature: i + 1,
                name,
            });
        }
        let mut points = 0;
        let mut bad = None;
        visit_positions(geometry.get("coordinates"), &mut |x, y| {
            points += 1;
            if bad.is_none() && !((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)) {
                bad = Some((x, y));
            }
        });
        if let Some((x, y)) = bad {
            return Err(BoundaryError::Projected { name, x, y });
        }
        if points < 3 {
            return Err(BoundaryError::NotPolygon {
                feature: i + 1,
                name,
            });
        }
        out.push(Feature {
            code,
            name,
            geometry,
            points,
        });
    }
    Ok(out)
}

/// Calls `f(x, y)` for every position in nested coordinate arrays.
fn visit_positions(v: Option<&Value>, f: &mut impl FnMut(f64, f64)) {
    let Some(Value::Array(items)) = v else { return };
    if let (Some(x), Some(y)) = (
        items.first().and_then(Value::as_f64),
        items.get(1).and_then(Value::as_f64),
    ) {
        f(x, y);
        return;
    }
    for item in items {
        visit_positions(Some(item), f);
    }
}

/// A district of the directory: entry id, code, name.
pub type District = (i64, String, String);

/// Features matched to districts, the features of other places, and our districts the file
/// lacks.
#[derive(Debug, Default, PartialEq)]
pub struct Matched {
    pub matched: Vec<(i64, Feature)>,
    /// Features whose code is no district of the directory (e.g. other cities), by name.
    pub other: Vec<String>,
    /// Districts of the directory the file has no outline for, by name.
    pub missing: Vec<String>,
}

/// Matches features to districts by code and name. Names are compared without spaces; a
/// name may carry its city ("서울특별시 종로구").
pub fn match_districts(
    features: Vec<Feature>,
    districts: &[District],
) -> Result<Matched, BoundaryError> {
    let fold = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let by_code: HashMap<&str, &District> = districts.iter().map(|d| (d.1.as_str(), d)).collect();
    let mut seen = HashSet::new();
    let mut out = Matched::default();
    let mut mismatches = Vec::new();
    for f in features {
        if !seen.insert(f.code.clone()) {
            return Err(BoundaryError::Duplicate(f.code));
        }
        match by_code.get(f.code.as_str()) {
            Some((id, _, name)) => {
                let (theirs, ours) = (fold(&f.name), fold(name));
                if theirs == ours || theirs.ends_with(&ours) && theirs.starts_with("서울") {
                    out.matched.push((*id, f));
                } else {
                    mismatches.push(format!(
                        "{} = '{}' (파일 file) ≠ '{name}' (목록 directory)",
                        f.code, f.name
                    ));
                }
            }
            // Another city's district in a nationwide file (중구 is in six cities): not ours.
            None => out.other.push(f.name),
        }
    }
    if !mismatches.is_empty() {
        return Err(BoundaryError::Mismatch(mismatches));
    }
    let have: HashSet<i64> = out.matched.iter().map(|(id, _)| *id).collect();
    out.missing = districts
        .iter()
        .filter(|d| !have.contains(&d.0))
        .map(|d| d.2.clone())
        .collect();
    Ok(out)
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    pub other: Vec<String>,
    pub missing: Vec<String>,
}

/// Parses, matches and stores the outlines in one transaction (audited: the audit row keeps
/// a digest and point count rather than the whole outline).
pub async fn import(db: &DatabaseConnection, actor: &Actor, bytes: &[u8]) -> AppResult<Summary> {
    let bad = |e: BoundaryError| AppError::BadRequest(e.to_string());
    let features = parse(bytes).map_err(bad)?;
    let details = district_detail::Entity::find().all(db).await?;
    let names: HashMap<i64, String> = entry::Entity::find()
        .filter(entry::Column::Id.is_in(details.iter().map(|d| d.entry_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let districts: Vec<District> = details
        .iter()
        .map(|d| {
            let name = names.get(&d.entry_id).cloned().unwrap_or_default();
            (d.entry_id, d.code.clone(), name)
        })
        .collect();
    let matched = match_districts(features, &districts).map_err(bad)?;
    let by_id: HashMap<i64, &district_detail::Model> =
        details.iter().map(|d| (d.entry_id, d)).collect();
    let txn = crate::db::begin_write(db).await?;
    let mut summary = Summary {
        other: matched.other,
        missing: matched.missing,
        ..Default::default()
    };
    for (id, feature) in matched.matched {
        let Some(before) = by_id.get(&id) else {
            continue;
        };
        let text = serde_json::to_string(&feature.geometry).map_err(AppError::internal)?;
        if before.boundary_geojson.as_deref() == Some(text.as_str()) {
            summary.unchanged.push(feature.name);
            continue;
        }
        let describe = |g: Option<&str>| match g {
            None => Value::Null,
            Some(g) => Value::String(format!(
                "sha256:{} ({} bytes)",
                &crate::import::apply::sha256_hex(g.as_bytes())[..16],
                g.len()
            )),
        };
        let mut changes = serde_json::Map::new();
        changes.insert(
            "boundary_geojson".into(),
            serde_json::json!([
                describe(before.boundary_geojson.as_deref()),
                describe(Some(&text))
            ]),
        );
        let mut m = (*before).clone().into_active_model();
        m.boundary_geojson = Set(Some(text));
        m.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            "district_details",
            id,
            AuditAction::Update,
            changes,
        )
        .await?;
        summary.updated.push(feature.name);
    }
    txn.commit().await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &[(&str, &str, f64, f64)]) -> String {
        let fs: Vec<String> = features
            .iter()
            .map(|(code, name, x, y)| {
                format!(
                    r#"{{"type":"Feature","properties":{{"SIG_CD":"{code}","SIG_KOR_NM":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{y}]]]}}}}"#,
                    x + 0.01,
                    x + 0.01,
                    y + 0.01
                )
            })
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            fs.join(",")
        )
    }

    fn districts() -> Vec<District> {
        vec![
            (1, "11110".into(), "종로구".into()),
            (2, "11350".into(), "노원구".into()),
            (3, "11140".into(), "중구".into()),
        ]
    }

    #[test]
    fn matched_by_code_and_name_with_other_and_missing_listed() {
        let f = parse(
            collection(&[
                ("11110", "종로구", 126.9, 37.5),
                ("11350", "서울특별시 노원구", 127.0, 37.6),
                ("26110", "중구", 129.0, 35.1),
            ])
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(f[0].points, 4);
        let m = match_districts(f, &districts()).unwrap();
        let ids: Vec<i64> = m.matched.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, vec![1, 2]);
        assert_eq!(m.other, vec!["중구"]);
        assert_eq!(m.missing, vec!["중구"]);
    }

    #[test]
    fn statistics_office_codes_are_refused_whole() {
        // KOSTAT 2013: 11110 is 노원구.
        let f = parse(
            collection(&[
                ("11010", "종로구", 126.9, 37.5),
                ("11110", "노원구", 127.0, 37.6),
            ])
            .as_bytes(),
        )
        .unwrap();
        let err = match_districts(f, &districts()).unwrap_err();
        assert!(matches!(&err, BoundaryError::Mismatch(m) if m.len() == 1));
        assert!(err.to_string().contains("11110"), "{err}");
    }

    #[test]
    fn projected_coordinates_and_non_collections_are_refused() {
        let utm = collection(&[("11110", "종로구", 953_000.0, 1_952_000.0)]);
        assert!(matches!(
            parse(utm.as_bytes()),
            Err(BoundaryError::Projected { .. })
        ));
        assert!(matches!(parse(b"{}"), Err(BoundaryError::NotCollection)));
        assert!(matches!(
            parse(b"PK\x03\x04"),
            Err(BoundaryError::NotJson(_))
        ));
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"SIG_CD":"11110","SIG_KOR_NM":"종로구"},"geometry":{"type":"Point","coordinates":[126.9,37.5]}}]}"#;
        assert!(matches!(
            parse(point.as_bytes()),
            Err(BoundaryError::NotPolygon { .. })
        ));
    }
}
