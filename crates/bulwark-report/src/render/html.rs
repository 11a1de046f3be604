//! `--format html`: one self-contained page that works from disk. Styles, the sorting and
//! filtering script and the charts (inline SVG) are all in the file, and a Content Security
//! Policy forbids every network fetch.
//!
//! The page: the scanned artifact and the database's age; counts by severity and by scanner;
//! a chart of findings per layer (per Dockerfile step when traced) and per severity; tables of
//! vulnerabilities, secrets (already redacted in the report), configuration and lint findings;
//! the package inventory when the report lists it (`metadata.packages`). Every finding row is a
//! `tr.finding` with `data-category` and `data-severity`, so tests and people can count them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::Value;

use super::RenderOptions;
use crate::{Category, Finding, Report, Severity};

/// Escapes text for HTML element content and double-quoted attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn prop(f: &Finding, key: &str) -> String {
    match f.properties.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn color(s: Severity) -> &'static str {
    match s.bucket() {
        Severity::Critical => "#b71c1c",
        Severity::High => "#e53935",
        Severity::Medium => "#fb8c00",
        Severity::Low => "#fdd835",
        _ => "#9e9e9e",
    }
}

/// The five buckets of the vulnerability scale, most serious first.
const BUCKETS: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Unknown,
];

fn category_name(c: Category) -> &'static str {
    match c {
        Category::Dockerfile => "dockerfile",
        Category::Kubernetes => "kubernetes",
        Category::Vulnerability => "vulnerability",
        Category::Secret => "secret",
        Category::ImageConfig => "image-config",
        Category::Runtime => "runtime",
        Category::InputError => "input-error",
    }
}

/// A link only when it is http(s): anything else is shown as text.
fn link(url: &str, text: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc(url),
            esc(text)
        )
    } else {
        esc(text)
    }
}

/// Where a finding was introduced, for the per-layer chart: the Dockerfile step when traced,
/// else the layer, else the image configuration or file.
fn layer_key(f: &Finding, layers: &BTreeMap<String, usize>) -> String {
    if let Some(line) = f.properties.get("dockerfile_line").and_then(Value::as_u64) {
        let ins = prop(f, "dockerfile_instruction");
        let mut short: String = ins.chars().take(40).collect();
        if ins.chars().count() > 40 {
            short.push('…');
        }
        return format!("L{line:03} {short}");
    }
    let digest = prop(f, "layer_digest");
    if !digest.is_empty() {
        let short = digest
            .trim_start_matches("sha256:")
            .chars()
            .take(12)
            .collect::<String>();
        return match layers.get(&digest) {
            Some(i) => format!("layer {i:02} {short}"),
            None => format!("layer {short}"),
        };
    }
    if f.category == Category::ImageConfig || f.location.path.is_empty() {
        "image configuration".to_owned()
    } else {
        "other".to_owned()
    }
}

