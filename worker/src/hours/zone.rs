//! Time zones: the offset from UTC at an instant. The Worker asks the runtime's own time-zone
//! data (`Intl.DateTimeFormat`, full ICU in workerd) rather than bundling a tz database into
//! the wasm; the tests use fixed offsets and a hand-written daylight-saving zone.

use std::cell::RefCell;

use worker::js_sys::{self, Array, Object, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};

/// A time zone: how far local time is ahead of UTC at an instant.
pub trait Zone {
    /// The IANA name, e.g. `Asia/Kolkata`.
    fn name(&self) -> &str;
    /// Minutes local time is ahead of UTC at `utc_ms` (negative west of Greenwich).
    fn offset_minutes(&self, utc_ms: i64) -> i32;
}

/// A zone backed by the runtime's `Intl.DateTimeFormat`, or a fixed offset for the few zones
/// that have one.
///
/// The first `DateTimeFormat` with a `timeZone` loads the runtime's time-zone data, which took
/// about 30 ms in workerd here: more than the rest of a cold request. So a zone with a fixed
/// offset (the default among them) needs no formatter at all; any other is made once per
/// isolate and kept (`FORMATS`), at once, which also checks the name.
pub struct IntlZone {
    name: String,
    /// The offset of a zone that has one all year (see [`FIXED_OFFSETS`]), asked of no
    /// formatter.
    fixed: Option<i32>,
}

/// Zones whose offset has not changed in living memory and has no daylight saving, by IANA
/// name, in minutes: India (UTC+05:30 since 1945) and UTC. Most businesses here are in India,
/// and answering their offsets from this table means the Worker never loads the runtime's
/// time-zone data for them, which took about 20 ms of a cold start's first request. Should
/// India ever change its clocks, this table changes with it.
const FIXED_OFFSETS: [(&str, i32); 4] = [
    ("Asia/Kolkata", 330),
    ("Asia/Calcutta", 330),
    ("UTC", 0),
    ("Etc/UTC", 0),
];

/// The zone when `BUSINESS_TIMEZONE` is unset: one of [`FIXED_OFFSETS`], so it never needs a
/// formatter.
pub const DEFAULT_ZONE: &str = "Asia/Kolkata";

thread_local! {
    /// Formatters made in this isolate, by zone name (a Worker uses one or two).
    static FORMATS: RefCell<Vec<(String, js_sys::Intl::DateTimeFormat)>> = const { RefCell::new(Vec::new()) };
}

impl IntlZone {
    /// The zone called `name`, or why the runtime does not know it.
    pub fn new(name: &str) -> Result<IntlZone, String> {
        let fixed = FIXED_OFFSETS
            .iter()
            .find(|(zone, _)| *zone == name)
            .map(|(_, offset)| *offset);
        if fixed.is_none() {
            formatter(name)?;
        }
        Ok(IntlZone {
            name: name.to_owned(),
            fixed,
        })
    }
}

/// This isolate's formatter for `name`, made on first use.
fn formatter(name: &str) -> Result<js_sys::Intl::DateTimeFormat, String> {
    let known = FORMATS.with_borrow(|formats| {
        formats
            .iter()
            .find(|(zone, _)| zone == name)
            .map(|(_, format)| format.clone())
    });
    if let Some(format) = known {
        return Ok(format);
    }
    let format = new_formatter(name)?;
    FORMATS.with_borrow_mut(|formats| formats.push((name.to_owned(), format.clone())));
    Ok(format)
}

fn new_formatter(name: &str) -> Result<js_sys::Intl::DateTimeFormat, String> {
    let unknown = || format!("expected an IANA time zone like Asia/Kolkata, but got `{name}`");
    let options = Object::new();
    let set = |key: &str, value: &str| {
        Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value)).is_ok()
    };
    if !(set("timeZone", name) && set("timeZoneName", "longOffset")) {
        return Err(unknown());
    }
    let constructor = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl"))
        .and_then(|intl| Reflect::get(&intl, &JsValue::from_str("DateTimeFormat")))
        .map_err(|_| unknown())?;
    let constructor: js_sys::Function = constructor.dyn_into().map_err(|_| unknown())?;
    // Built with Reflect so the RangeError for an unknown zone comes back as an error.
    let format = Reflect::construct(&constructor, &Array::of2(&"en-US".into(), &options))
        .map_err(|_| unknown())?;
    Ok(format.unchecked_into())
}

