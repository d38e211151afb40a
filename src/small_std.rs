//! Small stand-ins for pieces of std that cost the npm package's wasm more than they do here:
//! text without `core::fmt`, substring search (for single characters too), trimming, and a
//! sort.
//!
//! Why they exist: every browser that shows the page downloads the npm package's wasm, whose
//! budget is 40 KB gzipped (docs/js.md, "Size"). `format!` and `{:?}` bring `core::fmt`'s
//! machinery into it, and `escape_debug` brings Unicode's printable-character tables: about
//! 4 KB gzipped, for text this crate writes in a handful of shapes. std's two-way substring
//! searcher is about 3 KB and its sorts about 4 KB, for needles of a few bytes and lists of a
//! few keys; its char searchers (`find('<')`, `split('&')`, `trim()`...) with `memchr` and
//! `from_utf8_lossy` another 1.5 KB or so. So the core builds its text from pieces
//! ([`concat`]), writes numbers with [`decimal`], quotes what it got with [`quoted`], and
//! searches, trims and sorts with the few lines below. The `Display` impls hand the same text
//! to `fmt` for Rust users.
//!
//! Which build needs them: only the npm package's (npm/, no_std, built by scripts/build-pkg.sh,
//! whose size check names any `core::fmt` function that reaches its wasm). Code that only the
//! Worker or the tests reach uses `format!` and std freely. The npm crate uses [`concat`],
//! [`decimal`] and [`parse_unsigned`] for its own messages, so those three are public; each is
//! tested against the std function it replaces.

use crate::prelude::*;

/// `pieces` joined into one string.
pub fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|piece| piece.len()).sum());
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

/// `value` in decimal.
pub fn decimal(value: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        // `rest % 10` is a single digit, so the cast cannot truncate.
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::new();
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
    out
}

/// A number in `radix` (10 or 16) as `str::parse` reads one: an optional `+`, then digits only,
/// `None` for anything else or a value beyond `u64`. (One reader for every number the core
/// parses: std's `parse` is instantiated per integer type.)
pub fn parse_unsigned(text: &str, radix: u32) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(c.to_digit(radix)?))?;
    }
    Some(value)
}

/// `value` in decimal, with a `-` when negative.
pub(crate) fn signed_decimal(value: i64) -> String {
    let magnitude = decimal(value.unsigned_abs());
    if value < 0 {
        concat(&["-", &magnitude])
    } else {
        magnitude
    }
}

/// A code point as `U+XXXX`: upper-case hex, at least four digits.
pub(crate) fn code_point(c: char) -> String {
    let mut out = String::from("U+");
    push_hex(&mut out, u32::from(c), 4, b"0123456789ABCDEF");
    out
}

/// Appends `value` in hex with `digits` (a code point's six at most), without leading zeros
/// beyond `min_digits`.
fn push_hex(out: &mut String, value: u32, min_digits: u32, digits: &[u8; 16]) {
    let mut shift = 20;
    while shift >= 4 * min_digits && (value >> shift) & 0xf == 0 {
        shift -= 4;
    }
    loop {
        out.push(char::from(digits[((value >> shift) & 0xf) as usize]));
        if shift == 0 {
            return;
        }
        shift -= 4;
    }
}

/// `text.trim_matches(char::from(byte))` for an ASCII `byte`, on bytes: the char searcher's
/// loops are about 400 bytes of the npm package's wasm.
pub(crate) fn trim_byte(text: &str, byte: u8) -> &str {
    let bytes = text.as_bytes();
    let (mut start, mut end) = (0, bytes.len());
    while start < end && bytes.get(start) == Some(&byte) {
        start += 1;
    }
    while end > start && bytes.get(end - 1) == Some(&byte) {
        end -= 1;
    }
    text.get(start..end).unwrap_or_default()
}

/// `text.trim()`: Unicode's white space (`char::is_whitespace`, as `str::trim`) taken off
/// both ends, answered at once when both ends are visible ASCII, as nearly every value is.
/// `str::trim` and its one-sided forms walk characters through a searcher each, about 800 bytes
/// of the npm package's wasm, which also called it byte by byte.
#[inline]
pub(crate) fn trim(text: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if plain(text.as_bytes().first()) && plain(text.as_bytes().last()) {
        text
    } else {
        trim_end(trim_start(text))
    }
}

