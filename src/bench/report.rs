//! The benchmark suite's report: how each measured figure grows with the size of the data.
//!
//! Every benchmark run prints its figures as JSON Lines (optionally behind a word prefix such
//! as `FIGURE `, so a whole captured log can be fed back in). [`read_figures`] collects them,
//! [`growth_table`] renders a GitHub-markdown table with one row per figure and one column
//! per backend and data size (with targets, the bare tool's floor and the growth per ×10
//! entries), and [`growth_chart_svg`] draws a self-contained log-log SVG chart of each
//! figure's cost relative to the smallest size, against "linear" and "constant" references.
//!
//! Everything here is pure: text in, text out.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::web::format::group_digits;

/// One measured figure of one benchmark run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    /// The database backend: `"sqlite"` or `"postgres"`.
    pub backend: String,
    /// How many entries the database held: 1000, 10000 or 100000 (other sizes allowed).
    pub entries: u64,
    /// What was measured, e.g. `"search p99"`, `"HTTP search req/s"`, `"peak RSS"`.
    pub name: String,
    /// The unit of `value`, e.g. `"ms"`, `"req/s"`, `"MiB"`, `"s"`, `"µs"`.
    pub unit: String,
    /// The measured value.
    pub value: f64,
    /// What the same work costs with the bare tool (sqlite3 .import, a bare Aho-Corasick scan), if any.
    pub floor: Option<f64>,
    /// The target, if any, as text for the table, and whether higher is better.
    pub target: Option<Target>,
}

/// A figure's target: a limit and the direction in which values are better.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    /// The limit the value must reach (or stay within).
    pub limit: f64,
    /// Whether values above the limit are good (throughput) rather than below it (latency).
    pub higher_is_better: bool,
}

impl Target {
    /// Whether `value` meets the target (the limit itself counts as met; NaN never does).
    pub fn met(&self, value: f64) -> bool {
        if self.higher_is_better {
            value >= self.limit
        } else {
            value <= self.limit
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// Reads figures from JSON Lines text, such as a whole captured benchmark log.
///
/// Each line holding a `{` is a figure: the JSON starts at the first `{`, so a word prefix
/// like `FIGURE ` is allowed. Lines without `{` are ignored. A line whose JSON does not parse
/// as a [`Figure`] is an error naming its (1-based) line number. When the same
/// (backend, entries, name) appears twice, the later figure wins (keeping the first one's place).
pub fn read_figures(text: &str) -> Result<Vec<Figure>, String> {
    let mut figs: Vec<Figure> = Vec::new();
    let mut index: HashMap<(String, u64, String), usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        // A figure line is the JSON alone or behind `FIGURE `; other JSON lines of the same
        // logs (`BENCH_JSON {…}`) are not figures.
        let json = line.trim();
        let Some(json) = json
            .strip_prefix("FIGURE ")
            .or_else(|| json.starts_with('{').then_some(json))
        else {
            continue;
        };
        let fig: Figure =
            serde_json::from_str(json).map_err(|e| format!("line {}: bad figure: {e}", i + 1))?;
        let key = (fig.backend.clone(), fig.entries, fig.name.clone());
        match index.get(&key) {
            Some(&at) => figs[at] = fig,
            None => {
                index.insert(key, figs.len());
                figs.push(fig);
            }
        }
    }
    Ok(figs)
}

// ---------------------------------------------------------------------------------------------
// Formatting helpers
// ---------------------------------------------------------------------------------------------

/// What a missing or meaningless cell shows.
const MISSING: &str = "—";

/// Formats a non-negative value below 1 with three significant digits (`0.123`, `0.0123`).
fn small_number(a: f64) -> String {
    if a < 1e-4 {
        return format!("{a:.2e}");
    }
    let exponent = a.log10().floor() as i32;
    let decimals = (2 - exponent).clamp(0, 8) as usize;
    let s = format!("{a:.decimals$}");
    // Rounding may carry into the next decade (0.09996 → "0.1000"): drop a digit then.
    match s.parse::<f64>() {
        Ok(r) if decimals > 0 && r >= 10f64.powi(exponent + 1) => {
            format!("{a:.prec$}", prec = decimals - 1)
        }
        _ => s,
    }
}

/// Formats a number with sensible precision: `1,235`, `12.3`, `1.23`, `0.0123`.
fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return MISSING.to_string();
    }
    let a = v.abs();
    let body = if a >= 99.95 {
        group_digits(&format!("{:.0}", a.round()))
    } else if a >= 9.995 {
        format!("{a:.1}")
    } else if a >= 0.9995 {
        format!("{a:.2}")
    } else if a == 0.0 {
        return "0".to_string();
    } else {
        small_number(a)
    };
    if v < 0.0 { format!("-{body}") } else { body }
}

