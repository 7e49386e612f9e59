//! SVG line charts through `plotters`' pure-Rust SVG backend.
//!
//! No bitmap, font or system-library features: text is emitted as SVG
//! `<text>` elements (the viewer picks the font) and laid out with plotters'
//! built-in approximate metrics, so the crate builds on machines without
//! fontconfig or freetype. A chart renders to a string first, so the same
//! data gives the same bytes.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::output::write_file;
use crate::{Result, SimError};

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// Filled circles.
    Markers,
    /// A solid line with filled circles.
    LineMarkers,
}

/// One series of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend entry (none: not in the legend).
    pub label: Option<String>,
    /// The points, in data coordinates.
    pub points: Vec<(f64, f64)>,
    /// Colour.
    pub color: RGBColor,
    /// Drawing style.
    pub style: Style,
}

/// A shaded band between two curves over the same x values.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// `(x, low, high)` triples.
    pub points: Vec<(f64, f64, f64)>,
    /// Colour (drawn at 20 % opacity).
    pub color: RGBColor,
}

/// A line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// X range (data coordinates).
    pub x_range: (f64, f64),
    /// Y range.
    pub y_range: (f64, f64),
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Logarithmic y axis: the data's y values are plotted as `log10(y)` and
    /// `y_range` is given in `log10` units; ticks show `10^v`.
    pub log_y: bool,
    /// Series, drawn in order.
    pub series: Vec<Series>,
    /// Bands, drawn first.
    pub bands: Vec<Band>,
    /// Tick values (data coordinates) for a logarithmic x axis; empty: let
    /// plotters choose (in `log10` units, labelled `10^v`).
    pub x_ticks: Vec<f64>,
    /// Tick values for a logarithmic y axis, likewise.
    pub y_ticks: Vec<f64>,
    /// Where the legend goes.
    pub legend: SeriesLabelPosition,
    /// Size in pixels.
    pub size: (u32, u32),
}

/// A palette of distinguishable colours (Tableau 10).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The palette colour for index `i` (cycled).
#[must_use]
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

