//! `ZOOM_MIRROR_TOKEN_KEY`: 32 bytes, base64 (`openssl rand -base64 32`), sealing each token with
//! AES-256-GCM under a fresh random nonce. The column's name is the associated data, so a token
//! moved to the other column does not open.

use std::sync::Arc;

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};

use super::error::OAuthError;

/// The variable (and systemd credential) the key comes from, named in every error about it.
pub const KEY_VAR: &str = "ZOOM_MIRROR_TOKEN_KEY";

const NONCE_BYTES: usize = 12;

/// Shared: the cipher holds the expanded key, some hundreds of bytes.
#[derive(Clone)]
pub struct TokenKey(Arc<Aes256Gcm>);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey([redacted])")
    }
}

impl TokenKey {
    /// The key from its base64 text; the error says what is wrong without quoting it.
    pub fn parse(text: &SecretString) -> Result<TokenKey, String> {
        let bytes = STANDARD
            .decode(text.expose_secret().trim())
            .map_err(|_| "is not base64; make a key with `openssl rand -base64 32`".to_owned())?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| {
            format!(
                "is {} bytes once decoded, not 32; make a key with `openssl rand -base64 32`",
                bytes.len()
            )
        })?;
        Ok(TokenKey(Arc::new(cipher)))
    }

    /// Nonce, then ciphertext and tag.
    pub fn seal(&self, token: &SecretString, column: &str) -> Vec<u8> {
        let nonce = Nonce::generate();
        let sealed = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: token.expose_secret().as_bytes(),
                    aad: column.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any token: they are far below its length limit");
        [nonce.as_slice(), &sealed].concat()
    }

    pub fn open(&self, sealed: &[u8], column: &'static str) -> Result<SecretString, OAuthError> {
        let wrong_key = || OAuthError::WrongKey { column };
        if sealed.len() < NONCE_BYTES {
            return Err(wrong_key());
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let nonce = Nonce::try_from(nonce).map_err(|_| wrong_key())?;
        let plain = self
            .0
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| wrong_key())?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| wrong_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> TokenKey {
        TokenKey::parse(&SecretString::from(STANDARD.encode([byte; 32]))).unwrap()
    }

    #[test]
    fn a_sealed_token_opens_only_with_its_key_and_column() {
        let token = SecretString::from("rt-0123456789abcdef".to_owned());
        let sealed = key(1).seal(&token, "refresh_token");
        assert!(
            !sealed
                .windows(token.expose_secret().len())
                .any(|w| w == token.expose_secret().as_bytes())
        );
        let opened = key(1).open(&sealed, "refresh_token").unwrap();
        assert_eq!(opened.expose_secret(), token.expose_secret());
        assert_ne!(
            sealed,
            key(1).seal(&token, "refresh_token"),
            "a fresh nonce"
        );
        let wrong = key(2)
            .open(&sealed, "refresh_token")
            .unwrap_err()
            .to_string();
        assert!(wrong.contains("another ZOOM_MIRROR_TOKEN_KEY"), "{wrong}");
        assert!(key(1).open(&sealed, "access_token").is_err());
        assert!(key(1).open(&sealed[..5], "refresh_token").is_err());
    }

    #[test]
    fn a_key_of_the_wrong_length_or_not_base64_says_so() {
        let short = TokenKey::parse(&SecretString::from(STANDARD.encode([0_u8; 16]))).unwrap_err();
        assert!(
            short.contains("16 bytes") && short.contains("openssl rand"),
            "{short}"
        );
        let text = TokenKey::parse(&SecretString::from("not base64!".to_owned())).unwrap_err();
        assert!(text.contains("not base64"), "{text}");
    }
}
