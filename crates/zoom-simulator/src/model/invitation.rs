//! The invitation `GET /meetings/{meetingId}/invitation` returns: the note a host sends to
//! invite people, as Zoom words it (<https://developers.zoom.us/docs/api/meetings/>), made from
//! the meeting as it is now, so that it changes when the meeting does, and the SIP address it
//! lists. Zoom writes the time in the meeting's own zone; the simulator, which keeps no zone
//! database, writes it in UTC, as Zoom does for a meeting set in UTC.

use serde_json::{Value, json};

use crate::model::session::{Shape, SimSession};
use crate::model::user::SimUser;

impl SimSession {
    /// `{"invitation", "sip_links"}` for the meeting, inviting in `host`'s name.
    pub fn invitation_json(&self, host: Option<&SimUser>) -> Value {
        let sip = format!("{}@zoomcrc.com", self.id);
        let number = grouped(self.id);
        let inviter = host.map_or("Zoom", |h| h.display_name.as_str());
        let mut text = format!(
            "{inviter} is inviting you to a scheduled Zoom meeting.\r\n\r\nTopic: {}\r\n",
            self.topic
        );
        match (self.shape(), self.start_time) {
            (Shape::NoFixedTime, _) => {
                text.push_str("Time: This is a recurring meeting Meet anytime\r\n")
            }
            (Shape::Personal, _) | (_, None) => {}
            (_, Some(start)) => text.push_str(&format!(
                "Time: {} Universal Time UTC\r\n",
                start.format("%b %-d, %Y %I:%M %p")
            )),
        }
        text.push_str(&format!(
            "\r\nJoin Zoom Meeting\r\n{}\r\n\r\nMeeting ID: {number}\r\n",
            self.join_url()
        ));
        if !self.password.is_empty() {
            text.push_str(&format!("Passcode: {}\r\n", self.password));
        }
        text.push_str(&format!("\r\nJoin by SIP\r\n{sip}\r\n\r\n"));
        json!({ "invitation": text, "sip_links": [sip] })
    }
}

/// A meeting number as invitations print it: the first three digits, the last four, and the
/// rest between them (`555 4444 3210`, `857 460 6543`).
fn grouped(id: u64) -> String {
    let digits = id.to_string();
    if digits.len() <= 7 {
        return digits;
    }
    let (head, last) = digits.split_at(digits.len() - 4);
    let (first, middle) = head.split_at(3);
    format!("{first} {middle} {last}")
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn meeting_numbers_are_grouped_as_invitations_print_them() {
        assert_eq!(grouped(55544443210), "555 4444 3210");
        assert_eq!(grouped(8574606543), "857 460 6543");
        assert_eq!(grouped(1234567), "1234567");
    }
}