impl Chart {
    /// An empty chart with a default size and the legend at the lower left.
    #[must_use]
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            log_x: false,
            log_y: false,
            series: Vec::new(),
            bands: Vec::new(),
            x_ticks: Vec::new(),
            y_ticks: Vec::new(),
            legend: SeriesLabelPosition::LowerLeft,
            size: (960, 600),
        }
    }

    /// Renders the chart as an SVG document.
    pub fn render(&self) -> Result<String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size).into_drawing_area();
            self.draw(&root)?;
            root.present().map_err(plot_error)?;
        }
        Ok(svg)
    }

    /// Renders the chart and writes it to `path`.
    pub fn write(&self, path: &Path) -> Result<()> {
        write_file(path, &self.render()?)
    }

    fn ty(&self, y: f64) -> f64 {
        if self.log_y {
            libm::log10(y)
        } else {
            y
        }
    }

    fn tx(&self, x: f64) -> f64 {
        if self.log_x {
            libm::log10(x)
        } else {
            x
        }
    }

    fn draw(&self, root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(plot_error)?;
        let (x0, x1) = (self.tx(self.x_range.0), self.tx(self.x_range.1));
        let mut chart = ChartBuilder::on(root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, self.y_range.0..self.y_range.1)
            .map_err(plot_error)?;
        let log_x = self.log_x;
        let x_fmt = move |v: &f64| {
            if log_x {
                format_tick(libm::pow(10.0, *v))
            } else {
                format_tick(*v)
            }
        };
        let log_y = self.log_y;
        let y_fmt = move |v: &f64| {
            if log_y {
                format_tick(libm::pow(10.0, *v))
            } else {
                format_tick(*v)
            }
        };
        let manual_x = self.log_x && !self.x_ticks.is_empty();
        let manual_y = self.log_y && !self.y_ticks.is_empty();
        let mut mesh = chart.configure_mesh();
        mesh.x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .light_line_style(RGBColor(240, 240, 240));
        if manual_x {
            mesh.x_labels(0);
        }
        if manual_y {
            mesh.y_labels(0);
        }
        mesh.draw().map_err(plot_error)?;

        // Hand-placed ticks on logarithmic axes: round values, exact places.
        let (y0, y1) = self.y_range;
        let grid = RGBColor(200, 200, 200);
        let font = ("sans-serif", 13).into_font();
        if manual_x {
            for &v in self.x_ticks.iter().filter(|&&v| v > 0.0) {
                let x = self.tx(v);
                if x < x0 || x > x1 {
                    continue;
                }
                chart
                    .draw_series(LineSeries::new([(x, y0), (x, y1)], grid))
                    .map_err(plot_error)?;
                let (px, py) = chart.backend_coord(&(x, y0));
                let style = font
                    .clone()
                    .into_text_style(root)
                    .pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(format_tick(v), (px, py + 6), style))
                    .map_err(plot_error)?;
            }
        }
        if manual_y {
            for &v in self.y_ticks.iter().filter(|&&v| v > 0.0) {
                let y = self.ty(v);
                if y < y0 || y > y1 {
                    continue;
                }
                chart
                    .draw_series(LineSeries::new([(x0, y), (x1, y)], grid))
                    .map_err(plot_error)?;
                let (px, py) = chart.backend_coord(&(x0, y));
                let style = font
                    .clone()
                    .into_text_style(root)
                    .pos(Pos::new(HPos::Right, VPos::Center));
                root.draw(&Text::new(format_tick(v), (px - 6, py), style))
                    .map_err(plot_error)?;
            }
        }

        for band in &self.bands {
            let mut polygon: Vec<(f64, f64)> = band
                .points
                .iter()
                .map(|&(x, lo, _)| (self.tx(x), lo))
                .collect();
            polygon.extend(band.points.iter().rev().map(|&(x, _, hi)| (self.tx(x), hi)));
            chart
                .draw_series(std::iter::once(Polygon::new(polygon, band.color.mix(0.2))))
                .map_err(plot_error)?;
        }

        for series in &self.series {
            let points: Vec<(f64, f64)> = series
                .points
                .iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|&(x, y)| (self.tx(x), self.ty(y)))
                .collect();
            let color = series.color;
            let annotation = match series.style {
                Style::Line => chart
                    .draw_series(LineSeries::new(points, color.stroke_width(2)))
                    .map_err(plot_error)?,
                Style::Dashed => chart
                    .draw_series(DashedLineSeries::new(points, 6, 4, color.stroke_width(1)))
                    .map_err(plot_error)?,
                Style::Markers => chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(plot_error)?,
                Style::LineMarkers => {
                    chart
                        .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                        .map_err(plot_error)?;
                    chart
                        .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(plot_error)?
                }
            };
            if let Some(label) = &series.label {
                let style = series.style;
                annotation.label(label.as_str()).legend(move |(x, y)| {
                    // Absolute backend coordinates (composed elements draw
                    // their parts at the wrong place inside a legend).
                    match style {
                        Style::Markers => Circle::new((x + 10, y), 3, color.filled()).into_dyn(),
                        Style::Dashed => {
                            PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(1))
                                .into_dyn()
                        }
                        Style::Line | Style::LineMarkers => {
                            PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                                .into_dyn()
                        }
                    }
                });
            }
        }
        if self.series.iter().any(|s| s.label.is_some()) {
            chart
                .configure_series_labels()
                .position(self.legend.clone())
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(160, 160, 160))
                .label_font(("sans-serif", 14))
                .draw()
                .map_err(plot_error)?;
        }
        Ok(())
    }
}

/// A tick label: up to three significant digits, no trailing zeros.
///
/// ```
/// # use damm_sim::plot::format_tick;
/// assert_eq!(format_tick(0.25), "0.25");
/// assert_eq!(format_tick(1.0), "1");
/// assert_eq!(format_tick(1.5849), "1.58");
/// assert_eq!(format_tick(-0.0), "0");
/// ```
#[must_use]
pub fn format_tick(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let magnitude = libm::floor(libm::log10(v.abs())) as i32;
    let decimals = (2 - magnitude).clamp(0, 6) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

fn plot_error<E: std::fmt::Display>(e: E) -> SimError {
    SimError::Plot(e.to_string())
}
