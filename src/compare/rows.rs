//! The rows of the comparison: each figure's label, how to read it from `DistrictFigures`,
//! whether more is better, and where its entries are listed.

use crate::compare::figures::DistrictFigures;
use crate::domain::{CertType, EntryKind, OutletChannel};

/// Reads a figure's value for one district.
pub type ValueFn = Box<dyn Fn(&DistrictFigures) -> Option<f64> + Send + Sync>;
/// The list behind a figure for one district.
pub type LinkFn = Box<dyn Fn(&DistrictFigures) -> String + Send + Sync>;

/// One comparable figure.
pub struct Figure {
    /// Stable key for URLs (`?figure=`).
    pub key: String,
    pub label_ko: String,
    pub label_en: String,
    /// Digits after the decimal point when shown.
    pub decimals: usize,
    pub value: ValueFn,
    /// The list behind the figure for one district (`None` when there is no such list).
    pub link: Option<LinkFn>,
}

/// Every figure, in display order.
pub fn all_figures() -> Vec<Figure> {
    let mut out = Vec::new();
    for kind in EntryKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != EntryKind::District)
    {
        out.push(Figure {
            key: format!("kind-{}", kind.as_str()),
            label_ko: format!("{} 수", kind.label_ko()),
            label_en: format!("{}s", kind.label_en()),
            decimals: 0,
            value: Box::new(move |f| Some(*f.by_kind.get(&kind).unwrap_or(&0) as f64)),
            link: Some(Box::new(move |f| {
                format!("/{}?district={}", kind.plural(), f.district.id)
            })),
        });
    }
    out.push(Figure {
        key: "enterprises-per-10k".into(),
        label_ko: "인구 1만 명당 사회적경제기업".into(),
        label_en: "Enterprises per 10,000 residents".into(),
        decimals: 2,
        value: Box::new(|f| f.enterprises_per_10k()),
        link: Some(Box::new(|f| {
            format!("/enterprises?district={}", f.district.id)
        })),
    });
    for cert in CertType::ALL.iter().copied() {
        out.push(Figure {
            key: format!("cert-{}", cert.as_str()),
            label_ko: cert.label_ko().to_string(),
            label_en: cert.label_en().to_string(),
            decimals: 0,
            value: Box::new(move |f| Some(*f.by_cert.get(&cert).unwrap_or(&0) as f64)),
            link: Some(Box::new(move |f| {
                format!(
                    "/enterprises?district={}&cert_type={}",
                    f.district.id,
                    cert.as_str()
                )
            })),
        });
    }
    for ch in OutletChannel::ALL.iter().copied() {
        out.push(Figure {
            key: format!("channel-{}", ch.as_str()),
            label_ko: format!("판로: {}", ch.label_ko()),
            label_en: format!("Outlets: {}", ch.label_en()),
            decimals: 0,
            value: Box::new(move |f| Some(*f.by_channel.get(&ch).unwrap_or(&0) as f64)),
            link: Some(Box::new(move |f| {
                format!(
                    "/outlets?district={}&channel={}",
                    f.district.id,
                    ch.as_str()
                )
            })),
        });
    }
    out.push(Figure {
        key: "visits-hosted".into(),
        label_ko: "받은 탐방".into(),
        label_en: "Visits hosted".into(),
        decimals: 0,
        value: Box::new(|f| Some(f.reports_hosted as f64)),
        link: None,
    });
    out.push(Figure {
        key: "visits-made".into(),
        label_ko: "다녀온 탐방".into(),
        label_en: "Visits made".into(),
        decimals: 0,
        value: Box::new(|f| Some(f.visits_made as f64)),
        link: None,
    });
    out.push(Figure {
        key: "verified-share".into(),
        label_ko: "최근 12개월 안에 확인한 항목 비율 (%)".into(),
        label_en: "Verified in the last 12 months (%)".into(),
        decimals: 0,
        value: Box::new(|f| f.verified_share().map(|s| s * 100.0)),
        link: None,
    });
    out
}

/// Formats a value with the figure's precision; "—" when unknown.
pub fn show(fig: &Figure, v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{v:.prec$}", prec = fig.decimals),
        None => "—".to_string(),
    }
}

/// Indexes of the districts holding the highest value (none when all are zero or unknown).
pub fn best(fig: &Figure, cols: &[&DistrictFigures]) -> Vec<usize> {
    let values: Vec<Option<f64>> = cols.iter().map(|f| (fig.value)(f)).collect();
    let Some(max) = values
        .iter()
        .flatten()
        .copied()
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
    else {
        return Vec::new();
    };
    if max <= 0.0 {
        return Vec::new();
    }
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v == Some(max))
        .map(|(i, _)| i)
        .collect()
}

/// Short sentences on what stands out: a district at least 1.5× ahead of the next one.
pub fn stand_outs(figs: &[Figure], cols: &[&DistrictFigures]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if cols.len() < 2 {
        return out;
    }
    for fig in figs {
        let mut vals: Vec<(usize, f64)> = cols
            .iter()
            .enumerate()
            .filter_map(|(i, f)| (fig.value)(f).map(|v| (i, v)))
            .collect();
        vals.sort_by(|a, b| b.1.total_cmp(&a.1));
        if let [(top, a), (_, b), ..] = vals.as_slice()
            && *a > 0.0
            && *a >= 1.5 * *b
            && (*a - *b) >= 1.0_f64.min(*a)
        {
            let name = &cols[*top].district.name;
            out.push((
                format!(
                    "{name}: {} 가장 많음 ({})",
                    fig.label_ko,
                    show(fig, Some(*a))
                ),
                format!(
                    "{name}: most {} ({})",
                    fig.label_en.to_lowercase(),
                    show(fig, Some(*a))
                ),
            ));
        }
    }
    out.truncate(8);
    out
}
