//! Opening hours: when the business takes calls, in its own time zone, and the times a visitor
//! may choose. `BUSINESS_HOURS` (the weekly schedule; unset: always open), `BUSINESS_TIMEZONE`
//! (IANA, default `Asia/Kolkata`), `HOLIDAYS` (dates closed all day), `SCHEDULE_MAX_DAYS`.
//!
//! Everything is computed from instants (Unix ms): local dates and times come from the zone's
//! offset at the instant, so daylight-saving changes need no special case beyond turning a local
//! time back into an instant (see [`OpeningHours::instant`]).

pub mod schedule;
pub mod zone;

use schedule::{Date, Minute, Weekly};
use zone::Zone;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// Slots are offered on the quarter hour.
pub const SLOT_MS: i64 = 15 * MINUTE_MS;
/// The whole of a day, for a business with no weekly schedule.
const WHOLE_DAY: [schedule::Range; 1] = [schedule::Range {
    open: 0,
    close: 1440,
}];
/// A chosen time must be at least this far ahead, so the cron has not passed it already.
const LEAD_MS: i64 = MINUTE_MS;

/// When the business takes calls.
pub struct OpeningHours {
    /// The weekly schedule; `None`: always open (holidays aside).
    pub weekly: Option<Weekly>,
    /// Dates closed all day.
    pub holidays: Vec<Date>,
    /// The business's time zone.
    pub zone: Box<dyn Zone>,
    /// How far ahead a call may be scheduled, days.
    pub max_days: u32,
}

impl std::fmt::Debug for OpeningHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpeningHours")
            .field("weekly", &self.weekly)
            .field("holidays", &self.holidays)
            .field("zone", &self.zone.name())
            .field("max_days", &self.max_days)
            .finish()
    }
}

/// An open interval, `[open, close)` in Unix ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// When it opens.
    pub open: i64,
    /// When it closes.
    pub close: i64,
}

impl OpeningHours {
    /// The local date and minute of the day at `utc_ms`.
    pub fn local(&self, utc_ms: i64) -> (Date, Minute) {
        let local = utc_ms + i64::from(self.zone.offset_minutes(utc_ms)) * MINUTE_MS;
        let date = Date::from_days(local.div_euclid(DAY_MS));
        (date, (local.rem_euclid(DAY_MS) / MINUTE_MS) as Minute)
    }

    /// The instant of local time `minute` on `date`. Around a daylight-saving change the offset
    /// is looked up at the first guess and again at the result; a local time that does not
    /// exist (the hour skipped in spring) comes out as the same wall-clock reading in the new
    /// offset, one that exists twice as its first occurrence.
    pub fn instant(&self, date: Date, minute: Minute) -> i64 {
        let local = date.days() * DAY_MS + i64::from(minute) * MINUTE_MS;
        let first = local - i64::from(self.zone.offset_minutes(local)) * MINUTE_MS;
        let second = local - i64::from(self.zone.offset_minutes(first)) * MINUTE_MS;
        first.min(second)
    }

    /// The open intervals that end after `from_ms`, for up to `days` local days from its date,
    /// in order and merged where one closes as the next opens (midnight in `00:00-24:00`).
    pub fn intervals(&self, from_ms: i64, days: u32) -> Vec<Interval> {
        let mut out: Vec<Interval> = Vec::new();
        for interval in self.day_intervals(from_ms, days) {
            match out.last_mut() {
                Some(last) if interval.open <= last.close => last.close = interval.close,
                _ => out.push(interval),
            }
        }
        out
    }

