//! PNG charts of a count per day (attendees per day, calls per day), drawn in memory.
//!
//! plotters' bitmap backend draws into an RGB buffer and the `png` crate encodes it;
//! text uses DejaVu Sans, embedded in the binary (`assets/fonts/DejaVuSans.ttf`, free
//! licence in `assets/fonts/LICENSE-DejaVu.txt`) and registered with plotters'
//! `ab_glyph` feature, so no system font, fontconfig or file is ever read.
//!
//! The look is made for Slack's and Teams' previews, which show the image at about a
//! third of its size: 1200 × 600 px, large type (title 44 px, everything else 26–28 px),
//! the title (`Attendees per day`) with the total and the highest day on its right, the
//! report's own title under it, one bar per day with a light horizontal grid, at most
//! 8 date labels, the count over each bar up to 31 days, weekends lighter up to about
//! four months (longer ranges are one solid band).

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use super::ReportError;
use super::render::thousands;

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1200;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 600;

const FONT_FAMILY: &str = "sans-serif";
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

const BAR: RGBColor = RGBColor(0x1f, 0x5f, 0xbf);
const WEEKEND_BAR: RGBColor = RGBColor(0x8f, 0xb3, 0xe8);
const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// Registers the embedded font with plotters, once per process.
fn font() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(ReportError::Font) }
}

/// A bar chart of one count per day.
#[derive(Debug, Clone, Copy)]
pub struct DailyChart<'a> {
    /// What is counted, e.g. `Attendees`: the vertical axis's label, and the title
    /// (`Attendees per day`).
    pub counted: &'a str,
    /// The line under the title: what the report is about (shortened to fit).
    pub subtitle: &'a str,
    /// The horizontal axis's label, e.g. `Day (Europe/Paris)`.
    pub days_label: &'a str,
    /// One value per day, in order, every day of the range.
    pub days: &'a [(NaiveDate, u32)],
}

/// The label of a day on the horizontal axis.
fn day_label(date: NaiveDate, span_days: usize) -> String {
    if span_days <= 366 {
        date.format("%b %-d").to_string()
    } else {
        date.format("%b %Y").to_string()
    }
}

