//! Path parameters as Zoom reads them. Handlers take segments from the raw path and decode them
//! by hand: axum's router matches the raw path, so an encoded `%2F` stays inside its segment,
//! and axum's `Path` would answer bad UTF-8 with its own plain-text 400.
//!
//! Meeting and webinar UUIDs follow Zoom's double-encoding rule
//! (<https://developers.zoom.us/docs/api/using-zoom-apis/>): a segment that still holds `%` after
//! one decoding is decoded again. A UUID that begins with `/` or contains `//` and arrives encoded
//! only once is never found, whatever exists: Zoom's gateway has already turned it into path
//! separators (<https://github.com/Jericho/ZoomNet/issues/471>).

use axum::http::Uri;
use percent_encoding::percent_decode_str;

/// The `index`th `/`-separated piece of the raw path, `/v2` being pieces 0 and 1.
pub(crate) fn raw_segment(uri: &Uri, index: usize) -> &str {
    uri.path().split('/').nth(index).unwrap_or_default()
}

/// A user id or email from the path: decoded once.
pub(crate) fn user_param(uri: &Uri, index: usize) -> String {
    decode(raw_segment(uri, index))
}

/// A meeting or webinar id or UUID from the path, or `Err` with what Zoom would report as the
/// UUID it could not find.
pub(crate) fn session_param(uri: &Uri, index: usize) -> Result<String, String> {
    session_key(raw_segment(uri, index))
}

fn session_key(raw: &str) -> Result<String, String> {
    let once = decode(raw);
    if once.contains('%') {
        return Ok(decode(&once));
    }
    if once.starts_with('/') || once.contains("//") {
        // What is left after the gateway collapsed the slashes, as Zoom's message shows it.
        let mut seen = once.trim_start_matches('/').to_owned();
        while seen.contains("//") {
            seen = seen.replace("//", "/");
        }
        return Err(seen);
    }
    Ok(once)
}

fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoom_api::meeting_path_segment;

    #[test]
    fn double_encoded_uuids_decode_twice_and_single_ones_with_slashes_fail() {
        for uuid in [
            "/ajXp112QmuoKj4854875==",
            "ab//cd4854875QmuoKj48==",
            "ab/cd+==",
        ] {
            assert_eq!(
                session_key(&meeting_path_segment(uuid)),
                Ok(uuid.to_owned())
            );
        }
        assert_eq!(
            session_key("%2FpfVhQWoSQmUs6ZOwFD4kw%3D%3D"),
            Err("pfVhQWoSQmUs6ZOwFD4kw==".to_owned())
        );
        assert_eq!(session_key("ab%2F%2Fcd%3D%3D"), Err("ab/cd==".to_owned()));
        assert_eq!(session_key("85746065432"), Ok("85746065432".to_owned()));
        // Clients that double-encode every UUID are served too.
        assert_eq!(session_key("ab%252Bcd%253D%253D"), Ok("ab+cd==".to_owned()));
    }

    #[test]
    fn segments_come_from_the_raw_path() {
        let uri: Uri = "/v2/meetings/%252Fab%253D%253D/registrants?status=denied"
            .parse()
            .unwrap();
        assert_eq!(raw_segment(&uri, 3), "%252Fab%253D%253D");
        assert_eq!(raw_segment(&uri, 4), "registrants");
        assert_eq!(raw_segment(&uri, 9), "");
        let uri: Uri = "/v2/users/jill%40example.com/meetings".parse().unwrap();
        assert_eq!(user_param(&uri, 3), "jill@example.com");
    }
}