    /// The schedule's intervals day by day, unmerged, computed as they are taken: each day costs
    /// a few time-zone lookups (calls into `Intl` in the Worker), so a caller that needs only the
    /// first does not pay for a year of them.
    fn day_intervals(&self, from_ms: i64, days: u32) -> impl Iterator<Item = Interval> + '_ {
        let (today, _) = self.local(from_ms);
        (0..=i64::from(days))
            .map(move |offset| Date::from_days(today.days() + offset))
            .filter(|date| !self.holidays.contains(date))
            .flat_map(move |date| {
                let ranges = match &self.weekly {
                    Some(weekly) => weekly.days[date.weekday()].as_slice(),
                    None => &WHOLE_DAY,
                };
                ranges.iter().map(move |range| Interval {
                    open: self.instant(date, range.open),
                    close: self.instant(date, range.close),
                })
            })
            .filter(move |interval| interval.close > from_ms && interval.close > interval.open)
    }

    /// Open at every instant: no weekly schedule and no holidays. Answering this needs no local
    /// time, so a business that never set hours never asks the time-zone data.
    pub fn always_open(&self) -> bool {
        self.weekly.is_none() && self.holidays.is_empty()
    }

    /// The open interval `at_ms` falls in, if any.
    pub fn open_at(&self, at_ms: i64) -> Option<Interval> {
        self.intervals(at_ms, 1)
            .into_iter()
            .find(|i| i.open <= at_ms && at_ms < i.close)
    }

    /// When the opening `at_ms` falls in ends, if it is open and closes within a week (an
    /// always-open business never closes).
    pub fn closes_at(&self, at_ms: i64) -> Option<i64> {
        const WEEK: u32 = 7;
        if self.always_open() {
            return None;
        }
        self.intervals(at_ms, WEEK)
            .first()
            .filter(|i| i.open <= at_ms && i.close < at_ms + i64::from(WEEK) * DAY_MS)
            .map(|i| i.close)
    }

    /// When the business next opens at or after `at_ms` (itself when open), within `days`.
    pub fn next_open(&self, at_ms: i64, days: u32) -> Option<i64> {
        if self.always_open() {
            return Some(at_ms);
        }
        // Merging only ever extends an interval's close, so the first interval's opening is
        // the first day's.
        self.day_intervals(at_ms, days)
            .next()
            .map(|interval| interval.open.max(at_ms))
    }

    /// The bookable slots from `now_ms`: every quarter hour inside opening hours, at least a
    /// minute ahead, within `max_days`.
    pub fn slots(&self, now_ms: i64) -> Vec<i64> {
        let earliest = now_ms + LEAD_MS;
        let latest = now_ms + i64::from(self.max_days) * DAY_MS;
        let mut out = Vec::new();
        for interval in self.intervals(earliest, self.max_days) {
            let mut slot = ceil_to(interval.open.max(earliest), SLOT_MS);
            while slot < interval.close && slot <= latest {
                out.push(slot);
                slot += SLOT_MS;
            }
        }
        out
    }

    /// Whether a visitor may choose `at_ms` at `now_ms`; the rule it breaks otherwise.
    pub fn check_choice(&self, at_ms: i64, now_ms: i64) -> Result<(), String> {
        if at_ms < now_ms + LEAD_MS {
            return Err("expected a time in the future".to_owned());
        }
        if at_ms > now_ms + i64::from(self.max_days) * DAY_MS {
            return Err(format!(
                "expected a time within the next {} days",
                self.max_days
            ));
        }
        let (date, _) = self.local(at_ms);
        if self.holidays.contains(&date) {
            return Err(format!(
                "expected a day we are open, but {date} is a holiday"
            ));
        }
        if self.open_at(at_ms).is_none() {
            return Err("expected a time inside our opening hours".to_owned());
        }
        Ok(())
    }

    /// `2026-12-03T09:30:00+05:30`: an instant in the business's zone, with its offset.
    pub fn rfc3339(&self, utc_ms: i64) -> String {
        let offset = self.zone.offset_minutes(utc_ms);
        let (date, minute) = self.local(utc_ms);
        let seconds = utc_ms.rem_euclid(MINUTE_MS) / 1000;
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.unsigned_abs();
        format!(
            "{date}T{}:{seconds:02}{sign}{:02}:{:02}",
            schedule::hhmm(minute),
            abs / 60,
            abs % 60
        )
    }
}

fn ceil_to(value: i64, step: i64) -> i64 {
    value.div_euclid(step) * step + if value.rem_euclid(step) == 0 { 0 } else { step }
}

/// Reads an RFC 3339 date-time with its offset (`2026-12-03T09:30:00+05:30`, `...Z`, seconds
/// and fractions optional) into Unix ms.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, rest) = text.split_once(['T', 't', ' '])?;
    let date = Date::parse(date)?;
    let (time, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(at) => rest.split_at(at),
        None => return None,
    };
    let offset_minutes = match offset {
        "Z" | "z" => 0,
        _ => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (h, m) = offset[1..].split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 60 + m)
        }
    };
    let mut fields = time.split(':');
    let (h, m) = (fields.next()?, fields.next()?);
    let s = fields.next().unwrap_or("00");
    if fields.next().is_some() || h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    if whole.len() != 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    let (h, m, s): (i64, i64, i64) = (h.parse().ok()?, m.parse().ok()?, whole.parse().ok()?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}")[..3].parse().ok()?;
    Some(
        date.days() * DAY_MS
            + (h * 60 + m - offset_minutes) * MINUTE_MS
            + s.min(59) * 1000
            + millis,
    )
}

