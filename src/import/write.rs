//! The directory writes of an import: create or update one enterprise (entry and details),
//! each through the audit trail, on the import's transaction.

use chrono::Utc;
use sea_orm::{ConnectionTrait, IntoActiveModel, Set};

use crate::audit::{self, Actor};
use crate::directory::input::DraftDetails;
use crate::domain::{EntryKind, EntryStatus, Slug, name_key};
use crate::entities::{enterprise_detail, entry};
use crate::error::{AppError, AppResult};
use crate::import::ImportOptions;
use crate::import::parse::ParsedRow;
use crate::import::resolve::{Change, Existing, Index};

fn free_slug(index: &mut Index, name: &str) -> String {
    let base = Slug::from_name(name).as_str().to_string();
    let mut slug = base.clone();
    let mut n = 2;
    while index.slugs.contains(&slug) {
        slug = format!("{}-{n}", base.chars().take(74).collect::<String>());
        n += 1;
    }
    index.slugs.insert(slug.clone());
    slug
}

/// Creates the enterprise of a new row.
pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    index: &mut Index,
    row: &ParsedRow,
    district_id: Option<i64>,
    opts: &ImportOptions,
) -> AppResult<Existing> {
    let d = &row.draft;
    let now = Utc::now();
    let model = entry::ActiveModel {
        kind: Set(EntryKind::Enterprise.as_str().to_string()),
        slug: Set(free_slug(index, &d.name)),
        name: Set(d.name.clone()),
        name_key: Set(name_key(&d.name)),
        address: Set(d.address.clone()),
        lat: Set(d.location.map(|l| l.lat())),
        lng: Set(d.location.map(|l| l.lng())),
        district_id: Set(district_id),
        website: Set(d.website.clone()),
        phone: Set(d.phone.clone()),
        email: Set(d.email.as_ref().map(|e| e.as_str().to_string())),
        status: Set(EntryStatus::Active.as_str().to_string()),
        source: Set(Some(
            opts.source
                .clone()
                .unwrap_or_else(|| opts.file_name.clone()),
        )),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    let entry = audit::insert(db, actor, model).await?;
    let mut detail = enterprise_detail::ActiveModel {
        entry_id: Set(entry.id),
        ..Default::default()
    };
    fill_detail(&mut detail, row, None);
    let detail = audit::insert(db, actor, detail).await?;
    Ok(Existing {
        entry,
        detail: Some(detail),
    })
}

/// Sets the detail fields the row fills (all of them when `only` is None).
fn fill_detail(m: &mut enterprise_detail::ActiveModel, row: &ParsedRow, only: Option<&[Change]>) {
    let DraftDetails::Enterprise {
        cert_type,
        cert_no,
        biz_reg_no,
        cert_date,
        cert_round,
        representative,
        service_field,
        social_purpose,
        business,
    } = &row.draft.details
    else {
        return;
    };
    let wanted = |f: &str| only.is_none_or(|c| c.iter().any(|c| c.field == f));
    if wanted("cert_type") || m.cert_type.is_not_set() {
        m.cert_type = Set(cert_type.as_str().to_string());
    }
    if wanted("cert_no") {
        m.cert_no = Set(cert_no.as_ref().map(|c| c.as_str().to_string()));
    }
    if wanted("biz_reg_no") {
        m.biz_reg_no = Set(biz_reg_no.as_ref().map(|b| b.to_string()));
    }
    if wanted("cert_date") {
        m.cert_date = Set(*cert_date);
    }
    if wanted("cert_round") {
        m.cert_round = Set(*cert_round);
    }
    if wanted("representative") {
        m.representative = Set(representative.clone());
    }
    if wanted("service_field") {
        m.service_field = Set(service_field.clone());
    }
    if wanted("social_purpose") {
        m.social_purpose = Set(social_purpose.map(|s| s.as_str().to_string()));
    }
    if wanted("business") {
        m.business = Set(business.clone());
    }
}

/// Writes the changed fields of a matched row.
pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    index: &mut Index,
    entry_id: i64,
    row: &ParsedRow,
    district_id: Option<i64>,
    changes: &[Change],
) -> AppResult<()> {
    let Some(ex) = index.entries.get(&entry_id).cloned() else {
        return Err(AppError::internal("resolved entry vanished"));
    };
    let d = &row.draft;
    let has = |f: &str| changes.iter().any(|c| c.field == f);
    let mut entry = ex.entry.clone();
    if [
        "name",
        "address",
        "lat",
        "lng",
        "district_id",
        "website",
        "phone",
        "email",
    ]
    .iter()
    .any(|f| has(f))
    {
        let mut m = ex.entry.clone().into_active_model();
        if has("name") {
            m.name = Set(d.name.clone());
            m.name_key = Set(name_key(&d.name));
        }
        if has("address") {
            m.address = Set(d.address.clone());
        }
        if has("lat") || has("lng") {
            m.lat = Set(d.location.map(|l| l.lat()));
            m.lng = Set(d.location.map(|l| l.lng()));
        }
        if has("district_id") {
            m.district_id = Set(district_id);
        }
        if has("website") {
            m.website = Set(d.website.clone());
        }
        if has("phone") {
            m.phone = Set(d.phone.clone());
        }
        if has("email") {
            m.email = Set(d.email.as_ref().map(|e| e.as_str().to_string()));
        }
        m.version = Set(ex.entry.version + 1);
        m.updated_at = Set(Utc::now());
        entry = audit::update(db, actor, &ex.entry, m).await?;
    }
    let detail = match &ex.detail {
        Some(before) => {
            let mut m = before.clone().into_active_model();
            fill_detail(&mut m, row, Some(changes));
            audit::update(db, actor, before, m).await?
        }
        None => {
            let mut m = enterprise_detail::ActiveModel {
                entry_id: Set(entry_id),
                ..Default::default()
            };
            fill_detail(&mut m, row, None);
            audit::insert(db, actor, m).await?
        }
    };
    index.add(Existing {
        entry,
        detail: Some(detail),
    });
    Ok(())
}
