//! Text formats shared by the venues: RFC 3339 timestamps and small helpers.

/// Formats nanoseconds since the Unix epoch as RFC 3339 UTC with `digits` fractional digits
/// (6 gives Coinbase's and Kraken's `2014-11-07T08:19:27.028459Z`).
pub fn rfc3339(time_ns: i64, digits: u32) -> String {
    let secs = time_ns.div_euclid(1_000_000_000);
    let nanos = time_ns.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if digits > 0 {
        let digits = digits.min(9);
        let frac = nanos / 10i64.pow(9 - digits);
        s.push_str(&format!(".{frac:0width$}", width = digits as usize));
    }
    s.push('Z');
    s
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Wall-clock time, milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A UUID-shaped text derived from a number, so order ids are stable for a seed.
pub fn pseudo_uuid(x: u64) -> String {
    let a = splitmix(x);
    let b = splitmix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        b >> 52,
        b & 0xffff_ffff_ffff
    )
}

/// One step of SplitMix64: a cheap, well-mixed hash of a number.
pub fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a over the little-endian bytes of each id, in order: the checksum `/control/sent`
/// reports, so a client can compute the same over the ids it received.
pub fn fnv1a_step(hash: u64, id: u64) -> u64 {
    id.to_le_bytes().iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The FNV-1a offset basis: the checksum of no ids.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_instants() {
        // 1415348367.028459 s is Coinbase's documented sample time.
        assert_eq!(
            rfc3339(1_415_348_367_028_459_000, 6),
            "2014-11-07T08:19:27.028459Z"
        );
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(951_782_400_000_000_000, 3),
            "2000-02-29T00:00:00.000Z"
        );
    }

    #[test]
    fn pseudo_uuid_has_uuid_shape() {
        let u = pseudo_uuid(7);
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
    }
}