/// `text.trim_start()`.
pub(crate) fn trim_start(text: &str) -> &str {
    let mut rest = text;
    while let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    rest
}

/// `text.trim_end()`.
pub(crate) fn trim_end(text: &str) -> &str {
    let mut rest = text;
    while let Some(c) = rest.chars().next_back().filter(|c| c.is_whitespace()) {
        rest = rest.get(..rest.len() - c.len_utf8()).unwrap_or_default();
    }
    rest
}

/// `text` as a message quotes it: its first 40 characters, then `…` when there are more.
/// Counted on bytes (a character starts at every byte that is not `0b10xx_xxxx`):
/// `char_indices().nth()` is about 400 bytes of wasm.
pub(crate) fn shortened(text: &str) -> String {
    const MAX: usize = 40;
    let (mut at, mut chars) = (0, 0);
    while let Some(&byte) = text.as_bytes().get(at) {
        if byte & 0xc0 != 0x80 {
            if chars == MAX {
                return concat(&[text.get(..at).unwrap_or(text), "…"]);
            }
            chars += 1;
        }
        at += 1;
    }
    text.to_owned()
}

/// `text` between backticks, escaped by [`push_escaped`].
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    push_escaped(&mut out, text);
    out.push('`');
    out
}

/// Appends `text` with the characters that would hide, break or rewrite a message (or a log
/// line) escaped the way Rust's `escape_debug` writes them: `\n`, `\r`, `\t`, `\0`, `\\`, the
/// two quotes, and `\u{..}` for other control, format and separator characters (a right-to-left
/// override, a no-break space, U+2028...). Letters, digits and symbols of any script are kept,
/// so a message shows what was typed.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\\' | '"' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            c if is_invisible(c) => {
                out.push_str("\\u{");
                push_hex(out, u32::from(c), 1, b"0123456789abcdef");
                out.push('}');
            }
            c => out.push(c),
        }
    }
}

/// Whether `c` is a control character, a format character (Unicode's Cf: bidirectional
/// controls, zero-width characters, the BOM...), a separator other than the space, or private
/// use: the characters `escape_debug` escapes, short of Unicode's full tables (which would cost
/// more than the rest of this module; unassigned code points are shown as they are).
fn is_invisible(c: char) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (0x00, 0x1f),
        (0x7f, 0xa0),
        (0xad, 0xad),
        (0x600, 0x605),
        (0x61c, 0x61c),
        (0x6dd, 0x6dd),
        (0x70f, 0x70f),
        (0x890, 0x891),
        (0x8e2, 0x8e2),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xd800, 0xf8ff),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
        (0xf0000, 0x10ffff),
    ];
    let value = u32::from(c);
    RANGES
        .iter()
        .any(|&(first, last)| first <= value && value <= last)
}

/// Whether `c` is a decimal digit of a script other than ASCII's (Unicode's Nd): full-width,
/// Devanagari, Arabic-Indic, the mathematical digits... Each block of ten starts at one of
/// these code points (Unicode 16), which is all the check needs, without Unicode's tables.
pub(crate) fn is_non_ascii_digit(c: char) -> bool {
    const ZEROS: &[u32] = &[
        0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
        0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
        0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
        0xff10, 0x104a0, 0x10d30, 0x10d40, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450,
        0x114d0, 0x11650, 0x116c0, 0x116d0, 0x116da, 0x11730, 0x118e0, 0x11950, 0x11bf0, 0x11c50,
        0x11d50, 0x11da0, 0x11f50, 0x16130, 0x16a60, 0x16ac0, 0x16b50, 0x16d70, 0x1ccf0, 0x1d7ce,
        0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e4f0, 0x1e5f1, 0x1e950, 0x1fbf0,
    ];
    let value = u32::from(c);
    ZEROS.iter().any(|&zero| zero <= value && value < zero + 10)
}