/// Formats a target's limit: whole numbers without decimals (`25`, `2,000`).
fn format_limit(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = group_digits(&format!("{:.0}", v.abs()));
        if v < 0.0 {
            format!("-{digits}")
        } else {
            digits
        }
    } else {
        format_number(v)
    }
}

/// Formats a data size: `1k`, `10k`, `100k`, otherwise the number with thousands separators.
fn format_size(entries: u64) -> String {
    match entries {
        1_000 => "1k".to_string(),
        10_000 => "10k".to_string(),
        100_000 => "100k".to_string(),
        n => group_digits(&n.to_string()),
    }
}

/// The display name of a backend.
fn backend_label(backend: &str) -> &str {
    match backend {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        other => other,
    }
}

/// Orders backends: sqlite, postgres, then the others alphabetically.
fn backend_rank(backend: &str) -> (u8, &str) {
    match backend {
        "sqlite" => (0, ""),
        "postgres" => (1, ""),
        other => (2, other),
    }
}

/// Makes text safe inside a markdown table cell.
fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// Makes text safe inside XML text and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Grouping
// ---------------------------------------------------------------------------------------------

/// Distinct figure names in first-seen order.
fn names_in_order(figs: &[Figure]) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for f in figs {
        if !names.contains(&f.name.as_str()) {
            names.push(&f.name);
        }
    }
    names
}

/// Distinct backends, sqlite first, then postgres, then the others alphabetically.
fn backends_in_order(figs: &[Figure]) -> Vec<&str> {
    let mut backends: Vec<&str> = figs.iter().map(|f| f.backend.as_str()).collect();
    backends.sort_by_key(|b| backend_rank(b));
    backends.dedup();
    backends
}

