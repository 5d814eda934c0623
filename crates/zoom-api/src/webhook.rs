//! How Zoom signs a webhook request and answers its URL validation
//! (<https://developers.zoom.us/docs/api/webhooks/#verify-webhook-events>). The daemon checks
//! deliveries with it and the simulator signs them, so both follow the one rule.
//!
//! The message is `v0:{x-zm-request-timestamp}:{raw body}`, the MAC is HMAC-SHA256 under the
//! app's secret token, and `x-zm-signature` carries `v0=` and the MAC in lower-case hex. The
//! body is hashed as received: re-serialising the JSON would change its bytes.

use hmac::{KeyInit, Mac};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The header with the request's signature.
pub const SIGNATURE_HEADER: &str = "x-zm-signature";
/// The header with the request's time, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "x-zm-request-timestamp";
/// The event Zoom sends to validate the endpoint URL, when it is set and every 72 hours.
pub const URL_VALIDATION_EVENT: &str = "endpoint.url_validation";

const VERSION: &str = "v0";

fn mac(secret: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    for part in parts {
        mac.update(part);
    }
    mac
}

fn signed(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    mac(
        secret,
        &[VERSION.as_bytes(), b":", timestamp.as_bytes(), b":", body],
    )
}

/// The `x-zm-signature` value Zoom sends for `body` at `timestamp`.
pub fn signature(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    let digest = signed(secret, timestamp, body).finalize().into_bytes();
    format!("{VERSION}={}", hex::encode(digest))
}

/// Whether `header` is the signature of `body` at `timestamp` under `secret`, compared in
/// constant time so that a forger learns nothing from how long a refusal takes.
pub fn signature_matches(secret: &[u8], timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.strip_prefix("v0=") else {
        return false;
    };
    let Ok(digest) = hex::decode(hex_digest) else {
        return false;
    };
    signed(secret, timestamp, body)
        .verify_slice(&digest)
        .is_ok()
}

/// The `encryptedToken` of the answer to [`URL_VALIDATION_EVENT`]: HMAC-SHA256 of the
/// `plainToken` under the secret token, in lower-case hex.
pub fn encrypted_token(secret: &[u8], plain_token: &str) -> String {
    hex::encode(
        mac(secret, &[plain_token.as_bytes()])
            .finalize()
            .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Both computed independently, with
    // `printf 'v0:1739923528:{"event":"user.updated"}' | openssl dgst -sha256 -hmac secret` and
    // `printf qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac secret`.
    const BODY: &[u8] = br#"{"event":"user.updated"}"#;
    const SIGNED: &str = "v0=988d12a7e2e5f21086d7ff279bda7498e29aa5f5534e799a8fd3afb863527ee2";
    const ENCRYPTED: &str = "72cef096bfd47c0b8664df30d07721641e4abd7e885ba432204260db477a9a3e";

    #[test]
    fn the_signature_is_the_hmac_of_the_documented_message() {
        assert_eq!(signature(b"secret", "1739923528", BODY), SIGNED);
        assert!(signature_matches(b"secret", "1739923528", BODY, SIGNED));
    }

    #[test]
    fn any_change_to_secret_time_body_or_signature_fails_the_match() {
        let cases: [(&[u8], &str, &[u8], &str); 7] = [
            (b"other", "1739923528", BODY, SIGNED),
            (b"secret", "1739923529", BODY, SIGNED),
            (
                b"secret",
                "1739923528",
                br#"{"event":"user.updated" }"#,
                SIGNED,
            ),
            (b"secret", "1739923528", BODY, &SIGNED[3..]),
            (
                b"secret",
                "1739923528",
                BODY,
                "v1=988d12a7e2e5f21086d7ff279bda7498e29aa5f5534e799a8fd3afb863527ee2",
            ),
            (b"secret", "1739923528", BODY, "v0=988D12A7"),
            (b"secret", "1739923528", BODY, "v0=not hex"),
        ];
        for (secret, timestamp, body, header) in cases {
            assert!(
                !signature_matches(secret, timestamp, body, header),
                "{timestamp} {header}"
            );
        }
    }

    #[test]
    fn the_url_validation_token_is_the_hmac_of_the_plain_token() {
        assert_eq!(
            encrypted_token(b"secret", "qgg8vlvZRS6UYooatFL8Aw"),
            ENCRYPTED
        );
    }
}
