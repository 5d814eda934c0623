//! The write-back queue: rows other systems insert into `zoom.write_queue` become Zoom calls.
//! `validate` turns a row into a [`ZoomRequest`] or a reason naming the field.

pub mod action;
pub mod request;
mod validate;

pub use action::Action;
pub use request::{Subject, ZoomRequest};
pub use validate::{Invalid, validate};
