//! `BUSINESS_HOURS` and `HOLIDAYS` as written, read into a weekly schedule and a set of dates.
//! Pure: no clock and no time zone (those are `hours::Zone`'s).

use std::fmt;

/// Days of the week as `BUSINESS_HOURS` spells them, Monday first.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Minutes since midnight: `09:30` is 570; `24:00` (1440) may end a range.
pub type Minute = u16;

/// One opening range on one day, `[open, close)` in local minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// When it opens.
    pub open: Minute,
    /// When it closes (after `open`).
    pub close: Minute,
}

/// The weekly schedule: each day's ranges, sorted and not overlapping. Empty everywhere means
/// closed always; `None` in [`Hours`] means open always.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Weekly {
    /// Monday first.
    pub days: [Vec<Range>; 7],
}

/// A local calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// e.g. 2026.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year) - i64::from(self.month <= 2),
            i64::from(self.month),
            i64::from(self.day),
        );
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// 0 for Monday to 6 for Sunday.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as usize
    }

    /// `YYYY-MM-DD`, a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let date = Date {
            year: number(0..4)? as i32,
            month: number(5..7)? as u8,
            day: number(8..10)? as u8,
        };
        // A real date round-trips through its day number.
        (date.month >= 1 && Date::from_days(date.days()) == date).then_some(date)
    }
}

/// Reads `BUSINESS_HOURS`: comma-separated entries, each a day or a range of days and one or
/// more `HH:MM-HH:MM` ranges, e.g. `mon-fri 09:30-18:30, sat 10:00-14:00`. Entries for the same
/// day add up; ranges that touch or overlap are merged.
pub fn parse_weekly(text: &str) -> Result<Weekly, String> {
    let mut weekly = Weekly::default();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let mut words = entry.split_whitespace();
        let days = words.next().unwrap_or_default();
        let (first, last) = match days.split_once('-') {
            Some((a, b)) => (day_index(a)?, day_index(b)?),
            None => {
                let day = day_index(days)?;
                (day, day)
            }
        };
        if last < first {
            return Err(format!(
                "expected days in week order like mon-fri, but got `{days}`"
            ));
        }
        let ranges: Vec<Range> = words.map(parse_range).collect::<Result<_, _>>()?;
        if ranges.is_empty() {
            return Err(format!(
                "expected opening times like `{days} 09:30-18:30`, but got none for `{days}`"
            ));
        }
        for day in first..=last {
            weekly.days[day].extend(ranges.iter().copied());
        }
    }
    for ranges in &mut weekly.days {
        // Ranges opening at the same minute merge into one whatever their order: the unstable
        // sort does, in less code than the stable one.
        ranges.sort_unstable_by_key(|r| r.open);
        let mut merged: Vec<Range> = Vec::new();
        for range in ranges.drain(..) {
            match merged.last_mut() {
                Some(last) if range.open <= last.close => last.close = last.close.max(range.close),
                _ => merged.push(range),
            }
        }
        *ranges = merged;
    }
    if weekly.days.iter().all(Vec::is_empty) {
        return Err("expected at least one day like `mon-fri 09:30-18:30`".to_owned());
    }
    Ok(weekly)
}

fn day_index(word: &str) -> Result<usize, String> {
    let lower = word.to_ascii_lowercase();
    DAYS.iter().position(|d| *d == lower).ok_or_else(|| {
        format!("expected a day among mon, tue, wed, thu, fri, sat, sun, but got `{word}`")
    })
}

fn parse_range(text: &str) -> Result<Range, String> {
    let bad = || format!("expected a time range like 09:30-18:30, but got `{text}`");
    let (open, close) = text.split_once('-').ok_or_else(bad)?;
    let (open, close) = (
        parse_minute(open).ok_or_else(bad)?,
        parse_minute(close).ok_or_else(bad)?,
    );
    if close <= open {
        return Err(format!(
            "expected `{text}` to close after it opens (a range cannot run past midnight: split it)"
        ));
    }
    Ok(Range { open, close })
}

