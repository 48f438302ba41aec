//! The directory writes of an import, each through the audit trail on the import's
//! transaction: new enterprises (entry and details) and the snapshot rows in batches, updates
//! one enterprise at a time.

use std::collections::HashMap;

use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, NotSet, QueryTrait, Set,
    TryIntoModel,
};

use crate::audit::{self, Actor};
use crate::directory::input::DraftDetails;
use crate::domain::{EntryKind, EntryStatus, Slug, name_key};
use crate::entities::{enterprise_detail, entry, import_entry};
use crate::error::{AppError, AppResult};
use crate::import::ImportOptions;
use crate::import::fulltext::Suspended;
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

/// Rows a [`Batch`] holds before it writes them.
pub const BATCH_ROWS: usize = audit::BATCH_ROWS;

/// A new enterprise waiting in a [`Batch`]: the rows as they will be stored, ids 0 until the
/// insert gives them.
struct NewRow {
    line: u64,
    entry: entry::Model,
    detail: enterprise_detail::Model,
}

/// New enterprises and `import_entries` snapshot rows, written [`BATCH_ROWS`] at a time in
/// multi-row statements (entries, their details, the audit rows of both, the snapshot): an
/// import of 100,000 new rows makes about a thousand statements instead of half a million.
/// Rows are written in file order within the import's transaction, so what the directory
/// ends up with is the same as row-by-row writes.
#[derive(Default)]
pub struct Batch {
    new: Vec<NewRow>,
    /// Snapshot rows; those of new enterprises with the index of theirs in `new`.
    snapshot: Vec<(Option<usize>, import_entry::ActiveModel)>,
}

impl Batch {
    /// Queues the enterprise of a new row, with its snapshot row.
    pub fn create(
        &mut self,
        index: &mut Index,
        row: &ParsedRow,
        district_id: Option<i64>,
        opts: &ImportOptions,
        snapshot: import_entry::ActiveModel,
    ) -> AppResult<()> {
        let d = &row.draft;
        // Microseconds: what PostgreSQL keeps, so the model held here is the stored row.
        let now = Utc::now().trunc_subsecs(6);
        let slug = free_slug(index, &d.name);
        let entry = entry::Model {
            id: 0,
            kind: EntryKind::Enterprise.as_str().to_string(),
            slug,
            name: d.name.clone(),
            name_en: None,
            description: None,
            address: d.address.clone(),
            lat: d.location.map(|l| l.lat()),
            lng: d.location.map(|l| l.lng()),
            district_id,
            website: d.website.clone(),
            phone: d.phone.clone(),
            email: d.email.as_ref().map(|e| e.as_str().to_string()),
            status: EntryStatus::Active.as_str().to_string(),
            founded_on: None,
            last_verified_on: None,
            source: Some(
                opts.source
                    .clone()
                    .unwrap_or_else(|| opts.file_name.clone()),
            ),
            created_at: now,
            updated_at: now,
            version: 1,
            name_key: name_key(&d.name),
        };
        let mut detail = enterprise_detail::ActiveModel {
            entry_id: Set(0),
            ..Default::default()
        };
        fill_detail(&mut detail, row, None);
        let detail = detail.try_into_model().map_err(AppError::internal)?;
        self.snapshot.push((Some(self.new.len()), snapshot));
        self.new.push(NewRow {
            line: row.line,
            entry,
            detail,
        });
        Ok(())
    }

    /// Queues the snapshot row of an existing entry.
    pub fn snapshot(&mut self, entry_id: i64, mut row: import_entry::ActiveModel) {
        row.entry_id = Set(entry_id);
        self.snapshot.push((None, row));
    }

    /// True when the batch should be written.
    pub fn is_full(&self) -> bool {
        self.new.len() >= BATCH_ROWS || self.snapshot.len() >= BATCH_ROWS
    }

    /// Writes what is queued (with the full-text rows of new entries whose insert triggers
    /// `fulltext` suspended) and records the new entries in `index`; returns their ids.
    pub async fn flush(
        &mut self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        index: &mut Index,
        fulltext: &Suspended,
    ) -> AppResult<Vec<i64>> {
        let mut new = std::mem::take(&mut self.new);
        // Entries: one multi-row insert per batch, reading back only the ids (matched by the
        // unique slug: the order of RETURNING rows is not promised).
        for chunk in new.chunks_mut(BATCH_ROWS) {
            let mut insert = entry::Entity::insert_many(chunk.iter().map(|n| {
                let mut m = n.entry.clone().into_active_model().reset_all();
                m.id = NotSet;
                m
            }))
            .into_query();
            insert.returning(Query::returning().columns([entry::Column::Id, entry::Column::Slug]));
            let mut ids: HashMap<String, i64> = HashMap::with_capacity(chunk.len());
            for row in db.query_all(&insert).await? {
                ids.insert(row.try_get("", "slug")?, row.try_get("", "id")?);
            }
            for n in chunk.iter_mut() {
                let id = ids
                    .remove(&n.entry.slug)
                    .ok_or_else(|| AppError::internal("inserted entry not returned"))?;
                n.entry.id = id;
                n.detail.entry_id = id;
            }
        }
        // From here the database's thread writes one thing while this one builds the next
        // (`biased`: the write is sent first, then the building runs while it is written).
        let (written, entry_audit) = tokio::join!(
            biased;
            async {
                fulltext.index(db, new.iter().map(|n| &n.entry)).await?;
                for chunk in new.chunks(BATCH_ROWS) {
                    enterprise_detail::Entity::insert_many(
                        chunk
                            .iter()
                            .map(|n| n.detail.clone().into_active_model().reset_all()),
                    )
                    .exec_without_returning(db)
                    .await?;
                }
                AppResult::Ok(())
            },
            async { audit::creation_rows("entries", new.iter().map(|n| &n.entry)) },
        );
        written?;
        let (written, detail_audit) = tokio::join!(
            biased;
            audit::write_rows(db, actor, entry_audit?),
            async {
                audit::creation_rows("enterprise_details", new.iter().map(|n| &n.detail))
            },
        );
        written?;
        let ids: Vec<i64> = new.iter().map(|n| n.entry.id).collect();
        let (written, ()) = tokio::join!(
            biased;
            audit::write_rows(db, actor, detail_audit?),
            async {
                for n in new {
                    index.created(n.line, n.entry.id);
                }
            },
        );
        written?;
        let mut rows = std::mem::take(&mut self.snapshot).into_iter().peekable();
        while rows.peek().is_some() {
            let chunk = rows.by_ref().take(BATCH_ROWS).map(|(new_row, mut row)| {
                if let Some(i) = new_row {
                    row.entry_id = Set(ids[i]);
                }
                row
            });
            import_entry::Entity::insert_many(chunk)
                .exec_without_returning(db)
                .await?;
        }
        Ok(ids)
    }
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