/// Distinct sizes measured on `backend`, ascending.
fn sizes_of(figs: &[Figure], backend: &str) -> Vec<u64> {
    let mut sizes: Vec<u64> = figs
        .iter()
        .filter(|f| f.backend == backend)
        .map(|f| f.entries)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// Figures by (backend, entries, name); a later duplicate wins.
type Lookup<'a> = HashMap<(&'a str, u64, &'a str), &'a Figure>;

fn lookup(figs: &[Figure]) -> Lookup<'_> {
    figs.iter()
        .map(|f| ((f.backend.as_str(), f.entries, f.name.as_str()), f))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

/// One table cell: the value, with ` ✓`/` ✗` when the figure has a target.
fn value_cell(fig: Option<&Figure>) -> String {
    let Some(f) = fig else {
        return MISSING.to_string();
    };
    let number = format_number(f.value);
    match &f.target {
        Some(t) if f.value.is_finite() => {
            let mark = if t.met(f.value) { "✓" } else { "✗" };
            format!("{number} {mark}")
        }
        _ => number,
    }
}

/// The floor at the largest SQLite size this figure was measured at.
fn floor_cell(look: &Lookup<'_>, sqlite_sizes: &[u64], name: &str) -> String {
    sqlite_sizes
        .iter()
        .rev()
        .find_map(|&n| look.get(&("sqlite", n, name)))
        .and_then(|f| f.floor)
        .map_or_else(|| MISSING.to_string(), format_number)
}

/// The target of a figure as text (`≤ 25 ms`, `≥ 2,000 req/s`), from its first figure with one;
/// "per size" when the runs carry different limits (a target relative to each size's floor).
fn target_cell(figs: &[Figure], name: &str) -> String {
    let mut targets = figs
        .iter()
        .filter(|f| f.name == name)
        .filter_map(|f| f.target.as_ref().map(|t| (t, f.unit.as_str())));
    let Some((t, unit)) = targets.next() else {
        return MISSING.to_string();
    };
    if targets.any(|(other, _)| other.limit != t.limit) {
        return "per size (✓/✗ in each cell)".to_string();
    }
    let sign = if t.higher_is_better { "≥" } else { "≤" };
    let limit = format_limit(t.limit);
    if unit.is_empty() {
        format!("{sign} {limit}")
    } else {
        format!("{sign} {limit} {}", md_escape(unit))
    }
}

/// `value_large / value_small` for the last two consecutive SQLite sizes ten times apart.
fn growth_cell(look: &Lookup<'_>, sqlite_sizes: &[u64], name: &str) -> String {
    let measured: Vec<(u64, f64)> = sqlite_sizes
        .iter()
        .filter_map(|&n| look.get(&("sqlite", n, name)).map(|f| (n, f.value)))
        .filter(|(_, v)| v.is_finite())
        .collect();
    measured
        .windows(2)
        .rev()
        .find_map(|w| match w {
            [(small, vs), (large, vl)] if small.checked_mul(10) == Some(*large) => Some(vl / vs),
            _ => None,
        })
        .filter(|r| r.is_finite())
        .map_or_else(|| MISSING.to_string(), |r| format!("×{r:.1}"))
}

/// Renders the figures as a GitHub-markdown growth table.
///
/// One row per figure name (first-seen order); columns `figure`, `unit`, one column per
/// backend (sqlite, postgres, then others alphabetically) and size (ascending), the bare
/// tool's floor at the largest SQLite size, the target, and the growth per ×10 entries on
/// SQLite. Missing cells are `—`.
pub fn growth_table(figs: &[Figure]) -> String {
    let look = lookup(figs);
    let columns: Vec<(&str, u64)> = backends_in_order(figs)
        .into_iter()
        .flat_map(|b| sizes_of(figs, b).into_iter().map(move |n| (b, n)))
        .collect();
    let sqlite_sizes = sizes_of(figs, "sqlite");

    let mut header: Vec<String> = vec!["figure".into(), "unit".into()];
    header.extend(
        columns
            .iter()
            .map(|(b, n)| format!("{} {}", md_escape(backend_label(b)), format_size(*n))),
    );
    header.extend([
        "floor (SQLite, largest size)".to_string(),
        "target".to_string(),
        "growth ×10 (SQLite)".to_string(),
    ]);

    let mut out = table_row(&header);
    out.push_str(&table_row(&vec!["---".to_string(); header.len()]));
    for name in names_in_order(figs) {
        let unit = figs
            .iter()
            .find(|f| f.name == name)
            .map_or("", |f| f.unit.as_str());
        let mut row = vec![md_escape(name), md_escape(unit)];
        row.extend(
            columns
                .iter()
                .map(|&(b, n)| value_cell(look.get(&(b, n, name)).copied())),
        );
        row.push(floor_cell(&look, &sqlite_sizes, name));
        row.push(target_cell(figs, name));
        row.push(growth_cell(&look, &sqlite_sizes, name));
        out.push_str(&table_row(&row));
    }
    out
}

/// One markdown table line, ending in a newline.
fn table_row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

// ---------------------------------------------------------------------------------------------
// Chart
// ---------------------------------------------------------------------------------------------

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 460.0;
const PLOT_LEFT: f64 = 70.0;
const PLOT_RIGHT: f64 = 520.0;
const PLOT_TOP: f64 = 50.0;
const PLOT_BOTTOM: f64 = 390.0;
/// Space kept between the plot's frame and its first/last size.
const X_INSET: f64 = 20.0;
const LEGEND_LEFT: f64 = 540.0;
/// Longest legend label, in characters, before it is cut with `…`.
const LEGEND_CHARS: usize = 28;
/// The ratios plotted are clamped into 10^MIN_DECADE ..= 10^MAX_DECADE.
const MIN_DECADE: i32 = -2;
const MAX_DECADE: i32 = 4;
const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f",
];