#[cfg(test)]
mod tests {
    use super::zone::{Fixed, London};
    use super::*;

    fn hours(schedule: &str, zone: Box<dyn Zone>) -> OpeningHours {
        OpeningHours {
            weekly: Some(schedule::parse_weekly(schedule).unwrap()),
            holidays: Vec::new(),
            zone,
            max_days: 7,
        }
    }

    fn at(text: &str) -> i64 {
        parse_rfc3339(text).unwrap()
    }

    #[test]
    fn open_and_next_opening_in_india() {
        let india = hours(
            "mon-fri 09:30-18:30, sat 10:00-14:00",
            Box::new(Fixed("Asia/Kolkata", 330)),
        );
        // Thursday 2026-12-03 10:00 IST is open, until 18:30 IST.
        let thursday = at("2026-12-03T10:00:00+05:30");
        let open = india.open_at(thursday).unwrap();
        assert_eq!(india.rfc3339(open.close), "2026-12-03T18:30:00+05:30");
        assert_eq!(india.closes_at(thursday), Some(open.close));
        let always = OpeningHours {
            weekly: None,
            holidays: Vec::new(),
            zone: Box::new(Fixed("Asia/Kolkata", 330)),
            max_days: 7,
        };
        assert_eq!(always.closes_at(thursday), None, "always open never closes");
        // Friday 20:00: closed; next opening is Saturday 10:00.
        let friday_night = at("2026-12-04T20:00:00+05:30");
        assert!(india.open_at(friday_night).is_none());
        let next = india.next_open(friday_night, 7).unwrap();
        assert_eq!(india.rfc3339(next), "2026-12-05T10:00:00+05:30");
        // Saturday 15:00: next is Monday 09:30.
        let next = india.next_open(at("2026-12-05T15:00:00+05:30"), 7).unwrap();
        assert_eq!(india.rfc3339(next), "2026-12-07T09:30:00+05:30");
        // With Monday a holiday, Tuesday.
        let mut closed_monday = india;
        closed_monday
            .holidays
            .push(Date::parse("2026-12-07").unwrap());
        let next = closed_monday
            .next_open(at("2026-12-05T15:00:00+05:30"), 7)
            .unwrap();
        assert_eq!(closed_monday.rfc3339(next), "2026-12-08T09:30:00+05:30");
    }

    #[test]
    fn always_open_only_without_a_schedule_or_holidays() {
        let mut always = OpeningHours {
            weekly: None,
            holidays: Vec::new(),
            zone: Box::new(Fixed("Asia/Kolkata", 330)),
            max_days: 7,
        };
        assert!(always.always_open());
        // The shortcut agrees with the long way round at every hour of a week.
        let start = at("2026-12-03T00:00:00+05:30");
        for hour in 0..24 * 7 {
            assert!(always.open_at(start + hour * 3_600_000).is_some());
        }
        always.holidays.push(Date::parse("2026-12-04").unwrap());
        assert!(!always.always_open());
        assert!(always.open_at(at("2026-12-04T12:00:00+05:30")).is_none());
        let scheduled = hours("mon-fri 09:30-18:30", Box::new(Fixed("Asia/Kolkata", 330)));
        assert!(!scheduled.always_open());
    }

    /// A fixed zone that counts how often it is asked (each ask is a call into `Intl` in the
    /// Worker).
    struct Counted(std::rc::Rc<std::cell::Cell<u32>>);

    impl Zone for Counted {
        fn name(&self) -> &str {
            "Asia/Kolkata"
        }
        fn offset_minutes(&self, _: i64) -> i32 {
            self.0.set(self.0.get() + 1);
            330
        }
    }