impl Zone for IntlZone {
    fn name(&self) -> &str {
        &self.name
    }

    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        if let Some(offset) = self.fixed {
            return offset;
        }
        // `new` made this zone's formatter, so this finds it.
        let Ok(format) = formatter(&self.name) else {
            return 0;
        };
        let date = js_sys::Date::new(&JsValue::from_f64(utc_ms as f64));
        let parts = format.format_to_parts(&date);
        parts
            .iter()
            .find_map(|part| {
                let kind = Reflect::get(&part, &JsValue::from_str("type")).ok()?;
                (kind.as_string()? == "timeZoneName").then(|| {
                    Reflect::get(&part, &JsValue::from_str("value"))
                        .ok()?
                        .as_string()
                })?
            })
            .and_then(|text| parse_gmt_offset(&text))
            .unwrap_or(0)
    }
}

/// `GMT+05:30` → 330, `GMT-03:00` → -180, `GMT` → 0 (what `longOffset` writes).
pub fn parse_gmt_offset(text: &str) -> Option<i32> {
    let rest = text.strip_prefix("GMT")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' | 0xe2 => (-1, rest.trim_start_matches(['-', '\u{2212}'])),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?))
}

/// A zone with one offset all year (the tests' stand-in for `Asia/Kolkata`).
#[cfg(test)]
pub struct Fixed(pub &'static str, pub i32);

#[cfg(test)]
impl Zone for Fixed {
    fn name(&self) -> &str {
        self.0
    }
    fn offset_minutes(&self, _: i64) -> i32 {
        self.1
    }
}

/// Europe/London's 2026-2027 rules, for the daylight-saving tests: BST (+60) from the last
/// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
#[cfg(test)]
pub struct London;

#[cfg(test)]
impl Zone for London {
    fn name(&self) -> &str {
        "Europe/London"
    }
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        // 2026-03-29, 2026-10-25, 2027-03-28, 2027-10-31 at 01:00 UTC.
        const CHANGES: [i64; 4] = [
            1_774_746_000_000,
            1_792_890_000_000,
            1_806_195_600_000,
            1_824_944_400_000,
        ];
        let summer = CHANGES.iter().filter(|&&at| utc_ms >= at).count() % 2 == 1;
        if summer {
            60
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_zones_answer_without_the_runtime() {
        // Natively there is no `Intl`: asking it would fail, so these answers are the table's.
        let india = IntlZone::new("Asia/Kolkata").unwrap();
        let winter = 1_767_225_600_000; // 2026-01-01T00:00Z
        let summer = 1_782_864_000_000; // 2026-07-01T00:00Z
        assert_eq!(
            (india.offset_minutes(winter), india.offset_minutes(summer)),
            (330, 330)
        );
        assert_eq!(
            IntlZone::new("Asia/Calcutta").unwrap().offset_minutes(0),
            330
        );
        assert_eq!(IntlZone::new("UTC").unwrap().offset_minutes(summer), 0);
        assert_eq!(DEFAULT_ZONE, "Asia/Kolkata");
    }

    #[test]
    fn gmt_offsets_read_as_intl_writes_them() {
        assert_eq!(parse_gmt_offset("GMT+05:30"), Some(330));
        assert_eq!(parse_gmt_offset("GMT-03:00"), Some(-180));
        assert_eq!(parse_gmt_offset("GMT\u{2212}03:00"), Some(-180));
        assert_eq!(parse_gmt_offset("GMT"), Some(0));
        assert_eq!(parse_gmt_offset("GMT+1"), Some(60));
        assert_eq!(parse_gmt_offset("UTC"), None);
    }
}