const STYLE: &str = r"
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#cfd8dc}main{padding:16px 24px}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{border-radius:6px;padding:8px 14px;color:#fff;min-width:90px}.card b{display:block;font-size:22px}
.sev{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#eceff1;user-select:none;white-space:nowrap}th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}
td.t{max-width:480px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.filters{display:flex;gap:8px;margin:0 0 8px}.filters input{flex:1;padding:4px 6px}
.muted{color:#757575}.charts{display:flex;flex-wrap:wrap;gap:24px}
";

const SCRIPT: &str = r"
(function(){
  function cell(tr,i){var c=tr.children[i];return c?(c.getAttribute('data-v')||c.textContent):'';}
  document.querySelectorAll('table.sortable').forEach(function(table){
    var ths=table.querySelectorAll('thead th');
    ths.forEach(function(th,i){
      th.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        ths.forEach(function(x){x.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var x=cell(a,i),y=cell(b,i);var nx=parseFloat(x),ny=parseFloat(y);
          var r=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?r:-r;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
  document.querySelectorAll('.filters').forEach(function(box){
    var table=document.getElementById(box.getAttribute('data-for'));
    var text=box.querySelector('input');var sev=box.querySelector('select');
    function apply(){
      var q=text.value.toLowerCase();var s=sev?sev.value:'';var shown=0;
      Array.prototype.forEach.call(table.tBodies[0].rows,function(tr){
        var ok=(!q||tr.textContent.toLowerCase().indexOf(q)>=0)&&(!s||tr.getAttribute('data-bucket')===s);
        tr.hidden=!ok;if(ok)shown++;});
      box.querySelector('.count').textContent=shown+' shown';
    }
    text.addEventListener('input',apply);if(sev)sev.addEventListener('change',apply);apply();
  });
})();
";

/// Horizontal stacked bars: one row per key, one segment per severity bucket.
fn bar_chart(title: &str, rows: &[(String, [usize; 5])]) -> String {
    let label_w = 380usize;
    let bar_w = 420usize;
    let row_h = 20usize;
    let max = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = rows.len() * row_h + 24;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" class=\"chart\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title),
        label_w + bar_w + 60,
        label_w + bar_w + 60
    );
    for (i, (key, counts)) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            label_w - 6,
            y + 13,
            esc(key)
        );
        let mut x = label_w;
        for (b, n) in BUCKETS.iter().zip(counts) {
            if *n == 0 {
                continue;
            }
            let w = (n * bar_w / max).max(2);
            let _ = write!(
                svg,
                "<rect class=\"bar\" data-severity=\"{}\" data-count=\"{n}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"><title>{}: {n} {}</title></rect>",
                b.as_str(),
                row_h - 4,
                color(*b),
                esc(key),
                b.as_str()
            );
            x += w;
        }
        let total: usize = counts.iter().sum();
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\">{total}</text>",
            x + 4,
            y + 13
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

fn bucket_index(s: Severity) -> usize {
    BUCKETS
        .iter()
        .position(|b| *b == s.bucket())
        .unwrap_or(BUCKETS.len() - 1)
}

fn severity_badge(s: Severity) -> String {
    format!(
        "<span class=\"sev\" style=\"background:{}\">{}</span>",
        color(s),
        s.as_str().to_uppercase()
    )
}

fn filters(table_id: &str) -> String {
    let mut opts = String::from("<option value=\"\">all severities</option>");
    for b in BUCKETS {
        let _ = write!(opts, "<option value=\"{0}\">{0}</option>", b.as_str());
    }
    format!(
        "<div class=\"filters\" data-for=\"{table_id}\"><input type=\"search\" placeholder=\"filter…\" aria-label=\"filter\"><select aria-label=\"severity\">{opts}</select><span class=\"count muted\"></span></div>"
    )
}

fn finding_row(f: &Finding, cells: &[String]) -> String {
    let mut row = format!(
        "<tr class=\"finding\" data-category=\"{}\" data-severity=\"{}\" data-bucket=\"{}\">",
        category_name(f.category),
        f.severity.as_str(),
        f.severity.bucket().as_str()
    );
    for c in cells {
        row.push_str(c);
    }
    row.push_str("</tr>");
    row
}

fn td(text: &str) -> String {
    format!("<td>{}</td>", esc(text))
}

fn sev_td(s: Severity) -> String {
    format!("<td data-v=\"{}\">{}</td>", 9 - s.rank(), severity_badge(s))
}

fn table(id: &str, headers: &[&str], rows: &[String]) -> String {
    let mut t = filters(id);
    let _ = write!(t, "<table class=\"sortable\" id=\"{id}\"><thead><tr>");
    for h in headers {
        let _ = write!(t, "<th>{}</th>", esc(h));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str(r);
    }
    t.push_str("</tbody></table>");
    t
}

fn step_cell(f: &Finding) -> String {
    let line = prop(f, "dockerfile_line");
    if line.is_empty() {
        return td(&prop(f, "layer_index"));
    }
    format!(
        "<td data-v=\"{line}\" title=\"{}\">L{line} {}</td>",
        esc(&prop(f, "dockerfile_instruction")),
        esc(&prop(f, "dockerfile_instruction")
            .chars()
            .take(40)
            .collect::<String>())
    )
}

/// "built 2026-12-01 (6 days ago)" for a Unix time.
fn age(built: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = now.saturating_sub(built) / 86_400;
    let (y, m, d) = civil_from_days(built / 86_400);
    format!("built {y:04}-{m:02}-{d:02} ({days} day(s) old)")
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (i64, u32, u32) {
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[allow(clippy::too_many_lines)] // the page, top to bottom
pub(super) fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let meta = &report.metadata;
    let artifact = meta
        .get("artifact")
        .and_then(|a| a.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("scan");
    let os = meta
        .get("os")
        .and_then(|o| o.get("pretty_name").or_else(|| o.get("id")))
        .and_then(Value::as_str)
        .unwrap_or("");
    let layers: BTreeMap<String, usize> = meta
        .get("layers")
        .and_then(Value::as_array)
        .map(|ls| {
            ls.iter()
                .filter_map(|l| {
                    Some((
                        l.get("digest")?.as_str()?.to_owned(),
                        usize::try_from(l.get("index")?.as_u64()?).ok()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let db = meta.get("vulnerability_db");
    let db_text = match db
        .and_then(|d| d.get("built_at_unix"))
        .and_then(Value::as_u64)
    {
        Some(t) => format!("Vulnerability database {}", age(t)),
        None if db.is_some() => "Vulnerability database: build time unknown".to_owned(),
        None => "Vulnerability scanning was not run".to_owned(),
    };

    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let _ = write!(
        h,
        "<title>{} — {} report</title>",
        esc(artifact),
        esc(&opts.tool_name)
    );
    let _ = write!(h, "<style>{STYLE}</style></head><body>");
    let _ = write!(
        h,
        "<header><h1>{}</h1><p>{}{} {} {} · <span id=\"db-age\">{}</span></p></header><main>",
        esc(artifact),
        esc(os),
        if os.is_empty() { "" } else { " ·" },
        esc(&opts.tool_name),
        esc(&opts.tool_version),
        esc(&db_text)
    );
    if !report.errors.is_empty() {
        h.push_str("<section id=\"errors\"><h2>Could not check</h2><ul>");
        for e in &report.errors {
            let _ = write!(h, "<li class=\"error\">{}</li>", esc(e));
        }
        h.push_str("</ul><p>The findings below are incomplete.</p></section>");
    }

    // Summary.
    let mut by_bucket = [0usize; 5];
    for f in &report.findings {
        by_bucket[bucket_index(f.severity)] += 1;
    }
    let _ = write!(
        h,
        "<section id=\"summary\"><h2>Summary: <span id=\"total\">{}</span> finding(s)</h2><div class=\"cards\">",
        report.findings.len()
    );
    for (b, n) in BUCKETS.iter().zip(by_bucket) {
        let _ = write!(
            h,
            "<div class=\"card\" style=\"background:{}\" data-severity=\"{}\"><b>{n}</b>{}</div>",
            color(*b),
            b.as_str(),
            b.as_str().to_uppercase()
        );
    }
    h.push_str("</div><table id=\"by-scanner\"><thead><tr><th>Scanner</th>");
    for b in BUCKETS {
        let _ = write!(h, "<th>{}</th>", b.as_str().to_uppercase());
    }
    h.push_str("<th>Total</th></tr></thead><tbody>");
    let mut cats: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for f in &report.findings {
        cats.entry(category_name(f.category)).or_default()[bucket_index(f.severity)] += 1;
    }
    for (c, counts) in &cats {
        let _ = write!(h, "<tr data-scanner=\"{c}\"><td>{c}</td>");
        for n in counts {
            let _ = write!(h, "<td>{n}</td>");
        }
        let _ = write!(h, "<td>{}</td></tr>", counts.iter().sum::<usize>());
    }
    let _ = write!(
        h,
        "</tbody></table><p class=\"muted\">{} suppressed by ignore rules.</p></section>",
        report.suppressed.len()
    );

    // Charts.
    let mut per_layer: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    for f in &report.findings {
        per_layer.entry(layer_key(f, &layers)).or_default()[bucket_index(f.severity)] += 1;
    }
    let layer_rows: Vec<(String, [usize; 5])> = per_layer.into_iter().collect();
    let sev_rows: Vec<(String, [usize; 5])> = BUCKETS
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut c = [0usize; 5];
            c[i] = by_bucket[i];
            (b.as_str().to_uppercase(), c)
        })
        .collect();
    let traced = report
        .findings
        .iter()
        .any(|f| f.properties.contains_key("dockerfile_line"));
    h.push_str("<section id=\"charts\"><h2>Where the findings are</h2><div class=\"charts\">");
    h.push_str(&bar_chart(
        if traced {
            "Findings per Dockerfile step"
        } else {
            "Findings per layer"
        },
        &layer_rows,
    ));
    h.push_str(&bar_chart("Findings per severity", &sev_rows));
    h.push_str("</div></section>");

    // Vulnerabilities.
    let vulns: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.category == Category::Vulnerability)
        .map(|f| {
            let fixed = prop(f, "fixed_version");
            let title = f
                .links
                .first()
                .map_or_else(|| esc(&f.message), |u| link(u, &f.message));
            finding_row(
                f,
                &[
                    td(&prop(f, "package")),
                    f.links
                        .first()
                        .map_or_else(|| td(&f.code), |u| format!("<td>{}</td>", link(u, &f.code))),
                    sev_td(f.severity),
                    td(if fixed.is_empty() {
                        "affected"
                    } else {
                        "fixed"
                    }),
                    td(&prop(f, "installed_version")),
                    td(&fixed),
                    step_cell(f),
                    td(&prop(f, "target")),
                    format!("<td class=\"t\" title=\"{}\">{title}</td>", esc(&f.message)),
                ],
            )
        })
        .collect();
    let _ = write!(
        h,
        "<section id=\"vulnerabilities\"><h2>Vulnerabilities ({})</h2>",
        vulns.len()
    );
    h.push_str(&table(
        "vuln-table",
        &[
            "Library",
            "Vulnerability",
            "Severity",
            "Status",
            "Installed",
            "Fixed",
            if traced { "Step" } else { "Layer" },
            "Target",
            "Title",
        ],
        &vulns,
    ));
    h.push_str("</section>");

    // Secrets (the report's strings are already redacted).
    let secrets: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.category == Category::Secret)
        .map(|f| {
            finding_row(
                f,
                &[
                    td(&f.code),
                    sev_td(f.severity),
                    td(&f.location.display_path()),
                    td(&f.message),
                    step_cell(f),
                ],
            )
        })
        .collect();
    let _ = write!(
        h,
        "<section id=\"secrets\"><h2>Secrets ({})</h2>",
        secrets.len()
    );
    h.push_str(&table(
        "secret-table",
        &["Rule", "Severity", "Where", "Match (redacted)", "Step"],
        &secrets,
    ));
    h.push_str("</section>");

    // Configuration, lint and input problems.
    let config: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !matches!(f.category, Category::Vulnerability | Category::Secret))
        .map(|f| {
            let mut loc = f.location.display_path();
            if let Some(l) = f.location.line {
                let _ = write!(loc, ":{l}");
            }
            finding_row(
                f,
                &[
                    td(&f.code),
                    sev_td(f.severity),
                    td(category_name(f.category)),
                    td(&loc),
                    td(&f.message),
                    td(f.help.as_deref().unwrap_or("")),
                    step_cell(f),
                ],
            )
        })
        .collect();
    let _ = write!(
        h,
        "<section id=\"config\"><h2>Configuration ({})</h2>",
        config.len()
    );
    h.push_str(&table(
        "config-table",
        &[
            "Check", "Severity", "Kind", "Where", "Message", "Fix", "Step",
        ],
        &config,
    ));
    h.push_str("</section>");

    // Inventory.
    let packages = meta.get("packages").and_then(Value::as_array);
    let count = meta
        .get("package_count")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let _ = write!(
        h,
        "<section id=\"inventory\"><h2>Inventory (<span id=\"package-count\">{count}</span> packages)</h2>"
    );
    match packages {
        Some(list) => {
            let rows: Vec<String> = list
                .iter()
                .map(|p| {
                    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                    let name = match p.get("group").and_then(Value::as_str) {
                        Some(g) if !g.is_empty() => format!("{g}:{}", s("name")),
                        _ => s("name"),
                    };
                    let path = p
                        .get("location")
                        .and_then(|l| l.get("path"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    format!(
                        "<tr class=\"package\">{}{}{}{}{}</tr>",
                        td(&s("type")),
                        td(&name),
                        td(&s("version")),
                        td(&s("purl")),
                        td(path)
                    )
                })
                .collect();
            h.push_str(&table(
                "package-table",
                &["Type", "Name", "Version", "PURL", "Found in"],
                &rows,
            ));
        }
        None => h.push_str("<p class=\"muted\">Not listed in this report.</p>"),
    }
    h.push_str("</section></main>");
    let _ = writeln!(h, "<script>{SCRIPT}</script></body></html>");
    out.write_all(h.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_dates() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(link("javascript:alert(1)", "x"), "x");
    }
}