/// One figure's line on the chart: (entries, cost ratio, value) per size, ascending.
struct Series<'a> {
    name: &'a str,
    unit: &'a str,
    inverted: bool,
    points: Vec<(u64, f64, f64)>,
}

/// The figures of `backend` with at least two usable sizes, as cost ratios to the smallest size.
fn series_of<'a>(figs: &'a [Figure], backend: &str) -> Vec<Series<'a>> {
    let look = lookup(figs);
    let sizes = sizes_of(figs, backend);
    names_in_order(figs)
        .into_iter()
        .filter_map(|name| {
            let measured: Vec<&Figure> = sizes
                .iter()
                .filter_map(|&n| look.get(&(backend, n, name)).copied())
                .filter(|f| f.value.is_finite() && f.value > 0.0)
                .collect();
            let first = measured.first()?;
            if measured.len() < 2 {
                return None;
            }
            let inverted = measured
                .iter()
                .any(|f| f.target.as_ref().is_some_and(|t| t.higher_is_better));
            let base = first.value;
            let points = measured
                .iter()
                .map(|f| {
                    let ratio = if inverted {
                        base / f.value
                    } else {
                        f.value / base
                    };
                    let lo = 10f64.powi(MIN_DECADE);
                    let hi = 10f64.powi(MAX_DECADE);
                    (f.entries, ratio.clamp(lo, hi), f.value)
                })
                .collect();
            Some(Series {
                name,
                unit: &first.unit,
                inverted,
                points,
            })
        })
        .collect()
}

/// Maps log10(entries) and log10(ratio) to chart coordinates.
struct Scale {
    x_min: f64,
    x_max: f64,
    y_lo: i32,
    y_hi: i32,
}

impl Scale {
    fn x(&self, entries: u64) -> f64 {
        self.x_log((entries.max(1) as f64).log10())
    }

    fn x_log(&self, lx: f64) -> f64 {
        let span = (self.x_max - self.x_min).max(f64::EPSILON);
        PLOT_LEFT + X_INSET + (lx - self.x_min) / span * (PLOT_RIGHT - PLOT_LEFT - 2.0 * X_INSET)
    }

    fn y_log(&self, ly: f64) -> f64 {
        let span = f64::from((self.y_hi - self.y_lo).max(1));
        PLOT_BOTTOM - (ly - f64::from(self.y_lo)) / span * (PLOT_BOTTOM - PLOT_TOP)
    }

    fn y(&self, ratio: f64) -> f64 {
        self.y_log(ratio.log10())
    }
}

/// The scale covering every point, the ratio 1 and the linear reference.
fn scale_for(series: &[Series<'_>]) -> Scale {
    let sizes = || series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let smallest = sizes().min().unwrap_or(1).max(1);
    let largest = sizes().max().unwrap_or(10).max(smallest);
    let x_min = (smallest as f64).log10();
    let x_max = (largest as f64).log10();
    let logs = || {
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1.log10()))
    };
    let low = logs().fold(0.0_f64, f64::min).floor() as i32;
    let high = logs().fold(x_max - x_min, f64::max).ceil() as i32;
    let y_lo = low.clamp(MIN_DECADE, 0);
    let y_hi = high.clamp(0, MAX_DECADE).max(y_lo + 1);
    Scale {
        x_min,
        x_max,
        y_lo,
        y_hi,
    }
}