/// `HH:MM` (24-hour), or `24:00`.
fn parse_minute(text: &str) -> Option<Minute> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (Minute, Minute) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Reads `HOLIDAYS`: comma-separated `YYYY-MM-DD` dates.
pub fn parse_holidays(text: &str) -> Result<Vec<Date>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            Date::parse(d).ok_or_else(|| format!("expected dates like 2026-12-25, but got `{d}`"))
        })
        .collect()
}

/// The schedule written back in its own syntax, one entry per day that has hours, for the page.
pub fn describe(weekly: &Weekly) -> String {
    let mut out = Vec::new();
    for (i, ranges) in weekly.days.iter().enumerate() {
        if ranges.is_empty() {
            continue;
        }
        let times: Vec<String> = ranges
            .iter()
            .map(|r| format!("{}-{}", hhmm(r.open), hhmm(r.close)))
            .collect();
        out.push(format!("{} {}", DAYS[i], times.join(" ")));
    }
    out.join(", ")
}

/// `09:30`.
pub fn hhmm(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekly_schedules_read_as_written() {
        let weekly = parse_weekly("mon-fri 09:30-18:30, sat 10:00-14:00").unwrap();
        assert_eq!(
            weekly.days[0],
            [Range {
                open: 570,
                close: 1110
            }]
        );
        assert_eq!(weekly.days[4], weekly.days[0]);
        assert_eq!(
            weekly.days[5],
            [Range {
                open: 600,
                close: 840
            }]
        );
        assert!(weekly.days[6].is_empty());
        assert_eq!(describe(&weekly), "mon 09:30-18:30, tue 09:30-18:30, wed 09:30-18:30, thu 09:30-18:30, fri 09:30-18:30, sat 10:00-14:00");
        let split =
            parse_weekly("Mon 09:00-13:00 14:00-18:00, mon 12:00-14:30, sun 00:00-24:00").unwrap();
        assert_eq!(
            split.days[0],
            [Range {
                open: 540,
                close: 1080
            }],
            "merged"
        );
        assert_eq!(
            split.days[6],
            [Range {
                open: 0,
                close: 1440
            }]
        );
    }

    #[test]
    fn bad_schedules_say_what_was_wrong() {
        for (text, problem) in [
            ("mon-fri", "expected opening times like `mon-fri 09:30-18:30`, but got none for `mon-fri`"),
            ("funday 09:00-10:00", "expected a day among mon, tue, wed, thu, fri, sat, sun, but got `funday`"),
            ("fri-mon 09:00-10:00", "expected days in week order like mon-fri, but got `fri-mon`"),
            ("mon 9:00-10:00", "expected a time range like 09:30-18:30, but got `9:00-10:00`"),
            ("mon 22:00-02:00", "expected `22:00-02:00` to close after it opens (a range cannot run past midnight: split it)"),
            ("mon 10:00-24:30", "expected a time range like 09:30-18:30, but got `10:00-24:30`"),
            (" , ", "expected at least one day like `mon-fri 09:30-18:30`"),
        ] {
            assert_eq!(parse_weekly(text).unwrap_err(), problem, "{text}");
        }
    }

    #[test]
    fn dates_and_weekdays() {
        let christmas = Date::parse("2026-12-25").unwrap();
        assert_eq!(christmas.weekday(), 4, "a Friday");
        assert_eq!(Date::from_days(christmas.days()), christmas);
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2028-02-29").unwrap().weekday(), 1, "a Tuesday");
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-12-25",
            "2026-12-2x",
            "2026/12/25",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(parse_holidays("2026-12-25, 2027-01-26").unwrap().len(), 2);
        assert_eq!(
            parse_holidays("2026-12-25, tomorrow").unwrap_err(),
            "expected dates like 2026-12-25, but got `tomorrow`"
        );
    }
}
