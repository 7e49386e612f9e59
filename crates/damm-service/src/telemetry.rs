//! Structured logs (JSON lines, or text for a terminal) and a small
//! Prometheus registry: counters, gauges and histograms, each optionally
//! split by one label, rendered in the text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Starts logging to stderr: JSON lines when `json`, else text. `RUST_LOG`
/// overrides `level` (for example `info` or `damm_operator=debug`).
pub fn init_logging(json: bool, level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests) keeps the first subscriber.
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// What a metric is: the Prometheus `# TYPE`.
#[derive(Clone, Copy)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// One metric family: its values by label value ("" when unlabelled).
struct Family {
    help: &'static str,
    kind: Kind,
    label: Option<&'static str>,
    bounds: &'static [f64],
    series: Mutex<BTreeMap<String, Arc<Series>>>,
}

/// A counter, gauge or histogram's current values.
#[derive(Default)]
struct Series {
    /// Counter or gauge value; a histogram's count.
    value: AtomicU64,
    /// A histogram's sum, in micro-units (bit-exact integer accumulation).
    sum_micros: AtomicU64,
    /// A histogram's cumulative bucket counts.
    buckets: Vec<AtomicU64>,
}

/// The registry every `/metrics` renders.
#[derive(Default, Clone)]
pub struct Metrics {
    families: Arc<Mutex<BTreeMap<&'static str, Arc<Family>>>>,
}

/// A handle on one metric (one label value of a family).
#[derive(Clone)]
pub struct Metric {
    family: Arc<Family>,
    series: Arc<Series>,
}

impl Metrics {
    fn family(
        &self,
        name: &'static str,
        help: &'static str,
        kind: Kind,
        label: Option<&'static str>,
        bounds: &'static [f64],
    ) -> Arc<Family> {
        let mut families = self.families.lock().unwrap_or_else(|e| e.into_inner());
        families
            .entry(name)
            .or_insert_with(|| {
                Arc::new(Family {
                    help,
                    kind,
                    label,
                    bounds,
                    series: Mutex::new(BTreeMap::new()),
                })
            })
            .clone()
    }

    /// A counter.
    #[must_use]
    pub fn counter(&self, name: &'static str, help: &'static str) -> Metric {
        Metric::of(self.family(name, help, Kind::Counter, None, &[]), "")
    }

    /// A gauge.
    #[must_use]
    pub fn gauge(&self, name: &'static str, help: &'static str) -> Metric {
        Metric::of(self.family(name, help, Kind::Gauge, None, &[]), "")
    }

    /// A histogram with these upper bounds (seconds, say).
    #[must_use]
    pub fn histogram(
        &self,
        name: &'static str,
        help: &'static str,
        bounds: &'static [f64],
    ) -> Metric {
        Metric::of(self.family(name, help, Kind::Histogram, None, bounds), "")
    }

    /// A counter split by `label`: the series for `value`.
    #[must_use]
    pub fn counter_with(
        &self,
        name: &'static str,
        help: &'static str,
        label: &'static str,
        value: &str,
    ) -> Metric {
        Metric::of(
            self.family(name, help, Kind::Counter, Some(label), &[]),
            value,
        )
    }

    /// Everything, in Prometheus' text format.
    #[must_use]
    pub fn render(&self) -> String {
        let families = self.families.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        for (name, family) in families.iter() {
            let kind = match family.kind {
                Kind::Counter => "counter",
                Kind::Gauge => "gauge",
                Kind::Histogram => "histogram",
            };
            let _ = writeln!(out, "# HELP {name} {}\n# TYPE {name} {kind}", family.help);
            let series = family.series.lock().unwrap_or_else(|e| e.into_inner());
            for (label_value, s) in series.iter() {
                let labels = match family.label {
                    Some(label) => format!("{label}=\"{}\"", escape(label_value)),
                    None => String::new(),
                };
                let braces = |extra: &str| {
                    let all: Vec<&str> = [labels.as_str(), extra]
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .collect();
                    if all.is_empty() {
                        String::new()
                    } else {
                        format!("{{{}}}", all.join(","))
                    }
                };
                match family.kind {
                    Kind::Counter | Kind::Gauge => {
                        let _ = writeln!(
                            out,
                            "{name}{} {}",
                            braces(""),
                            s.value.load(Ordering::Relaxed)
                        );
                    }
                    Kind::Histogram => {
                        for (bound, count) in family.bounds.iter().zip(&s.buckets) {
                            let le = format!("le=\"{bound}\"");
                            let _ = writeln!(
                                out,
                                "{name}_bucket{} {}",
                                braces(&le),
                                count.load(Ordering::Relaxed)
                            );
                        }
                        let count = s.value.load(Ordering::Relaxed);
                        let _ = writeln!(out, "{name}_bucket{} {count}", braces("le=\"+Inf\""));
                        let sum = s.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
                        let _ = writeln!(out, "{name}_sum{} {sum}", braces(""));
                        let _ = writeln!(out, "{name}_count{} {count}", braces(""));
                    }
                }
            }
        }
        out
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metric {
    fn of(family: Arc<Family>, value: &str) -> Self {
        let series = {
            let mut series = family.series.lock().unwrap_or_else(|e| e.into_inner());
            series
                .entry(value.to_owned())
                .or_insert_with(|| {
                    Arc::new(Series {
                        buckets: family.bounds.iter().map(|_| AtomicU64::new(0)).collect(),
                        ..Series::default()
                    })
                })
                .clone()
        };
        Self { family, series }
    }

    /// Adds one (a counter).
    pub fn inc(&self) {
        self.series.value.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets the value (a gauge).
    pub fn set(&self, value: u64) {
        self.series.value.store(value, Ordering::Relaxed);
    }

    /// Records one observation (a histogram), for example seconds.
    pub fn observe(&self, value: f64) {
        let s = &self.series;
        for (bound, count) in self.family.bounds.iter().zip(&s.buckets) {
            if value <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        s.value.fetch_add(1, Ordering::Relaxed);
        // Saturating float-to-int: a negative or absurd value adds nothing.
        s.sum_micros
            .fetch_add((value * 1e6) as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_text_format() {
        let m = Metrics::default();
        m.counter("a_total", "things").inc();
        m.counter_with("r_total", "refusals", "reason", "slippage")
            .inc();
        m.counter_with("r_total", "refusals", "reason", "slippage")
            .inc();
        m.gauge("g", "level").set(7);
        m.histogram("h_seconds", "latency", &[0.1, 1.0])
            .observe(0.5);
        let text = m.render();
        for line in [
            "# TYPE a_total counter",
            "a_total 1",
            "r_total{reason=\"slippage\"} 2",
            "g 7",
            "h_seconds_bucket{le=\"0.1\"} 0",
            "h_seconds_bucket{le=\"1\"} 1",
            "h_seconds_bucket{le=\"+Inf\"} 1",
            "h_seconds_sum 0.5",
            "h_seconds_count 1",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
    }
}