/// The label of a gridline at 10^decade: `×0.1`, `×1`, `×1,000`.
fn decade_label(decade: i32) -> String {
    if decade >= 0 {
        format!("×{}", format_limit(10f64.powi(decade)))
    } else {
        format!("×{}", format_number(10f64.powi(decade)))
    }
}

/// Opens the SVG document with its title.
fn svg_open(title: &str) -> String {
    let title = xml_escape(title);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <title>{title}</title>\n\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"white\"/>\n\
         <text x=\"{x}\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{title}</text>\n",
        x = WIDTH / 2.0,
    )
}

/// Gridlines, tick labels and axis titles.
fn svg_axes(out: &mut String, scale: &Scale, sizes: &[u64]) {
    for decade in scale.y_lo..=scale.y_hi {
        let y = scale.y_log(f64::from(decade));
        let _ = writeln!(
            out,
            "<line x1=\"{PLOT_LEFT}\" y1=\"{y:.1}\" x2=\"{PLOT_RIGHT}\" y2=\"{y:.1}\" stroke=\"#e0e0e0\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"12\">{label}</text>",
            tx = PLOT_LEFT - 6.0,
            ty = y + 4.0,
            label = xml_escape(&decade_label(decade)),
        );
    }
    for &n in sizes {
        let x = scale.x(n);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{PLOT_TOP}\" x2=\"{x:.1}\" y2=\"{PLOT_BOTTOM}\" stroke=\"#e0e0e0\"/>\
             <text x=\"{x:.1}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"12\">{label}</text>",
            ty = PLOT_BOTTOM + 18.0,
            label = xml_escape(&format_size(n)),
        );
    }
    let mid_y = (PLOT_TOP + PLOT_BOTTOM) / 2.0;
    let _ = writeln!(
        out,
        "<rect x=\"{PLOT_LEFT}\" y=\"{PLOT_TOP}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#888\"/>\n\
         <text x=\"{mx}\" y=\"{xy}\" text-anchor=\"middle\" font-size=\"13\">entries (log scale)</text>\n\
         <text x=\"18\" y=\"{mid_y}\" text-anchor=\"middle\" font-size=\"13\" \
         transform=\"rotate(-90 18 {mid_y})\">cost relative to smallest size (log scale)</text>",
        w = PLOT_RIGHT - PLOT_LEFT,
        h = PLOT_BOTTOM - PLOT_TOP,
        mx = (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        xy = PLOT_BOTTOM + 42.0,
    );
}

/// The dashed "linear" and dotted "constant" reference lines.
fn svg_references(out: &mut String, scale: &Scale) {
    let y1 = scale.y(1.0);
    let end = scale.x_max.min(scale.x_min + f64::from(scale.y_hi));
    let _ = writeln!(
        out,
        "<line x1=\"{x0:.1}\" y1=\"{y1:.1}\" x2=\"{x1:.1}\" y2=\"{y2:.1}\" stroke=\"#999\" \
         stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n\
         <line x1=\"{x0:.1}\" y1=\"{y1:.1}\" x2=\"{xe:.1}\" y2=\"{y1:.1}\" stroke=\"#999\" \
         stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>",
        x0 = scale.x_log(scale.x_min),
        x1 = scale.x_log(end),
        y2 = scale.y_log(end - scale.x_min),
        xe = scale.x_log(scale.x_max),
    );
}

/// One figure's polyline and markers (with a tooltip per point).
fn svg_series(out: &mut String, scale: &Scale, s: &Series<'_>, colour: &str) {
    let points: Vec<String> = s
        .points
        .iter()
        .map(|&(n, r, _)| format!("{:.1},{:.1}", scale.x(n), scale.y(r)))
        .collect();
    let _ = writeln!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
        points.join(" ")
    );
    for &(n, r, v) in &s.points {
        let tip = format!(
            "{} @ {}: {} {} (×{})",
            s.name,
            format_size(n),
            format_number(v),
            s.unit,
            format_number(r)
        );
        let _ = writeln!(
            out,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}</title></circle>",
            scale.x(n),
            scale.y(r),
            xml_escape(&tip)
        );
    }
}

