//! The shapes of Zoom's identifiers, drawn from any RNG: the seeded one of the generated
//! account, or the thread's for what the API creates. Callers check for clashes themselves.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::{Rng, RngExt};

/// 22 characters (16 random bytes, URL-safe base64), like user and registrant ids.
pub(crate) fn id22(rng: &mut impl Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// 16 random bytes in standard base64: 24 characters ending `==`, `+` and `/` included.
pub(crate) fn uuid(rng: &mut impl Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    STANDARD.encode(bytes)
}

/// An upper-case UUID in its 8-4-4-4-12 form, like Team Chat message ids.
pub(crate) fn message_id(rng: &mut impl Rng) -> String {
    dashed_uuid(rng).to_ascii_uppercase()
}

/// A lower-case UUID in its 8-4-4-4-12 form, like recording file ids.
pub(crate) fn dashed_uuid(rng: &mut impl Rng) -> String {
    let hex = hex32(rng);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// 32 lower-case hexadecimal characters, like Team Chat channel ids.
pub(crate) fn hex32(rng: &mut impl Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An 11-digit meeting or webinar number.
pub(crate) fn session_number(rng: &mut impl Rng) -> u64 {
    rng.random_range(10_000_000_000u64..=99_999_999_999)
}

/// A 10-digit personal meeting ID.
pub(crate) fn pmi(rng: &mut impl Rng) -> u64 {
    rng.random_range(1_000_000_000u64..=9_999_999_999)
}

/// Eight URL-safe characters, within Zoom's passcode rules (at most 10; letters, digits, `-_`).
pub(crate) fn password(rng: &mut impl Rng) -> String {
    let mut bytes = [0u8; 6];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}
