//! Step 5, *resolve*: which existing entry a row is. By 인증번호, then 사업자등록번호, then
//! name key + district; the row is new, an update (with field-level changes), unchanged, or
//! a conflict (it matches several entries, or an earlier row of the file claimed its entry).

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::{Value, json};

use crate::directory::input::{DraftDetails, EntryDraft};
use crate::domain::{CertType, EntryKind, name_key};
use crate::entities::{district_detail, enterprise_detail, entry};
use crate::error::AppResult;

/// One changed field: name, old value, new value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub field: &'static str,
    pub old: Value,
    pub new: Value,
}

/// What a row comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    New,
    Update { entry_id: i64, changes: Vec<Change> },
    Unchanged { entry_id: i64 },
    Conflict { reason: String },
}

/// An enterprise as the import sees it.
#[derive(Debug, Clone)]
pub struct Existing {
    pub entry: entry::Model,
    pub detail: Option<enterprise_detail::Model>,
}

/// Existing enterprises by every key, plus rows of this file already placed (negative ids
/// stand for "line N of this file", so two rows for one new enterprise conflict). New rows
/// keep their line as id: a later row that matches one conflicts with that line whatever id
/// the database gave it, so resolving never waits for a write; only their keys are kept, not
/// the entries, so an import of 100,000 new enterprises does not hold them all.
#[derive(Debug, Default)]
pub struct Index {
    by_cert: HashMap<String, Vec<i64>>,
    by_biz: HashMap<String, Vec<i64>>,
    by_name: HashMap<(String, Option<i64>), Vec<i64>>,
    pub entries: HashMap<i64, Existing>,
    /// District code → district entry id.
    pub districts: HashMap<String, i64>,
    /// Every slug in use, to give new entries free ones without a query each.
    pub slugs: HashSet<String>,
    /// Entry (or -line) → the line that claimed it.
    claimed: HashMap<i64, u64>,
}

/// The keys a draft can be matched by.
#[derive(Debug, Clone)]
pub struct Keys {
    cert: Option<String>,
    biz: Option<String>,
    name: (String, Option<i64>),
}

impl Index {
    /// Loads every enterprise, district and slug.
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let mut index = Index::default();
        for d in district_detail::Entity::find().all(db).await? {
            index.districts.insert(d.code, d.entry_id);
        }
        let mut details: HashMap<i64, enterprise_detail::Model> = enterprise_detail::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|d| (d.entry_id, d))
            .collect();
        for e in entry::Entity::find().all(db).await? {
            index.slugs.insert(e.slug.clone());
            if e.kind != EntryKind::Enterprise.as_str() {
                continue;
            }
            let detail = details.remove(&e.id);
            index.add(Existing { entry: e, detail });
        }
        Ok(index)
    }

    /// Adds (or re-adds after an update) an entry under its keys.
    pub fn add(&mut self, ex: Existing) {
        let id = ex.entry.id;
        if let Some(d) = &ex.detail {
            if let Some(c) = &d.cert_no {
                push(&mut self.by_cert, c.clone(), id);
            }
            if let Some(b) = &d.biz_reg_no {
                push(&mut self.by_biz, digits(b), id);
            }
        }
        push(
            &mut self.by_name,
            (ex.entry.name_key.clone(), ex.entry.district_id),
            id,
        );
        self.entries.insert(id, ex);
    }

    /// The keys of `draft` (its district already resolved to an id).
    pub fn keys(draft: &EntryDraft, district_id: Option<i64>) -> Keys {
        let (cert, biz) = match &draft.details {
            DraftDetails::Enterprise {
                cert_no,
                biz_reg_no,
                ..
            } => (
                cert_no.as_ref().map(|c| c.as_str().to_string()),
                biz_reg_no.as_ref().map(|b| b.digits().to_string()),
            ),
            _ => (None, None),
        };
        Keys {
            cert,
            biz,
            name: (name_key(&draft.name), district_id),
        }
    }

    /// Classifies the row at `line` and claims its entry.
    pub fn resolve(&mut self, line: u64, draft: &EntryDraft, district_id: Option<i64>) -> Outcome {
        let keys = Self::keys(draft, district_id);
        let found = [
            keys.cert.as_ref().and_then(|k| self.by_cert.get(k)),
            keys.biz.as_ref().and_then(|k| self.by_biz.get(k)),
            Some(&keys.name)
                .filter(|n| !n.0.is_empty())
                .and_then(|k| self.by_name.get(k)),
        ]
        .into_iter()
        .flatten()
        .find(|ids| !ids.is_empty())
        .cloned()
        .unwrap_or_default();
        match found.as_slice() {
            [] => {
                self.claim_new(line, &keys);
                Outcome::New
            }
            [id] => {
                if let Some(first) = self.claimed.get(id) {
                    return Outcome::Conflict {
                        reason: format!(
                            "{first}행과 같은 기업입니다 (same enterprise as line {first})"
                        ),
                    };
                }
                self.claimed.insert(*id, line);
                if *id < 0 {
                    return Outcome::Conflict {
                        reason: "중복 행입니다 (duplicate row)".into(),
                    };
                }
                match self.entries.get(id) {
                    Some(ex) => {
                        let changes = changes(ex, draft, district_id);
                        if changes.is_empty() {
                            Outcome::Unchanged { entry_id: *id }
                        } else {
                            Outcome::Update {
                                entry_id: *id,
                                changes,
                            }
                        }
                    }
                    None => Outcome::Conflict {
                        reason: "항목을 찾을 수 없습니다".into(),
                    },
                }
            }
            many => Outcome::Conflict {
                reason: format!(
                    "기존 항목 {}개와 일치합니다 (matches {} entries)",
                    many.len(),
                    many.len()
                ),
            },
        }
    }

    fn claim_new(&mut self, line: u64, keys: &Keys) {
        let pseudo = -i64::try_from(line).unwrap_or(i64::MAX);
        if let Some(c) = &keys.cert {
            push(&mut self.by_cert, c.clone(), pseudo);
        }
        if let Some(b) = &keys.biz {
            push(&mut self.by_biz, b.clone(), pseudo);
        }
        if !keys.name.0.is_empty() {
            push(&mut self.by_name, keys.name.clone(), pseudo);
        }
        self.claimed.insert(pseudo, line);
    }
}