/// Cuts a legend label to [`LEGEND_CHARS`] characters.
fn legend_text(s: &Series<'_>) -> String {
    let label = if s.inverted {
        format!("{} (inverted)", s.name)
    } else {
        s.name.to_string()
    };
    if label.chars().count() > LEGEND_CHARS {
        let cut: String = label.chars().take(LEGEND_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        label
    }
}

/// The legend on the right: the two references, then each figure in its colour.
fn svg_legend(out: &mut String, series: &[Series<'_>]) {
    let count = series.len() + 2;
    let step = ((PLOT_BOTTOM - PLOT_TOP) / count as f64).min(18.0);
    let font = if step < 14.0 { 10 } else { 12 };
    let entry = |out: &mut String, i: usize, stroke: &str, dash: &str, label: &str| {
        let y = PLOT_TOP + 10.0 + step * i as f64;
        let _ = writeln!(
            out,
            "<line x1=\"{LEGEND_LEFT}\" y1=\"{y:.1}\" x2=\"{x2}\" y2=\"{y:.1}\" stroke=\"{stroke}\" \
             stroke-width=\"2\"{dash}/><text x=\"{tx}\" y=\"{ty:.1}\" font-size=\"{font}\">{label}</text>",
            x2 = LEGEND_LEFT + 20.0,
            tx = LEGEND_LEFT + 26.0,
            ty = y + 4.0,
            label = xml_escape(label),
        );
    };
    entry(
        out,
        0,
        "#999",
        " stroke-dasharray=\"6 4\"",
        "linear (×10 per ×10 entries)",
    );
    entry(out, 1, "#999", " stroke-dasharray=\"2 3\"", "constant");
    for (i, s) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        entry(out, i + 2, colour, "", &legend_text(s));
    }
}

/// Draws how each figure of `backend` grows with the data, as a self-contained log-log SVG.
///
/// The x axis is the number of entries; the y axis is each figure's cost relative to its
/// smallest size (for figures where higher is better, smallest / value, so "up" always means
/// "costs more"). Figures measured at fewer than two sizes, and non-finite or non-positive
/// values, are left out; with nothing left the SVG says "no data".
pub fn growth_chart_svg(figs: &[Figure], backend: &str) -> String {
    let title = format!("Growth with data size — {}", backend_label(backend));
    let mut out = svg_open(&title);
    let series = series_of(figs, backend);
    if series.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\" fill=\"#666\">no data</text>",
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        out.push_str("</svg>\n");
        return out;
    }
    let scale = scale_for(&series);
    let mut sizes: Vec<u64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    svg_axes(&mut out, &scale, &sizes);
    svg_references(&mut out, &scale);
    for (i, s) in series.iter().enumerate() {
        svg_series(&mut out, &scale, s, PALETTE[i % PALETTE.len()]);
    }
    svg_legend(&mut out, &series);
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(backend: &str, entries: u64, name: &str, value: f64) -> Figure {
        Figure {
            backend: backend.to_string(),
            entries,
            name: name.to_string(),
            unit: "ms".to_string(),
            value,
            floor: None,
            target: None,
        }
    }

    fn with_target(mut f: Figure, limit: f64, higher_is_better: bool) -> Figure {
        f.target = Some(Target {
            limit,
            higher_is_better,
        });
        f
    }

    #[test]
    fn targets_that_differ_by_size_are_judged_per_cell() {
        let figs = vec![
            with_target(fig("sqlite", 1000, "import", 1.2), 2.0, false),
            with_target(fig("sqlite", 10000, "import", 14.0), 20.0, false),
        ];
        assert_eq!(target_cell(&figs, "import"), "per size (✓/✗ in each cell)");
        assert_eq!(target_cell(&figs[..1], "import"), "≤ 2 ms");
    }

    #[test]
    fn target_met_respects_direction() {
        let low = Target {
            limit: 25.0,
            higher_is_better: false,
        };
        assert!(low.met(25.0) && low.met(3.0) && !low.met(25.1) && !low.met(f64::NAN));
        let high = Target {
            limit: 2000.0,
            higher_is_better: true,
        };
        assert!(high.met(2000.0) && !high.met(1999.0));
    }

    #[test]
    fn reads_mixed_log_text() {
        let a = serde_json::to_string(&fig("sqlite", 1000, "search p99", 1.5)).unwrap();
        let b = serde_json::to_string(&with_target(
            fig("postgres", 10000, "검색 p99", 2.5),
            25.0,
            false,
        ))
        .unwrap();
        let text = format!("Compiling tambang\n\nFIGURE {a}\n   running 3 phases ...\n{b}\n");
        let figs = read_figures(&text).unwrap();
        assert_eq!(figs.len(), 2);
        assert_eq!(figs[0].name, "search p99");
        assert_eq!(figs[0].value, 1.5);
        assert_eq!(figs[1].name, "검색 p99");
        assert_eq!(figs[1].target.as_ref().map(|t| t.limit), Some(25.0));
    }

    #[test]
    fn later_duplicate_wins_in_place() {
        let a = serde_json::to_string(&fig("sqlite", 1000, "x", 1.0)).unwrap();
        let b = serde_json::to_string(&fig("sqlite", 1000, "y", 2.0)).unwrap();
        let c = serde_json::to_string(&fig("sqlite", 1000, "x", 3.0)).unwrap();
        let figs = read_figures(&format!("{a}\n{b}\nFIGURE {c}\n")).unwrap();
        assert_eq!(figs.len(), 2);
        assert_eq!((figs[0].name.as_str(), figs[0].value), ("x", 3.0));
        assert_eq!((figs[1].name.as_str(), figs[1].value), ("y", 2.0));
    }

    #[test]
    fn malformed_line_is_an_error_with_its_number() {
        let a = serde_json::to_string(&fig("sqlite", 1000, "x", 1.0)).unwrap();
        let text = format!("junk\n{a}\nFIGURE {{\"backend\": \"sqlite\", oops}}\n");
        let err = read_figures(&text).unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert_eq!(read_figures("no json here\n\n").unwrap(), vec![]);
    }

    fn two_figures() -> Vec<Figure> {
        let mut figs = Vec::new();
        for (n, v) in [(1000, 2.0), (10000, 5.0), (100000, 50.0)] {
            figs.push(with_target(fig("sqlite", n, "search p99", v), 25.0, false));
        }
        for (n, v) in [(1000, 100.0), (10000, 100.0), (100000, 120.0)] {
            let mut f = fig("sqlite", n, "peak RSS", v);
            f.unit = "MiB".to_string();
            f.floor = Some(12.5);
            figs.push(f);
        }
        figs.push(with_target(
            fig("postgres", 10000, "search p99", 7.0),
            25.0,
            false,
        ));
        figs
    }

    #[test]
    fn growth_table_has_columns_marks_and_growth() {
        let table = growth_table(&two_figures());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert_eq!(
            lines[0],
            "| figure | unit | SQLite 1k | SQLite 10k | SQLite 100k | PostgreSQL 10k | \
             floor (SQLite, largest size) | target | growth ×10 (SQLite) |"
        );
        assert!(lines[1].starts_with("| --- | --- |"));
        assert_eq!(
            lines[2],
            "| search p99 | ms | 2.00 ✓ | 5.00 ✓ | 50.0 ✗ | 7.00 ✓ | — | ≤ 25 ms | ×10.0 |"
        );
        assert_eq!(
            lines[3],
            "| peak RSS | MiB | 100 | 100 | 120 | — | 12.5 | — | ×1.2 |"
        );
    }

    #[test]
    fn growth_table_missing_cells_and_escaping() {
        let mut figs = two_figures();
        figs.push(fig("postgres", 1000, "a|b", 1.0));
        figs.push(with_target(
            fig("sqlite", 1000, "HTTP search req/s", 2500.0),
            2000.0,
            true,
        ));
        let table = growth_table(&figs);
        assert!(
            table.contains("| PostgreSQL 1k | PostgreSQL 10k |"),
            "{table}"
        );
        assert!(table.contains("| a\\|b |"), "{table}");
        assert!(table.contains("| 2,500 ✓ |"), "{table}");
        assert!(table.contains("≥ 2,000 ms"), "{table}");
        // search p99 was not measured on postgres 1k.
        let row = table
            .lines()
            .find(|l| l.starts_with("| search p99"))
            .unwrap();
        assert!(row.contains("| 50.0 ✗ | — | 7.00 ✓ |"), "{row}");
    }

    #[test]
    fn growth_needs_consecutive_tenfold_sizes() {
        let figs = vec![
            fig("sqlite", 1000, "x", 1.0),
            fig("sqlite", 100000, "x", 4.0),
        ];
        let table = growth_table(&figs);
        assert!(table.lines().last().unwrap().ends_with("| — |"), "{table}");
    }

    #[test]
    fn chart_draws_one_polyline_per_figure() {
        let mut figs = two_figures();
        figs.push(fig("sqlite", 1000, "A & B <x>", 3.0));
        figs.push(fig("sqlite", 10000, "A & B <x>", 3.0));
        figs.push(fig("sqlite", 10000, "only one size", 3.0));
        figs.push(fig("sqlite", 1000, "bad", f64::NAN));
        figs.push(fig("sqlite", 10000, "bad", -1.0));
        let mut rps = with_target(fig("sqlite", 1000, "req/s", 2000.0), 1000.0, true);
        figs.push(rps.clone());
        rps.entries = 10000;
        rps.value = 1000.0;
        figs.push(rps);
        let svg = growth_chart_svg(&figs, "sqlite");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<title>"));
        assert_eq!(svg.matches("<polyline").count(), 4, "{svg}");
        assert!(svg.contains("A &amp; B &lt;x&gt;"), "{svg}");
        assert!(!svg.contains("A & B"), "{svg}");
        assert!(svg.contains("linear (×10 per ×10 entries)"));
        assert!(svg.contains(">1k<") && svg.contains(">100k<"), "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn chart_without_data_says_so() {
        let empty = growth_chart_svg(&[], "sqlite");
        assert!(empty.starts_with("<svg") && empty.trim_end().ends_with("</svg>"));
        assert!(empty.contains("no data"));
        // One postgres size only: nothing to plot.
        let one = growth_chart_svg(&two_figures(), "postgres");
        assert!(one.contains("no data"));
        assert_eq!(one.matches("<polyline").count(), 0);
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(format_number(1234.5), "1,235");
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(100.0), "100");
        assert_eq!(format_number(12.34), "12.3");
        assert_eq!(format_number(1.234), "1.23");
        assert_eq!(format_number(0.123), "0.123");
        assert_eq!(format_number(0.01234), "0.0123");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-12.34), "-12.3");
        assert_eq!(format_number(f64::NAN), "—");
        assert_eq!(format_limit(2000.0), "2,000");
        assert_eq!(format_limit(25.0), "25");
        assert_eq!(format_size(1000), "1k");
        assert_eq!(format_size(100000), "100k");
        assert_eq!(format_size(250000), "250,000");
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(
            xml_escape("a&b<c>\"d'e 한글"),
            "a&amp;b&lt;c&gt;&quot;d&apos;e 한글"
        );
    }
}