    #[test]
    fn the_next_opening_asks_the_zone_about_the_days_it_needs_not_a_year() {
        let asked = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut india = hours("mon-fri 09:30-18:30", Box::new(Counted(asked.clone())));
        let friday_night = at("2026-12-04T20:00:00+05:30");
        let next = india.next_open(friday_night, 366).unwrap();
        // The local date, then two instants (two lookups each) for Friday and Monday, the days
        // with an opening up to Monday's; the old way asked about all 367 days.
        let asked_for_monday = asked.get();
        assert_eq!(india.rfc3339(next), "2026-12-07T09:30:00+05:30");
        assert!(
            asked_for_monday <= 1 + 2 * 2 * 2,
            "{asked_for_monday} lookups"
        );
        // Always open: now, with no lookup at all.
        india.weekly = None;
        asked.set(0);
        assert_eq!(india.next_open(friday_night, 366), Some(friday_night));
        assert_eq!(india.closes_at(friday_night), None);
        assert_eq!(asked.get(), 0);
    }

    #[test]
    fn london_across_the_spring_change() {
        let london = hours("mon-sun 09:00-17:00", Box::new(London));
        // Saturday 2027-03-27 09:00 is GMT (09:00Z); Sunday 2027-03-28 09:00 is BST (08:00Z).
        let saturday = london.next_open(at("2027-03-27T07:00:00Z"), 7).unwrap();
        assert_eq!(saturday, at("2027-03-27T09:00:00Z"));
        assert_eq!(london.rfc3339(saturday), "2027-03-27T09:00:00+00:00");
        let sunday = london.next_open(at("2027-03-27T18:00:00Z"), 7).unwrap();
        assert_eq!(sunday, at("2027-03-28T08:00:00Z"));
        assert_eq!(london.rfc3339(sunday), "2027-03-28T09:00:00+01:00");
        // The slots follow the wall clock: 09:00 local both days.
        let slots = london.slots(at("2027-03-27T07:00:00Z"));
        assert_eq!(slots[0], saturday);
        assert!(slots.contains(&sunday));
        assert!(
            !slots.contains(&at("2027-03-28T16:15:00Z")),
            "17:15 BST is after closing"
        );
        // A local time skipped by the change (01:30 on 2027-03-28) still maps to an instant.
        let skipped = london.instant(Date::parse("2027-03-28").unwrap(), 90);
        assert_eq!(london.rfc3339(skipped).len(), 25);
    }

    #[test]
    fn slots_are_quarter_hours_inside_hours() {
        let india = hours("mon-fri 09:30-10:30", Box::new(Fixed("Asia/Kolkata", 330)));
        let slots = india.slots(at("2026-12-03T09:52:00+05:30"));
        let shown: Vec<String> = slots.iter().take(4).map(|&s| india.rfc3339(s)).collect();
        assert_eq!(
            shown,
            [
                "2026-12-03T10:00:00+05:30",
                "2026-12-03T10:15:00+05:30",
                "2026-12-04T09:30:00+05:30",
                "2026-12-04T09:45:00+05:30"
            ]
        );
        assert!(slots.len() <= 4 * 5 + 2);
    }

    #[test]
    fn a_chosen_time_breaks_one_named_rule_or_none() {
        let mut india = hours("mon-fri 09:30-18:30", Box::new(Fixed("Asia/Kolkata", 330)));
        india.holidays.push(Date::parse("2026-12-25").unwrap());
        let now = at("2026-12-03T10:00:00+05:30");
        assert_eq!(
            india.check_choice(at("2026-12-04T11:00:00+05:30"), now),
            Ok(())
        );
        for (choice, rule) in [
            ("2026-12-03T09:00:00+05:30", "expected a time in the future"),
            (
                "2026-12-11T11:00:00+05:30",
                "expected a time within the next 7 days",
            ),
            (
                "2026-12-04T20:00:00+05:30",
                "expected a time inside our opening hours",
            ),
            (
                "2026-12-05T11:00:00+05:30",
                "expected a time inside our opening hours",
            ),
        ] {
            assert_eq!(
                india.check_choice(at(choice), now),
                Err(rule.to_owned()),
                "{choice}"
            );
        }
        let late = at("2026-12-24T10:00:00+05:30");
        assert_eq!(
            india.check_choice(at("2026-12-25T11:00:00+05:30"), late),
            Err("expected a day we are open, but 2026-12-25 is a holiday".to_owned())
        );
    }

    #[test]
    fn rfc3339_reads_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T05:30:00+05:30"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5-00:00"), Some(1500));
        assert_eq!(parse_rfc3339("1970-01-01T00:00+00:00"), Some(0));
        for bad in [
            "1970-01-01T00:00:00",
            "1970-01-01",
            "tomorrow",
            "1970-01-01T25:00:00Z",
            "1970-13-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