/// `text`, shortened with `…` until `fits` says it does.
fn fitted(text: &str, fits: impl Fn(&str) -> bool) -> String {
    if fits(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 1 {
        keep -= 1;
        let candidate: String = chars[..keep].iter().collect::<String>() + "…";
        if fits(&candidate) {
            return candidate;
        }
    }
    "…".to_string()
}

/// Draws `chart` and answers the PNG file's bytes.
pub fn daily_bar_chart(chart: &DailyChart<'_>) -> Result<Vec<u8>, ReportError> {
    font()?;
    let mut pixels = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(chart, &mut pixels).map_err(ReportError::Draw)?;
    encode(&pixels)
}

fn draw(chart: &DailyChart<'_>, pixels: &mut [u8]) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let n = chart.days.len().max(1);
    let max = chart.days.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let total: u64 = chart.days.iter().map(|(_, v)| u64::from(*v)).sum();
    // Head room over the tallest bar for its value label.
    let top = (max + max / 8 + 1).max(4);
    let left = 36;
    let right = WIDTH as i32 - 36;

    let root = BitMapBackend::with_buffer(pixels, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (head, body) = root.split_vertically(112);

    // Title left; the total and the highest day right on the same line.
    let title_font = (FONT_FAMILY, 44).into_font().color(&TEXT);
    let small = (FONT_FAMILY, 28).into_font().color(&MUTED);
    let title = format!("{} per day", chart.counted);
    head.draw_text(&title, &title_font, (left, 14))
        .map_err(|e| err(&e))?;
    let years_differ =
        chart.days.first().map(|(d, _)| d.year()) != chart.days.last().map(|(d, _)| d.year());
    let figures = match chart.days.iter().find(|(_, v)| *v == max && max > 0) {
        Some((date, v)) => format!(
            "{} in all · most: {} on {}",
            thousands(total),
            thousands(u64::from(*v)),
            date.format(if years_differ {
                "%a %b %-d, %Y"
            } else {
                "%a %b %-d"
            })
        ),
        None => "none in this range".to_string(),
    };
    let (title_w, _) = head
        .estimate_text_size(&title, &title_font)
        .map_err(|e| err(&e))?;
    let room_for_figures = (right - left - title_w as i32 - 32).max(0) as u32;
    let figures = fitted(&figures, |t| {
        head.estimate_text_size(t, &small)
            .is_ok_and(|(w, _)| w <= room_for_figures)
    });
    let (figures_w, _) = head
        .estimate_text_size(&figures, &small)
        .map_err(|e| err(&e))?;
    head.draw_text(&figures, &small, (right - figures_w as i32, 26))
        .map_err(|e| err(&e))?;
    let width = (right - left) as u32;
    let subtitle = fitted(chart.subtitle, |t| {
        head.estimate_text_size(t, &small)
            .is_ok_and(|(w, _)| w <= width)
    });
    head.draw_text(&subtitle, &small, (left, 70))
        .map_err(|e| err(&e))?;

    // One segment per day, at least five (a day or two are drawn as bars of a normal
    // width, centred, rather than as one wide block).
    let slots = n.max(5) as i32;
    let offset = (slots - n as i32) / 2;
    let last_slot = slots - 1;
    let mut plot = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(84)
        .y_label_area_size(100)
        .build_cartesian_2d((0..last_slot).into_segmented(), 0u32..top)
        .map_err(|e| err(&e))?;
    let days = chart.days;
    let x_label = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i - offset)
            .ok()
            .and_then(|i| days.get(i))
            .map(|(d, _)| day_label(*d, n))
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    };
    let y_label = |v: &u32| thousands(u64::from(*v));
    plot.configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.stroke_width(0))
        .axis_style(MUTED.stroke_width(2))
        .x_labels(8.min(slots as usize))
        .y_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style((FONT_FAMILY, 28).into_font().color(&TEXT))
        .axis_desc_style((FONT_FAMILY, 28).into_font().color(&MUTED))
        .x_desc(chart.days_label)
        .y_desc(chart.counted)
        .draw()
        .map_err(|e| err(&e))?;

    // Up to four months: bars apart, weekends lighter. Longer: one solid band.
    let detailed = n <= 124;
    let slot = f64::from(WIDTH - 200) / n as f64;
    let gap = if detailed {
        ((slot * 0.1).round() as u32).clamp(1, 12)
    } else {
        0
    };
    plot.draw_series(chart.days.iter().enumerate().map(|(i, (date, v))| {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let colour = if detailed && weekend {
            WEEKEND_BAR
        } else {
            BAR
        };
        let i = i as i32 + offset;
        // The last slot's bar ends at the axis's end (`Exact(slots)` is outside it).
        let end = if i == last_slot {
            SegmentValue::Last
        } else {
            SegmentValue::Exact(i + 1)
        };
        let mut bar = Rectangle::new([(SegmentValue::Exact(i), 0), (end, *v)], colour.filled());
        bar.set_margin(0, 0, gap, gap);
        bar
    }))
    .map_err(|e| err(&e))?;
    if n <= 31 {
        let style = (FONT_FAMILY, 26)
            .into_font()
            .color(&TEXT)
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        plot.draw_series(
            chart
                .days
                .iter()
                .enumerate()
                .filter(|(_, (_, v))| *v > 0)
                .map(|(i, (_, v))| {
                    Text::new(
                        thousands(u64::from(*v)),
                        (SegmentValue::CenterOf(i as i32 + offset), *v + top / 60),
                        style.clone(),
                    )
                }),
        )
        .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

fn encode(pixels: &[u8]) -> Result<Vec<u8>, ReportError> {
    let png_err = |e: png::EncodingError| ReportError::Png(e.to_string());
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(pixels).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: usize) -> Vec<(NaiveDate, u32)> {
        let first = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
        (0..n)
            .map(|i| {
                (
                    first + chrono::Duration::days(i as i64),
                    ((i * 37) % 23) as u32,
                )
            })
            .collect()
    }

    /// Decodes a PNG and answers its size and colour type.
    fn decode(bytes: &[u8]) -> (u32, u32, png::ColorType) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        (info.width, info.height, info.color_type)
    }

    #[test]
    fn charts_are_valid_pngs_of_the_stated_size() {
        for n in [1, 7, 31, 92, 400] {
            let days = days(n);
            let png = daily_bar_chart(&DailyChart {
                counted: "Attendees",
                subtitle: "Attendance in Theater, last week (2026-11-16 – 2026-11-22, Europe/Paris)",
                days_label: "Day (Europe/Paris)",
                days: &days,
            })
            .expect("chart");
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{n} days");
            assert_eq!(decode(&png), (WIDTH, HEIGHT, png::ColorType::Rgb));
            assert!(png.len() < 400_000, "{n} days: {} bytes", png.len());
        }
    }

    #[test]
    fn an_empty_range_still_draws() {
        let png = daily_bar_chart(&DailyChart {
            counted: "Attendees",
            subtitle: "Nobody",
            days_label: "Day (UTC)",
            days: &[],
        })
        .expect("chart");
        assert_eq!(decode(&png).0, WIDTH);
    }

    #[test]
    fn text_is_drawn() {
        // The same chart with and without a subtitle differs: the font renders.
        let d = days(7);
        let with = |subtitle: &str| {
            daily_bar_chart(&DailyChart {
                subtitle,
                counted: "Attendees",
                days_label: "Day (UTC)",
                days: &d,
            })
            .expect("chart")
        };
        assert_ne!(with("A title"), with(""));
    }

    #[test]
    fn helpers() {
        assert_eq!(fitted("abcdef", |t| t.chars().count() <= 4), "abc…");
        assert_eq!(fitted("abc", |t| t.chars().count() <= 4), "abc");
        let d = NaiveDate::from_ymd_opt(2026, 11, 7).expect("date");
        assert_eq!(day_label(d, 7), "Nov 7");
        assert_eq!(day_label(d, 400), "Nov 2026");
    }
}
