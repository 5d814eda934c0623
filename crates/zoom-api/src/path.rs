//! Path segments as Zoom reads them: percent-encoded, and a meeting UUID that Zoom would decode
//! twice encoded twice.

/// Everything but RFC 3986's unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one path segment (an email's `+` or `@`, an id).
pub fn path_segment(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, SEGMENT).to_string()
}

/// Percent-encodes a meeting or webinar id or UUID for a path. Zoom decodes such a segment
/// twice when the UUID begins with `/` or contains `//`, so those are encoded twice; encoding
/// any other UUID twice would be harmless, but once is what Zoom documents
/// (<https://developers.zoom.us/docs/api/using-zoom-apis/>).
pub fn meeting_path_segment(id_or_uuid: &str) -> String {
    let once = path_segment(id_or_uuid);
    if id_or_uuid.starts_with('/') || id_or_uuid.contains("//") {
        path_segment(&once)
    } else {
        once
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_zoom_decodes_twice_are_encoded_twice() {
        // The example in Zoom's `meetingId` descriptions
        // (https://developers.zoom.us/docs/api/meetings/).
        assert_eq!(
            meeting_path_segment("/ajXp112QmuoKj4854875=="),
            "%252FajXp112QmuoKj4854875%253D%253D"
        );
        assert_eq!(meeting_path_segment("ab//cd=="), "ab%252F%252Fcd%253D%253D");
        assert_eq!(meeting_path_segment("ab/cd+=="), "ab%2Fcd%2B%3D%3D");
        assert_eq!(meeting_path_segment("85746065432"), "85746065432");
    }
}