/// Where `needle` first occurs in `text`. Hand-written for size (std's two-way searcher is about
/// 3 KB of wasm); the needles here are short. A needle that starts with an ASCII byte only
/// matches at character boundaries, so the index can slice `text`.
///
/// The crate looks for single ASCII characters with it too (`find_str(text, "<")`, and
/// [`split_once_str`] and [`split_str`] on `"="` or `"&"`), instead of `str::find(char)` and
/// `split(char)`: their char searcher and `memchr` are about 1 KB of the npm package's wasm.
/// The needle's first byte is looked for with [`find_byte`], and the rest compared only there.
#[cfg_attr(optimize_hot_paths, optimize(speed))]
pub(crate) fn find_str(text: &str, needle: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let Some((&first, rest)) = needle.as_bytes().split_first() else {
        return Some(0);
    };
    let mut at = 0;
    while let Some(found) = bytes.get(at..).and_then(|tail| find_byte(tail, first)) {
        at += found;
        if bytes.get(at + 1..at + 1 + rest.len()) == Some(rest) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// Where `byte` first occurs in `bytes`: eight bytes at a time while none of them is it (a
/// word with a zero byte where `byte` was, found with the usual bit trick), then byte by byte.
/// [`find_str`] finds its needle's first byte with it: `&` and `=` in form bodies, `<` and `>`
/// in XML, a multipart boundary's first byte.
#[cfg_attr(optimize_hot_paths, optimize(speed))]
fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let pattern = ONES * u64::from(byte);
    let mut at = 0;
    while let Some(word) = bytes
        .get(at..at + 8)
        .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
    {
        let diff = u64::from_le_bytes(word) ^ pattern;
        if diff.wrapping_sub(ONES) & !diff & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == byte {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// `text` split at the first `delimiter`, like `str::split_once`.
pub(crate) fn split_once_str<'a>(text: &'a str, delimiter: &str) -> Option<(&'a str, &'a str)> {
    let at = find_str(text, delimiter)?;
    Some((text.get(..at)?, text.get(at + delimiter.len()..)?))
}

/// `text` split at every `delimiter`, like `str::split`.
pub(crate) fn split_str<'a>(text: &'a str, delimiter: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((before, after)) =
        split_once_str(rest, delimiter).filter(|_| !delimiter.is_empty())
    {
        out.push(before);
        rest = after;
    }
    out.push(rest);
    out
}

/// Sorts in place, in O(n log n) whatever the input. Hand-written for size: std's sorts are
/// about 4 KB of wasm, and this sorts only the few keys of a list.
pub(crate) fn heap_sort(items: &mut [(u64, usize)]) {
    fn sift_down(items: &mut [(u64, usize)], mut root: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= items.len() {
                return;
            }
            if child + 1 < items.len() && items[child] < items[child + 1] {
                child += 1;
            }
            if items[root] >= items[child] {
                return;
            }
            items.swap(root, child);
            root = child;
        }
    }
    for root in (0..items.len() / 2).rev() {
        sift_down(items, root);
    }
    for end in (1..items.len()).rev() {
        items.swap(0, end);
        sift_down(&mut items[..end], 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_core_fmt_writes_them() {
        for value in [0, 7, 10, 14_400, u64::MAX] {
            assert_eq!(decimal(value), value.to_string());
        }
        for value in [0, -1, 42, i64::MIN, i64::MAX] {
            assert_eq!(signed_decimal(value), value.to_string());
        }
        for text in ["0", "17", "+17", "18446744073709551615", "007"] {
            assert_eq!(parse_unsigned(text, 10), text.parse::<u64>().ok(), "{text}");
        }
        for text in [
            "",
            "+",
            "-1",
            "1.0",
            " 1",
            "18446744073709551616",
            "１",
            "0x1",
        ] {
            assert_eq!(parse_unsigned(text, 10), None, "{text}");
        }
        assert_eq!(parse_unsigned("10FFFF", 16), Some(0x10ffff));
        assert_eq!(parse_unsigned("g", 16), None);
        for c in ['\0', 'A', '९', '９', '\u{1d7ce}', '\u{10ffff}'] {
            assert_eq!(code_point(c), format!("U+{:04X}", u32::from(c)));
        }
    }

    #[test]
    fn shortened_keeps_forty_characters_of_any_width() {
        for text in [
            "",
            "a",
            "é😀日",
            &"b".repeat(40),
            &"é".repeat(41),
            &"😀".repeat(100),
        ] {
            let theirs = match text.char_indices().nth(40) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text.to_owned(),
            };
            assert_eq!(shortened(text), theirs, "{text:?}");
        }
    }

    #[test]
    fn escaping_matches_escape_debug_where_it_matters() {
        // Everything this crate has quoted in a message, and what hostile input sends.
        for text in [
            "plain",
            "tab\there, cr\r, lf\n, nul\0, esc\u{1b}, del\u{7f}",
            "quotes ' \" and \\ backslash",
            "no-break\u{a0}space, line\u{2028}separator, rtl\u{202e}override",
            "zero\u{200b}width, bom\u{feff}, soft\u{ad}hyphen, private\u{e000}use",
            "scripts: ९८७ ٩٨٧ ９８７ 𝟗 é 日本 😀",
        ] {
            let mut ours = String::new();
            push_escaped(&mut ours, text);
            assert_eq!(ours, text.escape_debug().to_string(), "{text:?}");
        }
        assert_eq!(quoted("a\"b"), "`a\\\"b`");
    }

    #[test]
    fn non_ascii_digits_are_decimal_digits_of_other_scripts() {
        // Each block is ten numerics in a row (Rust 1.95's tables are Unicode 16).
        for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
            if is_non_ascii_digit(c) {
                assert!(c.is_numeric(), "{c:?} is not numeric");
            }
        }
        for c in ['٣', '۳', '३', '৩', '௩', '๓', '３', '𝟑', '𝟯', '𑁩'] {
            assert!(is_non_ascii_digit(c), "{c:?}");
        }
        // Numeric but not a decimal digit: fractions, superscripts, Roman numerals, circled.
        for c in ['½', '²', 'Ⅻ', '①', '〇', '3', 'a', '-'] {
            assert!(!is_non_ascii_digit(c), "{c:?}");
        }
    }

    #[test]
    fn trims_what_str_trims() {
        // Every white space character Unicode has, and neighbours that are not.
        let spaces: String = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        for text in [
            "",
            " ",
            "a",
            " a b ",
            "\t\r\n a\u{a0}",
            "\u{3000}日本\u{2028}",
            "\u{feff}a\u{feff}",
            "\u{200b}a\u{85}",
            "é",
            &spaces,
            &format!("{spaces}x{spaces}y{spaces}"),
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
            assert_eq!(trim_start(text), text.trim_start(), "{text:?}");
            assert_eq!(trim_end(text), text.trim_end(), "{text:?}");
        }
    }

    #[test]
    fn a_byte_is_found_wherever_it_falls_in_the_words_read() {
        // Every place in texts of up to three words, among ASCII and multi-byte characters
        // (bytes with the high bit set, which the word-at-a-time test must not mistake).
        for filler in ["a", "é", "\u{ff}"] {
            for length in 0..26 {
                let plain = filler.repeat(length);
                assert_eq!(find_str(&plain, "="), None, "{plain:?}");
                for at in 0..=length {
                    let text = format!("{}={}", filler.repeat(at), filler.repeat(length - at));
                    assert_eq!(find_str(&text, "="), text.find('='), "{text:?}");
                    assert_eq!(find_str(&text, "=a"), text.find("=a"), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn searches_find_what_str_finds() {
        let texts = [
            "",
            "a",
            "a=b&c=d",
            "x<y>z",
            "é=😀&=",
            "--b\r\n--b--",
            "aab",
            "日本",
        ];
        for text in texts {
            for needle in ["", "=", "&", "<", ">", "--", "b--", "ab", "😀", "本", "zz"] {
                assert_eq!(
                    find_str(text, needle),
                    text.find(needle),
                    "{text:?} {needle:?}"
                );
                assert_eq!(
                    split_once_str(text, needle),
                    text.split_once(needle),
                    "{text:?} {needle:?}"
                );
                if !needle.is_empty() {
                    let theirs: Vec<&str> = text.split(needle).collect();
                    assert_eq!(split_str(text, needle), theirs, "{text:?} {needle:?}");
                }
            }
        }
    }

    #[test]
    fn heap_sort_sorts() {
        let mut seed = 7u64;
        for len in 0..40 {
            let mut items: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 60, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort();
            heap_sort(&mut items);
            assert_eq!(items, expected);
        }
    }
}
