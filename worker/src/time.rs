//! Clock and date formatting: Unix milliseconds in, RFC 3339 (for the page) and Exotel's
//! `YYYY-MM-DD HH:mm:ss` in IST (for the simulator) out. A few lines of calendar arithmetic
//! instead of a date crate.

/// Milliseconds since the Unix epoch, from the runtime's clock. (Inside a Worker the clock
/// advances only across I/O, which is all the precision this needs.)
pub fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// India Standard Time is UTC+5:30, all year.
const IST_OFFSET_MS: u64 = (5 * 60 + 30) * 60 * 1000;

/// `2026-11-26T10:00:00.000Z`, what `Date.prototype.toISOString` writes.
pub fn rfc3339(ms: u64) -> String {
    let (date, hms) = split(ms);
    format!("{date}T{hms}.{:03}Z", ms % 1000)
}

/// `2026-11-26 15:30:00`: Exotel's format, which is IST without saying so.
pub fn exotel_ist(ms: u64) -> String {
    let (date, hms) = split(ms + IST_OFFSET_MS);
    format!("{date} {hms}")
}

/// `("YYYY-MM-DD", "HH:MM:SS")` of a UTC instant.
fn split(ms: u64) -> (String, String) {
    let seconds = ms / 1000;
    let days = seconds / 86_400;
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        ),
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`,
/// restricted to dates after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29 (a leap day in a century leap year) 12:34:56.789 UTC.
        assert_eq!(rfc3339(951_827_696_789), "2000-02-29T12:34:56.789Z");
        // 2026-11-26 13:36:14 UTC is 19:06:14 in India.
        assert_eq!(exotel_ist(1_795_700_174_000), "2026-11-26 19:06:14");
        assert_eq!(rfc3339(1_795_700_174_000), "2026-11-26T13:36:14.000Z");
        // Across midnight and a year end in IST.
        assert_eq!(exotel_ist(1_798_741_800_000), "2027-01-01 00:00:00");
    }
}