fn push<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<i64>>, key: K, id: i64) {
    let ids = map.entry(key).or_default();
    if !ids.contains(&id) {
        ids.push(id);
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Field-level differences for the fields the row fills. Blank cells never erase data, the
/// name is kept when only company-form markers differ, and a row that does not say its type
/// (the `general` default) never downgrades a stored one.
pub fn changes(ex: &Existing, draft: &EntryDraft, district_id: Option<i64>) -> Vec<Change> {
    let mut out = Vec::new();
    let mut cmp = |field: &'static str, old: Value, new: Option<Value>| {
        if let Some(new) = new
            && old != new
        {
            out.push(Change { field, old, new });
        }
    };
    let e = &ex.entry;
    if name_key(&draft.name) != e.name_key {
        cmp("name", json!(e.name), Some(json!(draft.name)));
    }
    cmp(
        "address",
        json!(e.address),
        draft.address.as_ref().map(|v| json!(v)),
    );
    cmp("lat", json!(e.lat), draft.location.map(|l| json!(l.lat())));
    cmp("lng", json!(e.lng), draft.location.map(|l| json!(l.lng())));
    cmp(
        "district_id",
        json!(e.district_id),
        district_id.map(|v| json!(v)),
    );
    cmp(
        "website",
        json!(e.website),
        draft.website.as_ref().map(|v| json!(v)),
    );
    cmp(
        "phone",
        json!(e.phone),
        draft.phone.as_ref().map(|v| json!(v)),
    );
    cmp(
        "email",
        json!(e.email),
        draft.email.as_ref().map(|v| json!(v.as_str())),
    );
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
    } = &draft.details
    else {
        return out;
    };
    let d = ex.detail.as_ref();
    let old = |f: fn(&enterprise_detail::Model) -> Value| d.map_or(Value::Null, f);
    let stated_type = (*cert_type != CertType::General).then(|| json!(cert_type.as_str()));
    cmp("cert_type", old(|d| json!(d.cert_type)), stated_type);
    cmp(
        "cert_no",
        old(|d| json!(d.cert_no)),
        cert_no.as_ref().map(|v| json!(v.as_str())),
    );
    cmp(
        "biz_reg_no",
        old(|d| json!(d.biz_reg_no)),
        biz_reg_no.as_ref().map(|v| json!(v.to_string())),
    );
    cmp(
        "cert_date",
        old(|d| json!(d.cert_date)),
        cert_date.map(|v| json!(v)),
    );
    cmp(
        "cert_round",
        old(|d| json!(d.cert_round)),
        cert_round.map(|v| json!(v)),
    );
    cmp(
        "representative",
        old(|d| json!(d.representative)),
        representative.as_ref().map(|v| json!(v)),
    );
    cmp(
        "service_field",
        old(|d| json!(d.service_field)),
        service_field.as_ref().map(|v| json!(v)),
    );
    cmp(
        "social_purpose",
        old(|d| json!(d.social_purpose)),
        social_purpose.map(|v| json!(v.as_str())),
    );
    cmp(
        "business",
        old(|d| json!(d.business)),
        business.as_ref().map(|v| json!(v)),
    );
    out
}
